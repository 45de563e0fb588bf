"""Which rustc builds for the Host: the first one on PATH that has the Host's std."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Sequence

import pytest

from crossenv import rust, target
from crossenv.errors import ToolchainError

from .conftest import fixture_vars

ARM64 = target.describe(fixture_vars("debian-bookworm-arm64-3.11.py"))


def fake_rustc(folder: Path) -> str:
    folder.mkdir(parents=True)
    program = folder / "rustc"
    program.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    program.chmod(0o755)
    return str(program)


def std_at(folder: Path, triple: str) -> str:
    libdir = folder / "rustlib" / triple / "lib"
    libdir.mkdir(parents=True)
    (libdir / "libstd-0123abcd.rlib").write_bytes(b"")
    return str(libdir)


def runner_of(libdirs: Dict[str, str]) -> rust.Runner:
    """``rustc --print target-libdir``, answered from ``libdirs`` (rustc -> folder)."""

    def run(command: Sequence[str]) -> str:
        if command[0] not in libdirs:
            raise ToolchainError(f"{command[0]} failed")
        return libdirs[command[0]]

    return run


def test_a_later_rustc_with_the_hosts_std_is_chosen(tmp_path: Path) -> None:
    rustup = fake_rustc(tmp_path / "rustup bin")
    debian = fake_rustc(tmp_path / "debian bin")
    libdirs = {
        rustup: str(tmp_path / "rustup" / "lib"),  # no std for aarch64 there
        debian: std_at(tmp_path / "debian", "aarch64-unknown-linux-gnu"),
    }
    path = f"{tmp_path / 'rustup bin'}:{tmp_path / 'debian bin'}"
    found = rust.probe(ARM64, None, runner_of(libdirs), search_path=path)
    assert (found.has_std, found.tools_dir) == (True, str(tmp_path / "debian bin"))


def test_the_first_rustc_needs_no_links(tmp_path: Path) -> None:
    first = fake_rustc(tmp_path / "a")
    second = fake_rustc(tmp_path / "b")
    libdirs = {
        first: std_at(tmp_path / "one", "aarch64-unknown-linux-gnu"),
        second: std_at(tmp_path / "two", "aarch64-unknown-linux-gnu"),
    }
    found = rust.probe(
        ARM64, None, runner_of(libdirs), search_path=f"{tmp_path / 'a'}:{tmp_path / 'b'}"
    )
    assert (found.has_std, found.tools_dir) == (True, None)


def test_no_rustc_with_the_std_is_one_line(tmp_path: Path) -> None:
    only = fake_rustc(tmp_path / "a")
    found = rust.probe(
        ARM64, None, runner_of({only: str(tmp_path)}), search_path=str(tmp_path / "a")
    )
    assert not found.has_std and found.tools_dir is None
    message = rust.missing(found)
    assert "\n" not in message and "aarch64-unknown-linux-gnu" in message


def test_each_rustc_is_asked_once(tmp_path: Path) -> None:
    program = fake_rustc(tmp_path / "real")
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    asked: List[str] = []

    def run(command: Sequence[str]) -> str:
        asked.append(command[0])
        raise ToolchainError("no")

    rust.probe(ARM64, None, run, search_path=f"{tmp_path / 'real'}:{tmp_path / 'alias'}")
    assert asked.count(program) == 1 and len([a for a in asked if "alias" in a]) == 0


@pytest.mark.parametrize("tools_dir", ["/usr/bin", "/opt/rust x/bin"])
def test_links_point_at_the_chosen_tools(tmp_path: Path, tools_dir: str) -> None:
    folder = rust.write_tool_links(tmp_path / "rust-bin", tools_dir)
    targets = {link.name: str(link.readlink()) for link in folder.iterdir()}
    assert targets == {tool: f"{tools_dir}/{tool}" for tool in ("cargo", "rustc", "rustdoc")}


def test_cargo_flags_name_the_sysroot_without_white_space() -> None:
    """cargo splits CARGO_TARGET_*_RUSTFLAGS at white space: the flags take the link."""
    setup = rust.RustSetup("aarch64-unknown-linux-gnu", "/sys root/usr", True, "/usr/bin")
    values = dict(rust.defaults(setup, "/e n v/cc", "/cache/sysroots/0a1b", Path("/p"), "3.11"))
    flags = values["CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUSTFLAGS"].split()
    assert flags == [
        "--sysroot=/cache/sysroots/0a1b/usr",
        "-C",
        "link-arg=--sysroot=/cache/sysroots/0a1b",
    ]
    assert values["CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER"] == "/e n v/cc"  # one path
