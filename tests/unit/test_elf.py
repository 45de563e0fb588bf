"""The ELF header reader, on real Debian libraries and on images built here."""

from __future__ import annotations

import shutil
import struct
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import pytest

from crossenv._runtime import elf
from crossenv._runtime.elf import ElfInfo, describe, mismatch, read_file

from .conftest import DATA

ELF_DATA = DATA / "elf"

# file, bits, big_endian, e_machine, machine_name
HEADERS: List[Tuple[str, int, bool, int, str]] = [
    ("libz-amd64.so.1", 64, False, 62, "x86_64"),
    ("libz-arm64.so.1", 64, False, 183, "aarch64"),
    ("libz-armhf.so.1", 32, False, 40, "arm"),
    ("libz-i386.so.1", 32, False, 3, "i386"),
    ("libz-riscv64.so.1", 64, False, 243, "riscv"),
    ("libz-s390x.so.1", 64, True, 22, "s390"),
    ("libz-mips64el-header.bin", 64, False, 8, "mips"),
    ("libz-ppc64el-header.bin", 64, False, 21, "ppc64"),
]


def load(name: str) -> ElfInfo:
    info = read_file(ELF_DATA / name)
    assert info is not None
    return info


def against_aarch64(info: Optional[ElfInfo]) -> Optional[str]:
    return mismatch(info, machine=183, bits=64, big_endian=False)


