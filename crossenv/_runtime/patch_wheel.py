"""Patch ``bdist_wheel`` so wheels carry the platform tag chosen with ``--manylinux``.

Without ``--manylinux`` nothing changes: wheels are tagged from
``sysconfig.get_platform()`` (e.g. ``linux_aarch64``), as on the Host.
"""

from __future__ import annotations

import types
from typing import Any, Callable, Optional, Tuple

from . import verify
from .config import Config


def check_after_run(command: Any, cfg: Config) -> None:
    """Make ``bdist_wheel`` refuse a wheel that was not built for the Host."""
    run: Callable[[Any], None] = command.run

    def checked_run(self: Any) -> None:
        run(self)
        for name, _, path in getattr(self.distribution, "dist_files", []):
            if name == "bdist_wheel" and str(path).endswith(".whl"):
                problems = verify.check_wheel(str(path), cfg)
                if problems:
                    raise SystemExit(verify.summary(str(path), problems))

    command.run = checked_run


def apply(module: types.ModuleType, cfg: Config) -> Optional[str]:
    """Wrap ``bdist_wheel`` of setuptools' or wheel's command module."""
    wanted = cfg.get("wheel_tag")
    command = getattr(module, "bdist_wheel", None)
    if command is None:
        return "bdist_wheel"
    if getattr(command, "_crossenv", False):
        return None
    command._crossenv = True
    check_after_run(command, cfg)
    if not wanted:
        return None
    if not hasattr(command, "get_tag"):
        return "bdist_wheel.get_tag"
    plain = cfg["platform_tags"][-1]
    real: Callable[[Any], Tuple[str, str, str]] = command.get_tag

    def get_tag(self: Any) -> Tuple[str, str, str]:
        impl, abi, plat = real(self)
        return impl, abi, (wanted if plat == plain else plat)

    command.get_tag = get_tag
    return None
