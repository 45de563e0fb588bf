"""The zig toolchain's pieces that need no zig: its targets and its scripts."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from crossenv import zig
from crossenv.__main__ import main

from .conftest import DATA, make_debian_tree


@pytest.mark.parametrize(
    ("multiarch", "glibc", "expected"),
    [
        ("aarch64-linux-gnu", (2, 17), "aarch64-linux-gnu.2.17"),
        ("arm-linux-gnueabihf", (2, 28), "arm-linux-gnueabihf.2.28"),
        ("i386-linux-gnu", (2, 17), "x86-linux-gnu.2.17"),
        ("riscv64-linux-gnu", (2, 36), "riscv64-linux-gnu.2.36"),
    ],
)
def test_zig_targets_of_debian_triples(multiarch: str, glibc: tuple, expected: str) -> None:  # type: ignore[type-arg]
    assert zig.target(multiarch, glibc) == expected


def test_the_compiler_scripts_pass_their_arguments_and_drop_what_zig_rejects(
    tmp_path: Path,
) -> None:
    fake = tmp_path / "zig dir" / "zig"  # prints its arguments, one per line
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    fake.chmod(0o755)
    texts = zig.scripts(str(fake), "aarch64-linux-gnu.2.17", "/sys root", "aarch64-linux-gnu")
    assert set(texts) == set(zig.COMMANDS)
    armhf = zig.scripts("zig", "arm-linux-gnueabihf.2.17", None, "arm-linux-gnueabihf")
    assert "-target arm-linux-gnueabihf.2.17 -mcpu=generic+v7a-d32 " in armhf["zig-cc"]
    cc = tmp_path / "zig-cc"
    cc.write_text(texts["zig-cc"])
    cc.chmod(0o755)
    args = ["-shared", "-Wl,-Bsymbolic-functions", "a b.o", "-o", "x.so"]
    done = subprocess.run([str(cc), *args], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [
        "cc",
        "-target",
        "aarch64-linux-gnu.2.17",
        "-idirafter",
        "/sys root/usr/include",
        "-idirafter",
        "/sys root/usr/include/aarch64-linux-gnu",
        "-shared",
        "a b.o",
        "-o",
        "x.so",
    ]
    ar = tmp_path / "zig-ar"
    ar.write_text(texts["zig-ar"])
    ar.chmod(0o755)
    done = subprocess.run([str(ar), "rcs", "lib.a"], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["ar", "rcs", "lib.a"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--without-pip"], "installs zig with the Build layer's pip: drop --without-pip"),
        (["--cc", "gcc"], "names its compilers itself: drop --cc/--cxx/--toolchain-prefix"),
        ([], "needs the Host's glibc version, and the sysroot has no libc6 to tell it"),
    ],
)
def test_zig_refuses_options_it_cannot_honour(
    tmp_path: Path,
    options: list,
    message: str,
    capsys: pytest.CaptureFixture[str],  # type: ignore[type-arg]
) -> None:
    host = make_debian_tree(tmp_path / "sys root")
    assert main([str(host), str(tmp_path / "env"), "--toolchain", "zig", *options]) == 2
    assert message in capsys.readouterr().err
    assert not os.path.exists(tmp_path / "env")


def test_zig_is_refused_for_hosts_whose_baseline_is_not_pinned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    host = make_debian_tree(tmp_path / "sys root")
    stdlib = host.parents[1] / "lib" / "python3.11"
    for name in (
        "_sysconfigdata__linux_aarch64-linux-gnu.py",
        "_sysconfigdata__aarch64-linux-gnu.py",
    ):
        (stdlib / name).unlink()
    shutil.copy(
        DATA / "sysconfigdata" / "debian-bookworm-s390x-3.11.py",
        stdlib / "_sysconfigdata__s390x-linux-gnu.py",
    )
    # The header of a 64-bit big-endian s390x executable.
    host.write_bytes(b"\x7fELF\x02\x02\x01" + b"\0" * 9 + struct.pack(">HH", 3, 22) + b"\0" * 44)
    assert main([str(host), str(tmp_path / "env"), "--toolchain", "zig"]) == 2
    err = capsys.readouterr().err
    assert "--toolchain zig is for aarch64-linux-gnu, arm-linux-gnueabihf Hosts so far" in err
    assert "not s390x-linux-gnu" in err
