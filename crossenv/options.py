"""Pure parsers for the ``NAME=VALUE`` style options."""

from __future__ import annotations

import dataclasses
import re
from typing import Tuple

from .errors import UsageError

#: Operators of ``--env``, longest first so ``+=`` is not read as ``=``.
ENV_OPERATORS = ("+=", "?=", ":=", "=")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclasses.dataclass(frozen=True)
class EnvAssignment:
    """One ``--env`` option, applied when Cross-python starts.

    ``=`` sets the variable; ``?=`` sets it only when unset; ``+=`` appends
    the value as it is, with no separator (``CFLAGS+= -O3``); ``:=`` appends
    after ``os.pathsep`` (search paths).
    """

    name: str
    operator: str
    value: str


def _split(text: str, option: str, operators: Tuple[str, ...]) -> Tuple[str, str, str]:
    positions = [(text.find(op), op) for op in operators if op in text]
    if not positions:
        raise UsageError(f"{option} {text!r}: expected NAME=VALUE")
    index = min(pos for pos, _ in positions)
    operator = next(op for pos, op in positions if pos == index)
    # "A+=1" contains "=" at index 1 and "+=" at index 0: the earliest wins.
    name = text[:index]
    if not name:
        raise UsageError(f"{option} {text!r}: the name before {operator!r} is empty")
    if not _NAME.fullmatch(name):
        raise UsageError(f"{option} {text!r}: {name!r} is not a valid variable name")
    return name, operator, text[index + len(operator) :]


def parse_env(text: str) -> EnvAssignment:
    """Parse one ``--env`` argument such as ``CFLAGS+=-O3``."""
    name, operator, value = _split(text, "--env", ENV_OPERATORS)
    return EnvAssignment(name, operator, value)


def parse_config_var(text: str) -> Tuple[str, str]:
    """Parse one ``--config-var NAME=VALUE`` argument."""
    name, _, value = _split(text, "--config-var", ("=",))
    return name, value
