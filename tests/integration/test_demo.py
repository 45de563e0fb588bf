"""The README's first command, word for word, with Debian's own python3.

``python3 -m crossenv.demo`` runs from a checkout with nothing installed:
the system Python has none of crossenv's dependencies, so this also proves
that a bare source tree creates environments.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Dict

import pytest

from .conftest import DEBIAN_PYTHON, REPO

pytestmark = pytest.mark.integration

#: The first command of README.rst, as a user types it.
README_DEMO = "python3 -m crossenv.demo"


def test_readme_starts_with_the_demo_command() -> None:
    readme = (REPO / "README.rst").read_text("utf-8")
    assert f"    {README_DEMO}   " in readme.split("\n\n\n", 1)[0]


def plain_environ(path: str) -> Dict[str, str]:
    """A login-like environment: none of the test run's Python settings."""
    keep = ("HOME", "LANG", "TMPDIR")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env["PATH"] = path
    return env


def python3_only(folder: Path) -> str:
    """A ``PATH`` on which ``python3`` is Debian's and no cross tool exists."""
    folder.mkdir()
    (folder / "python3").symlink_to(DEBIAN_PYTHON)
    return str(folder)


def test_demo_with_debian_python3(tmp_path: Path) -> None:
    if not os.path.isfile(DEBIAN_PYTHON):
        pytest.fail(f"{DEBIAN_PYTHON} not found: apt-get install -y python3 python3-venv")
    workdir = tmp_path / "demo dir"
    path = f"{python3_only(tmp_path / 'py')}:{os.environ['PATH']}"
    done = subprocess.run(
        [*README_DEMO.split(), "--workdir", str(workdir)],
        cwd=REPO,
        env=plain_environ(path),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("demo: OK: markupsafe cross-compiled for aarch64"), last
    assert "platform.machine()=aarch64 escape() -> &lt;crossenv&gt;" in done.stdout


def test_demo_as_a_normal_user_prints_the_apt_line(tmp_path: Path) -> None:
    """Without the tools and without root: one line naming what to install."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        pytest.fail("needs root and setpriv (util-linux) to run as another user")
    # pytest's folders are root's alone: the other user gets one of its own.
    with tempfile.TemporaryDirectory(prefix="crossenv demo ") as shared:
        checkout = Path(shared)
        checkout.chmod(0o755)
        shutil.copytree(REPO / "crossenv", checkout / "crossenv")
        command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
        done = subprocess.run(
            [*command, *README_DEMO.split(), "--workdir", "/nonexistent/demo"],
            cwd=checkout,
            env=plain_environ(python3_only(checkout / "py")),
            capture_output=True,
            text=True,
        )
    assert done.returncode == 5, done.stderr
    assert done.stderr == (
        "demo: error: missing gcc-aarch64-linux-gnu qemu-user; run as root: "
        "apt-get update && apt-get install -y gcc-aarch64-linux-gnu qemu-user\n"
    )
