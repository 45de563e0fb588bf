"""The exceptions crossenv raises; ``str()`` of each is the line a user reads.

Every class carries its own exit code so that the command line can tell
failures apart without parsing messages.
"""

from __future__ import annotations


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


class Interrupted(CrossenvError):
    """The user pressed Ctrl-C; everything half-made was removed."""

    exit_code = 130
