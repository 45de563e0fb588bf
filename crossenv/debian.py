"""What a sysroot is made of: Debian releases and architectures, and their packages.

A sysroot holds Debian *release*'s Python for one architecture of
:mod:`crossenv.arch`, with the packages it needs (:func:`seed_packages`)
minus those only of use on a running system (:data:`EXCLUDED`).  Its
programs run here under qemu-user (:func:`qemu_command`).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from crossenv import apt
from crossenv.arch import ARCHES
from crossenv.errors import SysrootError, UsageError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = [
    "DEFAULT_ARCH",
    "DEFAULT_RELEASE",
    "EXCLUDED",
    "SYSROOT_ARCHES",
    "SYSROOT_RELEASES",
    "Request",
    "check_arch",
    "check_packages",
    "is_excluded",
    "python_version",
    "qemu_command",
    "seed_packages",
]

#: Debian release name -> the python3.X it ships.
SYSROOT_RELEASES: Mapping[str, str] = MappingProxyType(
    {
        "bookworm": "3.11",
        "trixie": "3.13",
        "forky": "3.14",
    }
)

#: The architectures of :data:`crossenv.arch.ARCHES` that crossenv-sysroot
#: fetches, from Debian's main archive (mips64el is there for bookworm only).
#: mipsel (bookworm only) and loong64 (debian-ports only) are left out.
SYSROOT_ARCHES: tuple[str, ...] = (
    "arm64",
    "armhf",
    "armel",
    "riscv64",
    "ppc64el",
    "s390x",
    "i386",
    "amd64",
    "mips64el",
)

DEFAULT_ARCH = "arm64"
DEFAULT_RELEASE = "bookworm"

#: Packages pulled in by dependencies that a sysroot never needs: tools
#: that only matter on a running system, or data only used by them.
EXCLUDED_PACKAGES = frozenset(
    {
        "base-files",
        "coreutils",
        "debconf",
        "debianutils",
        "dpkg",
        "install-info",
        "libc-dev-bin",
        "mailcap",
        "media-types",
        "mime-support",
        "perl",
        "perl-base",
        "readline-common",
        "rpcsvc-proto",
        "sensible-utils",
        "tar",
        "tzdata",
    }
)
EXCLUDED_PREFIXES = ("perl-modules-", "libperl")
EXCLUDED = apt.Exclusions(EXCLUDED_PACKAGES, EXCLUDED_PREFIXES)

#: ``NAME`` or ``NAME=VERSION``, as Debian policy spells them.
_PACKAGE = re.compile(r"^(?P<name>[a-z0-9][a-z0-9+.-]+)(=(?P<version>[A-Za-z0-9.+~:-]+))?$")


@dataclass(frozen=True)
class Request:
    """A validated fetch request."""

    arch: str
    release: str
    version: str
    mirror: str
    dest: Path
    #: The version of Debian's rustc whose std is wanted, else None.
    rust: str | None = None

    @property
    def rust_triple(self) -> str:
        return ARCHES[self.arch].rust_triple


def python_version(release: str) -> str:
    """Return the ``X.Y`` python version shipped by Debian *release*."""
    try:
        return SYSROOT_RELEASES[release]
    except KeyError:
        known = ", ".join(SYSROOT_RELEASES)
        raise UsageError(f"unknown release {release!r} (choose from: {known})") from None


def check_arch(arch: str) -> str:
    """Return *arch* if it is a supported Debian architecture name."""
    if arch not in SYSROOT_ARCHES:
        known = ", ".join(SYSROOT_ARCHES)
        raise UsageError(f"unknown architecture {arch!r} (choose from: {known})")
    return arch


def seed_packages(version: str) -> list[str]:
    """Return the packages whose dependency closure makes up the sysroot."""
    return [
        f"python{version}-minimal",
        f"python{version}",
        f"libpython{version}-dev",
        f"libpython{version}-stdlib",
        "libc6-dev",
        "libstdc++6",
    ]


def is_excluded(package: str) -> bool:
    """Tell whether *package* is one a sysroot never needs."""
    return EXCLUDED.matches(package)


def check_packages(packages: Sequence[str]) -> list[str]:
    """Return *packages* if each is a Debian package name (``=VERSION`` allowed).

    A package a sysroot never gets (see :data:`EXCLUDED_PACKAGES`) is refused
    here, before anything is downloaded.
    """
    for package in packages:
        found = _PACKAGE.match(package)
        if found is None:
            raise UsageError(
                f"{package!r} is not a Debian package name "
                "(the packages added are of the sysroot's own architecture)"
            )
        if is_excluded(found.group("name")):
            raise UsageError(
                f"{found.group('name')} is left out of every sysroot "
                "(it is only of use on a running system)"
            )
    if not packages:
        raise UsageError("--add needs at least one package")
    return list(packages)


def qemu_command(arch: str, sysroot: Path) -> list[str]:
    """Return the command prefix that runs *arch* binaries of *sysroot*.

    For example ``["qemu-aarch64", "-L", "/path/to/sysroot"]``.
    """
    row = ARCHES[check_arch(arch)]
    qemu, cpu = row.qemu, (["-cpu", row.qemu_cpu] if row.qemu_cpu else [])
    for name in (qemu, f"{qemu}-static"):
        if shutil.which(name) is not None:
            return [name, *cpu, "-L", str(sysroot)]
    raise SysrootError(
        f"{qemu} is not on PATH; install the Debian package qemu-user (or qemu-user-static)"
    )
