"""Compute what goes into an environment, without touching the disk (pure)."""

from __future__ import annotations

import dataclasses
import os
import shlex
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from . import crossfiles, folders, rust, sysconfigdata
from .host import HostPython
from .options import EnvAssignment
from .sysconfigdata import ConfigVars, text_var
from .target import HostDescription
from .toolchain import Toolchain, program, split

if TYPE_CHECKING:
    from ._runtime.config import Config


@dataclasses.dataclass(frozen=True)
class Settings:
    """Options that shape the environment (from the command line)."""

    #: Extra ``NAME=VALUE`` sysconfig variables.
    config_vars: Tuple[Tuple[str, str], ...] = ()
    #: ``--env`` assignments, applied when Cross-python starts.
    environ: Tuple[EnvAssignment, ...] = ()
    #: Do not let Cross-python use the Build side's pip.
    without_cross_pip: bool = False
    #: Interpreter for the shebang of installed scripts ("" = the Host's own).
    shebang: str = ""
    #: A C extension that failed to build fails the build (not just a warning).
    strict: bool = False
    #: Each wheel pip builds goes through ``cross-repair``.
    repair: bool = False


def site_packages(venv: Path, version: str) -> Path:
    """The site-packages directory of a POSIX venv of Python ``version``."""
    return venv / "lib" / f"python{version}" / "site-packages"


def host_vars(host: HostPython, toolchain: Toolchain, settings: Settings) -> ConfigVars:
    """The Host's build-time variables, as Cross-python will report them.

    Paths are moved to where the Host's files are on this machine; the
    compilers are the chosen cross toolchain, with ``--sysroot`` in the
    command itself so it survives a ``CFLAGS`` from the environment.
    """
    config = sysconfigdata.relocate(host.config, host.recorded_prefix, str(host.prefix))
    exec_prefix = text_var(host.config, "exec_prefix")
    if exec_prefix and exec_prefix != host.recorded_prefix:
        config = sysconfigdata.relocate(config, exec_prefix, _moved(host, exec_prefix))
    if (host.executable.parent / "pybuilddir.txt").is_file():
        builddir = str(host.executable.parent)
        config["INCLUDEPY"] = str(Path(text_var(config, "srcdir", builddir)) / "Include")
        config["CONFINCLUDEPY"] = builddir
    recorded_cc = _first_word(text_var(host.config, "CC"))
    recorded_cxx = _first_word(text_var(host.config, "CXX"))
    for key in sysconfigdata.COMPILER_VARS:
        first = _first_word(text_var(config, key))
        if key in ("CXX", "LDCXXSHARED") or (first and first == recorded_cxx):
            config = sysconfigdata.replace_program(config, key, toolchain.cxx)
        elif key == "CC" or (first and first == recorded_cc):
            config = sysconfigdata.replace_program(config, key, toolchain.cc)
    config = sysconfigdata.replace_program(config, "AR", toolchain.ar)
    if host.sysroot is not None and toolchain.sysroot_flag:
        config = sysconfigdata.with_compiler_flags(config, [f"--sysroot={host.sysroot}"])
    for name, value in settings.config_vars:
        # Strings, as crossenv 1.x keeps them, unless the Host's own value is a number.
        number = isinstance(host.config.get(name), int) and value.lstrip("-").isdigit()
        config[name] = int(value) if number else value
    return config


def _moved(host: HostPython, path: str) -> str:
    if host.sysroot is not None:
        return str(host.sysroot).rstrip("/") + "/" + path.lstrip("/")
    return str(host.prefix)


def _first_word(command: str) -> str:
    words = shlex.split(command) if command.strip() else []
    return words[0] if words else ""


