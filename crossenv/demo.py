"""End-to-end demo: cross-build a C extension for Debian arm64 and run it under qemu.

    python3 -m crossenv.demo [--workdir DIR]

Fetches a real Debian arm64 Host-python (no root needed), creates an
environment, cross-builds the ``markupsafe`` sdist from PyPI with plain
``pip install``, checks that the extension is an aarch64 ELF file, and
imports it on the target with ``qemu-aarch64``.  The cross compiler and
qemu-user are installed with apt-get when run as root; otherwise the exact
command to run is printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Optional

from . import cli, process, sysroot
from ._runtime import elf
from .builder import CrossEnvBuilder
from .envdir import is_crossenv
from .errors import CreationError, ToolchainError, VersionMismatchError
from .target import ELF_MACHINES

#: Debian release whose python3.X matches each Build-python.
RELEASES = {"3.11": "bookworm", "3.13": "trixie"}
TOOLS = {"aarch64-linux-gnu-gcc": "gcc-aarch64-linux-gnu", "qemu-aarch64": "qemu-user"}
PACKAGE = "markupsafe"


def say(message: str) -> None:
    print(f"demo: {message}", flush=True)


def ensure_tools() -> None:
    """Install the cross compiler and qemu-user, or say how to."""
    missing = [package for program, package in TOOLS.items() if shutil.which(program) is None]
    if not missing:
        return
    command = ["apt-get", "install", "-y", *missing]
    if os.geteuid() != 0:
        raise ToolchainError(
            f"missing {' '.join(missing)}; run as root: apt-get update && {' '.join(command)}"
        )
    say(f"installing {' '.join(missing)} with apt-get")
    quiet = ["-qq", "--no-install-recommends"]  # qemu-user would bring systemd along
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["apt-get", "update", "-qq"], [*command, *quiet]):
        done = process.capture(step, cannot_start=ToolchainError, env=env)
        if done.returncode != 0:
            last = process.last_line(done.stderr or done.stdout)
            raise ToolchainError(f"{' '.join(step)} failed: {last}")


def run(workdir: Path) -> None:
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    release = RELEASES.get(version)
    if release is None:
        raise VersionMismatchError(
            f"the demo needs Python 3.11 or 3.13 as Build-python (this is {version})"
        )
    ensure_tools()
    say(f"fetching Debian {release} arm64 python{version} into {workdir}")
    host_python = sysroot.fetch("arm64", release, workdir / f"sysroot-{release}-arm64", log=say)
    root = host_python.parents[2]
    env_dir = workdir / "env"
    again = is_crossenv(env_dir)
    say(f"creating the cross environment: crossenv {host_python} {env_dir}{' --clear' * again}")
    CrossEnvBuilder(host_python=host_python, clear=again, log=say).create(env_dir)
    say(f"cross-compiling {PACKAGE} from its sdist: pip install --no-binary :all: {PACKAGE}")
    pip = [
        str(env_dir / "bin" / "pip"),
        "install",
        "--no-cache-dir",
        "--no-binary",
        ":all:",
        PACKAGE,
    ]
    if subprocess.run(pip, check=False).returncode != 0:
        raise CreationError(f"pip install {PACKAGE} failed")
    site = env_dir / "cross" / "lib" / f"python{version}" / "site-packages"
    built = sorted(site.glob(f"{PACKAGE}/*.so"))
    infos = [elf.read_file(path) for path in built]
    if not built or any(info is None or info.machine != ELF_MACHINES["aarch64"] for info in infos):
        raise CreationError(f"no aarch64 extension module was built: {built}")
    say(f"built {built[0].name} (ELF machine aarch64)")
    code_on_target = (
        f"import sys; sys.path.insert(0, {str(site)!r})\n"
        "import platform, markupsafe._speedups as s, markupsafe\n"
        "print(platform.machine(), markupsafe.escape('<crossenv>'), s.__file__)"
    )
    command = [*sysroot.qemu_command("arm64", root), str(host_python), "-c", code_on_target]
    say("importing it with the real Host-python under qemu-aarch64")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CreationError(f"import on the target failed: {done.stderr.strip()[-500:]}")
    machine, escaped, path = done.stdout.split(" ", 2)
    say(f"on the target: platform.machine()={machine} escape() -> {escaped}")
    say(f"OK: {PACKAGE} cross-compiled for aarch64 and imported on the target ({path.strip()})")


def main_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m crossenv.demo`` (the docs show its help)."""
    parser = cli.Parser(
        prog="python -m crossenv.demo",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(".demo"),
        help="where the sysroot and environment go (default: ./.demo)",
    )
    return parser


def workdir(argv: Optional[List[str]]) -> Path:
    return Path(os.path.abspath(main_parser().parse_args(argv).workdir))


def main(argv: Optional[List[str]] = None) -> int:
    """Run the demo; returns the exit code."""
    return cli.run(
        "demo", lambda: run(Path(os.path.abspath(main_parser().parse_args(argv).workdir)))
    )


if __name__ == "__main__":
    cli.entrypoint(main)
