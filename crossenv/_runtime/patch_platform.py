"""Patch :mod:`platform` so the machine, processor, C library and bits are the Host's.

``machine()``, ``release()`` and ``version()`` follow the patched
:func:`os.uname`; this module adds what ``platform`` finds elsewhere:
``processor()`` (``uname -p``, a Build-machine program), ``libc_ver()`` (read
from this interpreter's binary) and ``architecture()``.
"""

from __future__ import annotations

import sys
import types
from typing import Callable, Optional, Tuple

from .config import Config


def apply(module: types.ModuleType, cfg: Config) -> None:
    """Drop cached values and answer for the Host."""
    module._uname_cache = None  # type: ignore[attr-defined]
    if hasattr(module, "_platform_cache"):
        module._platform_cache.clear()
    machine = cfg["machine"]
    processor = getattr(module, "_Processor", None)
    if processor is not None:  # Python 3.9 and newer
        processor.get = staticmethod(lambda: machine)
    else:
        real_syscmd: Callable[[str, str], str] = module._syscmd_uname

        def _syscmd_uname(option: str, default: str = "") -> str:
            return machine if option == "-p" else real_syscmd(option, default)

        module._syscmd_uname = _syscmd_uname  # type: ignore[attr-defined]

    real: Callable[..., Tuple[str, str]] = module.architecture
    bits = f"{cfg['pointer_bits']}bit"

    def architecture(
        executable: str = sys.executable, bits_: str = "", linkage: str = ""
    ) -> Tuple[str, str]:
        if executable == sys.executable:
            return bits, "ELF"
        return real(executable, bits_, linkage)

    module.architecture = architecture  # type: ignore[attr-defined]

    glibc = cfg.get("glibc", "")
    real_libc: Callable[..., Tuple[str, str]] = module.libc_ver

    def libc_ver(
        executable: Optional[str] = None, lib: str = "", version: str = "", chunksize: int = 16384
    ) -> Tuple[str, str]:
        if executable in (None, sys.executable):
            return ("glibc", glibc) if glibc else (lib, version)
        return real_libc(executable, lib, version, chunksize)

    module.libc_ver = libc_ver  # type: ignore[attr-defined]
