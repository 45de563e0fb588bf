"""Replacing an environment so that a kill at any moment can be recovered from.

A replacement is built in a sibling folder ``.NAME.new-XXXX`` (see
:meth:`crossenv.builder.CrossEnvBuilder.create`): ``env`` holds the
environment's new entries, into which the layers kept are moved from the old
one, and ``old`` is where the old entries go when the new ones are moved in
(:func:`crossenv.folders.swap_entries`).  Each move out is written to the
folder's journal first, and the swap is marked before it starts.  A SIGTERM
or SIGKILL skips the in-process rollback, so every run on that ``ENV_DIR``
first looks for such a folder and finishes what it finds:

* the swap had started: it is finished (the new entries are complete by then);
* the environment is still there: the replacement had not swapped yet, so
  everything the journal names goes back, and the folder goes;
* the environment is gone and ``old`` is there: a whole-folder swap was cut
  in half, and the new environment takes its place;
* the swap was done: the old entries' copy is removed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from pathlib import Path
from typing import Callable, Iterator, List

from . import folders

#: The file in the sibling folder that lists what was moved out of ``ENV_DIR``.
JOURNAL = "moved"
#: Locked while a replacement runs, so that another run leaves its folder alone.
LOCK = "lock"
#: What crossenv writes at the top of an environment, in the order a
#: replacement swaps them (the record, which marks the folder as ours, last);
#: anything else there is the user's and stays where it is.
ENTRIES = ("bin", "build", "cross", "crossenv.cfg")
#: Written when the swap of the entries starts: from then on, finish it.
SWAPPING = "swapping"


@contextlib.contextmanager
def held(work: Path) -> Iterator[None]:
    """Hold the lock of the sibling folder ``work`` while a replacement runs."""
    with open(work / LOCK, "w", encoding="utf-8") as stream:
        fcntl.flock(stream, fcntl.LOCK_EX)
        yield


def _in_use(work: Path) -> bool:
    try:
        with open(work / LOCK, "a", encoding="utf-8") as stream:
            fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


def work_folders(final: Path) -> List[Path]:
    """The sibling folders that replacements of ``final`` left behind."""
    prefix = f".{final.name}.new-"
    try:
        found = [path for path in final.parent.iterdir() if path.name.startswith(prefix)]
    except OSError:
        return []
    return sorted(path for path in found if path.is_dir() and not path.is_symlink())


def record(work: Path, name: str) -> None:
    """Note, before it happens, that ``name`` is moved out of the environment."""
    with open(work / JOURNAL, "a", encoding="utf-8") as stream:
        stream.write(name + "\n")
        stream.flush()
        os.fsync(stream.fileno())


def swapping(work: Path) -> None:
    """Note that the swap of the entries starts now."""
    with open(work / SWAPPING, "w", encoding="utf-8") as stream:
        os.fsync(stream.fileno())


def moved(work: Path) -> List[str]:
    """What the journal of ``work`` says was moved out, in order."""
    try:
        text = (work / JOURNAL).read_text(encoding="utf-8")
    except OSError:
        return []
    return [line for line in text.splitlines() if line and "/" not in line and line != ".."]


def recover(final: Path, log: Callable[[str], None]) -> None:
    """Finish or undo every replacement of ``final`` that a kill interrupted."""
    for work in work_folders(final):
        if _in_use(work):  # another run is replacing it right now
            continue
        new, old = work / "env", work / "old"
        if (work / SWAPPING).exists() and new.is_dir():
            folders.swap_entries(new, final, old, ENTRIES)
            log(f"finished an interrupted replacement of {final}")
        elif os.path.lexists(final) and new.is_dir():
            names = moved(work)
            for name in names:
                if os.path.lexists(new / name) and not os.path.lexists(final / name):
                    os.rename(new / name, final / name)
            if names:
                log(f"put back what an interrupted replacement had moved: {', '.join(names)}")
        elif not os.path.lexists(final) and old.is_dir() and new.is_dir():
            os.rename(new, final)
            log(f"finished an interrupted replacement of {final}")
        shutil.rmtree(work, ignore_errors=True)
