"""Compute what goes into an environment, without touching the disk (pure)."""

from __future__ import annotations

import dataclasses
import shlex
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from . import crossfiles, sysconfigdata
from .host import HostPython
from .options import EnvAssignment
from .sysconfigdata import ConfigVars, text_var
from .target import Target
from .toolchain import Toolchain


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
    if host.sysroot is not None:
        config = sysconfigdata.with_compiler_flags(config, [f"--sysroot={host.sysroot}"])
    for name, value in settings.config_vars:
        config[name] = int(value) if value.isdigit() else value
    return config


def _moved(host: HostPython, path: str) -> str:
    if host.sysroot is not None:
        return str(host.sysroot).rstrip("/") + "/" + path.lstrip("/")
    return str(host.prefix)


def _first_word(command: str) -> str:
    words = shlex.split(command) if command.strip() else []
    return words[0] if words else ""


def build_tools(
    env_dir: Path, host: HostPython, target: Target, toolchain: Toolchain, vars_: ConfigVars
) -> crossfiles.BuildTools:
    """What the meson cross file and CMake toolchain file name."""
    sysroot = str(host.sysroot) if host.sysroot else None
    return crossfiles.BuildTools(
        cc=toolchain.cc,
        cxx=toolchain.cxx,
        ar=toolchain.ar,
        strip=crossfiles.sibling_tool(toolchain.cc, "strip"),
        python=str(env_dir / "cross" / "bin" / "python"),
        include_dir=text_var(vars_, "INCLUDEPY"),
        sysroot=sysroot,
        emulator=crossfiles.emulator(target, sysroot),
        pkg_config_dirs=crossfiles.pkg_config_dirs(sysroot, target.multiarch) if sysroot else (),
    )


def cross_defaults(tools: crossfiles.BuildTools, cmake_file: Path) -> List[List[str]]:
    """Variables every cross build gets unless the user set them."""
    result = [["CMAKE_TOOLCHAIN_FILE", str(cmake_file)]]
    if tools.sysroot:
        result.append(["PKG_CONFIG_SYSROOT_DIR", tools.sysroot])
        result.append(["PKG_CONFIG_LIBDIR", ":".join(tools.pkg_config_dirs)])
    return result


def host_interpreter(host: HostPython) -> str:
    """Where Host-python lives on the Host, as it was configured."""
    bindir = text_var(host.config, "BINDIR") or f"{host.recorded_prefix.rstrip('/')}/bin"
    return f"{bindir}/python{host.version}"


def runtime_config(
    env_dir: Path, host: HostPython, target: Target, settings: Settings
) -> Dict[str, Any]:
    """The data of ``cross/crossenv.json`` that the runtime reads at start-up."""
    names: List[str] = [target.sysconfigdata_name]
    build_style = f"_sysconfigdata_{sys.abiflags}_{target.sys_platform}_{target.multiarch}"
    if build_style not in names:
        names.append(build_style)
    prefix = str(host.prefix)
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
        "elf": (
            {
                "machine": target.elf_machine,
                "bits": target.pointer_bits,
                "big_endian": target.big_endian,
            }
            if target.elf_machine is not None
            else None
        ),
        "ext_suffix": target.ext_suffix,
        "qemu": crossfiles.qemu_name(target),
        "shebang": settings.shebang or host_interpreter(host),
        "strict": settings.strict,
        "build_site": str(site_packages(env_dir / "build", host.version)),
        "build_python": str(env_dir / "build" / "bin" / "python"),
        "python_version": host.version,
        "cache_dir": str(env_dir / "cross" / "crossenv-cache"),
        # Build-side modules Cross-python must not import (--without-cross-pip).
        "hidden": ["pip"] if settings.without_cross_pip else [],
        "environ": [[item.name, item.operator, item.value] for item in settings.environ],
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
