"""Rust extensions (maturin, setuptools-rust, PyO3) cross-built with no extra options.

Debian's rustc on this machine is bookworm's, so only the bookworm sysroot
has a matching Host std (``crossenv-sysroot --rust``); in the trixie
environment a Rust build must stop with one clear line.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .conftest import RUST_RELEASE, Setup, copy_project, elf_machine

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("project", ["rust_maturin", "rust_setuptools"])
def test_rust_fixture(setup: Setup, project: str, tmp_path: Path) -> None:
    command = [setup.bin / "pip", "install", "--force-reinstall", copy_project(project, tmp_path)]
    if setup.release != RUST_RELEASE:
        done = subprocess.run(command, capture_output=True, text=True)
        assert done.returncode != 0
        lines = [line.strip() for line in (done.stdout + done.stderr).splitlines()]
        expected = "crossenv: error: no Rust standard library for aarch64-unknown-linux-gnu"
        assert any(line.startswith(expected) for line in lines), done.stderr[-3000:]
        return
    setup.run(command)
    (so,) = setup.cross_site.rglob("rustdemo.cpython-*.so")
    assert so.name == f"rustdemo.cpython-{setup.version.replace('.', '')}-aarch64-linux-gnu.so"
    assert elf_machine(so) == 183
    out = setup.on_target("import rustdemo; print(rustdemo.add(1, 2), rustdemo.arch())")
    assert out.split() == ["3", "aarch64"]
