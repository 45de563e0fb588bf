"""Patch :mod:`sys` so it names the Host's platform."""

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .config import Config


def apply(cfg: "Config") -> None:
    """Set ``sys.platform``, ``sys.implementation._multiarch`` and the marker."""
    sys.platform = cfg["sys_platform"]
    sys.implementation._multiarch = cfg["multiarch"]  # type: ignore[attr-defined]
    # The marker that other tools (distlib, cibuildwheel) look for.
    sys.cross_compiling = "crossenv"  # type: ignore[attr-defined]
