"""crossenv: virtual environments that cross-compile Python extension modules."""

from __future__ import annotations

import os
import sys

# Started as "python -m crossenv..." the current folder is first on sys.path,
# and a module there (say, the Host's venv/ when run from its stdlib folder)
# would be imported instead of the standard library's: nothing of the Host may
# run here.  While the package is imported for "-m", argv[0] is "-m".
if sys.argv[:1] == ["-m"] and sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

__version__ = "0.1.0"

from .builder import CrossEnvBuilder
from .envdir import is_crossenv
from .errors import CrossenvError

__all__ = ["CrossEnvBuilder", "CrossenvError", "__version__", "is_crossenv"]
