from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any, Dict, Optional, cast

import pytest

from crossenv._runtime import fallback, verify
from crossenv._runtime.config import Config
from crossenv._runtime.patch_install import fix_script_for

from .conftest import DATA

ELF = Path(__file__).resolve().parents[1] / "data" / "elf"
SUFFIX = ".cpython-311-aarch64-linux-gnu.so"


def config(**changes: Any) -> Config:
    data: Dict[str, Any] = {
        "elf": {"machine": 183, "bits": 64, "big_endian": False},
        "ext_suffix": SUFFIX,
        "platform_tags": ["manylinux_2_17_aarch64", "linux_aarch64"],
        "wheel_tag": "",
    }
    data.update(changes)
    return cast(Config, data)


def make_wheel(tmp_path: Path, name: str, members: Dict[str, bytes]) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def test_host_wheel_passes(tmp_path: Path) -> None:
    arm64 = (ELF / "libz-arm64.so.1").read_bytes()
    wheel = make_wheel(
        tmp_path,
        "x-1.0-cp311-cp311-linux_aarch64.whl",
        {f"x/_x{SUFFIX}": arm64, "x/libs/libz.so.1": arm64, "x/a.py": b""},
    )
    assert verify.check_wheel(str(wheel), config()) == []


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("libz-amd64.so.1", "ELF 64-bit little-endian x86_64"),
        ("libz-armhf.so.1", "ELF 32-bit little-endian arm"),
        ("libz-s390x.so.1", "ELF 64-bit big-endian s390"),
    ],
)
def test_foreign_binary_is_named(tmp_path: Path, fixture: str, expected: str) -> None:
    data = (ELF / fixture).read_bytes()
    wheel = make_wheel(tmp_path, "x-1.0-cp311-cp311-linux_aarch64.whl", {f"x/_x{SUFFIX}": data})
    (problem,) = verify.check_wheel(str(wheel), config())
    assert problem == f"x/_x{SUFFIX}: {expected}, expected ELF 64-bit little-endian aarch64"


def test_wrong_suffix_and_tag(tmp_path: Path) -> None:
    arm64 = (ELF / "libz-arm64.so.1").read_bytes()
    wheel = make_wheel(
        tmp_path,
        "x-1.0-cp311-cp311-linux_x86_64.whl",
        {"x/_x.cpython-311-x86_64-linux-gnu.so": arm64},
    )
    problems = verify.check_wheel(str(wheel), config())
    assert "platform tag linux_x86_64 is not the Host's (linux_aarch64)" in problems[0]
    assert problems[1].endswith(f"extension suffix is not the Host's {SUFFIX}")
    summary = verify.summary(str(wheel), problems)
    assert summary.startswith("crossenv: x-1.0-cp311-cp311-linux_x86_64.whl was not built")
    assert summary.endswith("(and 1 more)")


def test_pure_and_manylinux_tags_are_accepted() -> None:
    assert verify.check_tags("x-1.0-py3-none-any.whl", config()) is None
    assert verify.check_tags("x-1.0-cp311-cp311-manylinux_2_17_aarch64.whl", config()) is None
    assert verify.check_tags("broken.whl", config()) == "broken.whl: not a wheel file name"


def test_fix_script_writes_the_host_interpreter(tmp_path: Path) -> None:
    script = tmp_path / "tool"
    script.write_bytes(b"#!python\nprint('hi')\n")
    assert fix_script_for("/usr/bin/python3.11")(str(script)) is True
    assert script.read_bytes() == b"#!/usr/bin/python3.11\nprint('hi')\n"
    other = tmp_path / "other"
    other.write_bytes(b"#!/bin/sh\n")
    assert fix_script_for("/usr/bin/python3.11")(str(other)) is False


def test_fallback_record_goes_to_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "report.txt"
    monkeypatch.setenv(fallback.REPORT, str(report))
    fallback.record("the C extension x failed")
    assert report.read_text() == "the C extension x failed\n"


def test_fallback_wrapper_records_and_reraises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import types

    report = tmp_path / "report.txt"
    monkeypatch.setenv(fallback.REPORT, str(report))

    class build_ext:
        def build_extension(self, ext: Any) -> None:
            raise RuntimeError("compiler failed")

    module = types.ModuleType("fake")
    module.build_ext = build_ext  # type: ignore[attr-defined]
    fallback.apply(module, config())
    ext = types.SimpleNamespace(name="pkg._speedups")
    with pytest.raises(RuntimeError):
        build_ext().build_extension(ext)
    assert "pkg._speedups failed to build for the Host (RuntimeError" in report.read_text()
    strict_module = types.ModuleType("fake2")

    class strict_build_ext(build_ext):
        pass

    strict_module.build_ext = strict_build_ext  # type: ignore[attr-defined]
    fallback.apply(strict_module, config(strict=True))
    with pytest.raises(SystemExit, match="--strict"):
        strict_build_ext().build_extension(ext)


@pytest.mark.parametrize(
    ("name", "tag", "refused"),
    [
        ("arm64", "manylinux_2_17_aarch64", None),  # libz asks for 2.17 at most
        ("riscv64", "manylinux_2_27_riscv64", None),
        ("riscv64", "manylinux_2_17_riscv64", "manylinux_2_27_riscv64"),
        ("amd64", "manylinux2010_x86_64", "manylinux_2_14_x86_64"),  # memcpy@GLIBC_2.14
        ("amd64", "manylinux2014_x86_64", None),
    ],
)
def test_a_manylinux_tag_is_a_promise_that_is_checked(
    tmp_path: Path, name: str, tag: str, refused: Optional[str]
) -> None:
    library = (DATA / "elf" / f"libz-{name}.so.1").read_bytes()
    promise = verify.promised_glibc(f"z-1.0-cp311-cp311-{tag}.whl")
    assert promise is not None and promise[0] == tag
    problem = verify.check_glibc("z/libz.so.1", library, promise)
    if refused is None:
        assert problem is None
    else:
        assert problem is not None and problem.startswith("z/libz.so.1 needs glibc ")
        assert f"newer than its tag {tag} allows; it is a {refused} wheel" in problem


def test_wheels_without_a_manylinux_tag_promise_nothing() -> None:
    assert verify.promised_glibc("z-1.0-cp311-cp311-linux_aarch64.whl") is None
    two = verify.promised_glibc(
        "z-1.0-cp311-cp311-manylinux_2_28_aarch64.manylinux2014_aarch64.whl"
    )
    assert two == ("manylinux2014_aarch64", (2, 17))  # the older promise counts
