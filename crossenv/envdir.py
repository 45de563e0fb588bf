"""The environment's folder: what in it is crossenv's, and moving a new one into place.

An environment is built in a hidden sibling folder (see
:meth:`crossenv.builder.CrossEnvBuilder.create`), then moved into place: a
new ``ENV_DIR`` by one rename; in an existing folder only crossenv's own
entries are swapped (:data:`SWAP_ORDER`), so the user's files stay where
they are.  :mod:`crossenv.journal` makes every step recoverable after a kill.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Optional, Tuple, Union

from . import folders, journal
from ._runtime.config import CONFIG_FILE
from .context import Context
from .errors import EnvDirError, from_os_error

#: The record of how the environment was made; it also marks a directory as ours.
RECORD_FILE = journal.ENTRIES[-1]
#: crossenv's own entries at the top of an environment, in the order they are swapped.
SWAP_ORDER = journal.ENTRIES
#: What venv writes with the path it was given, in a Cross layer of its own.
LAYER = ("pyvenv.cfg", "bin/*")


def env_path(env_dir: Union[str, Path]) -> Path:
    """The environment's path; a symbolic link to a folder stands for that folder.

    A link that leads nowhere is refused: replacing it with a folder would
    create the environment somewhere the user did not ask for.
    """
    path = Path(os.path.abspath(env_dir))
    try:
        if not path.is_symlink():
            return path
        target = Path(os.path.realpath(path))
        linked = target.is_dir()
    except OSError as exc:  # e.g. a name too long for the file system
        raise from_os_error(exc, f"cannot use {path}", EnvDirError) from None
    if not linked:
        raise EnvDirError(f"{path} is a symbolic link to {target}, which is not a folder")
    return target


def is_crossenv(path: Path) -> bool:
    """Tell whether ``path`` is an environment this tool made."""
    return (path / RECORD_FILE).is_file() and (path / "cross" / "pyvenv.cfg").is_file()


#: What an environment of crossenv 1.x has at its top besides the layers and ``bin``.
LEGACY_ENTRIES = ("include", "lib", "lib64")


def made_by_1x(path: Path) -> bool:
    """Tell whether ``path`` is an environment crossenv 1.x made (it has no record)."""
    return (
        not (path / RECORD_FILE).exists()
        and (path / "lib" / "site.py").is_file()
        and (path / "cross" / "pyvenv.cfg").is_file()
        and (path / "bin" / "cross-expose").is_file()
    )


def cross_prefix(final: Path, given: Union[str, Path, None]) -> Optional[Path]:
    """Where the Cross layer goes when not in ``ENV_DIR/cross`` (``--cross-prefix``)."""
    if not given:
        return None
    path = env_path(given)
    if path == final / "cross":
        return None
    if path == final or final in path.parents or path in final.parents:
        raise EnvDirError(
            f"--cross-prefix {path}: cannot hold or be inside the environment {final}"
        )
    return path


def check_existing(final: Path, cleared: Tuple[str, ...]) -> None:
    """An existing ``ENV_DIR`` must be an environment, or a folder with room for one."""
    if not final.is_dir():
        raise EnvDirError(f"{final} exists and is not a folder")
    if is_crossenv(final):
        return
    if made_by_1x(final):
        if not cleared:
            raise EnvDirError(
                f"{final} was made by crossenv 1.x; add --clear to replace it "
                "(its packages must be installed again)"
            )
        return
    taken = [name for name in SWAP_ORDER if os.path.lexists(final / name)]
    if taken:
        raise EnvDirError(
            f"{final} is not a crossenv environment and already has "
            f"{', '.join(taken)}; nothing was changed (choose another ENV_DIR)"
        )


def check_cross_prefix(cross: Path, cleared: Tuple[str, ...]) -> bool:
    """Tell whether the Cross layer is to be made at ``cross``; refuse a folder in use."""
    if not cross.exists() or (cross.is_dir() and not any(cross.iterdir())):
        return True
    if not (cross / "pyvenv.cfg").is_file() or not (cross / CONFIG_FILE).is_file():
        raise EnvDirError(
            f"--cross-prefix {cross}: the folder holds other files; "
            "name a new or empty folder, or one crossenv made"
        )
    return "cross" in cleared


def cross_work(cross: Path) -> Path:
    """A staging folder beside the ``--cross-prefix`` folder ``cross``."""
    return Path(tempfile.mkdtemp(prefix=f".{cross.name}.new-", dir=cross.parent))


def remove_old(work: Path, cross_root: Optional[Path]) -> None:
    """Remove the replaced entries' copy; Ctrl-C cannot stop it halfway now."""
    with folders.interrupts_held(deliver=False):
        shutil.rmtree(work, ignore_errors=True)
        if cross_root is not None:
            shutil.rmtree(cross_root.parent, ignore_errors=True)


def swap(context: Context, work: Path, existed: bool) -> None:
    """Move the staged environment (and Cross layer) into place."""
    root, final = context.root, context.env_dir
    assert root is not None
    if context.cross_root is None:
        _swap_env(root, final, work, existed)
        return
    # The Cross layer of --cross-prefix first, put back if the rest fails.
    cross, old_cross = Path(os.readlink(root / "cross")), context.cross_root.parent / "old"
    if cross.is_dir() and not any(cross.iterdir()):
        cross.rmdir()
    folders.replace_tree(context.cross_root, cross, old_cross)
    try:
        _swap_env(root, final, work, existed)
    except BaseException:
        os.replace(cross, context.cross_root)
        if old_cross.is_dir():
            os.replace(old_cross, cross)
        raise


def _swap_env(root: Path, final: Path, work: Path, existed: bool) -> None:
    if not existed:
        os.replace(root, final)
        return
    journal.swapping(work)
    if made_by_1x(final):  # what 1.x had besides the layers goes with them
        (work / "old").mkdir(exist_ok=True)
        for name in LEGACY_ENTRIES:
            if os.path.lexists(final / name):
                os.replace(final / name, work / "old" / name)
    folders.swap_entries(root, final, work / "old", SWAP_ORDER)
