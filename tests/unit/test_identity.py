"""Each identity value Cross-python reports, for every captured Host.

The expected values are the ABI facts of each architecture (byte order,
pointer width, ``long`` and ``long double``), written down independently of
the sysconfigdata they are checked against.  Each case runs in a fresh
interpreter: the patches change ``sys`` and ``os`` for good.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

import pytest

from crossenv._runtime import config

from .conftest import fixture_vars, runtime_record

REPO = Path(__file__).resolve().parents[2]

#: fixture -> (byteorder, pointer bytes, sizeof(long), sizeof(long double), machine)
ABI = {
    "debian-bookworm-arm64-3.11.py": ("little", 8, 8, 16, "aarch64"),
    "debian-trixie-arm64-3.13.py": ("little", 8, 8, 16, "aarch64"),
    "debian-bookworm-armhf-3.11.py": ("little", 4, 4, 8, "armv7l"),
    "debian-bookworm-s390x-3.11.py": ("big", 8, 8, 16, "s390x"),
    "debian-trixie-riscv64-3.13.py": ("little", 8, 8, 16, "riscv64"),
    "android-arm64-3.13.py": ("little", 8, 8, 16, "aarch64"),
    "ios-arm64-3.13.py": ("little", 8, 8, 8, "arm64"),
}

PROBE = """
import json, os, sys
from crossenv._runtime import config, hooks, identity
cfg = config.load(sys.argv[1])
identity.apply(cfg)
hooks.install(cfg)
import codecs, ctypes, platform, re, struct
many = "".join(chr(i) for i in range(0x100, 0x3000, 7))
encoder = codecs.getincrementalencoder("utf-16")()
print(json.dumps({
    "byteorder": sys.byteorder,
    "maxsize": sys.maxsize,
    "uname": list(os.uname()),
    "processor": platform.processor(),
    "platform": platform.platform(),
    "machine": platform.machine(),
    "libc": list(platform.libc_ver()),
    "P": struct.calcsize("P"),
    "3l": struct.calcsize("@3l"),
    "le": struct.calcsize("<l"),
    "void_p": ctypes.sizeof(ctypes.c_void_p),
    "long": ctypes.sizeof(ctypes.c_long()),
    "long_double": ctypes.sizeof(ctypes.c_longdouble),
    "c_int": ctypes.sizeof(ctypes.c_int),
    "regex": bool(re.compile("[" + many + "]+$").match(many[::-1])),
    "utf16": (encoder.encode("a") + encoder.encode("b")).decode("utf-16"),
    "big_struct": bytes(type("S", (ctypes.BigEndianStructure,),
                         {"_fields_": [("a", ctypes.c_uint16)]})(1)).hex(),
}))
"""


def probe(tmp_path: Path, fixture: str) -> Dict[str, Any]:
    config.write(str(tmp_path / config.CONFIG_FILE), runtime_record(tmp_path / "env", fixture))
    config.write(str(tmp_path / config.VARS_FILE), fixture_vars(fixture))
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    result: Dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("fixture", sorted(ABI))
def test_identity_matches_the_host_abi(tmp_path: Path, fixture: str) -> None:
    order, pointer, long_, long_double, machine = ABI[fixture]
    seen = probe(tmp_path, fixture)
    assert seen["byteorder"] == order
    assert seen["maxsize"] == (1 << (8 * pointer - 1)) - 1
    assert seen["P"] == seen["void_p"] == pointer
    assert seen["3l"] == 3 * long_ and seen["long"] == long_
    assert seen["long_double"] == long_double
    assert seen["le"] == 4  # standard sizes are the same everywhere
    assert seen["machine"] == seen["processor"] == seen["uname"][4] == machine
    assert seen["uname"][2] == "6.1.0" and seen["uname"][3] == ""
    build_release = os.uname().release
    assert build_release not in seen["platform"], seen["platform"]
    assert seen["libc"] == ["glibc", "2.36"]


@pytest.mark.parametrize("fixture", sorted(ABI))
def test_build_side_memory_keeps_the_build_byte_order(tmp_path: Path, fixture: str) -> None:
    """Regular expressions, codecs and ctypes still work on this machine's memory."""
    seen = probe(tmp_path, fixture)
    assert seen["regex"] is True
    assert seen["utf16"] == "ab"
    assert seen["big_struct"] == "0001"
    assert seen["c_int"] == 4
