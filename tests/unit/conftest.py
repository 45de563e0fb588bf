from __future__ import annotations

from pathlib import Path
from typing import Dict, Union

import pytest

from crossenv import sysconfigdata

DATA = Path(__file__).resolve().parents[1] / "data"
SYSCONFIGDATA = DATA / "sysconfigdata"


def fixture_vars(name: str) -> Dict[str, Union[str, int]]:
    """The build-time variables of a captured (or documented) Host."""
    return sysconfigdata.read(SYSCONFIGDATA / name)


@pytest.fixture
def arm64_311() -> Dict[str, Union[str, int]]:
    return fixture_vars("debian-bookworm-arm64-3.11.py")
