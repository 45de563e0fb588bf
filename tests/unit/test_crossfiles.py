from __future__ import annotations

import configparser
import dataclasses
import re
import shutil
import subprocess
from pathlib import Path
from typing import Dict, Tuple

import pytest

from crossenv import crossfiles, layout, target
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


def test_cmake_finds_python_config_before_the_interpreter_properties() -> None:
    """CMake >= 3.28 asks python3-config through the launcher, also before it sets it."""
    host = target.describe(fixture_vars("debian-bookworm-arm64-3.11.py"))
    text = crossfiles.cmake_toolchain(host, tools())
    config = "/env dir/cross/bin/python3-config"
    for prefix in ("_Python", "_Python3"):
        assert f'set({prefix}_CONFIG [==[{config}]==] CACHE STRING "" FORCE)' in text
        # A plain variable: FindPython reads it as one, and replaces it itself.
        assert f"set({prefix}_CONFIG_LAUNCHER [==[{config}]==])\n" in text


def test_cmake_emulator_only_for_cmake_4_1_and_later() -> None:
    host = target.describe(fixture_vars("debian-bookworm-arm64-3.11.py"))
    assert "CMAKE_CROSSCOMPILING_EMULATOR" not in crossfiles.cmake_toolchain(host, tools())
    text = crossfiles.cmake_toolchain(host, tools(), "/env dir/cross/emu")
    block = re.search(r"if\(CMAKE_VERSION VERSION_GREATER_EQUAL 4\.1\)\n(.*?)\nendif\(\)", text)
    assert block is not None
    assert block.group(1).strip() == "set(CMAKE_CROSSCOMPILING_EMULATOR [==[/env dir/cross/emu]==])"


