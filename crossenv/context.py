"""What the steps of creating an environment share."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Optional, Tuple

from . import folders, launchers
from .host import HostPython
from .layout import Settings
from .sysconfigdata import ConfigVars
from .target import HostDescription
from .toolchain import Toolchain


@dataclasses.dataclass
class Context:
    """Everything the steps share.

    Paths are the environment's final ones (``env_dir`` and below): that is
    what every file names.  The steps write into ``root``, a staging folder
    renamed to ``env_dir`` at the end (:meth:`staged` maps one to the other).
    """

    env_dir: Path
    host: HostPython
    target: HostDescription
    toolchain: Toolchain
    settings: Settings
    #: The Host's build-time variables as Cross-python reports them, with the
    #: guarded compilers of the environment's final path.
    host_vars: ConfigVars
    #: Where the steps write (default: ``env_dir`` itself).
    root: Optional[Path] = None
    #: Where the steps write the Cross layer, when it is made at a
    #: ``--cross-prefix`` of its own (``env_dir/cross`` links there).
    cross_root: Optional[Path] = None
    version: str = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.version = self.host.version

    @property
    def build_dir(self) -> Path:
        return self.env_dir / "build"

    @property
    def cross_dir(self) -> Path:
        return self.env_dir / "cross"

    def staged(self, path: Path) -> Path:
        """Where the file the environment will have at ``path`` is written now."""
        if self.cross_root is not None and (
            path == self.cross_dir or self.cross_dir in path.parents
        ):
            return self.cross_root / path.relative_to(self.cross_dir)
        return path if self.root is None else self.root / path.relative_to(self.env_dir)

    def write(self, files: folders.Files) -> None:
        """Write ``files`` (named by their final paths) into the staging folder."""
        folders.write_files({self.staged(path): value for path, value in files.items()})


#: What venv and pip write with the path they were given, the staging folder;
#: every other file names the environment's final path from the start.
_PATH_FILES = ("build/pyvenv.cfg", "cross/pyvenv.cfg", "build/bin/*", "cross/bin/*")


def rewrite_paths(
    env_dir: Path, old: str, new: str, patterns: Tuple[str, ...] = _PATH_FILES
) -> None:
    """Rewrite ``old`` to ``new`` in what venv and pip wrote in ``env_dir`` (``patterns``).

    A path appears as it is or, in venv's ``activate`` of newer Pythons, as
    one single-quoted shell word; each becomes the same spelling of ``new``.
    """
    pairs = {old: new, launchers.sh_quoted(old)[1:-1]: launchers.sh_quoted(new)[1:-1]}
    replacements = [(os.fsencode(a), os.fsencode(b)) for a, b in pairs.items()]
    for pattern in patterns:
        for path in env_dir.glob(pattern):
            if path.is_symlink() or not path.is_file() or path.stat().st_size > 1 << 20:
                continue
            data = original = path.read_bytes()
            for old_bytes, new_bytes in replacements:
                data = data.replace(old_bytes, new_bytes)
            if data != original:
                mode = path.stat().st_mode
                path.write_bytes(data)
                os.chmod(path, mode)
