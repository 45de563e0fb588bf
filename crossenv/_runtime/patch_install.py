"""Patch pip's wheel installer: check every wheel, and give scripts the Host's shebang.

Before a wheel is installed into Cross-python, its platform tags and each
shared object in it are checked against the Host (``verify``); a wheel built
for another machine is refused with one line.  Scripts get the Host's
interpreter (``--shebang``, by default the path Host-python was configured
with, e.g. ``/usr/bin/python3.11``) instead of Cross-python's path.
"""

from __future__ import annotations

import os
import types
from typing import Any, Callable, Optional

from . import fallback, verify
from .config import Config


def fix_script_for(shebang: str) -> Callable[[str], bool]:
    """A replacement for pip's ``fix_script`` that writes ``#!SHEBANG``."""

    def fix_script(path: str) -> bool:
        with open(path, "rb") as script:
            first = script.readline()
            if not first.startswith(b"#!python"):
                return False
            rest = script.read()
        with open(path, "wb") as script:
            script.write(b"#!" + os.fsencode(shebang) + b"\n" + rest)
        return True

    return fix_script


def apply(module: types.ModuleType, cfg: Config) -> Optional[str]:
    """Wrap ``install_wheel``, ``fix_script`` and ``PipScriptMaker``."""
    missing: Optional[str] = None
    shebang = cfg.get("shebang")
    maker: Any = getattr(module, "PipScriptMaker", None)
    if shebang and maker is None:
        missing = "PipScriptMaker"
    elif shebang:
        module.fix_script = fix_script_for(shebang)  # type: ignore[attr-defined]
        init = maker.__init__

        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            init(self, *args, **kwargs)
            self.executable = shebang

        maker.__init__ = __init__
    install: Optional[Callable[..., Any]] = getattr(module, "install_wheel", None)
    if install is None:
        return "install_wheel"
    exceptions = __import__("pip._internal.exceptions", fromlist=["InstallationError"])

    def install_wheel(name: str, wheel_path: str, *args: Any, **kwargs: Any) -> Any:
        problems = verify.check_wheel(wheel_path, cfg)
        if problems:
            raise exceptions.InstallationError(verify.summary(wheel_path, problems))
        assert install is not None
        return install(name, wheel_path, *args, **kwargs)

    module.install_wheel = install_wheel  # type: ignore[attr-defined]
    return missing


def apply_builder(module: types.ModuleType, cfg: Config) -> Optional[str]:
    """Check each wheel pip builds (``pip wheel`` and ``pip install`` of sdists)."""
    fallback.start_report()
    build_one = getattr(module, "_build_one", None)
    if build_one is None:
        return "_build_one"
    logger = getattr(module, "logger", None)

    def _build_one(*args: Any, **kwargs: Any) -> Any:
        path = build_one(*args, **kwargs)
        if path:
            problems = verify.check_wheel(path, cfg)
            if problems:
                if logger is not None:
                    logger.error("%s", verify.summary(path, problems))
                os.unlink(path)
                return None
            if cfg.get("repair") and not kwargs.get("editable", args[-1] if args else False):
                from . import repair  # on demand: --repair passes each wheel through auditwheel

                path = repair.repair_one(path, cfg)
        return path

    module._build_one = _build_one  # type: ignore[attr-defined]
    return None
