"""Cross files for build systems that do not read sysconfig: meson and CMake (pure).

meson-python and scikit-build-core ask Python for the extension suffix and
include directory, but take the compiler, the target CPU and the sysroot
from their own cross-compilation files.  These functions write those files
from what crossenv knows of the Host.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path
from typing import List, Optional, Sequence

from .target import Target

#: meson's ``cpu_family`` for each ``uname -m``.
_MESON_CPU_FAMILIES = {
    "armv7l": "arm",
    "armv6l": "arm",
    "arm64": "aarch64",
    "i686": "x86",
    "ppc64le": "ppc64",
    "mips64": "mips64",
}
_CMAKE_SYSTEMS = {"linux": "Linux", "android": "Android", "ios": "iOS", "darwin": "Darwin"}


@dataclasses.dataclass(frozen=True)
class BuildTools:
    """Programs and paths the cross files name."""

    cc: str
    cxx: str
    ar: str
    strip: str
    ranlib: str
    python: str
    include_dir: str
    sysroot: Optional[str] = None
    emulator: Sequence[str] = ()
    pkg_config_dirs: Sequence[str] = ()


def sibling_tool(cc: str, name: str) -> str:
    """``/usr/bin/aarch64-linux-gnu-gcc`` + ``strip`` -> ``/usr/bin/aarch64-linux-gnu-strip``."""
    folder, base = os.path.split(cc)
    for suffix in ("gcc", "clang", "cc"):
        if base.endswith(suffix):
            return os.path.join(folder, base[: -len(suffix)] + name)
    return name


def pkg_config_dirs(sysroot: str, multiarch: str) -> List[str]:
    """Where the Host's ``.pc`` files live inside a sysroot."""
    root = sysroot.rstrip("/")
    dirs = [f"{root}/usr/lib/{multiarch}/pkgconfig"] if multiarch else []
    return [*dirs, f"{root}/usr/lib/pkgconfig", f"{root}/usr/share/pkgconfig"]


def meson_str(value: str) -> str:
    """``value`` as a single-quoted meson string."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _meson_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(meson_str(value) for value in values) + "]"


def meson_cross_file(target: Target, tools: BuildTools) -> str:
    """A meson cross file for the Host."""
    sysroot = [f"--sysroot={tools.sysroot}"] if tools.sysroot else []
    binaries = {
        "c": [tools.cc, *sysroot],
        "cpp": [tools.cxx, *sysroot],
        "ar": [tools.ar],
        "strip": [tools.strip],
        "pkg-config": ["pkg-config"],
        # meson's python module asks this interpreter for the extension
        # suffix, include directory and install paths: the Host's.
        "python": [tools.python],
    }
    if tools.emulator:
        binaries["exe_wrapper"] = list(tools.emulator)
    lines = ["# Written by crossenv: the Host for meson.", "[binaries]"]
    lines += [f"{name} = {_meson_list(value)}" for name, value in binaries.items()]
    lines += ["", "[properties]", "needs_exe_wrapper = true"]
    if tools.sysroot:
        lines.append(f"sys_root = {meson_str(tools.sysroot)}")
    if tools.pkg_config_dirs:
        lines.append(f"pkg_config_libdir = {_meson_list(tools.pkg_config_dirs)}")
    system = target.sys_platform if target.sys_platform in ("android", "ios") else "linux"
    cpu = target.machine
    lines += [
        "",
        "[host_machine]",
        f"system = {meson_str(system)}",
        f"cpu_family = {meson_str(_MESON_CPU_FAMILIES.get(cpu, cpu))}",
        f"cpu = {meson_str(cpu)}",
        f"endian = {meson_str('big' if target.big_endian else 'little')}",
    ]
    return "\n".join(lines) + "\n"


def _cmake_str(value: str) -> str:
    return f"[==[{value}]==]"


def cmake_toolchain(target: Target, tools: BuildTools) -> str:
    """A CMake toolchain file for the Host."""
    system = _CMAKE_SYSTEMS.get(target.sys_platform, "Linux")
    soabi = target.ext_suffix[1:].rsplit(".", 1)[0] if target.ext_suffix.count(".") > 1 else ""
    settings = [
        ("CMAKE_SYSTEM_NAME", system),
        ("CMAKE_SYSTEM_PROCESSOR", target.machine),
        ("CMAKE_C_COMPILER", tools.cc),
        ("CMAKE_CXX_COMPILER", tools.cxx),
        ("CMAKE_AR", tools.ar),
        ("CMAKE_STRIP", tools.strip),
    ]
    if tools.sysroot:
        settings += [("CMAKE_SYSROOT", tools.sysroot), ("CMAKE_FIND_ROOT_PATH", tools.sysroot)]
    # FindPython and pybind11 must see the Host's headers and suffix, even
    # when they cannot run the Host's interpreter.
    for prefix in ("Python", "Python3"):
        settings += [
            (f"{prefix}_EXECUTABLE", tools.python),
            (f"{prefix}_INCLUDE_DIR", tools.include_dir),
        ]
        if soabi:
            settings.append((f"{prefix}_SOABI", soabi))
    settings.append(("PYTHON_EXECUTABLE", tools.python))
    # Cross-compiling, FindPython asks python3-config: give it the Host's.
    config = os.path.join(os.path.dirname(tools.python), "python3-config")
    settings += [("_Python_CONFIG", config), ("_Python3_CONFIG", config)]
    lines = ["# Written by crossenv: the Host for CMake."]
    for name, value in settings:
        cache = name.startswith(("Python", "PYTHON", "_Python", "CMAKE_AR", "CMAKE_STRIP"))
        if cache:
            lines.append(f'set({name} {_cmake_str(value)} CACHE STRING "" FORCE)')
        else:
            lines.append(f"set({name} {_cmake_str(value)})")
    lines += [
        "set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)",
        "set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)",
        "set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)",
        # Build-side Python packages (pybind11, nanobind) ship CMake configs.
        "set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)",
    ]
    return "\n".join(lines) + "\n"


def write(directory: Path, target: Target, tools: BuildTools) -> tuple[Path, Path]:
    """Write both files into ``directory``; return (meson file, CMake file)."""
    meson = directory / "crossenv-meson.ini"
    cmake = directory / "crossenv-toolchain.cmake"
    meson.write_text(meson_cross_file(target, tools), encoding="utf-8")
    cmake.write_text(cmake_toolchain(target, tools), encoding="utf-8")
    return meson, cmake


#: qemu-user's name for each ``uname -m``.
_QEMU = {"armv7l": "arm", "armv6l": "arm", "i686": "i386", "arm64": "aarch64"}


def qemu_name(target: Target) -> str:
    """The qemu-user program for the Host, e.g. ``qemu-aarch64``."""
    return f"qemu-{_QEMU.get(target.machine, target.machine)}"


def emulator(target: Target, sysroot: Optional[str]) -> List[str]:
    """The qemu-user command that runs Host programs here, if installed."""
    program = shutil.which(qemu_name(target))
    if program is None or not sysroot:
        return []
    return [program, "-L", sysroot]
