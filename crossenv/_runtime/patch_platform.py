"""Patch :mod:`platform` so ``machine()`` and ``architecture()`` are the Host's."""

from __future__ import annotations

import sys
import types
from typing import Callable, Tuple

from .config import Config


def apply(module: types.ModuleType, cfg: Config) -> None:
    """Drop cached values and answer ``architecture()`` for the Host."""
    module._uname_cache = None  # type: ignore[attr-defined]
    real: Callable[..., Tuple[str, str]] = module.architecture
    bits = f"{cfg['pointer_bits']}bit"

    def architecture(
        executable: str = sys.executable, bits_: str = "", linkage: str = ""
    ) -> Tuple[str, str]:
        if executable == sys.executable:
            return bits, "ELF"
        return real(executable, bits_, linkage)

    module.architecture = architecture  # type: ignore[attr-defined]
