from __future__ import annotations

import configparser
import re

import pytest

from crossenv import crossfiles, target
from crossenv._runtime.patch_mesonpy import with_cross_file

from .conftest import fixture_vars

CASES = [
    ("debian-bookworm-arm64-3.11.py", "linux", "aarch64", "aarch64", "little", "Linux"),
    ("debian-bookworm-armhf-3.11.py", "linux", "arm", "armv7l", "little", "Linux"),
    ("debian-trixie-riscv64-3.13.py", "linux", "riscv64", "riscv64", "little", "Linux"),
    ("debian-bookworm-s390x-3.11.py", "linux", "s390x", "s390x", "big", "Linux"),
    ("android-arm64-3.13.py", "android", "aarch64", "aarch64", "little", "Android"),
    ("ios-arm64-3.13.py", "ios", "aarch64", "arm64", "little", "iOS"),
]


def tools(sysroot: str | None = "/sys root") -> crossfiles.BuildTools:
    return crossfiles.BuildTools(
        cc="/usr/bin/x-linux-gnu-gcc",
        cxx="/usr/bin/x-linux-gnu-g++",
        ar="/usr/bin/x-linux-gnu-gcc-ar",
        strip="/usr/bin/x-linux-gnu-strip",
        ranlib="/usr/bin/x-linux-gnu-ranlib",
        python="/env dir/cross/bin/python",
        include_dir="/sys root/usr/include/python3.11",
        sysroot=sysroot,
        emulator=("/usr/bin/qemu-x", "-L", "/sys root") if sysroot else (),
        pkg_config_dirs=crossfiles.pkg_config_dirs(sysroot, "x-linux-gnu") if sysroot else (),
    )


def parse_meson(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser()
    parser.read_string(text)
    return parser


@pytest.mark.parametrize(("fixture", "system", "family", "cpu", "endian", "cmake_system"), CASES)
def test_meson_cross_file(
    fixture: str, system: str, family: str, cpu: str, endian: str, cmake_system: str
) -> None:
    host = target.describe(fixture_vars(fixture))
    parsed = parse_meson(crossfiles.meson_cross_file(host, tools()))
    machine = parsed["host_machine"]
    assert machine["system"] == f"'{system}'"
    assert machine["cpu_family"] == f"'{family}'"
    assert machine["cpu"] == f"'{cpu}'"
    assert machine["endian"] == f"'{endian}'"
    binaries = parsed["binaries"]
    assert binaries["c"] == "['/usr/bin/x-linux-gnu-gcc', '--sysroot=/sys root']"
    assert binaries["python"] == "['/env dir/cross/bin/python']"
    assert binaries["exe_wrapper"] == "['/usr/bin/qemu-x', '-L', '/sys root']"
    properties = parsed["properties"]
    assert properties["needs_exe_wrapper"] == "true"
    assert properties["sys_root"] == "'/sys root'"
    assert "'/sys root/usr/lib/x-linux-gnu/pkgconfig'" in properties["pkg_config_libdir"]


@pytest.mark.parametrize(("fixture", "system", "family", "cpu", "endian", "cmake_system"), CASES)
def test_cmake_toolchain(
    fixture: str, system: str, family: str, cpu: str, endian: str, cmake_system: str
) -> None:
    host = target.describe(fixture_vars(fixture))
    text = crossfiles.cmake_toolchain(host, tools())
    values = dict(re.findall(r"set\((\w+) \[==\[(.*?)\]==\]", text))
    assert values["CMAKE_SYSTEM_NAME"] == cmake_system
    assert values["CMAKE_SYSTEM_PROCESSOR"] == cpu
    assert values["CMAKE_SYSROOT"] == "/sys root"
    assert values["CMAKE_C_COMPILER"] == "/usr/bin/x-linux-gnu-gcc"
    assert values["Python_INCLUDE_DIR"] == "/sys root/usr/include/python3.11"
    assert values["Python_SOABI"] == host.ext_suffix[1:-3]
    assert "CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY" in text


def test_no_sysroot_no_emulator() -> None:
    host = target.describe(fixture_vars("debian-bookworm-arm64-3.11.py"))
    text = crossfiles.meson_cross_file(host, tools(sysroot=None))
    assert "sys_root" not in text and "\nexe_wrapper" not in text
    assert "CMAKE_SYSROOT" not in crossfiles.cmake_toolchain(host, tools(sysroot=None))


def test_quoting() -> None:
    host = target.describe(fixture_vars("debian-bookworm-arm64-3.11.py"))
    odd = crossfiles.BuildTools("/o'd\\d/gcc", "g++", "ar", "strip", "ranlib", "py", "/inc")
    assert "['/o\\'d\\\\d/gcc']" in crossfiles.meson_cross_file(host, odd)


def test_sibling_tool() -> None:
    assert crossfiles.sibling_tool("/usr/bin/aarch64-linux-gnu-gcc", "strip") == (
        "/usr/bin/aarch64-linux-gnu-strip"
    )
    assert crossfiles.sibling_tool("clang", "strip") == "strip"


def test_mesonpy_gets_the_cross_file_unless_given() -> None:
    assert with_cross_file(None, "/x.ini") == {"setup": ["--cross-file=/x.ini"]}
    given = {"setup": ["--cross-file", "mine.ini"], "compile": ["-j2"]}
    assert with_cross_file(given, "/x.ini")["setup"] == ["--cross-file", "mine.ini"]
    mixed = with_cross_file({"setup": ["-Dx=1"]}, "/x.ini")
    assert mixed["setup"] == ["-Dx=1", "--cross-file=/x.ini"]
