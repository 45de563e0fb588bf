"""docs/tutorial.rst, run as the page shows it, in one shell, as a reader types it.

The reader's home is a temporary one whose ``sysroots/bookworm arm64`` is the
test cache's bookworm sysroot (a link), so step 2 finds a finished sysroot
instead of downloading one. ``python3.11`` is the tests' Build-python and
``crossenv-sysroot`` runs crossenv from the source tree. Step 1 is for root
and is not run: the integration tests need its packages already.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict

import pytest

from .. import docshell
from .conftest import REPO, build_python, fetch_sysroot, repo_env, require_toolchain

pytestmark = pytest.mark.integration

TUTORIAL = REPO / "docs" / "tutorial.rst"
VERSION = "3.11"
RELEASE = "bookworm"


def test_every_block_runs() -> None:
    text = TUTORIAL.read_text(encoding="utf-8")
    assert docshell.stray_blocks(text) == []
    commands = [command for block in docshell.parse(text) for command in block.commands]
    assert all(command.text.startswith("apt-get ") for command in commands if command.root)
    answers = [command for command in commands if command.expected]
    assert any(command.text.startswith("qemu-aarch64 ") for command in answers), (
        "step 5 shows no known answer"
    )


def reader_env(tmp_path: Path) -> Dict[str, str]:
    """A home with the cached sysroot in it, and the tutorial's commands on PATH."""
    host_python = fetch_sysroot(RELEASE, "arm64")
    home = tmp_path / "home"
    (home / "sysroots").mkdir(parents=True)
    (home / "sysroots" / f"{RELEASE} arm64").symlink_to(host_python.parents[2])
    bindir = tmp_path / "bin"
    bindir.mkdir()
    python = build_python(VERSION)
    source = {"PYTHONPATH": repo_env()["PYTHONPATH"]}
    docshell.write_command(bindir / f"python{VERSION}", [python], source)
    docshell.write_command(bindir / "crossenv-sysroot", [python, "-m", "crossenv.sysroot"], source)
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    env["HOME"] = str(home)
    env["PATH"] = f"{bindir}{os.pathsep}{env['PATH']}"
    for name in ("VIRTUAL_ENV", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "CROSSENV_CACHE_DIR"):
        env.pop(name, None)
    return env


def test_tutorial(tmp_path: Path) -> None:
    require_toolchain("arm64")
    env = reader_env(tmp_path)
    commands = [
        command
        for block in docshell.read(TUTORIAL)
        for command in block.commands
        if not command.root
    ]
    work = tmp_path / "work"
    work.mkdir()
    outcomes = docshell.run(commands, cwd=work, env=env)
    problem = docshell.problem(commands, outcomes)
    if problem is not None:
        pytest.fail(f"docs/tutorial.rst:\n{problem}", pytrace=False)
