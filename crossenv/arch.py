"""Debian architectures and their names elsewhere (pure data).

The Debian architecture name is what users pass to ``crossenv-sysroot`` and
what Debian's package names end with (``libpython3.11-dev:arm64``); the
multiarch triple is what a Host-python records (``MULTIARCH``) and names its
folders with (``/usr/lib/aarch64-linux-gnu``).
"""

from __future__ import annotations

import dataclasses
from typing import Dict, Optional


@dataclasses.dataclass(frozen=True)
class Arch:
    """One Debian architecture."""

    #: Debian's name, e.g. ``arm64``.
    debian: str
    #: The multiarch triple, e.g. ``aarch64-linux-gnu``.
    multiarch: str


ARCHES: Dict[str, Arch] = {
    arch.debian: arch
    for arch in (
        Arch("amd64", "x86_64-linux-gnu"),
        Arch("arm64", "aarch64-linux-gnu"),
        Arch("armhf", "arm-linux-gnueabihf"),
        Arch("armel", "arm-linux-gnueabi"),
        Arch("i386", "i386-linux-gnu"),
        Arch("ppc64el", "powerpc64le-linux-gnu"),
        Arch("s390x", "s390x-linux-gnu"),
        Arch("riscv64", "riscv64-linux-gnu"),
        Arch("mips64el", "mips64el-linux-gnuabi64"),
        Arch("loong64", "loongarch64-linux-gnu"),
    )
}


def by_multiarch(multiarch: str) -> Optional[Arch]:
    """The Debian architecture whose multiarch triple is ``multiarch``, if any."""
    for arch in ARCHES.values():
        if arch.multiarch == multiarch:
            return arch
    return None
