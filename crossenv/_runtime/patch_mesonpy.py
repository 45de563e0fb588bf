"""Patch meson-python so every build uses the environment's meson cross file.

meson-python writes a cross file of its own only for macOS, iOS and
Android; for other Hosts it would configure a native build.  A
``--cross-file`` given by the user (``-Csetup-args=...``) wins.
"""

from __future__ import annotations

import types
from typing import Any, Dict, List, Optional

from .config import Config


def with_cross_file(meson_args: Any, cross_file: str) -> Dict[str, List[str]]:
    """Return ``meson_args`` with ``--cross-file`` added to the setup arguments."""
    result = {key: list(value) for key, value in dict(meson_args or {}).items()}
    setup = result.setdefault("setup", [])
    if not any(arg.startswith("--cross-file") for arg in setup):
        setup.append(f"--cross-file={cross_file}")
    return result


def apply(module: types.ModuleType, cfg: Config) -> Optional[str]:
    """Wrap ``mesonpy.Project.__init__``."""
    project = getattr(module, "Project", None)
    cross_file = cfg.get("meson_cross_file")
    if project is None:
        return "Project"
    if not cross_file:
        return None
    real = project.__init__

    def __init__(
        self: Any,
        source_dir: Any,
        build_dir: Any,
        meson_args: Any = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        real(self, source_dir, build_dir, with_cross_file(meson_args, cross_file), *args, **kwargs)

    project.__init__ = __init__
    return None
