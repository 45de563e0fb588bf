"""Patch :func:`os.uname` so it reports the Host's system and machine."""

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

    from .config import Config


def host_uname(
    cfg: "Config", real: "Callable[[], os.uname_result]"
) -> "Callable[[], os.uname_result]":
    """Wrap ``real`` so that ``sysname`` and ``machine`` are the Host's."""

    def uname() -> "os.uname_result":
        result = real()
        return os.uname_result(
            (cfg["sysname"], result.nodename, result.release, result.version, cfg["machine"])
        )

    uname.__wrapped__ = real  # type: ignore[attr-defined]
    uname.__doc__ = real.__doc__
    return uname


def apply(cfg: "Config") -> None:
    """Replace :func:`os.uname`."""
    os.uname = host_uname(cfg, os.uname)
