"""Fixtures for integration tests: real Host sysroots, real cross compilers, qemu-user.

These tests never skip: a missing toolchain or emulator is a failure that
names the Debian package to install (``.ci/run`` installs them).
"""

from __future__ import annotations

import dataclasses
import glob
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Dict, Iterator, List, Sequence

import pytest

from crossenv import sysroot

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("CROSSENV_TEST_CACHE", REPO / ".cache"))

#: (Build-python version, Debian release of the Host-python).
PAIRS = [("3.11", "bookworm"), ("3.13", "trixie")]


def build_python(version: str) -> str:
    """Find a Build-python of ``version`` (pyenv's, or pythonX.Y on PATH)."""
    candidates = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python")))
    found = candidates[-1] if candidates else shutil.which(f"python{version}")
    if not found:
        pytest.fail(f"no Python {version} found (pyenv or python{version} on PATH)")
    return found


def require(program: str, package: str) -> None:
    if shutil.which(program) is None:
        pytest.fail(f"{program} not found: apt-get install -y {package}")


@dataclasses.dataclass
class Setup:
    """One Build-python + Host-python pair with a fresh environment."""

    version: str
    release: str
    python: str
    sysroot: Path
    host_python: Path
    env_dir: Path

    @property
    def bin(self) -> Path:
        return self.env_dir / "bin"

    @property
    def cross_site(self) -> Path:
        return self.env_dir / "cross" / "lib" / f"python{self.version}" / "site-packages"

    def run(self, command: Sequence[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        """Run ``command``; fail the test with its output if it fails."""
        done = subprocess.run(
            [str(part) for part in command],
            capture_output=True,
            text=True,
            **kwargs,  # type: ignore[call-overload]
        )
        if done.returncode != 0:
            pytest.fail(
                f"{' '.join(map(str, command))} exited {done.returncode}\n"
                f"--- stdout\n{done.stdout[-6000:]}\n--- stderr\n{done.stderr[-6000:]}"
            )
        return done

    def on_target(self, code: str, *, path: Sequence[Path] = ()) -> str:
        """Run ``code`` with the real Host-python under qemu-user."""
        paths = [str(self.cross_site), *map(str, path)]
        prologue = f"import sys; sys.path[:0] = {paths!r}\n"
        command = [
            *sysroot.qemu_command("arm64", self.sysroot),
            str(self.host_python),
            "-c",
            prologue + code,
        ]
        return self.run(command).stdout


def copy_project(name: str, tmp_path: Path) -> Path:
    """A fresh copy of a fixture project: builds write into the source tree."""
    target = tmp_path / "projects" / name
    if not target.exists():
        shutil.copytree(REPO / "tests" / "data" / "projects" / name, target)
    return target


def crossenv_command(python: str, *args: object) -> List[str]:
    return [python, "-m", "crossenv", *map(str, args)]


#: Where crossenv's own run-time dependencies are installed for the test
#: Build-pythons, which run crossenv from the source tree (``PYTHONPATH``).
DEPENDENCIES = CACHE / "crossenv-dependencies"


def install_dependencies() -> None:
    """Install the ``[project] dependencies`` (pure-Python wheels) for every test Python."""
    import sys

    import tomllib

    wanted = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    stamp = DEPENDENCIES / "requirements.txt"
    text = "\n".join(wanted["dependencies"]) + "\n"
    if stamp.is_file() and stamp.read_text("utf-8") == text:
        return
    shutil.rmtree(DEPENDENCIES, ignore_errors=True)
    command = [sys.executable, "-m", "pip", "install", "-q", "--target", str(DEPENDENCIES)]
    subprocess.run([*command, "--only-binary", ":all:", *wanted["dependencies"]], check=True)
    stamp.write_text(text, "utf-8")


def repo_env() -> Dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(DEPENDENCIES)])
    return env


#: Debian's rustc on this machine comes from bookworm: only that sysroot gets its std.
RUST_RELEASE = "bookworm"


def fetch_sysroot(release: str) -> Path:
    dest = CACHE / f"sysroot-{release}-arm64"
    return sysroot.fetch("arm64", release, dest, rust=release == RUST_RELEASE)


@pytest.fixture(scope="session", autouse=True)
def dependencies() -> None:
    install_dependencies()


@pytest.fixture(scope="session", autouse=True)
def fresh_pip_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every session builds for real: no wheel built by an earlier run is reused."""
    os.environ["PIP_CACHE_DIR"] = str(tmp_path_factory.mktemp("pip-cache"))


@pytest.fixture(scope="session", params=PAIRS, ids=[f"{v}-{r}" for v, r in PAIRS])
def setup(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Setup]:
    version, release = request.param
    require("aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu")
    require("aarch64-linux-gnu-g++", "g++-aarch64-linux-gnu")
    require("qemu-aarch64", "qemu-user")
    require("/usr/bin/rustc", "rustc cargo")
    host_python = fetch_sysroot(release)
    root = host_python.parents[2]
    # A path with a space and a non-ASCII letter, as users have them.
    env_dir = tmp_path_factory.mktemp(f"env {version}") / "crôss env"
    python = build_python(version)
    done = subprocess.run(
        crossenv_command(python, host_python, env_dir),
        env=repo_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    yield Setup(version, release, python, root, host_python, env_dir)


def elf_machine(path: Path) -> int:
    """``e_machine`` of an ELF file (little-endian targets)."""
    header = path.read_bytes()[:20]
    assert header[:4] == b"\x7fELF", f"{path} is not ELF"
    order = "little" if header[5] == 1 else "big"
    return int.from_bytes(header[18:20], order)


def identity_script() -> str:
    return (
        "import json, os, platform, sys, sysconfig\n"
        "print(json.dumps({'sys.platform': sys.platform, 'machine': os.uname().machine,"
        " 'platform.machine': platform.machine(), 'platform': sysconfig.get_platform(),"
        " 'EXT_SUFFIX': sysconfig.get_config_var('EXT_SUFFIX'),"
        " 'SOABI': sysconfig.get_config_var('SOABI'),"
        " 'multiarch': sys.implementation._multiarch,"
        " 'sysname': os.uname().sysname, 'architecture': platform.architecture()[0]}))\n"
    )


def load(text: str) -> Dict[str, object]:
    result: Dict[str, object] = json.loads(text)
    return result
