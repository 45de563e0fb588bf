from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from crossenv import launchers


def test_commands_cover_the_documented_names() -> None:
    names = set(launchers.commands(Path("/e"), "3.11"))
    assert {
        "python",
        "cross-python",
        "pip",
        "cross-pip",
        "build-python",
        "build-pip",
        "cross-expose",
        "python3",
        "python3.11",
        "pip3",
        "pip3.11",
    } == names


def test_launcher_quotes_paths(tmp_path: Path) -> None:
    env = tmp_path / "a b'c $HOME"
    launchers.write(env, "3.11")
    fake = env / "cross" / "bin" / "python"
    fake.parent.mkdir(parents=True)
    fake.write_text('#!/bin/sh\nfor a in "$0" "$@"; do echo "[$a]"; done\n')
    fake.chmod(0o755)
    out = subprocess.run(
        [str(env / "bin" / "pip"), "x y", "*"], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines() == [f"[{fake}]", "[-m]", "[pip]", "[x y]", "[*]"]


@pytest.mark.parametrize("shell", ["bash", "dash", "zsh"])
def test_activate_and_deactivate(tmp_path: Path, shell: str) -> None:
    if shutil.which(shell) is None:
        pytest.fail(f"{shell} is not installed")  # prepare.sh installs the shells we test
    env = tmp_path / "with space é"
    launchers.write(env, "3.11")
    script = (
        f'. "{env}/bin/activate"; echo "$VIRTUAL_ENV"; echo "$PATH" | cut -d: -f1-3; '
        'deactivate; echo "${VIRTUAL_ENV:-gone}"; command -v deactivate || echo undone'
    )
    out = subprocess.run(
        [shell, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "PS1": "$ "},
    ).stdout
    lines = out.splitlines()
    assert lines[0] == f"{env}/cross"
    assert lines[1] == f"{env}/bin:{env}/build/bin:{env}/cross/bin"
    assert lines[2:] == ["gone", "undone"]


def test_rendered_files_pass_shellcheck(tmp_path: Path) -> None:
    if shutil.which("shellcheck") is None:
        pytest.fail("shellcheck is not installed (apt-get install shellcheck)")
    env = tmp_path / "e n v"
    run = {
        "qemu": "qemu-aarch64",
        "sysroot": "/s r",
        "host_python": "/s r/usr/bin/python3.13",
        "site": "/e n v/site",
    }
    launchers.write(env, "3.13", run)
    assert (env / "bin" / "cross-run").exists()
    files = [str(path) for path in (env / "bin").iterdir()]
    done = subprocess.run(["shellcheck", "-s", "sh", *files], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
