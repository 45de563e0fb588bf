"""A small reader of ELF headers, enough to tell which machine a binary is for.

Only the standard library is used, so the module works both in ``crossenv``
and, copied as part of ``_crossenv``, inside a Cross-python.  Nothing here
executes or maps the file: it reads the 64-byte file header only.  Malformed
input is reported as "not ELF" (``None``), never as an exception.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple, Union

__all__ = [
    "EM_386",
    "EM_AARCH64",
    "EM_ARM",
    "EM_LOONGARCH",
    "EM_MIPS",
    "EM_PPC",
    "EM_PPC64",
    "EM_RISCV",
    "EM_S390",
    "EM_X86_64",
    "ET_CORE",
    "ET_DYN",
    "ET_EXEC",
    "ET_REL",
    "HEADER_SIZE",
    "MACHINE_NAMES",
    "ElfInfo",
    "describe",
    "glibc_needs",
    "mismatch",
    "read_file",
    "read_header",
]

#: The most bytes a file header takes (the 64-bit one); enough for every class.
HEADER_SIZE = 64

#: ``e_type`` values.
ET_REL = 1
ET_EXEC = 2
ET_DYN = 3
ET_CORE = 4

#: ``e_machine`` values of the CPUs Debian builds for (``EM_*`` of ``<elf.h>``).
#: ``crossenv.arch`` names each architecture's from here, so that the numbers
#: live in one place that the runtime, which must stand alone, can read too.
EM_386 = 3
EM_MIPS = 8
EM_PPC = 20
EM_PPC64 = 21
EM_S390 = 22
EM_ARM = 40
EM_X86_64 = 62
EM_AARCH64 = 183
EM_RISCV = 243
EM_LOONGARCH = 258

#: Names of common ``e_machine`` values, as ``uname -m``-like words.  One
#: value stands for several architectures (``EM_MIPS`` for mips, mipsel and
#: mips64el alike), which the class and byte order of the header tell apart.
MACHINE_NAMES: Dict[int, str] = {
    EM_386: "i386",
    EM_MIPS: "mips",
    EM_PPC: "ppc",
    EM_PPC64: "ppc64",
    EM_S390: "s390",
    EM_ARM: "arm",
    EM_X86_64: "x86_64",
    EM_AARCH64: "aarch64",
    EM_RISCV: "riscv",
    EM_LOONGARCH: "loongarch",
}

_MAGIC = b"\x7fELF"
_EI_CLASS = 4
_EI_DATA = 5
_EI_OSABI = 7
_ELFCLASS32 = 1
_ELFCLASS64 = 2
_ELFDATA2LSB = 1
_ELFDATA2MSB = 2

# After the 16-byte e_ident: e_type, e_machine, e_version, e_entry, e_phoff,
# e_shoff, e_flags, e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum,
# e_shstrndx.
_EHDR = {32: "HHIIIIIHHHHHH", 64: "HHIQQQIHHHHHH"}


@dataclass(frozen=True)
class ElfInfo:
    """What an ELF file header says about the machine the file is for."""

    bits: int  #: 32 or 64 (EI_CLASS).
    big_endian: bool  #: EI_DATA is ELFDATA2MSB.
    machine: int  #: ``e_machine``, e.g. 183 for AArch64.
    osabi: int  #: EI_OSABI; 0 (System V) for most Linux binaries.
    type: int  #: ``e_type``: :data:`ET_EXEC`, :data:`ET_DYN`, ...

    @property
    def machine_name(self) -> str:
        """``aarch64``, ``x86_64``, ... or ``e_machine N`` when not a common one."""
        return MACHINE_NAMES.get(self.machine, f"e_machine {self.machine}")


def read_header(data: bytes) -> Optional[ElfInfo]:
    """The header of ELF image *data*; ``None`` if it is not ELF or is cut short.

    *data* needs only the file header: 52 bytes for 32-bit files, 64 for 64-bit.
    """
    if len(data) < 16 or data[:4] != _MAGIC:
        return None
    bits = {_ELFCLASS32: 32, _ELFCLASS64: 64}.get(data[_EI_CLASS])
    order = {_ELFDATA2LSB: "<", _ELFDATA2MSB: ">"}.get(data[_EI_DATA])
    if bits is None or order is None:
        return None
    fmt = order + _EHDR[bits]
    end = 16 + struct.calcsize(fmt)
    if len(data) < end:
        return None
    fields = struct.unpack(fmt, data[16:end])
    return ElfInfo(
        bits=bits, big_endian=order == ">", machine=fields[1], osabi=data[_EI_OSABI], type=fields[0]
    )


def read_file(path: Union[str, os.PathLike[str]]) -> Optional[ElfInfo]:
    """:func:`read_header` of the first 64 bytes of *path*.

    Raises :class:`OSError` when *path* cannot be read; a file that can be
    read but is not ELF (a script, an empty file, ...) gives ``None``.
    """
    with open(path, "rb") as file:
        return read_header(file.read(HEADER_SIZE))


def describe(info: ElfInfo) -> str:
    """A short phrase like ``ELF 64-bit little-endian aarch64``."""
    order = "big" if info.big_endian else "little"
    return f"ELF {info.bits}-bit {order}-endian {info.machine_name}"


def mismatch(
    info: Optional[ElfInfo], *, machine: int, bits: int, big_endian: bool
) -> Optional[str]:
    """``None`` when *info* is for the given machine, else what is wrong with it.

    For example ``ELF 64-bit little-endian x86_64, expected ELF 64-bit
    little-endian aarch64``, or ``not an ELF file`` when *info* is ``None``.
    """
    if info is None:
        return "not an ELF file"
    if (info.machine, info.bits, info.big_endian) == (machine, bits, big_endian):
        return None
    expected = ElfInfo(bits=bits, big_endian=big_endian, machine=machine, osabi=0, type=0)
    return f"{describe(info)}, expected {describe(expected)}"


#: Section types of the dynamic symbols, their versions and the versions needed.
_SHT_DYNSYM = 11
_SHT_GNU_VERSYM = 0x6FFFFFFF
_SHT_GNU_VERNEED = 0x6FFFFFFE
#: Section header, symbol: field formats of each class (``<elf.h>``).
_SHDR = {32: "IIIIIIIIII", 64: "IIQQQQIIQQ"}
_SYM = {32: "IIIBBH", 64: "IBBHQQ"}


def _string(data: bytes, offset: int) -> str:
    end = data.find(b"\0", offset)
    return data[offset : end if end >= 0 else len(data)].decode("ascii", "replace")


def glibc_needs(data: bytes) -> Dict[str, Tuple[int, int]]:
    """The GNU C library version each undefined symbol of ELF image ``data`` asks for.

    ``{"pthread_create": (2, 34), ...}`` from the symbol versions the linker
    recorded (``.gnu.version_r``); empty for a file that is not ELF or asks
    for no version.  A manylinux tag promises none is newer than its glibc.
    """
    info = read_header(data[:HEADER_SIZE])
    if info is None:
        return {}
    order = ">" if info.big_endian else "<"
    fields = struct.unpack(
        order + _EHDR[info.bits], data[16 : 16 + struct.calcsize(_EHDR[info.bits])]
    )
    shoff, shentsize, shnum = fields[5], fields[10], fields[11]
    shdr = order + _SHDR[info.bits]
    sections = []
    for index in range(shnum):
        start = shoff + index * shentsize
        if start + struct.calcsize(shdr) > len(data):
            return {}
        sh = struct.unpack(shdr, data[start : start + struct.calcsize(shdr)])
        sections.append((sh[1], sh[4], sh[5], sh[6], sh[7]))  # type, offset, size, link, info
    by_type = {kind: section for section in reversed(sections) for kind in [section[0]]}
    if not {_SHT_DYNSYM, _SHT_GNU_VERSYM, _SHT_GNU_VERNEED} <= set(by_type):
        return {}
    try:
        return _needs(data, order, info.bits, sections, by_type)
    except (struct.error, IndexError):
        return {}


def _needs(
    data: bytes,
    order: str,
    bits: int,
    sections: List[Tuple[int, int, int, int, int]],
    by_type: Dict[int, Tuple[int, int, int, int, int]],
) -> Dict[str, Tuple[int, int]]:
    _, offset, _, link, count = by_type[_SHT_GNU_VERNEED]
    strings = sections[link][1]
    names: Dict[int, str] = {}  # version index -> "GLIBC_2.34"
    for _ in range(count):
        _, entries, _, aux, following = struct.unpack(order + "HHIII", data[offset : offset + 16])
        at = offset + aux
        for _ in range(entries):
            _, _, other, name, after = struct.unpack(order + "IHHII", data[at : at + 16])
            names[other] = _string(data, strings + name)
            at += after
        if not following:
            break
        offset += following
    _, symbols, size, symbol_link, _ = by_type[_SHT_DYNSYM]
    symbol_strings = sections[symbol_link][1]
    versions = by_type[_SHT_GNU_VERSYM][1]
    fmt = order + _SYM[bits]
    width = struct.calcsize(fmt)
    needs: Dict[str, Tuple[int, int]] = {}
    for index in range(size // width):
        entry = struct.unpack(fmt, data[symbols + index * width : symbols + (index + 1) * width])
        name, shndx = entry[0], entry[5] if bits == 32 else entry[3]
        (version,) = struct.unpack(
            order + "H", data[versions + 2 * index : versions + 2 * index + 2]
        )
        label = names.get(version & 0x7FFF, "")
        if shndx == 0 and label.startswith("GLIBC_"):
            numbers = tuple(int(part) for part in label[6:].split(".")[:2] if part.isdigit())
            if len(numbers) == 2:
                needs[_string(data, symbol_strings + name)] = (numbers[0], numbers[1])
    return needs
