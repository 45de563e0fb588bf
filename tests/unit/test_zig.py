"""The zig toolchain's pieces that need no zig: its targets and its scripts."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from crossenv import zig
from crossenv.__main__ import main

from .conftest import make_debian_tree


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
