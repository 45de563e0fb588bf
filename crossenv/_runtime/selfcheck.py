"""``python -m _crossenv.selfcheck``: does every patch take on what is installed?

Run by Cross-python (``crossenv-doctor`` does), it imports each module that
crossenv patches and that is installed here (pip's, setuptools', ...), so
that its patch is applied, and prints what each patch reported as JSON:
``{"module": null}`` when the patch took, else what it did not find.  On
demand only: nothing at start-up imports this module.
"""

import json
import sys
import warnings
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
    # setuptools first: it must come before anything imports the standard
    # library's distutils (pip does), as in the build backends it runs in.
    warnings.simplefilter("ignore")  # deprecations of what is imported are not the report
    names = sorted(hooks.PATCHES, key=lambda name: not name.startswith(("setuptools", "wheel")))
    for name in names:
        if name in sys.modules or not installed(name):
            continue
        try:
            import_module(name)
        except (Exception, SystemExit):  # e.g. a Host binary, or a Rust build refused
            continue
    return dict(hooks.RESULTS)


if __name__ == "__main__":
    print(json.dumps(check(), sort_keys=True))
