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
import sys
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


def apply_resolver(module: types.ModuleType, cfg: Config) -> Optional[str]:
    """Add a hint to pip's "No matching distribution" when no file suits the Host.

    Many packages publish wheels for x86-64 (and the Build machine's pip
    would take them) but none for the Host, and no sdist to build from;
    pip then only says that no version was found.
    """
    factory = getattr(module, "Factory", None)
    real = getattr(factory, "_report_single_requirement_conflict", None)
    if real is None:
        return "Factory._report_single_requirement_conflict"

    @functools.wraps(real)
    def report(self: Any, req: Any, parent: Any) -> Any:
        error = real(self, req, parent)
        try:
            found = self._finder.find_all_candidates(req.project_name)
        except Exception:  # pip's internals changed: no hint, pip's own error stands
            return error
        if not found:
            accepted = cfg["platform_tags"]
            tags = ", ".join(dict.fromkeys([*accepted[:2], accepted[-1]]))
            print(
                f"crossenv: hint: no file of {req.project_name} suits the Host ({tags}, ...): "
                "its wheels may all be for other machines, with no sdist to build from "
                "(pip debug --verbose lists the tags the Host accepts)",
                file=sys.stderr,
            )
        return error

    factory._report_single_requirement_conflict = report  # type: ignore[union-attr]
    return None
