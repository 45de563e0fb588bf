from __future__ import annotations

import os
import shlex
import shutil
from pathlib import Path
from typing import List, Sequence, Tuple

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


@pytest.mark.parametrize(
    ("command", "parts"),
    [
        ("aarch64-linux-gnu-gcc", ([], "aarch64-linux-gnu-gcc", [])),
        ("gcc -mcpu=cortex-a72", ([], "gcc", ["-mcpu=cortex-a72"])),
        ("ccache aarch64-linux-gnu-gcc", (["ccache"], "aarch64-linux-gnu-gcc", [])),
        ("/usr/bin/ccache distcc cc -O2", (["/usr/bin/ccache", "distcc"], "cc", ["-O2"])),
        ("'/opt/my tc/gcc' -g", ([], "/opt/my tc/gcc", ["-g"])),
        ("ccache", ([], "ccache", [])),  # a launcher alone is taken as the program
    ],
)
def test_split_compiler_commands_like_a_shell(
    command: str, parts: Tuple[List[str], str, List[str]]
) -> None:
    assert toolchain.split(command) == parts


@pytest.mark.system
def test_compiler_as_shell_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gcc = shutil.which("aarch64-linux-gnu-gcc")
    assert gcc, "aarch64-linux-gnu-gcc is needed for this test"
    tools = tmp_path / "my tools"
    tools.mkdir()
    (tools / "ccache").write_text('#!/bin/sh\nexec "$@"\n')
    (tools / "ccache").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}:{os.environ['PATH']}")
    runner = Recorder("aarch64-linux-gnu")
    chosen = toolchain.choose(
        fixture_vars("debian-bookworm-arm64-3.11.py"),
        cc="ccache aarch64-linux-gnu-gcc -mcpu=cortex-a72",
        runner=runner,
    )
    assert shlex.split(chosen.cc) == [str(tools / "ccache"), gcc, "-mcpu=cortex-a72"]
    # The flags are part of the question, the launcher is not.
    assert runner.calls[0] == [gcc, "-mcpu=cortex-a72", "-dumpmachine"]
    (tools / "aarch64-linux-gnu-gcc").symlink_to(gcc)
    monkeypatch.setenv("PATH", str(tools))  # the compiler, and no sccache
    with pytest.raises(ToolchainError, match="compiler launcher 'sccache' not found on PATH"):
        toolchain.choose(
            fixture_vars("debian-bookworm-arm64-3.11.py"),
            cc="sccache aarch64-linux-gnu-gcc",
            runner=runner,
        )


def test_compiler_launcher_goes_in_front_of_both_compilers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tools = tmp_path / "my tools"
    tools.mkdir()
    for name in ("ccache", "distcc"):
        (tools / name).write_text('#!/bin/sh\nexec "$@"\n')
        (tools / name).chmod(0o755)
    monkeypatch.setenv("PATH", str(tools))
    chain = toolchain.Toolchain(
        cc="/usr/bin/aarch64-linux-gnu-gcc -mcpu=cortex-a72",
        cxx=f"{shlex.quote(str(tools / 'ccache'))} /usr/bin/aarch64-linux-gnu-g++",
        ar="/usr/bin/aarch64-linux-gnu-ar",
        target="aarch64-linux-gnu",
    )
    launched = toolchain.with_launcher(chain, ["ccache"], relative=False)
    assert shlex.split(launched.cc) == [
        str(tools / "ccache"),
        "/usr/bin/aarch64-linux-gnu-gcc",
        "-mcpu=cortex-a72",
    ]
    assert launched.cxx == chain.cxx  # named with that launcher already: once is enough
    assert launched.ar == chain.ar
    both = toolchain.with_launcher(chain, ["ccache", "distcc"], relative=True)
    assert shlex.split(both.cc)[:3] == ["ccache", "distcc", "/usr/bin/aarch64-linux-gnu-gcc"]
    with pytest.raises(ToolchainError, match="compiler launcher 'sccache' not found on PATH"):
        toolchain.with_launcher(chain, ["sccache"], relative=False)


class Compiler:
    """A stand-in for a gcc: answers ``-dumpmachine`` and the predefined macros."""

    def __init__(self, triple: str, macros: str) -> None:
        self.triple, self.macros = triple, macros

    def __call__(self, command: Sequence[str]) -> str:
        return self.triple if "-dumpmachine" in command else self.macros


MUSL_MACROS = "#define __linux__ 1\n#define __aarch64__ 1\n#define _STDIO_H\n"
GLIBC_MACROS = MUSL_MACROS + "#define __GLIBC__ 2\n#define __GLIBC_MINOR__ 36\n"


@pytest.mark.parametrize(
    ("triple", "macros", "accepted"),
    [
        # musl-gcc: gcc's own triple, musl's headers.
        ("aarch64-linux-gnu", MUSL_MACROS, True),
        # A plain glibc gcc for the Host's CPU.
        ("aarch64-linux-gnu", GLIBC_MACROS, False),
        # Debian's own musl-gcc is the Build machine's gcc: another CPU.
        ("x86_64-linux-gnu", MUSL_MACROS, False),
        ("aarch64-linux-musl", "", True),
    ],
)
def test_a_musl_host_takes_a_gcc_whose_headers_are_musls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, triple: str, macros: str, accepted: bool
) -> None:
    (tmp_path / "aarch64-linux-musl-gcc").write_text("#!/bin/sh\n")
    (tmp_path / "aarch64-linux-musl-gcc").chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    config = fixture_vars("musl-aarch64-3.11.py")
    cc = str(tmp_path / "aarch64-linux-musl-gcc")
    if accepted:
        chosen = toolchain.choose(config, cc=cc, runner=Compiler(triple, macros))
        assert chosen.target in ("aarch64-unknown-linux-musl", "aarch64-linux-musl")
    else:
        with pytest.raises(ToolchainError, match=f"builds for {triple}, but Host-python is for"):
            toolchain.choose(config, cc=cc, runner=Compiler(triple, macros))
