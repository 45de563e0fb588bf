"""Helpers shared by the unit and the integration tests."""

from __future__ import annotations

from pathlib import Path
from typing import List


def snapshot(root: Path) -> List[str]:
    """Every path under ``root``: compared before and after, it shows what a command wrote."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*"))