def build_tools(
    env_dir: Path,
    host: HostPython,
    target: HostDescription,
    toolchain: Toolchain,
    vars_: ConfigVars,
    pkg_config_root: Optional[str] = None,
) -> crossfiles.BuildTools:
    """What the meson cross file and CMake toolchain file name.

    ``pkg_config_root`` is the sysroot as pkg-config is to see it: a path
    without white space that leads there (pkgconf mangles a
    ``PKG_CONFIG_SYSROOT_DIR`` with a space), when the sysroot's own has one.
    """
    sysroot = str(host.sysroot) if host.sysroot else None
    pkg_root = pkg_config_root or sysroot
    return crossfiles.BuildTools(
        cc=guarded(env_dir, toolchain.cc),
        cxx=guarded(env_dir, toolchain.cxx),
        ar=toolchain.ar,
        strip=crossfiles.sibling_tool(program(toolchain.cc), "strip"),
        ranlib=crossfiles.sibling_tool(program(toolchain.cc), "ranlib"),
        python=str(env_dir / "cross" / "bin" / "python"),
        include_dir=text_var(vars_, "INCLUDEPY"),
        sysroot=sysroot,
        emulator=crossfiles.emulator(target, sysroot),
        pkg_config_root=pkg_root,
        pkg_config_dirs=crossfiles.pkg_config_dirs(pkg_root, target.multiarch) if pkg_root else (),
        fortran=_fortran(program(toolchain.cc)) if toolchain.sysroot_flag else None,
        sysroot_flag=toolchain.sysroot_flag,
        launcher=split(toolchain.cc)[0],
    )


def _fortran(cc: str) -> Optional[str]:
    """The Host's ``<triple>-gfortran`` beside its C compiler, if installed.

    A compiler without a triple in its name has no such sibling: a plain
    ``gfortran`` would be the Build machine's.
    """
    sibling = crossfiles.sibling_tool(cc, "gfortran")
    return shutil.which(sibling) if os.path.basename(sibling) != "gfortran" else None


#: Where the compiler guard's launchers (named like the cross compilers) live.
GUARD_DIR = Path("cross") / "crossenv-bin"
#: The launcher in ``GUARD_DIR`` that runs a Host program under qemu-user.
EMULATOR = "crossenv-emulator"
#: pip's site configuration (``sys.prefix/pip.conf``) of both layers and its
#: text: every project is built through its PEP 517 backend, never by pip's
#: legacy ``setup.py`` path.  Older pips (Debian 12's 23.0) take that path
#: when setuptools is importable: in the Build layer it then fails for want of
#: the ``wheel`` package, and in Cross-python it would run setup.py with the
#: Build layer's setuptools but without that setuptools' metadata (so without
#: its commands).  Newer pips build this way by default.
PIP_CONF = "pip.conf"
PIP_CONF_TEXT = "# Written by crossenv.\n[global]\nuse-pep517 = true\n"
#: The ``CONFIG_SITE`` file that tells ``./configure`` sub-builds of the Host.
CONFIG_SITE = Path("cross") / "crossenv-config.site"
#: The meson cross file and CMake toolchain file.
MESON_FILE = Path("cross") / "crossenv-meson.ini"
CMAKE_FILE = Path("cross") / "crossenv-toolchain.cmake"
#: PyO3's copy of the Host's sysconfigdata, and links to Debian's Rust tools.
PYO3_DIR = Path("cross") / "lib" / "crossenv-pyo3"
RUST_BIN = Path("cross") / "rust-bin"


def guarded(env_dir: Path, command: str) -> str:
    """The guard launcher that stands for the compiler ``command`` (launcher, flags and all)."""
    return str(env_dir / GUARD_DIR / Path(program(command)).name)


def guarded_toolchain(env_dir: Path, toolchain: Toolchain) -> Toolchain:
    """``toolchain`` with its compilers replaced by their guard launchers."""
    return dataclasses.replace(
        toolchain, cc=guarded(env_dir, toolchain.cc), cxx=guarded(env_dir, toolchain.cxx)
    )


