"""Notice C extensions that failed to build while the package fell back to pure Python.

Some packages catch a failed extension build and install without their C
code (markupsafe, pyyaml, ...): the build "succeeds" and silently ships no
binary.  A failure is recorded in the file named by ``CROSSENV_REPORT`` (set
by the pip that started the build, which prints the warnings when it ends),
or printed at once.  With ``--strict`` it fails the build instead.
"""

from __future__ import annotations

import atexit
import os
import sys
import tempfile
import types
from typing import Any, Callable, Optional

from . import config
from .config import Config

REPORT = config.REPORT


def record(message: str) -> None:
    """Keep one warning for the user."""
    if not config.keep_for_report([message]):
        print(f"crossenv: WARNING: {message}", file=sys.stderr)


def start_report() -> None:
    """In a pip run: collect the warnings of its builds and print them at the end."""
    if os.environ.get(REPORT):
        return
    handle, path = tempfile.mkstemp(prefix="crossenv-report-", suffix=".txt")
    os.close(handle)
    os.environ[REPORT] = path

    def show() -> None:
        try:
            with open(path, encoding="utf-8") as stream:
                lines = [line.strip() for line in stream if line.strip()]
            os.unlink(path)
        except OSError:
            return
        for line in dict.fromkeys(lines):
            print(f"crossenv: WARNING: {line}", file=sys.stderr)

    atexit.register(show)


def apply(module: types.ModuleType, cfg: Config) -> Optional[str]:
    """Wrap ``build_ext.build_extension`` of setuptools."""
    command = getattr(module, "build_ext", None)
    if command is None:
        return "build_ext"
    real: Callable[..., Any] = command.build_extension
    strict = bool(cfg.get("strict"))

    def build_extension(self: Any, ext: Any) -> Any:
        try:
            return real(self, ext)
        except Exception as exc:
            message = (
                f"the C extension {ext.name} failed to build for the Host "
                f"({type(exc).__name__}; see the build log with pip -v); "
                "if the package falls back to pure Python, it has no compiled code"
            )
            if strict:
                raise SystemExit(f"crossenv: error: {message} (--strict)") from None
            record(message)
            raise

    command.build_extension = build_extension
    return None
