"""Patch :mod:`sys` so it names the Host's platform."""

from __future__ import annotations

import sys

from .config import Config


def apply(cfg: Config) -> None:
    """Set ``sys.platform``, ``sys.implementation._multiarch`` and the marker."""
    sys.platform = cfg["sys_platform"]
    sys.implementation._multiarch = cfg["multiarch"]  # type: ignore[attr-defined]
    # The marker that other tools (distlib, cibuildwheel) look for.
    sys.cross_compiling = "crossenv"  # type: ignore[attr-defined]
