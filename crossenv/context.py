"""What the steps of creating an environment share."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Optional

from . import folders
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
        return path if self.root is None else self.root / path.relative_to(self.env_dir)

    def write(self, files: folders.Files) -> None:
        """Write ``files`` (named by their final paths) into the staging folder."""
        folders.write_files(files, self.env_dir, self.root)
