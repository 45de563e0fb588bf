"""What Cross-python says it is at start-up: :mod:`sys` and :func:`os.uname`.

``sys.platform``, ``sys.byteorder``, ``sys.maxsize`` and ``os.uname()`` are the
Host's from the first line of every program.  Everything else (``platform``,
``sysconfig``, ``struct``, ``ctypes``, wheel tags) is patched when it is first
imported; see :mod:`.hooks`.

A few standard modules use ``sys.byteorder`` to do real work on *this*
machine's memory (regular expressions pack their tables with it, the UTF-16
and UTF-32 codecs pick their byte order, ``ctypes`` its swapped types):
:func:`native_byteorder` gives them the Build machine's value back, so a
Host byte order never corrupts what Cross-python itself computes.
"""

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import types
    from typing import Any, Callable

    from .config import Config

#: The Build machine's byte order, before :func:`apply` changes ``sys.byteorder``.
BUILD_BYTEORDER = sys.byteorder
#: ``os.uname().nodename``: crossenv 1.x's fixed name, so no build records
#: the Build machine's host name.
NODENAME = "build"


def host_uname(
    cfg: "Config", real: "Callable[[], os.uname_result]"
) -> "Callable[[], os.uname_result]":
    """Wrap ``real`` so that it reports the Host, not this machine.

    The release is the Host's kernel headers' (the Build machine's kernel
    must not reach ``platform.platform()``); the version string is unknown,
    the node name :data:`NODENAME`.
    """

    def uname() -> "os.uname_result":
        return os.uname_result(
            (cfg["sysname"], NODENAME, cfg.get("kernel_release", ""), "", cfg["machine"])
        )

    uname.__wrapped__ = real  # type: ignore[attr-defined]
    uname.__doc__ = real.__doc__
    return uname


def host_confstr(glibc: str, real: "Callable[[Any], Any]") -> "Callable[[Any], Any]":
    """Wrap ``real`` so that ``CS_GNU_LIBC_VERSION`` is the Host's glibc (``glibc 2.36``).

    packaging, pip and subprocess ask it; crossenv 1.x answers the same way.
    """
    names = getattr(os, "confstr_names", {})
    asked = {"CS_GNU_LIBC_VERSION", names.get("CS_GNU_LIBC_VERSION")}

    def confstr(name: "Any") -> "Any":
        if name in asked:
            return f"glibc {glibc}"
        return real(name)

    confstr.__wrapped__ = real  # type: ignore[attr-defined]
    confstr.__doc__ = real.__doc__
    return confstr


def apply(cfg: "Config") -> None:
    """Set ``sys.platform``, byte order, ``maxsize``, the marker, ``uname`` and ``confstr``."""
    sys.platform = cfg["sys_platform"]
    sys.implementation._multiarch = cfg["multiarch"]  # type: ignore[attr-defined]
    # The marker that other tools (distlib, cibuildwheel) look for.
    sys.cross_compiling = "crossenv"  # type: ignore[attr-defined]
    sys.byteorder = cfg.get("byteorder", BUILD_BYTEORDER)  # type: ignore[assignment]
    sys.maxsize = cfg.get("maxsize", sys.maxsize)
    os.uname = host_uname(cfg, os.uname)
    glibc = cfg.get("glibc", "")
    if glibc and hasattr(os, "confstr"):
        os.confstr = host_confstr(glibc, os.confstr)


class _BuildSys:
    """``sys`` as the Build machine's own memory sees it: the real byte order."""

    byteorder = BUILD_BYTEORDER

    def __getattr__(self, name: str) -> "Any":
        return getattr(sys, name)


def native_byteorder(module: "types.ModuleType", cfg: "Config") -> None:
    """Let ``module`` see the Build machine's ``sys.byteorder`` (see the module doc)."""
    if module.__name__ == "ctypes._endian":
        # It chose its classes while being imported: choose again, natively.
        host, sys.byteorder = sys.byteorder, BUILD_BYTEORDER
        try:
            spec = module.__spec__
            code = spec.loader.get_code(module.__name__)  # type: ignore[union-attr]
            exec(code, module.__dict__)
        finally:
            sys.byteorder = host
        return
    for name in ("sys", "_sys"):
        if module.__dict__.get(name) is sys:
            setattr(module, name, _BuildSys())
