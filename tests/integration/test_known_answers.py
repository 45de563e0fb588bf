"""A cross-built crypto library computes published test vectors on the target.

A cross build can succeed, be an ELF file of the right machine, import on the
target, and still compute wrong answers with no error anywhere: pycryptodome
chooses at build time, from ``sys.byteorder``, how its C code reads words, so
on a big-endian Host a build that was told the Build machine's byte order
gives an MD5 that is simply wrong. Only known answers computed on the target
catch that. The answers below are the published ones, never our own output.
"""

from __future__ import annotations

import json
from typing import Callable, Dict, Tuple

import pytest

from .conftest import ElfHeader, Setup, elf_header

pytestmark = pytest.mark.integration

#: The newest release of pycryptodome's 3.x series, from its sdist.
REQUIREMENT = "pycryptodome>=3,<4"

#: The Hosts to test, and how their binaries must be marked: ELF class, data
#: encoding and ``e_machine`` (EM_S390 = 22, EM_ARM = 40) from the ELF
#: specification. s390x is the Host where a wrong byte order gives wrong
#: hashes; armhf adds 64-bit arithmetic done on a 32-bit machine, for about
#: half a minute of building.
HOST_ELF: Dict[str, ElfHeader] = {
    "s390x": ElfHeader(bits=64, byteorder="big", machine=22),
    "armhf": ElfHeader(bits=32, byteorder="little", machine=40),
}

#: Name -> (expression run on the target, the published answer).
VECTORS: Dict[str, Tuple[str, str]] = {
    # RFC 1321, appendix A.5 (MD5 test suite).
    'MD5(b"abc")': ('MD5.new(b"abc").hexdigest()', "900150983cd24fb0d6963f7d28e17f72"),
    # FIPS 180-2, appendix B.1 (SHA-256, one-block message).
    'SHA-256(b"abc")': (
        'SHA256.new(b"abc").hexdigest()',
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    ),
    # FIPS 180-2, appendix C.1 (SHA-512, one-block message): 64-bit words,
    # which a 32-bit Host has to build from two halves.
    'SHA-512(b"abc")': (
        'SHA512.new(b"abc").hexdigest()',
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    ),
    # FIPS 197, appendix C.1 (AES-128): key 000102...0f.
    "AES-128 (FIPS 197 C.1)": (
        'AES.new(bytes(range(16)), AES.MODE_ECB).encrypt(bytes.fromhex("'
        '00112233445566778899aabbccddeeff")).hex()',
        "69c4e0d86a7b0430d8cdb78070b4c55a",
    ),
}


@pytest.fixture(scope="module", params=HOST_ELF)
def pycryptodome(request: pytest.FixtureRequest, host_setup: Callable[[str], Setup]) -> Setup:
    """An environment for the Host, with pycryptodome cross-built from its sdist with defaults."""
    setup = host_setup(request.param)
    setup.run([setup.bin / "pip", "install", "--no-binary", ":all:", REQUIREMENT])
    return setup


def test_pycryptodome_binaries_are_for_host(pycryptodome: Setup) -> None:
    expected = HOST_ELF[pycryptodome.arch]
    # The table and the sysroot agree, so neither is a typo for the other.
    assert elf_header(pycryptodome.host_python) == expected
    site = pycryptodome.cross_site
    built = sorted((site / "Crypto").rglob("*.so"))
    assert built, f"pycryptodome installed no compiled modules under {site / 'Crypto'}"
    wrong = {
        str(path.relative_to(site)): header
        for path, header in ((path, elf_header(path)) for path in built)
        if header != expected
    }
    assert not wrong, f"built for the wrong machine (expected {expected}): {wrong}"


def known_answers_script() -> str:
    """A script that prints where Crypto came from and every vector's computed value."""
    pairs = ", ".join(f"{name!r}: {code}" for name, (code, _) in VECTORS.items())
    return (
        "import json, Crypto\n"
        "from Crypto.Cipher import AES\n"
        "from Crypto.Hash import MD5, SHA256, SHA512\n"
        f"print(json.dumps({{'file': Crypto.__file__, 'version': Crypto.__version__, {pairs}}}))\n"
    )


def test_pycryptodome_known_answers_on_target(pycryptodome: Setup) -> None:
    got = json.loads(pycryptodome.on_target(known_answers_script()))
    assert str(got["file"]).startswith(str(pycryptodome.cross_site)), got["file"]
    wrong = [
        f"{name}: computed {got[name]}, published {answer}"
        for name, (_, answer) in VECTORS.items()
        if got[name] != answer
    ]
    assert not wrong, (
        f"pycryptodome {got['version']} cross-built for {pycryptodome.arch} "
        "gives wrong answers on the target:\n" + "\n".join(wrong)
    )
