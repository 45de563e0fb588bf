"""What every crossenv command line shares: its parser and how it ends.

A bad command line, like any other expected failure, is one line on stderr
(``PROG: error: ...``) and the exit code of its error class; Ctrl-C is
``PROG: interrupted`` and 130.  Nothing prints a traceback for either.
"""

from __future__ import annotations

import argparse
import sys
from typing import Callable, List, NoReturn, Optional

from .errors import CrossenvError, UsageError


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are :class:`UsageError` (exit code 2).

    argparse itself prints its usage text before the message; one line is
    easier to read in a build log, and ``--help`` still shows the usage.
    """

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def run(prog: str, command: Callable[[], Optional[int]]) -> int:
    """Run ``command``; return its exit code (0 for None), or the failure's.

    ``--help`` and ``--version`` end with their own code (0), as argparse says.
    """
    try:
        return command() or 0
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0
    except CrossenvError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # one the command did not foresee: still one line
        where = f": {exc.filename}" if exc.filename else ""
        print(f"{prog}: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1


def entrypoint(main: Callable[[Optional[List[str]]], int]) -> NoReturn:
    """End the process with ``main``'s exit code (console scripts, ``-m``)."""
    raise SystemExit(main(None))
