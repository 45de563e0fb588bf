"""The exceptions crossenv raises; ``str()`` of each is the line a user reads.

Every class carries its own exit code so that the command line can tell
failures apart without parsing messages.
"""

from __future__ import annotations

import errno
from typing import Type


class CrossenvError(Exception):
    """Root of every error crossenv reports to a user."""

    exit_code = 1


class UsageError(CrossenvError):
    """An option or argument is malformed or conflicts with another."""

    exit_code = 2


class HostPythonError(CrossenvError):
    """HOST_PYTHON (or its sysconfigdata) is missing, unreadable or unusable."""

    exit_code = 3


class VersionMismatchError(CrossenvError):
    """Build-python and Host-python differ in major.minor."""

    exit_code = 4


class ToolchainError(CrossenvError):
    """The cross compiler is missing or builds for another machine."""

    exit_code = 5


class EnvDirError(CrossenvError):
    """ENV_DIR cannot be created, or is not ours to replace."""

    exit_code = 6


class SysrootError(CrossenvError):
    """A Debian Host sysroot could not be fetched or unpacked."""

    exit_code = 7


class CreationError(CrossenvError):
    """A step of creating the environment failed (e.g. installing pip)."""

    exit_code = 8


class NoSpaceError(CrossenvError):
    """The file system ran out of space (or quota) while creating the environment."""

    exit_code = 9


def from_os_error(
    exc: OSError, doing: str, other: Type[CrossenvError] = CreationError
) -> CrossenvError:
    """The error to report for ``exc``, raised while ``doing`` (e.g. "cannot create X").

    A full disk (or quota) is :class:`NoSpaceError`; anything else is ``other``.
    """
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return NoSpaceError(f"{doing}: {reason}; nothing was left behind")
    return other(f"{doing}: {reason}")


class Interrupted(CrossenvError):
    """The user pressed Ctrl-C; everything half-made was removed."""

    exit_code = 130
