"""Patch :mod:`sysconfig` so it gives the Host's variables and platform."""

from __future__ import annotations

import types
from typing import Any, Callable, Dict, Union

from . import config
from .config import Config

_vars_cache: Dict[str, Dict[str, Union[str, int]]] = {}


def host_vars(cfg: Config) -> Dict[str, Union[str, int]]:
    """Return (a copy of) the Host's localized build-time variables."""
    key = cfg["prefix"]
    if key not in _vars_cache:
        _vars_cache[key] = config.load_vars(cfg)
    return dict(_vars_cache[key])


def apply(module: types.ModuleType, cfg: Config) -> None:
    """Point sysconfig at the Host's data and platform."""
    name = cfg["sysconfigdata_names"][0]
    platform = cfg["platform"]
    overrides = cfg["config_overrides"]
    module._get_sysconfigdata_name = lambda: name  # type: ignore[attr-defined]

    def get_platform() -> str:
        return platform

    real_vars: Callable[..., Any] = module.get_config_vars

    def get_config_vars(*args: str) -> Any:
        values = real_vars()
        if values.get("installed_base") != overrides.get("installed_base"):
            values.update(overrides)
        if args:
            return [values.get(arg) for arg in args]
        return values

    module.get_platform = get_platform  # type: ignore[attr-defined]
    module.get_config_vars = get_config_vars  # type: ignore[attr-defined]
    # Forget anything computed before the patch.
    module._CONFIG_VARS = None  # type: ignore[attr-defined]
    if hasattr(module, "_CONFIG_VARS_INITIALIZED"):
        module._CONFIG_VARS_INITIALIZED = False  # type: ignore[attr-defined]
