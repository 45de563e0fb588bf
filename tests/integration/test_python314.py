"""Python 3.14: Debian forky's Host-python for arm64, with Debian's own 3.14 as Build-python.

No pyenv here has 3.14, and forky's source packages cannot be fetched
here; forky's amd64 interpreter runs as Build-python through its own
dynamic loader (see ``conftest.forky_build_python``). The Host-python's PEP
739 ``build-details`` file is read and checked against its sysconfigdata.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import (
    FORKY,
    Setup,
    crossenv_command,
    elf_header,
    forky_build_python,
    make_setup,
    repo_env,
    require_toolchain,
)

pytestmark = pytest.mark.integration

#: markupsafe 3's C code on the target; one character of each string width.
CODE = 'import markupsafe._speedups as s; print(s._escape_inner("<é€😀&\'\\">"))'
ANSWER = "&lt;é€😀&amp;&#39;&#34;&gt;"


@pytest.fixture(scope="module")
def forky(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    require_toolchain("arm64")
    return make_setup(tmp_path_factory, "3.14", FORKY, "arm64", python=forky_build_python())


def test_build_details_are_read_and_agree(forky: Setup, tmp_path: Path) -> None:
    command = crossenv_command(forky.python, "-v", forky.host_python, tmp_path / "env")
    done = forky.run(command, env=repo_env())
    details = (
        forky.host_python.parents[1]
        / "lib"
        / "python3.14"
        / ("build-details..aarch64-linux-gnu.json")
    )
    assert f"crossenv: build-details (agrees): {details}\n" in done.stderr


def test_c_sdist_on_python_314(forky: Setup) -> None:
    forky.run([forky.bin / "pip", "install", "--no-binary", ":all:", "markupsafe>=3,<4"])
    (so,) = (forky.cross_site / "markupsafe").glob("_speedups*.so")
    assert so.name == "_speedups.cpython-314-aarch64-linux-gnu.so"
    assert elf_header(so) == elf_header(forky.host_python)
    assert elf_header(so).machine == 183
    assert forky.on_target(CODE).strip() == ANSWER
