"""Cross files for build systems that do not read sysconfig: meson and CMake (pure).

meson-python and scikit-build-core ask Python for the extension suffix and
include directory, but take the compiler, the target CPU and the sysroot
from their own cross-compilation files.  These functions write those files
from what crossenv knows of the Host.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
import shutil
from pathlib import Path
from typing import List, Optional, Sequence

from .folders import Files
from .launchers import sh_quoted
from .target import HostDescription

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
    #: The sysroot as tools that split at white space see it (pkg-config,
    #: cargo's flags): a path to it without white space, when there is one.
    pkg_config_root: Optional[str] = None
    pkg_config_dirs: Sequence[str] = ()
    #: The Host's Fortran compiler, when one is installed (scipy needs it).
    fortran: Optional[str] = None
    #: Whether the compilers take ``--sysroot`` (see ``Toolchain.sysroot_flag``).
    sysroot_flag: bool = True
    #: The compilers' launchers (``ccache``, ``sccache``, ``distcc``, ...).
    launcher: Sequence[str] = ()


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


def meson_cross_file(target: HostDescription, tools: BuildTools) -> str:
    """A meson cross file for the Host."""
    sysroot = [f"--sysroot={tools.sysroot}"] if tools.sysroot and tools.sysroot_flag else []
    binaries = {
        "c": [tools.cc, *sysroot],
        "cpp": [tools.cxx, *sysroot],
        **({"fortran": [tools.fortran, *sysroot]} if tools.fortran else {}),
        "ar": shlex.split(tools.ar),
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
    if tools.sysroot:  # meson gives it to pkg-config as PKG_CONFIG_SYSROOT_DIR
        lines.append(f"sys_root = {meson_str(tools.pkg_config_root or tools.sysroot)}")
    if tools.pkg_config_dirs:
        lines.append(f"pkg_config_libdir = {_meson_list(tools.pkg_config_dirs)}")
    arch = target.arch
    if arch is not None and arch.longdouble_format:  # numpy reads it instead of running code
        lines.append(f"longdouble_format = {meson_str(arch.longdouble_format)}")
    system = target.sys_platform if target.sys_platform in ("android", "ios") else "linux"
    cpu_family = arch.meson_cpu_family if arch is not None else target.machine
    lines += [
        "",
        "[host_machine]",
        f"system = {meson_str(system)}",
        f"cpu_family = {meson_str(cpu_family)}",
        f"cpu = {meson_str(target.machine)}",
        f"endian = {meson_str('big' if target.big_endian else 'little')}",
    ]
    return "\n".join(lines) + "\n"


def _cmake_str(value: str) -> str:
    return f"[==[{value}]==]"


def cmake_toolchain(
    target: HostDescription, tools: BuildTools, emulator: Optional[str] = None
) -> str:
    """A CMake toolchain file for the Host.

    ``emulator`` is the script that runs Host programs
    (:func:`emulator_script`), if there is one.
    """
    system = _CMAKE_SYSTEMS.get(target.sys_platform, "Linux")
    soabi = target.ext_suffix[1:].rsplit(".", 1)[0] if target.ext_suffix.count(".") > 1 else ""
    settings = [
        ("CMAKE_SYSTEM_NAME", system),
        ("CMAKE_SYSTEM_PROCESSOR", target.machine),
        ("CMAKE_C_COMPILER", tools.cc),
        ("CMAKE_CXX_COMPILER", tools.cxx),
        *([("CMAKE_Fortran_COMPILER", tools.fortran)] if tools.fortran else []),
        ("CMAKE_AR", shlex.split(tools.ar)[0]),  # a program, without flags
        ("CMAKE_STRIP", tools.strip),
    ]
    if tools.sysroot and tools.sysroot_flag:
        settings.append(("CMAKE_SYSROOT", tools.sysroot))
    if tools.sysroot:
        settings.append(("CMAKE_FIND_ROOT_PATH", tools.sysroot))
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
        # CMake >= 3.28 runs python3-config through this command, which
        # FindPython works out only in its Development step.  Its Interpreter
        # step asks for SOABI before that, gets nothing, and keeps that empty
        # SOABI (in _Python_INTERPRETER_PROPERTIES): modules lost their
        # extension suffix.  Older CMake run _Python_CONFIG itself.
        f"set(_Python_CONFIG_LAUNCHER {_cmake_str(config)})",
        f"set(_Python3_CONFIG_LAUNCHER {_cmake_str(config)})",
    ]
    if emulator:
        # CMake >= 4.1 runs FindPython's interpreter through the emulator in
        # projects that set policy CMP0190 to NEW, and stops if there is none.
        # Older CMake keep their try_run behaviour: no emulator.
        lines += [
            "if(CMAKE_VERSION VERSION_GREATER_EQUAL 4.1)",
            f"  set(CMAKE_CROSSCOMPILING_EMULATOR {_cmake_str(emulator)})",
            "endif()",
        ]
    lines += [
        "set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)",
        "set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)",
        "set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)",
        # Build-side Python packages (pybind11, nanobind) ship CMake configs.
        "set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)",
    ]
    return "\n".join(lines) + "\n"


def emulator_script(target: HostDescription, tools: BuildTools) -> str:
    """The text of the program that runs a Host program here.

    CMake (``CMAKE_CROSSCOMPILING_EMULATOR``) and automake's test suites
    (``LOG_COMPILER``) run Host programs through it.  Programs in
    Cross-python's ``bin`` folder stand for the Host's Python (CMake's
    FindPython runs them through the emulator) and run on Build as they are;
    any other program was built for the Host and runs under qemu-user, found
    when it runs, as ``cross-run`` runs Host-python.  A script, not a command
    line: ``try_run`` and the build tools re-quote an emulator's words and
    would garble a shell snippet.
    """
    sysroot = tools.sysroot or ""
    lines = [
        "#!/bin/sh",
        "# Written by crossenv: runs a Host program here (CMake's emulator, LOG_COMPILER).",
        "# Cross-python's programs run as they are; Host programs under qemu-user.",
        f"qemu={sh_quoted(qemu_name(target))}",
        f"qemu_cpu={sh_quoted(qemu_cpu(target))}",
        f"sysroot={sh_quoted(sysroot)}",
        f"python_bin={sh_quoted(os.path.dirname(tools.python))}",
        'case $1 in "$python_bin"/*) exec "$@" ;; esac',
        'if [ -n "$qemu_cpu" ] && [ -z "${QEMU_CPU:-}" ]; then',
        "    QEMU_CPU=$qemu_cpu",
        "    export QEMU_CPU",
        "fi",
        'if command -v "$qemu" >/dev/null 2>&1; then',
        '    if [ -n "$sysroot" ]; then',
        '        exec "$qemu" -L "$sysroot" "$@"',
        "    fi",
        '    exec "$qemu" "$@"',
        "fi",
        "# No qemu-user program: a binfmt_misc registration can still run it.",
        'if [ -n "$sysroot" ]; then',
        "    QEMU_LD_PREFIX=$sysroot",
        "    export QEMU_LD_PREFIX",
        "fi",
        'exec "$@"',
    ]
    return "\n".join(lines) + "\n"


def files(
    meson: Path, cmake: Path, emulator: Path, target: HostDescription, tools: BuildTools
) -> Files:
    """The meson cross file, the CMake toolchain file and the emulator it names."""
    return {
        meson: (meson_cross_file(target, tools), False),
        emulator: (emulator_script(target, tools), True),
        cmake: (cmake_toolchain(target, tools, str(emulator)), False),
    }


def qemu_name(target: HostDescription) -> str:
    """The qemu-user program for the Host, e.g. ``qemu-aarch64``."""
    arch = target.arch
    return arch.qemu if arch is not None else f"qemu-{target.machine}"


def qemu_cpu(target: HostDescription) -> str:
    """qemu-user's CPU for the Host (:attr:`crossenv.arch.Arch.qemu_cpu`), or ""."""
    arch = target.arch
    return arch.qemu_cpu if arch is not None else ""


def emulator(target: HostDescription, sysroot: Optional[str]) -> List[str]:
    """The qemu-user command that runs Host programs here, if installed."""
    program = shutil.which(qemu_name(target))
    if program is None or not sysroot:
        return []
    cpu = qemu_cpu(target)
    return [program, *(["-cpu", cpu] if cpu else []), "-L", sysroot]
