from __future__ import annotations

import re
from typing import Optional, Tuple

import pytest

from crossenv import target
from crossenv.errors import UsageError

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
    assert host.platform_tags == (
        "manylinux_2_17_armv7l",
        "manylinux2014_armv7l",
        "manylinux_2_17_armv8l",
        "manylinux2014_armv8l",
        "linux_armv8l",
    )
    assert host.wheel_tag == "manylinux_2_17_armv7l"  # armhf code runs on armv8l


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
    # A declared glibc replaces the sysroot's: Cross-python reports 2.28.
    assert explicit.platform_tags[0] == "manylinux_2_28_aarch64"
    assert explicit.platform_tags[-3:] == (
        "manylinux_2_17_aarch64",
        "manylinux2014_aarch64",
        "linux_aarch64",
    )
    assert explicit.wheel_tag == "manylinux_2_28_aarch64" and explicit.glibc == (2, 28)


X86_64 = (
    "cpython-build-dir-x86_64-3.11/build/lib.linux-x86_64-3.11/"
    "_sysconfigdata__linux_x86_64-linux-gnu.py"
)


@pytest.mark.parametrize(
    ("fixture", "spec", "wheel_tag", "glibc"),
    [
        ("debian-bookworm-arm64-3.11.py", "manylinux2014", "manylinux_2_17_aarch64", (2, 17)),
        (
            "debian-bookworm-arm64-3.11.py",
            "manylinux2014_aarch64",
            "manylinux_2_17_aarch64",
            (2, 17),
        ),
        ("debian-bookworm-arm64-3.11.py", "manylinux_2_28", "manylinux_2_28_aarch64", (2, 28)),
        (
            "debian-bookworm-arm64-3.11.py",
            "manylinux_2_28_aarch64",
            "manylinux_2_28_aarch64",
            (2, 28),
        ),
        ("debian-bookworm-s390x-3.11.py", "manylinux2014_s390x", "manylinux_2_17_s390x", (2, 17)),
        ("debian-bookworm-armhf-3.11.py", "manylinux_2_31", "manylinux_2_31_armv7l", (2, 31)),
        (X86_64, "manylinux1", "manylinux_2_5_x86_64", (2, 5)),
        (X86_64, "manylinux2010_x86_64", "manylinux_2_12_x86_64", (2, 12)),
    ],
)
def test_manylinux_spellings_of_crossenv_1(
    fixture: str, spec: str, wheel_tag: str, glibc: Tuple[int, int]
) -> None:
    host = target.describe(fixture_vars(fixture), manylinux=(spec,), glibc=(2, 36))
    assert (host.wheel_tag, host.glibc) == (wheel_tag, glibc)
    assert host.platform_tags[0] == wheel_tag
    assert all(tag.endswith(wheel_tag.split("_", 3)[3]) for tag in host.platform_tags)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("manylinux_2_17_x86_64", "is a tag for x86_64, not for the Host (aarch64)"),
        ("manylinux2014_armv7l", "is a tag for armv7l, not for the Host (aarch64)"),
        ("bogus", "not a manylinux tag"),
        ("manylinux2015", "not a manylinux tag"),
        ("manylinux_2", "not a manylinux tag"),
        ("linux_aarch64", "not a manylinux tag"),
        ("manylinux1", "manylinux has aarch64 wheels from glibc 2.17"),
    ],
)
def test_wrong_manylinux_tags_are_refused(spec: str, message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        target.describe(fixture_vars("debian-bookworm-arm64-3.11.py"), manylinux=(spec,))


@pytest.mark.parametrize(
    ("fixture", "machine", "platform", "refused"),
    [
        ("debian-bookworm-arm64-3.11.py", "x86_64", None, "--machine x86_64"),
        (
            "debian-bookworm-arm64-3.11.py",
            None,
            "linux-x86_64",
            "--sysconfig-platform linux-x86_64",
        ),
        ("debian-bookworm-armhf-3.11.py", "aarch64", None, "--machine aarch64"),
        (
            "debian-bookworm-s390x-3.11.py",
            None,
            "linux-ppc64le",
            "--sysconfig-platform linux-ppc64le",
        ),
    ],
)
def test_overrides_for_another_cpu_are_refused(
    fixture: str, machine: Optional[str], platform: Optional[str], refused: str
) -> None:
    with pytest.raises(UsageError, match=re.escape(refused) + ": the Host's .* code does not run"):
        target.describe(fixture_vars(fixture), machine=machine, platform=platform)


def test_overrides_the_host_runs_are_taken() -> None:
    armhf = fixture_vars("debian-bookworm-armhf-3.11.py")
    assert target.describe(armhf, machine="armv8l").machine == "armv8l"
    assert target.describe(armhf, platform="linux-armv7l").platform == "linux-armv7l"
    android = fixture_vars("android-arm64-3.13.py")  # not a linux- platform: taken as given
    assert target.describe(android, platform="android-24-arm64_v8a").platform.startswith("android")


@pytest.mark.parametrize(
    ("fixture", "given", "first", "glibc"),
    [
        # crossenv 1.x's spellings, with and without the architecture.
        ("debian-bookworm-arm64-3.11.py", ("manylinux2014",), "manylinux_2_17_aarch64", (2, 17)),
        (
            "debian-bookworm-arm64-3.11.py",
            ("manylinux_2_28_aarch64", "manylinux2014"),
            "manylinux_2_28_aarch64",
            (2, 28),
        ),
        ("debian-bookworm-armhf-3.11.py", ("linux_armv7l",), "linux_armv7l", None),
        ("debian-bookworm-s390x-3.11.py", ("musllinux_1_2",), "musllinux_1_2_s390x", None),
        (X86_64, ("manylinux2010",), "manylinux_2_12_x86_64", (2, 12)),
    ],
)
def test_platform_tags_replace_the_accepted_tags(
    fixture: str, given: Tuple[str, ...], first: str, glibc: Optional[Tuple[int, int]]
) -> None:
    host = target.describe(fixture_vars(fixture), platform_tags=given, glibc=(2, 36))
    plain = target.tag_safe(host.platform)
    assert host.platform_tags[0] == first
    # The sysroot's glibc 2.36 no longer counts: only what was given, and the plain tag.
    assert not any(tag.startswith("manylinux_2_36") for tag in host.platform_tags)
    assert host.platform_tags[-1] == plain and host.platform_tags.count(plain) == 1
    assert host.glibc == (glibc or (2, 36))
    assert host.wheel_tag == ""  # --platform-tag accepts; only --manylinux retags
    if glibc is not None:  # a manylinux tag brings the older ones, legacy names too
        arch = first.split("_", 3)[3]
        assert f"manylinux2014_{arch}" in host.platform_tags or glibc < (2, 17)
        assert set(host.platform_tags) >= set(target.manylinux_tags(arch, glibc))


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("linux-armv7l", "sysconfig.get_platform() is set with --sysconfig-platform"),
        ("linux_x86_64", "is a tag for x86_64, not for the Host (aarch64)"),
        ("manylinux2014_armv7l", "is a tag for armv7l, not for the Host (aarch64)"),
        ("musllinux_1_2_riscv64", "is a tag for riscv64, not for the Host (aarch64)"),
        ("Linux ARM", "not a wheel platform tag"),
        ("manylinux1", "manylinux has aarch64 wheels from glibc 2.17"),
    ],
)
def test_wrong_platform_tags_are_refused(spec: str, message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        target.describe(fixture_vars("debian-bookworm-arm64-3.11.py"), platform_tags=(spec,))


def test_a_musl_host_takes_musllinux_tags_of_its_version_and_no_manylinux() -> None:
    config = fixture_vars("musl-aarch64-3.11.py")
    host = target.describe(config, musl=(1, 2))
    assert (host.triple, host.multiarch) == ("aarch64-unknown-linux-musl", "aarch64-linux-musl")
    assert host.ext_suffix == ".cpython-311-aarch64-linux-musl.so"
    assert host.platform_tags == (
        "musllinux_1_2_aarch64",
        "musllinux_1_1_aarch64",
        "musllinux_1_0_aarch64",
        "linux_aarch64",
    )
    assert host.glibc is None and host.wheel_tag == ""
    with pytest.raises(UsageError, match="the Host's C library is musl, not glibc"):
        target.describe(config, musl=(1, 2), manylinux=("manylinux2014",))
    given = target.describe(config, musl=(1, 2), platform_tags=("musllinux_1_1_aarch64",))
    assert given.platform_tags == ("musllinux_1_1_aarch64", "linux_aarch64")