def build_elf(
    bits: int,
    big_endian: bool,
    machine: int,
    needed: Sequence[bytes],
    *,
    sections: bool = True,
    segments: bool = True,
) -> bytes:
    """A minimal ET_DYN image: header, PT_LOAD + PT_DYNAMIC, .dynstr, .dynamic, sections."""
    order = ">" if big_endian else "<"
    word = "I" if bits == 32 else "Q"
    ehsize, phentsize, shentsize = (52, 32, 40) if bits == 32 else (64, 56, 64)
    phoff = ehsize
    dynstr_off = phoff + 2 * phentsize
    dynstr = b"\0"
    name_offsets = []
    for name in needed:
        name_offsets.append(len(dynstr))
        dynstr += name + b"\0"
    dynamic_off = (dynstr_off + len(dynstr) + 7) & ~7
    tag = "i" if bits == 32 else "q"
    entries = [(1, offset) for offset in name_offsets]
    entries += [(5, dynstr_off), (10, len(dynstr)), (0, 0)]
    dynamic = b"".join(struct.pack(order + tag + word, *entry) for entry in entries)
    shoff = dynamic_off + len(dynamic)
    end = shoff + 3 * shentsize

    ident = b"\x7fELF" + bytes([1 if bits == 32 else 2, 2 if big_endian else 1, 1, 0]) + bytes(8)
    header = ident + struct.pack(
        order + ("HHIIIIIHHHHHH" if bits == 32 else "HHIQQQIHHHHHH"),
        elf.ET_DYN,
        machine,
        1,
        0,
        phoff if segments else 0,
        shoff if sections else 0,
        0,
        ehsize,
        phentsize,
        2 if segments else 0,
        shentsize,
        3 if sections else 0,
        0,
    )

    def phdr(p_type: int, offset: int, size: int) -> bytes:
        if bits == 32:
            return struct.pack(order + "8I", p_type, offset, offset, offset, size, size, 6, 8)
        return struct.pack(order + "IIQQQQQQ", p_type, 6, offset, offset, offset, size, size, 8)

    def shdr(sh_type: int, offset: int, size: int, link: int, entsize: int) -> bytes:
        layout = "10I" if bits == 32 else "IIQQQQIIQQ"
        return struct.pack(order + layout, 0, sh_type, 2, offset, offset, size, link, 0, 8, entsize)

    image = bytearray(end)
    image[: len(header)] = header
    image[phoff : phoff + 2 * phentsize] = phdr(1, 0, end) + phdr(2, dynamic_off, len(dynamic))
    image[dynstr_off : dynstr_off + len(dynstr)] = dynstr
    image[dynamic_off:shoff] = dynamic
    image[shoff:end] = (
        bytes(shentsize)
        + shdr(3, dynstr_off, len(dynstr), 0, 0)
        + shdr(6, dynamic_off, len(dynamic), 1, len(dynamic) // len(entries))
    )
    return bytes(image)


def write(tmp_path: Path, data: bytes, name: str = "lib.so") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def patched(data: bytes, offset: int, fmt: str, *values: int) -> bytes:
    image = bytearray(data)
    struct.pack_into(fmt, image, offset, *values)
    return bytes(image)


# -- headers -----------------------------------------------------------------


@pytest.mark.parametrize(("name", "bits", "big_endian", "machine", "machine_name"), HEADERS)
def test_fixture_headers(
    name: str, bits: int, big_endian: bool, machine: int, machine_name: str
) -> None:
    info = read_file(ELF_DATA / name)
    assert info == ElfInfo(
        bits=bits, big_endian=big_endian, machine=machine, osabi=0, type=elf.ET_DYN
    )
    assert info.machine_name == machine_name
    assert elf.read_header((ELF_DATA / name).read_bytes()) == info


def test_read_file_accepts_str_paths() -> None:
    info = read_file(str(ELF_DATA / "libz-i386.so.1"))
    assert info is not None and info.bits == 32


def test_describe() -> None:
    assert describe(load("libz-arm64.so.1")) == "ELF 64-bit little-endian aarch64"
    assert describe(load("libz-s390x.so.1")) == "ELF 64-bit big-endian s390"
    assert describe(load("libz-armhf.so.1")) == "ELF 32-bit little-endian arm"


def test_unknown_machine_is_named_by_number() -> None:
    info = ElfInfo(bits=32, big_endian=True, machine=9999, osabi=0, type=elf.ET_EXEC)
    assert info.machine_name == "e_machine 9999"
    assert describe(info) == "ELF 32-bit big-endian e_machine 9999"


def test_osabi_and_type_are_read() -> None:
    image = bytearray(build_elf(64, False, 183, [b"libc.so.6"]))
    image[7] = 3  # ELFOSABI_LINUX
    struct.pack_into("<H", image, 16, elf.ET_EXEC)
    info = elf.read_header(bytes(image))
    assert info is not None
    assert (info.osabi, info.type) == (3, elf.ET_EXEC)


def test_built_32bit_big_endian() -> None:
    info = elf.read_header(build_elf(32, True, 8, [b"libc.so.6"]))
    assert info == ElfInfo(bits=32, big_endian=True, machine=8, osabi=0, type=elf.ET_DYN)
    assert describe(info) == "ELF 32-bit big-endian mips"


# -- mismatch ----------------------------------------------------------------


def test_mismatch_none_when_matching() -> None:
    assert against_aarch64(load("libz-arm64.so.1")) is None
    assert mismatch(load("libz-s390x.so.1"), machine=22, bits=64, big_endian=True) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "libz-amd64.so.1",
            "ELF 64-bit little-endian x86_64, expected ELF 64-bit little-endian aarch64",
        ),
        (
            "libz-armhf.so.1",
            "ELF 32-bit little-endian arm, expected ELF 64-bit little-endian aarch64",
        ),
        (
            "libz-s390x.so.1",
            "ELF 64-bit big-endian s390, expected ELF 64-bit little-endian aarch64",
        ),
    ],
)
def test_mismatch_phrase(name: str, expected: str) -> None:
    assert against_aarch64(load(name)) == expected


def test_mismatch_in_bits_or_byte_order_alone() -> None:
    arm64 = load("libz-arm64.so.1")
    assert mismatch(arm64, machine=183, bits=32, big_endian=False) == (
        "ELF 64-bit little-endian aarch64, expected ELF 32-bit little-endian aarch64"
    )
    assert mismatch(arm64, machine=183, bits=64, big_endian=True) == (
        "ELF 64-bit little-endian aarch64, expected ELF 64-bit big-endian aarch64"
    )


def test_mismatch_not_elf() -> None:
    assert against_aarch64(None) == "not an ELF file"


# -- not ELF / cut short -----------------------------------------------------

