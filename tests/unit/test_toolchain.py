from __future__ import annotations

import shutil
from typing import List, Sequence

import pytest

from crossenv import toolchain
from crossenv.errors import ToolchainError

from .conftest import fixture_vars


@pytest.mark.parametrize(
    ("compiler", "host", "same"),
    [
        ("aarch64-linux-gnu", "aarch64-unknown-linux-gnu", True),
        ("x86_64-linux-gnu", "aarch64-unknown-linux-gnu", False),
        ("arm-linux-gnueabihf", "armv8l-unknown-linux-gnueabihf", True),
        ("arm-linux-gnueabi", "arm-unknown-linux-gnueabihf", False),
        ("aarch64-unknown-linux-android24", "aarch64-unknown-linux-android", True),
        ("arm64-apple-ios13.0", "arm64-apple-ios", True),
        ("riscv64-linux-gnu", "riscv64-unknown-linux-gnu", True),
        ("aarch64-linux-musl", "aarch64-unknown-linux-gnu", False),
    ],
)
def test_same_target(compiler: str, host: str, same: bool) -> None:
    assert toolchain.same_target(compiler, host) is same


class Recorder:
    """A stand-in for running ``CC -dumpmachine``: answers with a fixed triple."""

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.calls: List[List[str]] = []

    def __call__(self, command: Sequence[str]) -> str:
        self.calls.append(list(command))
        return self.answer


def test_recorded_compiler_must_be_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ToolchainError, match="aarch64-linux-gnu-gcc' not found on PATH"):
        toolchain.choose(fixture_vars("debian-bookworm-arm64-3.11.py"), runner=Recorder("x"))


def test_wrong_target_is_refused() -> None:
    gcc = shutil.which("gcc")
    assert gcc, "gcc is needed for this test"
    with pytest.raises(ToolchainError, match="builds for x86_64-linux-gnu"):
        toolchain.choose(
            fixture_vars("debian-bookworm-arm64-3.11.py"),
            cc=gcc,
            runner=Recorder("x86_64-linux-gnu"),
        )


def test_explicit_compiler_and_relative() -> None:
    runner = Recorder("aarch64-linux-gnu")
    chosen = toolchain.choose(
        fixture_vars("debian-bookworm-arm64-3.11.py"), cc="gcc", relative=True, runner=runner
    )
    assert chosen.cc == "gcc"
    assert runner.calls[0][-1] == "-dumpmachine"
    assert chosen.target == "aarch64-linux-gnu"


def test_cross_prefix_names_the_tools() -> None:
    assert toolchain._guess("gcc", "arm-linux-gnueabihf-", "") == "arm-linux-gnueabihf-gcc"
    assert toolchain._guess("aarch64-linux-gnu-gcc-ar", "/tc/x-", "") == "/tc/x-ar"
    assert toolchain._guess("cc", None, "aarch64-linux-gnu") == "aarch64-linux-gnu-gcc"
    assert toolchain._guess("aarch64-linux-gnu-gcc", None, "aarch64-linux-gnu") == (
        "aarch64-linux-gnu-gcc"
    )


def test_run_reports_failure() -> None:
    with pytest.raises(ToolchainError, match="cannot run"):
        toolchain.run(["/nonexistent/cc", "-dumpmachine"])
    with pytest.raises(ToolchainError, match="failed"):
        toolchain.run(["sh", "-c", "echo broken >&2; exit 3"])