def run_emulator(tmp_path: Path, program: Path, qemu: bool) -> list[str]:
    """Run the emulator script on ``program``; what ran, with which arguments."""
    host = target.describe(fixture_vars("debian-bookworm-arm64-3.11.py"))
    script = tmp_path / "emulator"
    python = str(tmp_path / "env dir" / "cross" / "bin" / "python")
    script.write_text(
        crossfiles.emulator_script(host, dataclasses.replace(tools(), python=python)),
        encoding="utf-8",
    )
    fakes = tmp_path / "fake bin"
    fakes.mkdir(exist_ok=True)
    echo = '#!/bin/sh\nfor a in "$0" "$@" "${QEMU_LD_PREFIX:-no prefix}"; do echo "[$a]"; done\n'
    made = [program, fakes / "qemu-aarch64"] if qemu else [program]
    for path in made:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(echo, encoding="utf-8")
        path.chmod(0o755)
    env = {"PATH": str(fakes)}  # not the real qemu-user, if this machine has it
    command = ["/bin/sh", str(script), str(program), "a b"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return done.stdout.splitlines()


def test_cmake_emulator_runs_cross_python_here(tmp_path: Path) -> None:
    python = tmp_path / "env dir" / "cross" / "bin" / "python"
    assert run_emulator(tmp_path, python, qemu=True) == [f"[{python}]", "[a b]", "[no prefix]"]


def test_cmake_emulator_runs_host_programs_under_qemu(tmp_path: Path) -> None:
    program = tmp_path / "build" / "try run"
    out = run_emulator(tmp_path, program, qemu=True)
    qemu = tmp_path / "fake bin" / "qemu-aarch64"
    assert out == [f"[{qemu}]", "[-L]", "[/sys root]", f"[{program}]", "[a b]", "[no prefix]"]


def test_cmake_emulator_without_qemu_leaves_it_to_binfmt_misc(tmp_path: Path) -> None:
    program = tmp_path / "build" / "try run"
    assert run_emulator(tmp_path, program, qemu=False) == [f"[{program}]", "[a b]", "[/sys root]"]


@pytest.mark.system
def test_cmake_emulator_script_passes_shellcheck(tmp_path: Path) -> None:
    if shutil.which("shellcheck") is None:
        pytest.fail("shellcheck is not installed (apt-get install shellcheck)")
    host = target.describe(fixture_vars("debian-bookworm-arm64-3.11.py"))
    script = tmp_path / "emulator"
    script.write_text(crossfiles.emulator_script(host, tools()), encoding="utf-8")
    done = subprocess.run(["shellcheck", "-s", "sh", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_files_name_the_emulator_they_write(tmp_path: Path) -> None:
    host = target.describe(fixture_vars("debian-bookworm-arm64-3.11.py"))
    emulator = tmp_path / "crossenv-bin" / "crossenv-emulator"
    meson, cmake = tmp_path / "cross.ini", tmp_path / "toolchain.cmake"
    files = crossfiles.files(meson, cmake, emulator, host, tools())
    assert sorted(files) == sorted([meson, cmake, emulator])
    assert files[emulator][1] and not files[cmake][1]  # only the emulator is a program
    assert f"set(CMAKE_CROSSCOMPILING_EMULATOR [==[{emulator}]==]" in files[cmake][0]


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


def test_numpy_reads_the_long_double_format_from_the_cross_file() -> None:
    for fixture, expected in (
        ("debian-bookworm-arm64-3.11.py", "IEEE_QUAD_LE"),
        ("debian-bookworm-armhf-3.11.py", "IEEE_DOUBLE_LE"),
        ("debian-bookworm-s390x-3.11.py", "IEEE_QUAD_BE"),
    ):
        host = target.describe(fixture_vars(fixture))
        text = crossfiles.meson_cross_file(host, tools())
        assert f"\nlongdouble_format = '{expected}'\n" in text, fixture


def test_a_fortran_compiler_reaches_meson_and_cmake() -> None:
    host = target.describe(fixture_vars("debian-bookworm-arm64-3.11.py"))
    without = tools()
    assert "fortran" not in crossfiles.meson_cross_file(host, without)
    assert "Fortran" not in crossfiles.cmake_toolchain(host, without)
    fortran = dataclasses.replace(without, fortran="/usr/bin/x-linux-gnu-gfortran")
    assert "fortran = ['/usr/bin/x-linux-gnu-gfortran', '--sysroot=/sys root']" in (
        crossfiles.meson_cross_file(host, fortran)
    )
    assert "set(CMAKE_Fortran_COMPILER [==[/usr/bin/x-linux-gnu-gfortran]==])" in (
        crossfiles.cmake_toolchain(host, fortran)
    )


def test_only_a_fortran_compiler_named_for_the_host_is_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("gfortran", "aarch64-linux-gnu-gfortran"):
        program = tmp_path / name
        program.write_text("#!/bin/sh\n", encoding="utf-8")
        program.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert layout._fortran(str(tmp_path / "aarch64-linux-gnu-gcc")) == str(
        tmp_path / "aarch64-linux-gnu-gfortran"
    )
    assert layout._fortran("gcc") is None  # the Build machine's gfortran
    assert layout._fortran("aarch64-linux-gnu-gcc-12") is None


@pytest.mark.parametrize(
    ("launcher", "wanted"),
    [
        ((), {}),
        (
            ("/usr/bin/ccache",),
            {
                "CCACHE_BASEDIR": "/",
                "CCACHE_NOHASHDIR": "1",
                "SKBUILD_BUILD_DIR": "build/{wheel_tag}",
            },
        ),
        (("/opt/sccache",), {"RUSTC_WRAPPER": "/opt/sccache"}),
        (("/usr/bin/distcc",), {}),
    ],
)
def test_a_compiler_launcher_gets_what_it_needs_in_cross_builds(
    launcher: Tuple[str, ...], wanted: Dict[str, str]
) -> None:
    tools = crossfiles.BuildTools(
        cc="/env/cross/crossenv-bin/aarch64-linux-gnu-gcc",
        cxx="/env/cross/crossenv-bin/aarch64-linux-gnu-g++",
        ar="aarch64-linux-gnu-ar",
        strip="aarch64-linux-gnu-strip",
        ranlib="aarch64-linux-gnu-ranlib",
        python="/env/cross/bin/python",
        include_dir="/sysroot/usr/include/python3.11",
        launcher=launcher,
    )
    found = dict(layout.cross_defaults(tools, Path("/env/x.cmake"), Path("/env/config.site")))
    keys = ("CCACHE_BASEDIR", "CCACHE_NOHASHDIR", "SKBUILD_BUILD_DIR", "RUSTC_WRAPPER")
    assert {key: value for key, value in found.items() if key in keys} == wanted
    assert found["CC"] == "aarch64-linux-gnu-gcc"  # the guard, whatever launches the compiler
