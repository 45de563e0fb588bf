"""Create and replace directory trees so that a failure leaves nothing half-made."""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

#: Files to write: each path with its text and whether it is executable.
Files = Dict[Path, Tuple[str, bool]]


def make_parents(path: Path) -> List[Path]:
    """Create ``path`` and its missing parents; return those made, deepest first."""
    missing = [p for p in (path, *path.parents) if not os.path.lexists(p)]
    path.mkdir(parents=True, exist_ok=True)
    return missing


def remove_empty(folders: Iterable[Path]) -> None:
    """Remove the given folders, deepest first, while they are empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def replace_tree(new: Path, dest: Path, old: Path) -> None:
    """Rename ``new`` to ``dest``; an existing ``dest`` is renamed to ``old`` first.

    If the second rename fails, ``dest`` is put back before the error goes on.
    """
    if not os.path.lexists(dest):
        os.replace(new, dest)
        return
    os.replace(dest, old)
    try:
        os.replace(new, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.replace(old, dest)
        raise


def swap_entries(new: Path, dest: Path, old: Path, names: Sequence[str]) -> None:
    """Move each of ``names`` from ``new`` into ``dest``, what ``dest`` had there to ``old``.

    Everything else in ``dest`` stays where it is.  Run again after a kill,
    it finishes the moves that were left; on an error the moves made are
    undone before the error goes on.  ``new`` is removed at the end, so its
    absence says the swap is done.
    """
    old.mkdir(exist_ok=True)
    made: List[Tuple[str, bool]] = []  # each name moved in, and whether one was moved out
    try:
        for name in names:
            if not os.path.lexists(new / name):
                continue  # moved in by a run that was cut short
            moved_out = os.path.lexists(dest / name)
            if moved_out:
                os.replace(dest / name, old / name)
            made.append((name, moved_out))
            os.replace(new / name, dest / name)
        new.rmdir()
    except BaseException:
        for name, moved_out in reversed(made):
            with contextlib.suppress(OSError):
                if not os.path.lexists(new / name):
                    os.replace(dest / name, new / name)
                if moved_out:
                    os.replace(old / name, dest / name)
        raise


def write_files(files: Files, base: Optional[Path] = None, into: Optional[Path] = None) -> None:
    """Write ``files``; with ``into``, each goes there at its path relative to ``base``.

    The files name their paths under ``base``; ``into`` is where they are
    staged until that folder is renamed to ``base``.
    """
    for path, (text, executable) in files.items():
        if into is not None and base is not None:
            path = into / path.relative_to(base)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if executable:
            path.chmod(0o755)


def write_atomically(path: Path, text: str) -> None:
    """Make ``path`` hold ``text``; a reader sees the old file or the new one, never half."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def link_atomically(path: Path, target: Path) -> None:
    """Make ``path`` a symbolic link to ``target``; a reader never finds it missing."""
    if path.is_symlink() and os.readlink(path) == str(target):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.parent / f".{path.name}.{os.getpid()}"
    os.symlink(target, temporary)
    try:
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def cache_root() -> Path:
    """crossenv's per-user cache: ``$CROSSENV_CACHE_DIR``, else in the XDG cache."""
    explicit = os.environ.get("CROSSENV_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "crossenv"


@contextlib.contextmanager
def interrupts_held(deliver: bool = True) -> Iterator[None]:
    """Hold Ctrl-C back until the block is done, then deliver it (or drop it).

    For blocks that must not stop halfway: the few hundred renames that add
    packages to a finished sysroot, the removal of a replaced environment.
    """
    caught: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    except ValueError:  # not the main thread: signals cannot arrive here anyway
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught and deliver:
        signal.raise_signal(signal.SIGINT)
