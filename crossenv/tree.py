"""Fix-ups of an unpacked Debian tree, and merging one tree into another.

``dpkg -x`` unpacks files as the packages hold them: absolute symlinks that
would point into the Build machine's own ``/lib``, and (in an unmerged
tree) no ``lib -> usr/lib`` links.  These functions make such a tree a
sysroot, and move a tree of added packages into a finished sysroot.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from crossenv import folders
from crossenv.errors import SysrootError

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "MERGED_USR_DIRS",
    "follow_merged_usr",
    "merge_tree",
    "merge_usr",
    "plan_merge",
    "relativize_symlinks",
]

MERGED_USR_DIRS = ("lib", "bin", "sbin")


def _symlink_if_absent(root: Path, name: str, target: str) -> Path | None:
    link = root / name
    if os.path.lexists(link):
        return None
    link.symlink_to(target)
    return link


def merge_usr(root: Path) -> list[Path]:
    """Give an unmerged tree the ``lib -> usr/lib`` links of merged-/usr.

    Return the links made.
    Nothing is done when ``root/lib`` already exists.  ``lib64`` is linked
    only when ``usr/lib64`` exists.
    """
    if os.path.lexists(root / "lib"):
        return []
    made = [_symlink_if_absent(root, name, f"usr/{name}") for name in MERGED_USR_DIRS]
    if (root / "usr" / "lib64").is_dir():
        made.append(_symlink_if_absent(root, "lib64", "usr/lib64"))
    return [link for link in made if link is not None]


def _walk_symlinks(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            if path.is_symlink():
                yield path


def relativize_symlinks(root: Path) -> int:
    """Rewrite absolute symlinks under *root* as relative ones inside it.

    Return how many were rewritten.
    Debian's ``libfoo.so -> /lib/...`` links would otherwise point into the
    Build machine's own ``/lib`` when the tree is used as a sysroot.
    """
    count = 0
    for link in _walk_symlinks(root):
        target = os.readlink(link)
        if not os.path.isabs(target):
            continue
        inside = os.path.join(str(root), target.lstrip("/"))
        relative = os.path.relpath(inside, str(link.parent))
        link.unlink()
        link.symlink_to(relative)
        count += 1
    return count


def _move_into(src: Path, dest: Path) -> None:
    """Move the entries of the directory *src* into *dest*, then remove *src*.

    A directory on both sides is merged; otherwise what *dest* has wins.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for entry in sorted(src.iterdir()):
        target = dest / entry.name
        if not os.path.lexists(target):
            os.replace(entry, target)
        elif entry.is_dir() and not entry.is_symlink() and target.is_dir():
            _move_into(entry, target)
    shutil.rmtree(src)


def follow_merged_usr(tree: Path, like: Path) -> None:
    """Move *tree*'s ``lib``, ``bin``... under ``usr`` where *like* links them there.

    A package tree is unpacked apart from the sysroot *like* and merged into
    it later.  Where the sysroot has merged-/usr links, the package's files
    must arrive through ``usr`` so that its relative symlinks (see
    :func:`relativize_symlinks`) are computed from where they will be.
    """
    for name in (*MERGED_USR_DIRS, "lib64"):
        top = tree / name
        if top.is_dir() and not top.is_symlink() and (like / name).is_symlink():
            _move_into(top, tree / "usr" / name)


def plan_merge(src: Path, dest: Path, unit: Path | None = None) -> list[tuple[Path, Path]]:
    """List the renames that move everything under *src* into *dest*.

    Directories present on both sides are merged, entry by entry; other
    entries replace their counterparts, except that the directory *unit*
    (relative to *src*) is listed whole.  Where *dest* has a directory in
    place of a file, the directory is kept.  A directory of *src* where
    *dest* has a file is refused here, before anything has moved.
    """
    moves: list[tuple[Path, Path]] = []

    def walk(rel: Path) -> None:
        for entry in sorted((src / rel).iterdir()):
            part = rel / entry.name
            target = dest / part
            real_dir = entry.is_dir() and not entry.is_symlink()
            if part == unit:
                moves.append((entry, target))
            elif real_dir and target.is_dir():
                walk(part)
            elif real_dir and os.path.lexists(target):
                raise SysrootError(f"{target} is a file, but a package has a directory there")
            elif not target.is_dir():
                moves.append((entry, target))

    walk(Path())
    return moves


def merge_tree(src: Path, dest: Path, unit: Path | None, trash: Path) -> None:
    """Move everything under *src* into *dest*, as :func:`plan_merge` lists it.

    The directory *unit* replaces its counterpart as a whole, which is
    moved to *trash*, so that no file of an older copy survives.
    """
    whole = None if unit is None else src / unit
    for entry, target in plan_merge(src, dest, unit):
        if entry == whole:
            folders.replace_tree(entry, target, trash)
        else:
            os.replace(entry, target)