def guard_settings(
    env_dir: Path, host: HostPython, target: HostDescription, settings: Settings, include: str
) -> Dict[str, Any]:
    """The ``guard`` record of the runtime configuration (see ``_crossenv.guard``)."""
    import sysconfig

    sysroot = str(host.sysroot) if host.sysroot else ""
    build_includes = {sysconfig.get_paths()[key] for key in ("include", "platinclude")}
    base = Path(sys.base_prefix)
    multiarch = target.multiarch
    own = [str(env_dir), *([sysroot] if sysroot else []), "/usr/lib/gcc-cross"]
    if multiarch:
        own.append(f"/usr/{multiarch}")
    return {
        "folder": str(env_dir / GUARD_DIR),
        "sysroot": sysroot,
        "build_multiarch": getattr(sys.implementation, "_multiarch", ""),
        "host_multiarch": multiarch,
        "python_includes": sorted(build_includes),
        "host_include": include,
        "python_folders": [str(base / "include"), str(base / "lib")],
        "own": own,
        "strict": settings.strict,
        "elf": elf_record(target),
    }


def config_site(target: HostDescription) -> str:
    """A ``CONFIG_SITE`` file: ``./configure`` of a sub-build cross-compiles for the Host.

    configure reads it on every run, so a package that runs its bundled
    configure without ``--host`` still builds for the Host (and never tries
    to run what it compiled).  The compilers come from the environment.
    """
    triple = shlex.quote(target.multiarch or target.triple)
    return (
        "# Written by crossenv: configure scripts run by a cross build build for the Host.\n"
        f'test -n "$host_alias" || host_alias={triple}\n'
        f'test -n "$ac_tool_prefix" || ac_tool_prefix={triple}-\n'
        "cross_compiling=yes\n"
    )


def config_site_path(env_dir: Path, target: HostDescription) -> Path:
    """The ``CONFIG_SITE`` file that cross builds name.

    configure splits that variable at white space (it is a list), so for an
    environment whose path has a space it is a copy in the per-user cache,
    named for the Host (the copy in the environment is written either way).
    """
    own = env_dir / CONFIG_SITE
    if not any(char.isspace() for char in str(env_dir)):
        return own
    shared = folders.cache_root() / f"config.site-{target.multiarch or target.machine}"
    return own if any(char.isspace() for char in str(shared)) else shared


def cross_defaults(
    tools: crossfiles.BuildTools, cmake_file: Path, config_site_file: Path
) -> List[List[str]]:
    """Variables every cross build gets unless the user set them.

    ``CC`` and ``CXX`` name the guard launchers (first on ``PATH`` in cross
    builds) by their plain names, which survive word splitting in
    ``./configure`` and Makefiles where a path with a space would not.
    """
    result = [
        # Set in every Cross-python, as crossenv 1.x does: builds (scikit-learn's)
        # read it to know they cross-compile.
        ["PYTHON_CROSSENV", "1"],
        ["CMAKE_TOOLCHAIN_FILE", str(cmake_file)],
        ["CONFIG_SITE", str(config_site_file)],
        ["CC", Path(tools.cc).name],
        ["CXX", Path(tools.cxx).name],
        ["AR", tools.ar],
        ["STRIP", tools.strip],
        ["RANLIB", tools.ranlib],
        # Rust's cc crate compiles build dependencies for the Build machine with these.
        ["HOST_CC", "cc"],
        ["HOST_CXX", "c++"],
    ]
    names = [os.path.basename(word) for word in tools.launcher]
    if "ccache" in names:
        # pip builds each sdist in a new temporary folder, and every environment
        # has its own include folder: hashed as relative paths and without the
        # working directory, the same sources hit the cache from any of them.
        # CMake names sources by absolute path; scikit-build-core's build
        # folder inside the source tree makes those the same relative paths.
        result += [
            ["CCACHE_BASEDIR", "/"],
            ["CCACHE_NOHASHDIR", "1"],
            ["SKBUILD_BUILD_DIR", "build/{wheel_tag}"],
        ]
    if "sccache" in names:
        result.append(["RUSTC_WRAPPER", tools.launcher[names.index("sccache")]])
    if tools.emulator:
        # Test programs of a sub-build's "make check" (automake) run on the Host.
        result.append(["LOG_COMPILER", EMULATOR])
    if tools.pkg_config_root:
        result.append(["PKG_CONFIG_SYSROOT_DIR", tools.pkg_config_root])
        result.append(["PKG_CONFIG_LIBDIR", ":".join(tools.pkg_config_dirs)])
    return result


