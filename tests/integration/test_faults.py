"""File-system faults during creation: a read-only parent and a full disk.

Each case runs the real command on a small tmpfs mounted for the test (root
is needed to mount; root also ignores permission bits, so a read-only mount
is the only honest read-only parent).  Each asserts one error line, its exit
code, no traceback, and a file system exactly as before.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from ..conftest import snapshot
from .conftest import REPO, Setup, crossenv_command, repo_env

pytestmark = pytest.mark.integration


@pytest.fixture
def mount(tmp_path: Path) -> Iterator[Path]:
    """A folder on which the test mounts tmpfs file systems; unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.fail("mounting a tmpfs for these tests needs root (CI runs as root)")
    point = tmp_path / "mnt é"
    point.mkdir()
    yield point
    while subprocess.run(["umount", str(point)], capture_output=True).returncode == 0:
        pass


def tmpfs(point: Path, *options: str) -> None:
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(point)], check=True
    )


def create(setup: Setup, env_dir: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = repo_env()
    env["CROSSENV_CACHE_DIR"] = str(cache)
    command = crossenv_command(setup.python, setup.host_python, env_dir)
    return subprocess.run(command, env=env, capture_output=True, text=True)


def assert_one_error(done: subprocess.CompletedProcess[str], code: int, words: str) -> None:
    assert done.returncode == code, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("crossenv: error:")]
    assert len(errors) == 1 and words in errors[0], done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("below", ["", "new/parents"])
def test_read_only_parent(setup: Setup, mount: Path, tmp_path: Path, below: str) -> None:
    tmpfs(mount, "size=1m")
    (mount / "user file").write_text("keep", encoding="utf-8")
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
    before = snapshot(mount)
    done = create(setup, mount / below / "env", tmp_path / "cache")
    assert_one_error(done, 6, "Read-only file system")
    assert snapshot(mount) == before
    assert (mount / "user file").read_text(encoding="utf-8") == "keep"


@pytest.mark.parametrize("size", ["64k", "1m", "6m"])
def test_full_disk(setup: Setup, mount: Path, size: str) -> None:
    # The seed cache is on the same small disk: filling it fails too.
    tmpfs(mount, f"size={size}")
    (mount / "user file").write_text("keep", encoding="utf-8")
    (mount / "cache").mkdir()
    before = snapshot(mount)
    done = create(setup, mount / "env", mount / "cache")
    assert_one_error(done, 9, "No space left on device")
    assert "nothing was left behind" in done.stderr
    assert snapshot(mount) == before


def test_full_disk_with_the_cache_elsewhere(setup: Setup, mount: Path, tmp_path: Path) -> None:
    # Hard links cannot cross file systems: pip is copied and does not fit.
    tmpfs(mount, "size=2m")
    before = snapshot(mount)
    done = create(setup, mount / "env", tmp_path / "cache")
    assert_one_error(done, 9, "No space left on device")
    assert snapshot(mount) == before


def test_unreadable_host_python_as_an_ordinary_user() -> None:
    """Root reads every file, so this runs crossenv as ``nobody`` (setpriv)."""
    if os.geteuid() != 0:
        pytest.fail("switching to the user nobody needs root (CI runs as root)")
    python = shutil.which("python3", path="/usr/bin:/bin")
    assert python, "Debian's /usr/bin/python3 is needed to run as nobody"
    world = Path(tempfile.mkdtemp(prefix="crossenv nobody "))
    try:
        world.chmod(0o755)
        shutil.copytree(
            REPO / "crossenv", world / "crossenv", ignore=shutil.ignore_patterns("__pycache__")
        )
        host = world / "python3.11"
        host.write_bytes(b"\x7fELF" + b"\0" * 60)
        host.chmod(0)
        before = snapshot(world)
        nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        done = subprocess.run(
            [*nobody, python, "-B", "-m", "crossenv", str(host), str(world / "env")],
            capture_output=True,
            text=True,
            cwd=world,
            env={"PATH": "/usr/bin:/bin", "HOME": str(world), "LC_ALL": "C.UTF-8"},
        )
        assert_one_error(done, 3, f"cannot read Host-python {host}: Permission denied")
        assert snapshot(world) == before
    finally:
        shutil.rmtree(world)
