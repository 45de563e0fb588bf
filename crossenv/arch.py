"""Debian architectures and every name each one goes by elsewhere (pure data).

This is the one table of CPU facts in crossenv: every other module looks
its names up here (:class:`Arch`), through :func:`find` and friends.  The
Debian architecture name is what users pass to ``crossenv-sysroot`` and what
Debian's package names end with (``libpython3.11-dev:arm64``); the multiarch
triple is what a Host-python records (``MULTIARCH``) and names its folders
with (``/usr/lib/aarch64-linux-gnu``).  The facts come from dpkg's cputable
(``dpkg-architecture -a ARCH``), qemu-user's program names, Debian's rustc
(``/usr/share/rustc/architecture.mk``) and meson's reference table of CPU
families; ``tests/unit/test_arch.py`` checks them against the first three.

The ``e_machine`` numbers are the runtime's (:mod:`crossenv._runtime.elf`),
which must stand alone inside a Cross-python; this table only names them.
"""

from __future__ import annotations

import dataclasses
from typing import Dict, List, Optional, Tuple

from ._runtime.elf import (
    EM_386,
    EM_AARCH64,
    EM_ARM,
    EM_LOONGARCH,
    EM_MIPS,
    EM_PPC64,
    EM_RISCV,
    EM_S390,
    EM_X86_64,
)

__all__ = [
    "ARCHES",
    "Arch",
    "by_machine",
    "by_multiarch",
    "by_triple",
    "canonical_cpu",
    "find",
]


@dataclasses.dataclass(frozen=True)
class Arch:
    """One Debian architecture, with its names for the tools crossenv drives."""

    #: Debian's name (``DEB_HOST_ARCH``), e.g. ``arm64``.
    debian: str
    #: The multiarch triple (``DEB_HOST_MULTIARCH``), e.g. ``aarch64-linux-gnu``.
    multiarch: str
    #: The CPU part of the GNU triple (``DEB_HOST_GNU_CPU``), e.g. ``i686``.
    gnu_cpu: str
    #: ``uname -m`` (``platform.machine()``) on a machine of Debian's baseline.
    machine: str
    #: 32 or 64 (``DEB_HOST_ARCH_BITS``, the ELF class).
    bits: int
    #: True for big-endian (``DEB_HOST_ARCH_ENDIAN``, the ELF data encoding).
    big_endian: bool
    #: ELF ``e_machine`` of its binaries.
    elf_machine: int
    #: meson's ``cpu_family`` (meson's ``cpu`` is the Host's own machine name).
    meson_cpu_family: str
    #: The qemu-user program that runs its binaries, e.g. ``qemu-aarch64``.
    qemu: str
    #: The Rust target triple of Debian's rustc for it.
    rust_triple: str
    #: Other ``uname -m`` of machines that run its binaries natively.
    other_machines: Tuple[str, ...] = ()
    #: Other spellings of its CPU in GNU triples (compilers, config.guess).
    cpu_aliases: Tuple[str, ...] = ()
    #: qemu-user's ``-cpu`` (``QEMU_CPU``) for a CPU of Debian's baseline, where
    #: qemu's default CPU would run instructions the Host's boards lack; "" for
    #: qemu's default.
    qemu_cpu: str = ""
    #: numpy's name for the format of C's ``long double`` (the meson cross
    #: file's ``longdouble_format``, which numpy otherwise runs a program for).
    longdouble_format: str = ""

    @property
    def gnu_type(self) -> str:
        """The GNU triple (``DEB_HOST_GNU_TYPE``), e.g. ``i686-linux-gnu``."""
        return f"{self.gnu_cpu}-{self.system}"

    @property
    def system(self) -> str:
        """The triple after the CPU: ``linux-gnu``, ``linux-gnueabihf``, ..."""
        return self.multiarch.split("-", 1)[1]

    @property
    def machines(self) -> Tuple[str, ...]:
        """Every ``uname -m`` that runs its binaries, :attr:`machine` first."""
        return (self.machine, *self.other_machines)

    @property
    def rust_cpu(self) -> str:
        """The CPU part of :attr:`rust_triple`, e.g. ``armv7``."""
        return self.rust_triple.split("-", 1)[0]


