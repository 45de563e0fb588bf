"""Find a Host-python's files: install tree, build directory, or an explicit file.

Everything here only reads files; nothing from the Host is run.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
from pathlib import Path
from typing import List, Mapping, Optional, Tuple

from . import builddetails, sysconfigdata
from .arch import by_multiarch
from .errors import HostPythonError
from .sysconfigdata import ConfigValue, ConfigVars, text_var

_ELF_MAGIC = b"\x7fELF"


@dataclasses.dataclass(frozen=True)
class HostPython:
    """What was found of a Host-python."""

    #: The interpreter as given on the command line.
    executable: Path
    #: The sysconfigdata file that was read.
    sysconfigdata_file: Path
    #: Its ``build_time_vars``, as recorded (not relocated).
    config: ConfigVars
    #: Where the Host's ``prefix`` really is on this machine.
    prefix: Path
    #: The Host's root file system on this machine, if Host-python lives in one.
    sysroot: Optional[Path]
    #: Its PEP 739 ``build-details`` file, checked against the sysconfigdata.
    build_details: Optional[Path] = None

    @property
    def version(self) -> str:
        """``major.minor`` of Host-python."""
        return text_var(self.config, "VERSION") or text_var(self.config, "py_version_short")

    @property
    def recorded_prefix(self) -> str:
        """The ``prefix`` Host-python was configured with."""
        return text_var(self.config, "prefix", "/usr/local")


def _check_executable(path: Path) -> None:
    if not path.exists():
        raise HostPythonError(f"Host-python not found: {path}")
    if path.is_dir():
        raise HostPythonError(f"Host-python is a directory, not an interpreter: {path}")
    if not path.is_file():  # a FIFO or a device would block or never end
        raise HostPythonError(f"Host-python is not a regular file: {path}")
    try:
        with path.open("rb") as stream:
            head = stream.read(4)
    except OSError as exc:
        raise HostPythonError(f"cannot read Host-python {path}: {exc.strerror}") from None
    if (
        head != _ELF_MAGIC
        and not head.startswith(b"#!")
        and head[:4]
        not in (
            b"\xcf\xfa\xed\xfe",
            b"\xca\xfe\xba\xbe",
        )
    ):
        raise HostPythonError(f"not a Python interpreter (no ELF or Mach-O header): {path}")


def _candidates(directory: Path) -> List[Path]:
    return sorted(directory.glob("_sysconfigdata_*.py"))


def _unique(found: List[Path], where: str) -> Path:
    distinct = {os.path.realpath(path): path for path in found}
    if not distinct:
        raise HostPythonError(f"no _sysconfigdata_*.py found {where}")
    if len(distinct) > 1:
        names = ", ".join(str(path) for path in found)
        raise HostPythonError(
            f"more than one sysconfigdata file {where} ({names}); "
            "choose one with --sysconfigdata-file"
        )
    # Prefer the name the Host's own sysconfig would import (Debian ships an
    # alias symlink beside the real file).
    return sorted(found, key=lambda path: (path.is_symlink(), path.name))[0]


def _version_from_name(path: Path) -> Optional[str]:
    match = re.search(r"python(\d+\.\d+)", path.name)
    return match.group(1) if match else None


def find_sysconfigdata(executable: Path) -> Path:
    """Find the sysconfigdata file belonging to the Host-python ``executable``."""
    bindir = executable.parent
    pybuilddir = bindir / "pybuilddir.txt"
    if pybuilddir.is_file():
        try:
            relative = pybuilddir.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise HostPythonError(f"cannot read {pybuilddir}: {exc.strerror}") from None
        return _unique(_candidates(bindir / relative), f"in build directory {bindir / relative}")
    prefix = bindir.parent
    version = _version_from_name(executable) or _version_from_name(executable.resolve())
    pattern = f"python{version}" if version else "python3.*"
    found: List[Path] = []
    for libdir in ("lib", "lib64"):
        for stdlib in sorted((prefix / libdir).glob(pattern)):
            found.extend(_candidates(stdlib))
    return _unique(found, f"under {prefix}/lib/{pattern}")


def glibc_version(sysroot: Optional[Path]) -> Optional[Tuple[int, int]]:
    """The GNU C library version of a sysroot, read from ``features.h``."""
    if sysroot is None:
        return None
    try:
        text = (sysroot / "usr" / "include" / "features.h").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    major = re.search(r"^#\s*define\s+__GLIBC__\s+(\d+)", text, re.MULTILINE)
    minor = re.search(r"^#\s*define\s+__GLIBC_MINOR__\s+(\d+)", text, re.MULTILINE)
    if not (major and minor):
        return None
    return int(major.group(1)), int(minor.group(1))


#: musl's version as its C library (``ld-musl-ARCH.so.1``) carries it, a string of its own.
_MUSL_VERSION = re.compile(rb"\x00(1\.[0-9]+\.[0-9]+)\x00")


def musl_version(sysroot: Optional[Path]) -> Optional[Tuple[int, int]]:
    """The musl C library version of a sysroot, read from its dynamic loader's data.

    musl prints it when its loader runs as a program (which packaging does
    on the Host); here the file is only read.
    """
    if sysroot is None:
        return None
    for loader in sorted((sysroot / "lib").glob("ld-musl-*.so.1")):
        try:
            found = _MUSL_VERSION.search(loader.read_bytes())
        except OSError:
            continue
        if found:
            major, minor, _ = found.group(1).split(b".")
            return int(major), int(minor)
    return None


def check_headers(config: Mapping[str, ConfigValue], sysroot: Optional[Path]) -> None:
    """Fail unless the Host's ``Python.h`` and ``pyconfig.h`` are where ``config`` says.

    Without them a build would find the Build machine's headers and compile
    extensions with the wrong ``pyconfig.h``, silently.
    """
    include = text_var(config, "INCLUDEPY")
    for folder, name in (
        (include, "Python.h"),
        (text_var(config, "CONFINCLUDEPY", include), "pyconfig.h"),
    ):
        path = Path(folder) / name
        if folder and path.is_file():
            continue
        version = text_var(config, "VERSION")
        arch = by_multiarch(text_var(config, "MULTIARCH"))
        package = f"libpython{version}-dev" + (f":{arch.debian}" if arch else "")
        fix = f"add the Debian package {package}"
        if sysroot is not None:
            quoted = shlex.quote(str(sysroot))
            fix += f" to the sysroot: crossenv-sysroot --add {package.split(':')[0]} {quoted}"
        raise HostPythonError(f"the Host's {name} is missing ({path}); {fix}")


def kernel_release(sysroot: Optional[Path]) -> str:
    """The Linux release a sysroot's kernel headers are for (``6.1.0``), or "".

    The Host's real kernel cannot be known; the headers its C library was
    built against are the closest fact, and never the Build machine's kernel.
    """
    if sysroot is None:
        return ""
    try:
        text = (sysroot / "usr" / "include" / "linux" / "version.h").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    parts = [
        re.search(rf"^#\s*define\s+LINUX_VERSION_{name}\s+(\d+)", text, re.MULTILINE)
        for name in ("MAJOR", "PATCHLEVEL", "SUBLEVEL")
    ]
    if all(parts):
        return ".".join(match.group(1) for match in parts if match)
    code = re.search(r"^#\s*define\s+LINUX_VERSION_CODE\s+(\d+)", text, re.MULTILINE)
    if code is None:
        return ""
    value = int(code.group(1))
    return f"{value >> 16}.{(value >> 8) & 0xFF}.{value & 0xFF}"


def infer_sysroot(install_prefix: Path, recorded_prefix: str) -> Optional[Path]:
    """Return SYSROOT when ``install_prefix`` is ``SYSROOT + recorded_prefix``."""
    recorded = recorded_prefix.rstrip("/")
    actual = str(install_prefix).rstrip("/")
    if not recorded or actual == recorded or not actual.endswith(recorded):
        return None
    return Path(actual[: -len(recorded)] or "/")


def discover(
    executable: Path,
    *,
    sysconfigdata_file: Optional[Path] = None,
    sysroot: Optional[Path] = None,
) -> HostPython:
    """Find and read everything crossenv needs to know about Host-python."""
    executable = Path(os.path.abspath(executable))
    try:
        return _discover(executable, sysconfigdata_file, sysroot)
    except OSError as exc:  # e.g. a name too long for the file system
        where = f" {exc.filename}" if exc.filename else ""
        raise HostPythonError(f"cannot read Host-python{where}: {exc.strerror or exc}") from None


def _discover(
    executable: Path, sysconfigdata_file: Optional[Path], sysroot: Optional[Path]
) -> HostPython:
    _check_executable(executable)
    if sysconfigdata_file is not None:
        if not sysconfigdata_file.exists():
            raise HostPythonError(f"--sysconfigdata-file not found: {sysconfigdata_file}")
        data_file = Path(os.path.abspath(sysconfigdata_file))
    else:
        data_file = find_sysconfigdata(executable)
    config = sysconfigdata.read(data_file)
    details = None
    if sysconfigdata_file is None:  # a file the user names is the one they trust
        details = builddetails.find(data_file.parent, config)
        if details is not None:
            builddetails.check(details, config, data_file)
    recorded = text_var(config, "prefix", "/usr/local")
    in_build_dir = (executable.parent / "pybuilddir.txt").is_file()
    install_prefix = executable.parent if in_build_dir else executable.parent.parent
    if sysroot is None and not in_build_dir:
        sysroot = infer_sysroot(install_prefix, recorded)
    if sysroot is not None:
        sysroot = Path(os.path.abspath(sysroot))
        if not sysroot.is_dir():
            raise HostPythonError(f"sysroot is not a directory: {sysroot}")
        prefix = Path(str(sysroot).rstrip("/") + "/" + recorded.lstrip("/"))
    else:
        prefix = install_prefix
    return HostPython(
        executable=executable,
        sysconfigdata_file=data_file,
        config=config,
        prefix=prefix,
        sysroot=sysroot,
        build_details=details,
    )


def _inside(sysroot: Optional[Path], path: Path) -> Path:
    """``path``, with symbolic links followed inside ``sysroot`` (absolute ones too)."""
    for _ in range(20):
        if not path.is_symlink():
            return path
        target = os.readlink(path)
        if os.path.isabs(target) and sysroot is not None:
            path = sysroot / target.lstrip("/")
        else:
            path = path.parent / target
    return path


def check_binary(found: HostPython, machine: int, bits: int, big_endian: bool) -> None:
    """Refuse a Host-python whose ELF header is for another machine than its sysconfigdata.

    A sysconfigdata of another CPU (copied into the wrong tree, or named with
    ``--sysconfigdata-file``) would make every build for the wrong machine.
    """
    from ._runtime import elf

    path = _inside(found.sysroot, found.executable)
    try:
        info = elf.read_file(path)
    except OSError:
        return
    if info is None:  # a script or a Mach-O file: nothing to compare
        return
    wrong = elf.mismatch(info, machine=machine, bits=bits, big_endian=big_endian)
    if wrong is not None:
        raise HostPythonError(
            f"Host-python {found.executable} is {elf.describe(info)}, but the sysconfigdata "
            f"{found.sysconfigdata_file} describes a Host of another machine ({wrong}); "
            "give the Host's own with --sysconfigdata-file"
        )


def odd_places(env_dir: Path, found: HostPython, triple: str) -> List[str]:
    """Warnings about what works but is seldom meant: no cross at all, an env in the sysroot."""
    import platform
    import sys

    from .toolchain import same_target

    warnings = []
    build = getattr(sys.implementation, "_multiarch", "") or f"{platform.machine()}-linux-gnu"
    if triple and same_target(triple, build):
        warnings.append(
            f"Host-python {found.executable} is for this machine ({build}): "
            "the environment builds for the Build machine itself"
        )
    sysroot = found.sysroot
    if sysroot is not None and (env_dir == sysroot or sysroot in env_dir.parents):
        warnings.append(
            f"{env_dir} is inside the Host's sysroot {sysroot}: fetched again, "
            "the sysroot is replaced, and the environment with it"
        )
    return warnings
