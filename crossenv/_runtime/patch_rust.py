"""Stop a Rust build early, with one clear line, when the Host has no Rust std here."""

from __future__ import annotations

import sys
import types

from .config import Config


def apply(module: types.ModuleType, cfg: Config) -> None:
    """Runs when maturin or setuptools-rust is imported by a cross build."""
    missing = cfg.get("rust_missing")
    if missing:
        print(f"crossenv: error: {missing}", file=sys.stderr)
        raise SystemExit(1)