def host_interpreter(host: HostPython) -> str:
    """Where Host-python lives on the Host, as it was configured."""
    bindir = text_var(host.config, "BINDIR") or f"{host.recorded_prefix.rstrip('/')}/bin"
    return f"{bindir}/python{host.version}"


def runtime_config(
    env_dir: Path,
    host: HostPython,
    target: HostDescription,
    settings: Settings,
    tools: crossfiles.BuildTools,
    rust_setup: rust.RustSetup,
) -> Config:
    """The runtime configuration of the environment at its final path ``env_dir``.

    This is the one place the record read at start-up, by the compiler
    guard and by ``crossenv-doctor`` is assembled (``_crossenv.config``
    types it).
    """
    # The Host's own name first; then the names Build-python's sysconfig asks
    # for: CPython's, and Debian's patched one (no platform in it), which
    # ``python -m sysconfig`` uses as it runs an unpatched copy of the module.
    names: List[str] = [target.sysconfigdata_name]
    for name in (
        f"_sysconfigdata_{sys.abiflags}_{target.sys_platform}_{target.multiarch}",
        f"_sysconfigdata_{sys.abiflags}_{target.multiarch}",
    ):
        if name not in names:
            names.append(name)
    prefix = str(host.prefix)
    guard = guard_settings(env_dir, host, target, settings, tools.include_dir)
    defaults = cross_defaults(tools, env_dir / CMAKE_FILE, config_site_path(env_dir, target))
    # cargo splits its flags at white space: the sysroot by a path without any.
    sysroot = tools.pkg_config_root or tools.sysroot
    defaults += rust.defaults(rust_setup, tools.cc, sysroot, env_dir / PYO3_DIR, host.version)
    path_prepend = [guard["folder"]]
    if rust_setup.tools_dir:
        path_prepend.append(str(env_dir / RUST_BIN))
    return {
        "sys_platform": target.sys_platform,
        "sysname": target.sysname,
        "machine": target.machine,
        "platform": target.platform,
        "multiarch": target.multiarch,
        "pointer_bits": target.pointer_bits,
        "byteorder": target.byteorder,
        "maxsize": target.maxsize,
        "kernel_release": target.kernel_release,
        "glibc": ".".join(map(str, target.glibc)) if target.glibc else "",
        "sizes": dict(target.sizes),
        "sysconfigdata_names": names,
        "platform_tags": list(target.platform_tags),
        "wheel_tag": target.wheel_tag,
        "config_overrides": {"installed_base": prefix, "installed_platbase": prefix},
        "elf": elf_record(target),
        "ext_suffix": target.ext_suffix,
        "qemu": crossfiles.qemu_name(target),
        "shebang": settings.shebang or host_interpreter(host),
        "strict": settings.strict,
        "repair": settings.repair,
        "build_site": str(site_packages(env_dir / "build", host.version)),
        "build_python": str(env_dir / "build" / "bin" / "python"),
        "python_version": host.version,
        "cache_dir": str(env_dir / "cross" / "crossenv-cache"),
        # Build-side modules Cross-python must not import (--without-cross-pip).
        "hidden": ["pip"] if settings.without_cross_pip else [],
        "environ": [[item.name, item.operator, item.value] for item in settings.environ],
        "meson_cross_file": str(env_dir / MESON_FILE),
        "defaults": defaults,
        "guard": guard,
        "path_prepend": path_prepend,
        "rust_missing": rust.missing(rust_setup),
    }


def elf_record(target: HostDescription) -> Optional[Dict[str, Any]]:
    """What every binary built for the Host must be: ELF machine, bits, byte order."""
    if target.elf_machine is None:
        return None
    return {
        "machine": target.elf_machine,
        "bits": target.pointer_bits,
        "big_endian": target.big_endian,
    }


def describe_host(host: HostPython, toolchain: Optional[Toolchain]) -> Dict[str, str]:
    """What the environment records about how it was made (``crossenv.cfg``)."""
    return {
        "host_python": str(host.executable),
        "sysconfigdata": str(host.sysconfigdata_file),
        "sysroot": str(host.sysroot) if host.sysroot else "",
        "cc": toolchain.cc if toolchain else "",
        "target": toolchain.target if toolchain else "",
    }
