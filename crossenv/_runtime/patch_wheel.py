"""Patch ``bdist_wheel`` so wheels carry the platform tag chosen with ``--manylinux``.

Without ``--manylinux`` nothing changes: wheels are tagged from
``sysconfig.get_platform()`` (e.g. ``linux_aarch64``), as on the Host.
"""

from __future__ import annotations

import types
from typing import Any, Callable, Tuple

from .config import Config


def apply(module: types.ModuleType, cfg: Config) -> None:
    """Wrap ``bdist_wheel.get_tag`` of setuptools' or wheel's command module."""
    wanted = cfg.get("wheel_tag")
    command = getattr(module, "bdist_wheel", None)
    if not wanted or command is None or not hasattr(command, "get_tag"):
        return
    plain = cfg["platform_tags"][-1]
    real: Callable[[Any], Tuple[str, str, str]] = command.get_tag

    def get_tag(self: Any) -> Tuple[str, str, str]:
        impl, abi, plat = real(self)
        return impl, abi, (wanted if plat == plain else plat)

    command.get_tag = get_tag
