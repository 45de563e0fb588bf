"""Changes to a sysroot prepared beside it, then moved in at once.

A change (a new sysroot, added packages, the Rust std) is downloaded and
unpacked into a sibling directory ``DEST.TAG-XXXX`` with a private apt of
its own; a failure or an interruption there leaves DEST as it was.  Only the
last step, a few hundred renames, touches DEST, with Ctrl-C held back.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from crossenv import apt
from crossenv.errors import SysrootError
from crossenv.stamp import APT_DIR_NAME

if TYPE_CHECKING:
    from collections.abc import Callable

    Log = Callable[[str], None]

__all__ = [
    "absolute",
    "check_tools",
    "quiet",
    "remove_tree",
    "sibling",
    "staged_apt",
]


def quiet(_message: str) -> None:
    """Log nothing."""


def check_tools() -> None:
    """Fail unless apt, dpkg and Debian's keyring are here."""
    if apt.tools_missing():
        raise SysrootError(apt.MISSING_TOOLS)
    if not apt.KEYRING.is_file():
        raise SysrootError(f"{apt.KEYRING} is missing; install the debian-archive-keyring package")


def absolute(dest: Path) -> Path:
    """*dest* made absolute; a symlink to a directory is followed."""
    dest = Path(dest).expanduser().absolute()
    return dest.resolve() if dest.is_symlink() else dest


def sibling(dest: Path, tag: str) -> Path:
    """A new empty directory beside *dest*, on the same file system."""
    path = Path(tempfile.mkdtemp(prefix=f"{dest.name}.{tag}-", dir=dest.parent))
    path.chmod(0o755)
    return path


def remove_tree(path: Path) -> None:
    """Remove *path* if it is there, as far as possible."""
    if os.path.lexists(path):
        shutil.rmtree(path, ignore_errors=True)


def _seed_lists(source: Path, state: apt.AptState) -> None:
    """Copy the package index files of *source* into *state* (saves a download)."""
    if not source.is_dir():
        return
    for path in source.iterdir():
        if path.is_file() and not path.is_symlink() and path.name != "lock":
            shutil.copy2(path, state.lists / path.name)


def staged_apt(
    dest: Path,
    stage: Path,
    arch: str,
    release: str,
    mirror: str,
    log: Log,
    runner: apt.Runner | None = None,
) -> apt.AptState:
    """A private apt in *stage* for a change to the sysroot *dest*, its index up to date.

    The index files *dest* already has are copied first, so the update
    downloads only what changed.
    """
    state = apt.AptState(stage / APT_DIR_NAME, arch, release, mirror, runner)
    state.prepare()
    _seed_lists(dest / APT_DIR_NAME / "lists", state)
    log(f"updating the {release}/{arch} package index from {mirror}")
    apt.update(state)
    return state
