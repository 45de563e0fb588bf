from __future__ import annotations

import pytest

from crossenv import target

from .conftest import fixture_vars


@pytest.mark.parametrize(
    ("fixture", "platform", "machine", "bits", "big", "suffix"),
    [
        (
            "debian-bookworm-arm64-3.11.py",
            "linux-aarch64",
            "aarch64",
            64,
            False,
            ".cpython-311-aarch64-linux-gnu.so",
        ),
        (
            "debian-trixie-arm64-3.13.py",
            "linux-aarch64",
            "aarch64",
            64,
            False,
            ".cpython-313-aarch64-linux-gnu.so",
        ),
        (
            "debian-bookworm-armhf-3.11.py",
            "linux-armv7l",
            "armv7l",
            32,
            False,
            ".cpython-311-arm-linux-gnueabihf.so",
        ),
        (
            "debian-trixie-riscv64-3.13.py",
            "linux-riscv64",
            "riscv64",
            64,
            False,
            ".cpython-313-riscv64-linux-gnu.so",
        ),
        (
            "debian-bookworm-s390x-3.11.py",
            "linux-s390x",
            "s390x",
            64,
            True,
            ".cpython-311-s390x-linux-gnu.so",
        ),
        (
            "android-arm64-3.13.py",
            "android-24-arm64_v8a",
            "aarch64",
            64,
            False,
            ".cpython-313-aarch64-linux-android.so",
        ),
        (
            "ios-arm64-3.13.py",
            "ios-13.0-arm64-iphoneos",
            "arm64",
            64,
            False,
            ".cpython-313-iphoneos.so",
        ),
    ],
)
def test_describe_real_hosts(
    fixture: str, platform: str, machine: str, bits: int, big: bool, suffix: str
) -> None:
    host = target.describe(fixture_vars(fixture))
    assert host.platform == platform
    assert host.machine == machine
    assert host.pointer_bits == bits
    assert host.big_endian is big
    assert host.ext_suffix == suffix
    assert host.platform_tags == (target.tag_safe(platform),)


def test_debian_identity() -> None:
    host = target.describe(fixture_vars("debian-bookworm-arm64-3.11.py"))
    assert host.sys_platform == "linux"
    assert host.sysname == "Linux"
    assert host.multiarch == "aarch64-linux-gnu"
    assert host.sysconfigdata_name == "_sysconfigdata__linux_aarch64-linux-gnu"
    assert host.elf_machine == 183


def test_android_and_ios_platforms() -> None:
    assert target.describe(fixture_vars("android-arm64-3.13.py")).sys_platform == "android"
    ios = target.describe(fixture_vars("ios-arm64-3.13.py"))
    assert (ios.sys_platform, ios.sysname) == ("ios", "Darwin")


def test_overrides_and_manylinux() -> None:
    host = target.describe(
        fixture_vars("debian-bookworm-armhf-3.11.py"),
        machine="armv8l",
        manylinux=("manylinux_2_17_armv7l",),
    )
    assert host.platform == "linux-armv8l"
    assert host.platform_tags == ("manylinux_2_17_armv7l", "linux_armv8l")


@pytest.mark.parametrize(
    ("triple", "machine"),
    [
        ("aarch64-unknown-linux-gnu", "aarch64"),
        ("arm-linux-gnueabihf", "armv7l"),
        ("arm-linux-gnueabi", "armv5tel"),
        ("i686-pc-linux-gnu", "i686"),
        ("powerpc64le-unknown-linux-gnu", "ppc64le"),
        ("mips64el-linux-gnuabi64", "mips64"),
        ("mipsel-linux-gnu", "mips"),
        ("loongarch64-linux-gnu", "loongarch64"),
        ("aarch64-linux-musl", "aarch64"),
        ("arm-linux-androideabi", "armv7l"),
        ("sparc64-linux-gnu", "sparc64"),
        ("arm64-apple-ios", "arm64"),
    ],
)
def test_machine_from_triple(triple: str, machine: str) -> None:
    assert target.machine_from_triple(triple) == machine


def test_manylinux_tags_follow_pep600() -> None:
    tags = target.manylinux_tags("aarch64", (2, 36))
    assert tags[0] == "manylinux_2_36_aarch64"
    assert tags[-2:] == ("manylinux_2_17_aarch64", "manylinux2014_aarch64")
    assert len(tags) == 36 - 17 + 1 + 1
    x86 = target.manylinux_tags("x86_64", (2, 17))
    assert x86[-1] == "manylinux1_x86_64" and "manylinux2010_x86_64" in x86


def test_glibc_gives_manylinux_but_does_not_retag_wheels() -> None:
    host = target.describe(fixture_vars("debian-bookworm-arm64-3.11.py"), glibc=(2, 36))
    assert host.platform_tags[0] == "manylinux_2_36_aarch64"
    assert host.platform_tags[-1] == "linux_aarch64"
    assert host.wheel_tag == ""
    explicit = target.describe(
        fixture_vars("debian-bookworm-arm64-3.11.py"),
        glibc=(2, 36),
        manylinux=("manylinux_2_28_aarch64",),
    )
    assert explicit.platform_tags == ("manylinux_2_28_aarch64", "linux_aarch64")
    assert explicit.wheel_tag == "manylinux_2_28_aarch64"
