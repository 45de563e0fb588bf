"""``python -m _crossenv.selfcheck``: does every patch take on what is installed?

Run by Cross-python (``crossenv-doctor`` does), it imports each module that
crossenv patches and that is installed here (pip's, setuptools', ...), so
that its patch is applied, and prints what each patch reported as JSON:
``{"module": null}`` when the patch took, else what it did not find.  On
demand only: nothing at start-up imports this module.
"""

import json
import sys
from importlib import import_module
from importlib.util import find_spec

from . import hooks

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, Optional


def installed(name: str) -> bool:
    """Whether module ``name`` can be imported here (its parents are imported to tell)."""
    try:
        return find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def check() -> "Dict[str, Optional[str]]":
    """Import every installed module that has a patch; what each patch reported."""
    for name in hooks.PATCHES:
        if name in sys.modules or not installed(name):
            continue
        try:
            import_module(name)
        except (ImportError, SystemExit):  # e.g. a Host binary, or a Rust build refused
            continue
    return dict(hooks.RESULTS)


if __name__ == "__main__":
    print(json.dumps(check(), sort_keys=True))
