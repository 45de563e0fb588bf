"""Patch pip's isolated build environment: requirements are installed for Build.

pip installs a build's requirements by running this same interpreter again.
With ``CROSSENV_BUILD_SIDE=1`` set for that child, it resolves and installs
them as plain Build-python does (x86-64 wheels of Cython, cffi, setuptools,
...), at the versions the package asks for.  The build backend itself then
runs in Cross-python, where the Host identity makes it cross-compile.
"""

from __future__ import annotations

import functools
import os
import types
from typing import Any, Callable, Optional

from .config import BUILD_SIDE, Config


def on_build_side(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``function`` with ``CROSSENV_BUILD_SIDE=1`` in the environment."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        previous = os.environ.get(BUILD_SIDE)
        os.environ[BUILD_SIDE] = "1"
        try:
            return function(*args, **kwargs)
        finally:
            if previous is None:
                del os.environ[BUILD_SIDE]
            else:
                os.environ[BUILD_SIDE] = previous

    return wrapper


def apply(module: types.ModuleType, cfg: Config) -> Optional[str]:
    """Wrap ``BuildEnvironment.install_requirements``."""
    env_class = getattr(module, "BuildEnvironment", None)
    if env_class is None or not hasattr(env_class, "install_requirements"):
        return "BuildEnvironment.install_requirements"
    env_class.install_requirements = on_build_side(env_class.install_requirements)
    return None
