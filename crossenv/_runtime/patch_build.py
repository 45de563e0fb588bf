"""Patch pypa/build so ``python -m build`` cross-compiles like ``pip install``.

build makes a fresh virtual environment for each isolated build and runs
the backend with that environment's interpreter.  The environment gets
this runtime and its configuration, so the backend reports the Host; its
requirements are installed with the runtime switched off, for Build.
"""

from __future__ import annotations

import glob
import os
import shutil
import sys
import types
from typing import Any, Callable, Optional

from . import config
from .config import Config
from .patch_pip import on_build_side


def make_cross(env_path: str) -> None:
    """Give the virtual environment at ``env_path`` this runtime and configuration."""
    sites = glob.glob(os.path.join(env_path, "lib", "python*", "site-packages"))
    if not sites:
        return
    here = os.path.dirname(os.path.abspath(__file__))
    name = os.path.basename(here)
    shutil.copytree(
        here,
        os.path.join(sites[0], name),
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    with open(os.path.join(sites[0], f"{name}.pth"), "w", encoding="utf-8") as stream:
        stream.write(f"import {name}; {name}.activate()\n")
    for data in (config.CONFIG_FILE, config.VARS_FILE):
        # copy2 keeps the modification time that stamps the marshal copy.
        for name in (data, data + config.FROZEN):
            shutil.copy2(os.path.join(sys.prefix, name), os.path.join(env_path, name))


def apply(module: types.ModuleType, cfg: Config) -> Optional[str]:
    """Wrap ``DefaultIsolatedEnv.__enter__`` and ``install``."""
    env_class = getattr(module, "DefaultIsolatedEnv", None)
    if env_class is None:
        return "DefaultIsolatedEnv"
    enter: Callable[[Any], Any] = env_class.__enter__

    def __enter__(self: Any) -> Any:
        result = enter(self)
        make_cross(str(self.path))
        return result

    env_class.__enter__ = __enter__
    if hasattr(env_class, "install"):
        env_class.install = on_build_side(env_class.install)
    return None
