"""A small reader of ELF headers, enough to tell which machine a binary is for.

Only the standard library is used, so the module works both in ``crossenv``
and, copied as part of ``_crossenv``, inside a Cross-python.  Nothing here
executes or maps the file: it reads the 64-byte file header and, for
:func:`needed_libraries`, the few tables that name the shared libraries a
binary depends on.  Malformed input is reported as "not ELF" (``None``) or an
empty list, never as an exception.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import IO, Dict, Iterator, List, Optional, Tuple, Union

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
    "mismatch",
    "needed_libraries",
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
# sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size, sh_link, sh_info,
# sh_addralign, sh_entsize.
_SHDR = {32: "IIIIIIIIII", 64: "IIQQQQIIQQ"}
# p_type, then (32-bit) p_offset, p_vaddr, p_paddr, p_filesz, p_memsz,
# p_flags, p_align or (64-bit) p_flags, p_offset, p_vaddr, p_paddr, p_filesz,
# p_memsz, p_align.
_PHDR = {32: "IIIIIIII", 64: "IIQQQQQQ"}
# d_tag (signed), d_val.
_DYN = {32: "iI", 64: "qQ"}

_SHT_STRTAB = 3
_SHT_DYNAMIC = 6
_PT_LOAD = 1
_PT_DYNAMIC = 2
_DT_NULL = 0
_DT_NEEDED = 1
_DT_STRTAB = 5
_DT_STRSZ = 10

# Bounds that no sane binary reaches; past them the file is taken as malformed.
_MAX_TABLE = 16 * 1024 * 1024
_MAX_NAME = 4096


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
    parsed = _parse_header(data)
    return None if parsed is None else parsed[0]


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


def needed_libraries(path: Union[str, os.PathLike[str]]) -> List[str]:
    """The DT_NEEDED names of ELF file *path*, in order, e.g. ``["libc.so.6"]``.

    The dynamic section is found through the section headers, or, when a
    binary has none, through its PT_DYNAMIC program header.  A file that
    cannot be read, is not ELF, is static or is malformed in any way gives
    ``[]``; this function does not raise for bad input.
    """
    try:
        with open(path, "rb") as file:
            return _needed(file)
    except (OSError, ValueError, OverflowError, struct.error, UnicodeError):
        return []


# -- internals ---------------------------------------------------------------


class _Header:
    """The parts of the file header that lead to the other tables."""

    def __init__(self, bits: int, order: str, fields: Tuple[int, ...]) -> None:
        self.bits = bits
        self.order = order
        (_type, _machine, _version, _entry, self.phoff, self.shoff, _flags, _ehsize) = fields[:8]
        self.phentsize, self.phnum, self.shentsize, self.shnum = fields[8:12]


def _parse_header(data: bytes) -> Optional[Tuple[ElfInfo, _Header]]:
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
    info = ElfInfo(
        bits=bits,
        big_endian=order == ">",
        machine=fields[1],
        osabi=data[_EI_OSABI],
        type=fields[0],
    )
    return info, _Header(bits, order, fields)


def _read(file: IO[bytes], size: int, offset: int, length: int) -> Optional[bytes]:
    """*length* bytes at *offset*, or ``None`` when they are not all in the file."""
    if offset < 0 or length < 0 or length > _MAX_TABLE or offset + length > size:
        return None
    file.seek(offset)
    data = file.read(length)
    return data if len(data) == length else None


def _table(
    file: IO[bytes], size: int, order: str, layout: str, offset: int, entsize: int, count: int
) -> Iterator[Tuple[int, ...]]:
    """The *count* records of *layout* at *offset*, *entsize* bytes apart."""
    fmt = order + layout
    need = struct.calcsize(fmt)
    if entsize < need or count <= 0:
        return
    data = _read(file, size, offset, entsize * count)
    if data is None:
        return
    for index in range(count):
        yield struct.unpack_from(fmt, data, index * entsize)


def _needed(file: IO[bytes]) -> List[str]:
    parsed = _parse_header(file.read(HEADER_SIZE))
    if parsed is None:
        return []
    head = parsed[1]
    size = os.fstat(file.fileno()).st_size
    found = _from_sections(file, size, head)
    if found is None:
        found = _from_segments(file, size, head)
    if found is None:
        return []
    (dyn_offset, dyn_size), (str_offset, str_size) = found
    names: List[str] = []
    entsize = struct.calcsize(head.order + _DYN[head.bits])
    for tag, value in _table(
        file, size, head.order, _DYN[head.bits], dyn_offset, entsize, dyn_size // entsize
    ):
        if tag == _DT_NULL:
            break
        if tag == _DT_NEEDED:
            name = _string(file, size, str_offset, str_size, value)
            if name is None:
                return []
            names.append(name)
    return names


_Span = Tuple[int, int]


def _from_sections(file: IO[bytes], size: int, head: _Header) -> Optional[Tuple[_Span, _Span]]:
    """(offset, size) of SHT_DYNAMIC and of the string table it links to."""
    if head.shoff == 0:
        return None
    layout = _SHDR[head.bits]
    count = head.shnum
    if count == 0:  # Extended numbering: the count is section 0's sh_size.
        first = list(_table(file, size, head.order, layout, head.shoff, head.shentsize, 1))
        if not first:
            return None
        count = first[0][5]
    sections = list(_table(file, size, head.order, layout, head.shoff, head.shentsize, count))
    for section in sections:
        sh_type, sh_offset, sh_size, sh_link = section[1], section[4], section[5], section[6]
        if sh_type != _SHT_DYNAMIC:
            continue
        if sh_link >= len(sections):
            return None
        strtab = sections[sh_link]
        if strtab[1] != _SHT_STRTAB:
            return None
        return (sh_offset, sh_size), (strtab[4], strtab[5])
    return None


def _from_segments(file: IO[bytes], size: int, head: _Header) -> Optional[Tuple[_Span, _Span]]:
    """The same from PT_DYNAMIC, DT_STRTAB/DT_STRSZ and the PT_LOAD that holds it."""
    if head.phoff == 0:
        return None
    loads: List[Tuple[int, int, int]] = []  # (p_offset, p_vaddr, p_filesz)
    dynamic: Optional[_Span] = None
    for entry in _table(
        file, size, head.order, _PHDR[head.bits], head.phoff, head.phentsize, head.phnum
    ):
        if head.bits == 32:
            p_type, p_offset, p_vaddr, _paddr, p_filesz = entry[:5]
        else:
            p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz = entry[:6]
        if p_type == _PT_LOAD:
            loads.append((p_offset, p_vaddr, p_filesz))
        elif p_type == _PT_DYNAMIC and dynamic is None:
            dynamic = (p_offset, p_filesz)
    if dynamic is None:
        return None
    strtab_addr: Optional[int] = None
    strtab_size: Optional[int] = None
    entsize = struct.calcsize(head.order + _DYN[head.bits])
    for tag, value in _table(
        file, size, head.order, _DYN[head.bits], dynamic[0], entsize, dynamic[1] // entsize
    ):
        if tag == _DT_NULL:
            break
        if tag == _DT_STRTAB:
            strtab_addr = value
        elif tag == _DT_STRSZ:
            strtab_size = value
    if strtab_addr is None or strtab_size is None:
        return None
    for p_offset, p_vaddr, p_filesz in loads:
        if p_vaddr <= strtab_addr and strtab_addr + strtab_size <= p_vaddr + p_filesz:
            return dynamic, (p_offset + strtab_addr - p_vaddr, strtab_size)
    return None


def _string(file: IO[bytes], size: int, table: int, table_size: int, index: int) -> Optional[str]:
    """The NUL-terminated string at *index* of the string table at *table*."""
    if index >= table_size:
        return None
    data = _read(file, size, table + index, min(_MAX_NAME, table_size - index))
    if data is None:
        return None
    end = data.find(b"\0")
    if end <= 0:
        return None
    return data[:end].decode("utf-8", "surrogateescape")
