"""Patch :func:`struct.calcsize` and :func:`ctypes.sizeof` to answer for the Host.

Builds ask ``struct.calcsize("P")`` or ``ctypes.sizeof(ctypes.c_void_p)``
for the target's word size.  The answer for one native type (``"P"``,
``"2l"``, ``c_long``, ``c_longdouble``) is the Host's, from its recorded
``SIZEOF_*`` variables.  Layouts of several native types (alignment differs
between ABIs) and ctypes structures keep the Build machine's answer; when the
two machines' sizes differ, a one-line warning on stderr says so, so a build
that relies on it is not silently wrong.  Standard-size formats (``<``,
``>``, ``=``, ``!``) are the same everywhere and are left alone.

Callers in the standard library always get the Build machine's answer: they
use it for this interpreter's own memory (``ctypes`` checks its types against
``struct`` and aliases ``c_int`` to ``c_long`` when their sizes agree;
``multiprocessing`` sizes shared buffers).
"""

from __future__ import annotations

import os
import sys
import types
from typing import Any, Callable, Dict, Optional, Tuple

from .config import Config

#: struct format code -> the C type of its native size.
STRUCT_TYPES = {
    "h": "short",
    "H": "short",
    "i": "int",
    "I": "int",
    "l": "long",
    "L": "long",
    "q": "long long",
    "Q": "long long",
    "n": "size_t",
    "N": "size_t",
    "P": "void *",
    "f": "float",
    "d": "double",
    "?": "_Bool",
}
#: ctypes ``_type_`` code -> C type, where it differs from :data:`STRUCT_TYPES`.
CTYPES_TYPES = {**STRUCT_TYPES, "z": "void *", "Z": "void *", "g": "long double", "u": "wchar_t"}

#: The standard library's folder: its callers get the Build machine's sizes.
STDLIB = os.path.dirname(os.__file__) + os.sep
_warned: set[str] = set()


def _warn(what: str) -> None:
    if what not in _warned:
        _warned.add(what)
        print(
            f"crossenv: warning: {what} answers for the Build machine, whose C type "
            "sizes differ from the Host's",
            file=sys.stderr,
        )


def _one_code(fmt: str) -> Optional[Tuple[int, str]]:
    """``"@2l"`` -> ``(2, "l")``; None for a format of more than one code."""
    text = "".join(fmt.split()).lstrip("@")
    digits = len(text) - len(text.lstrip("0123456789"))
    if len(text) != digits + 1:
        return None
    return int(text[:digits] or 1), text[digits]


def _from_stdlib() -> bool:
    """Whether the caller of the patched function is standard-library code."""
    return sys._getframe(2).f_code.co_filename.startswith(STDLIB)


def host_calcsize(fmt: str, sizes: Dict[str, int], real: Callable[[str], int]) -> int:
    """``struct.calcsize(fmt)`` on the Host, or the Build's answer with a warning."""
    if not fmt or fmt[0] in "<>=!":
        return real(fmt)
    one = _one_code(fmt)
    if one is not None and STRUCT_TYPES.get(one[1]) in sizes:
        return one[0] * sizes[STRUCT_TYPES[one[1]]]
    answer = real(fmt)
    for code in set(fmt) & set(STRUCT_TYPES):
        kind = STRUCT_TYPES[code]
        if kind in sizes and sizes[kind] != real(code):
            _warn(f"struct.calcsize({fmt!r})")
            break
    return answer


def apply_struct(module: types.ModuleType, cfg: Config) -> None:
    """Answer ``calcsize`` of native formats for the Host."""
    sizes = cfg.get("sizes") or {}
    real: Callable[[Any], int] = module.calcsize
    if not sizes or getattr(real, "__wrapped__", None) is not None:
        return

    def calcsize(fmt: Any) -> int:
        if isinstance(fmt, bytes):
            fmt = fmt.decode("ascii", "replace")
        if not isinstance(fmt, str) or _from_stdlib():
            return real(fmt)
        return host_calcsize(fmt, sizes, real)

    calcsize.__wrapped__ = real  # type: ignore[attr-defined]
    calcsize.__doc__ = real.__doc__
    module.calcsize = calcsize  # type: ignore[attr-defined]


def _simple_type(obj: Any) -> Optional[str]:
    kind = obj if isinstance(obj, type) else type(obj)
    code = getattr(kind, "_type_", None)
    return CTYPES_TYPES.get(code) if isinstance(code, str) else None


def apply_ctypes(module: types.ModuleType, cfg: Config) -> None:
    """Answer ``sizeof`` of simple ctypes types (and their instances) for the Host."""
    sizes = cfg.get("sizes") or {}
    real: Callable[[Any], int] = module.sizeof
    if not sizes or getattr(real, "__wrapped__", None) is not None:
        return
    differ = sizes.get("void *") != real(module.c_void_p)

    def sizeof(obj: Any) -> int:
        if _from_stdlib():
            return real(obj)
        kind = _simple_type(obj)
        if kind is not None and kind in sizes:
            return sizes[kind]
        if differ:
            _warn(f"ctypes.sizeof({getattr(obj, '__name__', type(obj).__name__)})")
        return real(obj)

    sizeof.__wrapped__ = real  # type: ignore[attr-defined]
    sizeof.__doc__ = real.__doc__
    module.sizeof = sizeof  # type: ignore[attr-defined]
