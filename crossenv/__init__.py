"""crossenv: virtual environments that cross-compile Python extension modules."""

from __future__ import annotations

__version__ = "0.1.0"

from .builder import CrossEnvBuilder, is_crossenv
from .errors import CrossenvError

__all__ = ["CrossEnvBuilder", "CrossenvError", "__version__", "is_crossenv"]
