"""Pure parsers for the ``NAME=VALUE`` style options."""

from __future__ import annotations

import dataclasses
import re
from typing import Tuple

from ._runtime import config
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


#: Variables Cross-python keeps its own state in: set by the user, they
#: would make it act as the Build machine or skip the user's other settings.
INTERNAL = (
    config.BUILD_SIDE,
    config.ENV_APPLIED,
    config.UNSET,
    config.REPORT,
    config.HINTED,
)
INTERNAL_PREFIXES = (config.SAVED_PREFIX, "CROSSENV_HINT_SAVED_")
#: Host variables without which no extension is built (a build given an
#: empty one skips its C code, or names no compiler at all).
REQUIRED_VARS = ("CC", "CXX", "LDSHARED", "LDCXXSHARED", "EXT_SUFFIX", "AR")


def parse_env(text: str) -> EnvAssignment:
    """Parse one ``--env`` argument such as ``CFLAGS+=-O3``."""
    name, operator, value = _split(text, "--env", ENV_OPERATORS)
    if name in INTERNAL or name.startswith(INTERNAL_PREFIXES):
        raise UsageError(f"--env {text!r}: {name} is crossenv's own; it cannot be set")
    return EnvAssignment(name, operator, value)


def parse_config_var(text: str) -> Tuple[str, str]:
    """Parse one ``--config-var NAME=VALUE`` argument."""
    name, _, value = _split(text, "--config-var", ("=",))
    if name in REQUIRED_VARS and not value.strip():
        raise UsageError(
            f"--config-var {text!r}: builds need {name}; an empty one builds no extension"
        )
    return name, value
