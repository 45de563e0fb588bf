"""Nothing of the Build machine reaches a Host binary: the compiler guard and sub-builds.

Each build runs with defaults and is checked by running the result on the
target under qemu, with answers that do not come from our own code: zlib's
CRC-32 of ``abc`` (0x352441c2), SHA-256 of ``abc`` (FIPS 180-2), Ed25519's
RFC 8032 test key, the C ``long`` width of the Host's ABI.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Callable

import pytest

from .conftest import Setup, copy_project, elf_header

pytestmark = pytest.mark.integration

CRC32_ABC = 0x352441C2
SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#: RFC 8032, section 7.1, TEST 1: an Ed25519 secret key and its public key.
ED25519_SECRET = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
ED25519_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
#: Debian architecture -> (e_machine, bits of a C long).
HOSTS = {"arm64": (183, 64), "armhf": (40, 32), "s390x": (22, 64)}


def pip(setup: Setup, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(setup.bin / "pip"), *args], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("arch", sorted(HOSTS))
def test_build_machine_folders_and_cpu_never_reach_the_host_binary(
    host_setup: Callable[[str], Setup], arch: str, tmp_path: Path
) -> None:
    setup = host_setup(arch)
    project = copy_project("leaky_ext", tmp_path)
    done = pip(setup, "install", "-v", str(project))
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    log = done.stdout + done.stderr
    assert "dropped -march=native (the Build machine's CPU)" in log
    assert "dropped -L /usr/local/lib" in log
    # The end-of-run summary repeats what the guard did.
    assert "crossenv: WARNING: compiler guard: dropped -march=native" in done.stderr
    built = list(setup.cross_site.glob("leaky_demo*.so"))
    assert len(built) == 1
    machine, long_bits = HOSTS[arch]
    assert elf_header(built[0]).machine == machine
    dynamic = subprocess.run(
        ["readelf", "-d", str(built[0])], capture_output=True, text=True, check=True
    ).stdout
    (run_path,) = [line for line in dynamic.splitlines() if "RUNPATH" in line or "RPATH" in line]
    # The Host's library folder as the real Host-python reports it, not the sysroot's path.
    host_libdir = setup.on_target("import sysconfig; print(sysconfig.get_config_var('LIBDIR'))")
    assert run_path.rstrip().endswith(f"[{host_libdir.strip()}]"), run_path
    code = (
        "import leaky_demo, zlib\n"
        "print(leaky_demo.crc32(b'abc'), zlib.crc32(b'abc'), leaky_demo.long_bits())\n"
    )
    ours, hosts, bits = map(int, setup.on_target(code).split())
    assert ours == hosts == CRC32_ABC
    assert bits == long_bits


def test_an_archive_for_the_build_machine_is_refused_in_one_line(
    host_setup: Callable[[str], Setup], tmp_path: Path
) -> None:
    setup = host_setup("arm64")
    project = copy_project("build_archive_ext", tmp_path)
    done = pip(setup, "install", str(project))
    assert done.returncode != 0
    lines = [
        line.strip()
        for line in (done.stdout + done.stderr).splitlines()
        if "crossenv: error:" in line
    ]
    assert len(lines) == 1, lines
    assert "libhelper.a is ELF 64-bit little-endian x86_64, not for the Host" in lines[0]
    assert "aarch64" in lines[0]
    assert not list(setup.cross_site.glob("build_archive_demo*"))


def test_bundled_libsodium_configure_and_make_check_cross(
    host_setup: Callable[[str], Setup],
) -> None:
    """PyNaCl runs libsodium's ./configure without --host, then make check."""
    setup = host_setup("arm64")
    done = pip(setup, "install", "--no-binary", "pynacl", "pynacl==1.5.0")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    (built,) = setup.cross_site.glob("nacl/_sodium*.so")
    assert elf_header(built).machine == HOSTS["arm64"][0], built
    code = (
        "from nacl.encoding import HexEncoder\n"
        "from nacl.hash import sha256\n"
        "from nacl.signing import SigningKey\n"
        "print(sha256(b'abc', encoder=HexEncoder).decode())\n"
        "print(SigningKey(bytes.fromhex(SEED)).verify_key.encode().hex())\n"
    ).replace("SEED", repr(ED25519_SECRET))
    digest, public = setup.on_target(code).split()
    assert digest == SHA256_ABC
    assert public == ED25519_PUBLIC


@pytest.mark.slow
def test_bundled_libuv_configure_cross(host_setup: Callable[[str], Setup]) -> None:
    """uvloop's setup.py builds libuv with ./configure and no --host (opt-in: long)."""
    setup = host_setup("arm64")
    done = pip(setup, "install", "--no-binary", "uvloop", "uvloop==0.21.0")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    (built,) = setup.cross_site.glob("uvloop/loop*.so")
    assert elf_header(built).machine == HOSTS["arm64"][0], built
    code = (
        "import asyncio, uvloop\n"
        "loop = uvloop.new_event_loop()\n"
        "print(loop.run_until_complete(asyncio.sleep(0, 42)))\n"
    )
    assert setup.on_target(code).strip() == "42"


@pytest.mark.slow
def test_bundled_libev_and_cares_cross(host_setup: Callable[[str], Setup]) -> None:
    """gevent builds its bundled libev and c-ares with configure (opt-in: long)."""
    setup = host_setup("arm64")
    done = pip(setup, "install", "--no-binary", "gevent", "gevent")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    built = list(setup.cross_site.glob("gevent/**/*.so"))
    assert built and all(elf_header(path).machine == HOSTS["arm64"][0] for path in built)
    code = (
        "import gevent, gevent.libev.corecext, gevent.resolver.cares\n"
        "print(gevent.spawn(pow, 2, 10).get())\n"
    )
    assert setup.on_target(code).strip() == "1024"
