"""Running another program: its output captured as text, its failure as one line."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Mapping, Optional, Sequence, Type

from .errors import CrossenvError


def capture(
    command: Sequence[str],
    *,
    cannot_start: Type[CrossenvError] = CrossenvError,
    cwd: Optional[Path] = None,
    env: Optional[Mapping[str, str]] = None,
    timeout: Optional[float] = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` with no input, capturing its output as text.

    A program that cannot be started raises ``cannot_start`` with one line;
    a program that fails is the caller's to judge (see :func:`last_line`).
    """
    try:
        return subprocess.run(
            list(command),
            cwd=cwd,
            env=None if env is None else dict(env),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
    except OSError as exc:
        raise cannot_start(f"cannot run {command[0]}: {exc.strerror or exc}") from None


def last_line(output: str, default: str = "no output") -> str:
    """The last non-empty line of a program's output: what it said last before failing."""
    return (output.strip().splitlines() or [default])[-1]