ARCHES: Dict[str, Arch] = {
    arch.debian: arch
    for arch in (
        Arch(
            "amd64", "x86_64-linux-gnu", "x86_64", "x86_64", 64, False, EM_X86_64,
            "x86_64", "qemu-x86_64", "x86_64-unknown-linux-gnu",
            cpu_aliases=("amd64",),
            longdouble_format="INTEL_EXTENDED_16_BYTES_LE",
        ),
        Arch(
            "arm64", "aarch64-linux-gnu", "aarch64", "aarch64", 64, False, EM_AARCH64,
            "aarch64", "qemu-aarch64", "aarch64-unknown-linux-gnu",
            other_machines=("arm64",), cpu_aliases=("arm64",),
            longdouble_format="IEEE_QUAD_LE",
        ),
        Arch(
            "armhf", "arm-linux-gnueabihf", "arm", "armv7l", 32, False, EM_ARM,
            "arm", "qemu-arm", "armv7-unknown-linux-gnueabihf",
            other_machines=("armv8l",),
            longdouble_format="IEEE_DOUBLE_LE",
        ),
        Arch(
            "armel", "arm-linux-gnueabi", "arm", "armv5tel", 32, False, EM_ARM,
            "arm", "qemu-arm", "armv5te-unknown-linux-gnueabi",
            other_machines=("armv6l", "armv7l", "armv8l"), qemu_cpu="arm926",
            longdouble_format="IEEE_DOUBLE_LE",
        ),
        Arch(
            "i386", "i386-linux-gnu", "i686", "i686", 32, False, EM_386,
            "x86", "qemu-i386", "i686-unknown-linux-gnu",
            other_machines=("i386", "i486", "i586"), cpu_aliases=("i386", "i486", "i586"),
            longdouble_format="INTEL_EXTENDED_12_BYTES_LE",
        ),
        Arch(
            "ppc64el", "powerpc64le-linux-gnu", "powerpc64le", "ppc64le", 64, False, EM_PPC64,
            "ppc64", "qemu-ppc64le", "powerpc64le-unknown-linux-gnu",
            cpu_aliases=("ppc64le",),
            longdouble_format="IBM_DOUBLE_DOUBLE_LE",
        ),
        Arch(
            "s390x", "s390x-linux-gnu", "s390x", "s390x", 64, True, EM_S390,
            "s390x", "qemu-s390x", "s390x-unknown-linux-gnu",
            longdouble_format="IEEE_QUAD_BE",
        ),
        Arch(
            "riscv64", "riscv64-linux-gnu", "riscv64", "riscv64", 64, False, EM_RISCV,
            "riscv64", "qemu-riscv64", "riscv64gc-unknown-linux-gnu",
            longdouble_format="IEEE_QUAD_LE",
        ),
        Arch(
            "mips64el", "mips64el-linux-gnuabi64", "mips64el", "mips64", 64, False, EM_MIPS,
            "mips64", "qemu-mips64el", "mips64el-unknown-linux-gnuabi64",
            longdouble_format="IEEE_QUAD_LE",
        ),
        Arch(
            "mipsel", "mipsel-linux-gnu", "mipsel", "mips", 32, False, EM_MIPS,
            "mips", "qemu-mipsel", "mipsel-unknown-linux-gnu",
            longdouble_format="IEEE_DOUBLE_LE",
        ),
        Arch(
            "loong64", "loongarch64-linux-gnu", "loongarch64", "loongarch64", 64, False,
            EM_LOONGARCH, "loongarch64", "qemu-loongarch64", "loongarch64-unknown-linux-gnu",
            longdouble_format="IEEE_QUAD_LE",
        ),
    )
}  # fmt: skip

#: Each spelling of a CPU in GNU and Rust triples -> :attr:`Arch.gnu_cpu`.
_CPU_NAMES: Dict[str, str] = {
    name: arch.gnu_cpu
    for arch in ARCHES.values()
    for name in (arch.gnu_cpu, arch.rust_cpu, *arch.cpu_aliases)
}


def canonical_cpu(cpu: str) -> str:
    """The GNU name of the CPU spelled *cpu* in some triple (``arm64`` -> ``aarch64``).

    Every 32-bit ARM (``armv7l``, ``armv7a``, ``armv8l``, ...) is ``arm``; a
    spelling the table does not know is returned as it is, in lower case.
    """
    cpu = cpu.lower()
    if cpu.startswith("arm") and cpu not in _CPU_NAMES:
        return "arm"
    return _CPU_NAMES.get(cpu, cpu)


def compiler_package(multiarch: str) -> Optional[str]:
    """Debian's package of the cross C compiler for a Host, e.g. ``gcc-i686-linux-gnu``."""
    arch = by_multiarch(multiarch)
    return f"gcc-{arch.gnu_type}" if arch else None


def by_multiarch(multiarch: str) -> Optional[Arch]:
    """The Debian architecture whose multiarch triple is ``multiarch``, if any."""
    for arch in ARCHES.values():
        if arch.multiarch == multiarch:
            return arch
    return None


def _split(triple: str) -> Tuple[str, str]:
    """(GNU CPU, system) of a triple, the vendor dropped: ``x86_64-pc-linux-gnu``."""
    parts = triple.strip().lower().split("-")
    if len(parts) == 4:
        del parts[1]
    return canonical_cpu(parts[0]), "-".join(parts[1:])


def by_triple(triple: str, exact: bool = False) -> Optional[Arch]:
    """The Debian architecture of a GNU triple of any vendor and CPU spelling.

    ``aarch64-unknown-linux-gnu`` is arm64 and ``armv7l-unknown-linux-gnueabihf``
    armhf.  Unless *exact*, a triple of another system (``aarch64-linux-musl``,
    ``i686-linux-android``) gets the architecture of its CPU, hard-float ARM
    that of armhf.
    """
    cpu, system = _split(triple)
    same_cpu = [arch for arch in ARCHES.values() if arch.gnu_cpu == cpu]
    for arch in same_cpu:
        if arch.system == system:
            return arch
    if exact:
        return None
    hard_float = system.endswith("hf")
    same_cpu.sort(key=lambda arch: arch.system.endswith("hf") != hard_float)
    return same_cpu[0] if same_cpu else None


def by_machine(machine: str, big_endian: Optional[bool] = None) -> Optional[Arch]:
    """The Debian architecture a ``uname -m`` of *machine* runs, if any.

    An architecture whose own machine it is comes before one that merely
    runs there (``armv7l`` is armhf's, though armel runs there too).
    """
    found: List[Arch] = [
        arch
        for arch in ARCHES.values()
        if machine in arch.machines and big_endian in (None, arch.big_endian)
    ]
    found.sort(key=lambda arch: arch.machine != machine)
    return found[0] if found else None


def find(
    multiarch: str = "",
    triple: str = "",
    machine: str = "",
    big_endian: Optional[bool] = None,
) -> Optional[Arch]:
    """The Debian architecture of a Host, from the most telling name it has.

    That is its multiarch triple, else its GNU triple, else its machine
    (and byte order), else its GNU triple's CPU.
    """
    return (
        by_multiarch(multiarch)
        or (by_triple(triple, exact=True) if triple else None)
        or (by_machine(machine, big_endian) if machine else None)
        or (by_triple(triple) if triple else None)
    )
