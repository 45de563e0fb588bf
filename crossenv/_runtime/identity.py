"""What Cross-python says it is at start-up: :data:`sys.platform` and :func:`os.uname`.

Everything else (``platform``, ``sysconfig``, wheel tags) is patched when it
is first imported; see :mod:`.hooks`.
"""

import os
import sys

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
    """Set ``sys.platform``, ``sys.implementation._multiarch``, the marker and ``os.uname``."""
    sys.platform = cfg["sys_platform"]
    sys.implementation._multiarch = cfg["multiarch"]  # type: ignore[attr-defined]
    # The marker that other tools (distlib, cibuildwheel) look for.
    sys.cross_compiling = "crossenv"  # type: ignore[attr-defined]
    os.uname = host_uname(cfg, os.uname)