ARM64_HEAD = (ELF_DATA / "libz-arm64.so.1").read_bytes()[:64]
ARMHF_HEAD = (ELF_DATA / "libz-armhf.so.1").read_bytes()[:52]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"#!/bin/sh\necho hi\n" * 4, id="script"),
        pytest.param(b"\x7fELF", id="magic-only"),
        pytest.param(b"MZ" + bytes(62), id="pe"),
        pytest.param(ARM64_HEAD[:16], id="ident-only"),
        pytest.param(ARM64_HEAD[:63], id="64-bit-cut"),
        pytest.param(ARMHF_HEAD[:51], id="32-bit-cut"),
        pytest.param(ARM64_HEAD[:4] + b"\x00" + ARM64_HEAD[5:], id="class-none"),
        pytest.param(ARM64_HEAD[:4] + b"\x03" + ARM64_HEAD[5:], id="class-bad"),
        pytest.param(ARM64_HEAD[:5] + b"\x00" + ARM64_HEAD[6:], id="data-none"),
        pytest.param(ARM64_HEAD[:5] + b"\x07" + ARM64_HEAD[6:], id="data-bad"),
        pytest.param(b"\x7felf" + ARM64_HEAD[4:], id="magic-case"),
    ],
)
def test_not_elf_or_truncated(data: bytes) -> None:
    assert elf.read_header(data) is None


def test_32bit_header_needs_only_52_bytes() -> None:
    info = elf.read_header(ARMHF_HEAD)
    assert info is not None and info.machine == 40


def test_read_file_of_text_and_missing(tmp_path: Path) -> None:
    assert read_file(write(tmp_path, b"hello\n")) is None
    assert read_file(write(tmp_path, b"", "empty")) is None
    with pytest.raises(OSError):
        read_file(tmp_path / "missing")


def test_fixtures_are_listed_in_sources() -> None:
    sources = (ELF_DATA / "SOURCES.txt").read_text()
    for path in ELF_DATA.iterdir():
        if path.name != "SOURCES.txt":
            assert path.name in sources
        assert path.stat().st_size <= 140_000


def test_module_uses_only_the_standard_library() -> None:
    import ast

    tree = ast.parse(Path(elf.__file__).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module is not None
            assert node.module.split(".")[0] in {
                "__future__",
                "os",
                "struct",
                "dataclasses",
                "typing",
            }
        elif isinstance(node, ast.Import):
            for alias in node.names:
                assert alias.name.split(".")[0] in {"os", "struct"}


def test_copy_works_outside_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(elf.__file__, tmp_path / "standalone_elf.py")
    import importlib.util

    spec = importlib.util.spec_from_file_location("standalone_elf", tmp_path / "standalone_elf.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "standalone_elf", module)
    spec.loader.exec_module(module)
    result: Optional[ElfInfo] = module.read_file(ELF_DATA / "libz-s390x.so.1")
    assert result is not None and (result.machine, result.big_endian) == (elf.EM_S390, True)


def readelf_needs(path: Path) -> Dict[str, Tuple[int, int]]:
    """What binutils' readelf says each undefined symbol asks of glibc."""
    import re
    import subprocess

    out = subprocess.run(
        ["readelf", "--dyn-syms", "-W", str(path)], capture_output=True, text=True, check=True
    ).stdout
    needs = {}
    for line in out.splitlines():
        found = re.search(r" UND (\S+)@GLIBC_(\d+)\.(\d+)", line)
        if found:
            needs[found.group(1)] = (int(found.group(2)), int(found.group(3)))
    return needs


@pytest.mark.system
@pytest.mark.parametrize(
    "name", ["amd64", "arm64", "armhf", "i386", "riscv64", "s390x"]
)  # both classes, both byte orders
def test_glibc_needs_agree_with_readelf(name: str) -> None:
    if shutil.which("readelf") is None:
        pytest.fail("readelf is not installed (apt-get install binutils)")
    path = DATA / "elf" / f"libz-{name}.so.1"
    found = elf.glibc_needs(path.read_bytes())
    assert found and found == readelf_needs(path)


def test_glibc_needs_of_what_is_not_elf_is_empty() -> None:
    assert elf.glibc_needs(b"#!/bin/sh\n") == {}
    header = (DATA / "elf" / "libz-arm64.so.1").read_bytes()[:64]
    assert elf.glibc_needs(header) == {}  # cut short: no sections to read
