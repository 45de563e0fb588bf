"""scikit-build-core with the newest CMake from PyPI, not only the Build machine's own.

A machine with no CMake of its own gets one from PyPI's ``cmake`` wheel (4.x).
FindPython changed much after Debian 12's CMake 3.25: it asks ``python3-config``
for the extension suffix through a launcher that it sets only after the
interpreter's suffix was stored (3.28 and later), and, for projects that set
policy CMP0190 to NEW, runs the interpreter through the cross-compiling
emulator (4.1 and later). A lost suffix gives a bare ``name.so`` in the wheel:
it still imports, but it is not the Host's file name, and it clashes with the
same module built for another Python or another machine.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Callable

import pytest
from packaging.utils import parse_wheel_filename

from .conftest import Setup, copy_project, elf_header

pytestmark = pytest.mark.integration

AARCH64 = 183


def test_scikit_build_core_with_cmake_4_from_pypi(
    host_setup: Callable[[str], Setup], tmp_path: Path
) -> None:
    setup = host_setup("arm64")
    project = copy_project("cmake_ext", tmp_path)
    wheels = tmp_path / "wheels"
    # scikit-build-core installs CMake from PyPI when the machine's is too old.
    pip = [str(setup.bin / "pip"), "wheel", "-v", "--no-deps", "-w", str(wheels)]
    done = setup.run([*pip, "--config-settings", "cmake.version=>=4", str(project)])
    output = done.stdout + done.stderr
    used = re.search(r"using CMake (\d+)\.\d+", output)
    assert used is not None and int(used.group(1)) >= 4, "CMake 4 was not used"

    (wheel,) = wheels.glob("*.whl")
    tags = {tag.platform for tag in parse_wheel_filename(wheel.name)[3]}
    assert tags == {"linux_aarch64"}, wheel.name
    ext_suffix = setup.on_target(
        "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))"
    ).strip()
    with zipfile.ZipFile(wheel) as archive:
        (name,) = (entry for entry in archive.namelist() if entry.startswith("cmake_cpp"))
        assert name == f"cmake_cpp{ext_suffix}", f"no Host suffix on {name}"
        archive.extractall(tmp_path / "unpacked")
    header = elf_header(tmp_path / "unpacked" / name)
    assert (header.machine, header.bits) == (AARCH64, 64)
    code = "import cmake_cpp; print(cmake_cpp.total(10))"
    assert setup.on_target(code, path=[tmp_path / "unpacked"]).strip() == "45"
