"""Rust extensions (maturin, setuptools-rust, PyO3) cross-built with no extra options.

Debian's rustc on this machine is bookworm's, so only the bookworm sysroot
has a matching Host std (``crossenv-sysroot --rust``); in the trixie
environment a Rust build must stop with one clear line.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from crossenv.debian import python_version as sysroot_python_version

from .conftest import (
    RUST_RELEASE,
    Setup,
    build_python,
    copy_project,
    crossenv_command,
    elf_machine,
    fetch_sysroot,
    repo_env,
)

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


TRIPLE = "aarch64-unknown-linux-gnu"


def sysroot_without_rust_std(sysroot: Path, view: Path) -> Path:
    """``sysroot`` seen through symbolic links, but without its Rust standard library.

    Returns the view's Host-python. The std stays where it is, for a rustc
    that is told where it is (as Debian's is, with ``libstd-rust-dev:ARCH``).
    """
    skip = {Path("."): "usr", Path("usr"): "lib", Path("usr/lib"): "rustlib"}
    for relative, kept_out in skip.items():
        folder = view / relative
        folder.mkdir(parents=True, exist_ok=True)
        for entry in (sysroot / relative).iterdir():
            if entry.name != kept_out:
                (folder / entry.name).symlink_to(entry)
    return view / "usr" / "bin" / "python3.11"


def test_a_rustc_later_on_path_with_the_hosts_std_is_used(tmp_path: Path) -> None:
    """rustup's rustc first on PATH has no Host std; a later one has: that one builds."""
    sysroot = fetch_sysroot(RUST_RELEASE).parents[2]
    python = build_python(sysroot_python_version(RUST_RELEASE))
    view = tmp_path / "sys root"
    host_python = sysroot_without_rust_std(sysroot, view)
    assert not (view / "usr" / "lib" / "rustlib").exists()
    # Debian's rustc as it is with libstd-rust-dev:arm64 installed: a sysroot
    # with the Build machine's std and the Host's, and its cargo.
    rust_root = tmp_path / "rust root" / "lib" / "rustlib"
    rust_root.mkdir(parents=True)
    for entry in [
        *Path("/usr/lib/rustlib").iterdir(),
        sysroot / "usr" / "lib" / "rustlib" / TRIPLE,
    ]:
        (rust_root / entry.name).symlink_to(entry)
    tools = tmp_path / "debian rust"
    tools.mkdir()
    (tools / "rustc").write_text(
        f'#!/bin/sh\nexec /usr/bin/rustc --sysroot "{rust_root.parents[1]}" "$@"\n', "utf-8"
    )
    (tools / "rustc").chmod(0o755)
    (tools / "cargo").symlink_to("/usr/bin/cargo")
    rustup = Path.home() / ".cargo" / "bin"
    first = f"{rustup}:" if (rustup / "rustc").exists() else ""
    path = f"{first}{tools}:/usr/local/bin:/usr/bin:/bin"
    env_dir = tmp_path / "env"
    done = subprocess.run(
        [*crossenv_command(python, host_python, env_dir), "-v"],
        env={**repo_env(), "PATH": path},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert f"Rust for {TRIPLE}: rustc of {tools}" in done.stderr
    made = Setup("3.11", RUST_RELEASE, python, view, host_python, env_dir)
    project = copy_project("rust_maturin", tmp_path)
    made.run([env_dir / "bin" / "pip", "install", project], env={**os.environ, "PATH": path})
    (so,) = made.cross_site.rglob("rustdemo.cpython-*.so")
    assert elf_machine(so) == 183
    assert made.on_target("import rustdemo; print(rustdemo.add(1, 2))").strip() == "3"
