"""What a machine cannot have without a long build: not run here, never passed.

A stock Debian 12 has Python 3.11 only, so the tests that need a Build-python
3.13 cannot run there. They are skipped with the reason (pytest's summary
lists each one), so they never count as passed; with ``CROSSENV_TEST_ALL=1``
(CI sets it) a missing prerequisite fails instead, so CI runs everything.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

#: Set to 1 to turn every prerequisite this machine lacks into a failure.
SWITCH = "CROSSENV_TEST_ALL"


def missing(what: str) -> NoReturn:
    """Stop the test: ``what`` is missing (a skip, or a failure under :data:`SWITCH`)."""
    if os.environ.get(SWITCH) == "1":
        pytest.fail(f"{what} ({SWITCH}=1: every test must run)")
    pytest.skip(f"not run: {what}")
