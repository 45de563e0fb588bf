"""Patch ``packaging.tags`` (and pip's copy) to accept the Host's platform tags."""

from __future__ import annotations

import types
from typing import Iterator, Optional

from .config import Config


def apply(module: types.ModuleType, cfg: Config) -> Optional[str]:
    """Make ``platform_tags()`` yield the configured Host tags."""
    if not hasattr(module, "platform_tags"):
        return "platform_tags"
    tags = tuple(cfg["platform_tags"])

    def platform_tags() -> Iterator[str]:
        yield from tags

    module.platform_tags = platform_tags  # type: ignore[attr-defined]
    return None
