from __future__ import annotations

import shutil
from pathlib import Path
from typing import Dict, Union

import pytest

from crossenv import sysconfigdata

DATA = Path(__file__).resolve().parents[1] / "data"
SYSCONFIGDATA = DATA / "sysconfigdata"


def fixture_vars(name: str) -> Dict[str, Union[str, int]]:
    """The build-time variables of a captured (or documented) Host."""
    return sysconfigdata.read(SYSCONFIGDATA / name)


@pytest.fixture
def arm64_311() -> Dict[str, Union[str, int]]:
    return fixture_vars("debian-bookworm-arm64-3.11.py")


ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 57


def make_debian_tree(root: Path, version: str = "3.11", *, headers: bool = True) -> Path:
    """A Debian-style sysroot: the real sysconfigdata and its alias symlink.

    With ``headers``, also (empty) ``Python.h`` and ``pyconfig.h`` where
    Debian's ``libpython3.X-dev`` puts them.
    """
    stdlib = root / "usr" / "lib" / f"python{version}"
    stdlib.mkdir(parents=True)
    fixture = SYSCONFIGDATA / "debian-bookworm-arm64-3.11.py"
    shutil.copy(fixture, stdlib / "_sysconfigdata__aarch64-linux-gnu.py")
    (stdlib / "_sysconfigdata__linux_aarch64-linux-gnu.py").symlink_to(
        "_sysconfigdata__aarch64-linux-gnu.py"
    )
    python = root / "usr" / "bin" / f"python{version}"
    python.parent.mkdir(parents=True)
    python.write_bytes(ELF)
    if headers:
        include = root / "usr" / "include" / f"python{version}"
        include.mkdir(parents=True)
        (include / "Python.h").write_text("", encoding="utf-8")
        (include / "pyconfig.h").write_text("", encoding="utf-8")
    return python


@pytest.fixture(scope="session")
def made_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An environment made from :func:`make_debian_tree` (the cross compiler must exist)."""
    import sys

    from crossenv.__main__ import main

    if sys.version_info[:2] != (3, 11):
        pytest.fail("run the unit tests with Python 3.11 (the fixtures are a 3.11 Host)")
    root = tmp_path_factory.mktemp("made")
    python = make_debian_tree(root / "sys root")
    env = root / "the env"
    assert main([str(python), str(env), "-q"]) == 0
    return env
