"""What an environment holds, made from a captured Host description.

No build runs here: the cross compiler only has to exist (creation checks
what it builds for), and no program of the Host is run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crossenv.__main__ import main

from .conftest import make_debian_tree


@pytest.fixture(scope="module")
def env_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if sys.version_info[:2] != (3, 11):
        pytest.fail("run the unit tests with Python 3.11 (the fixtures are a 3.11 Host)")
    root = tmp_path_factory.mktemp("layout")
    python = make_debian_tree(root / "sys root")
    env = root / "the env"
    assert main([str(python), str(env), "-q"]) == 0
    return env


def test_layout(env_dir: Path) -> None:
    names = {path.name for path in (env_dir / "bin").iterdir()}
    expected = {
        "activate",
        "activate.fish",
        "activate.csh",
        "python",
        "cross-python",
        "pip",
        "cross-pip",
        "build-python",
        "build-pip",
        "cross-expose",
        "cross-run",
    }
    assert expected <= names
    assert (env_dir / "build" / "pyvenv.cfg").is_file()
    assert (env_dir / "cross" / "pyvenv.cfg").is_file()


def test_cross_run_without_emulator_names_the_package(env_dir: Path) -> None:
    done = subprocess.run(
        ["/bin/sh", env_dir / "bin" / "cross-run", "-c", "pass"],
        env={"PATH": "/nonexistent"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 127
    assert done.stderr.strip() == (
        "cross-run: qemu-aarch64 not found; install qemu-user (apt-get install qemu-user)"
    )
