"""Let Cross-python import what ``build-pip`` installed, without counting it installed.

Build-python's site-packages is not on ``sys.path``, so distribution metadata
there stays invisible (see ``cross-expose``); this finder, last on
``sys.meta_path``, imports top-level modules from it when nothing else can.
It stands aside inside pip's isolated builds (where Cross-python's own
site-packages has been taken off ``sys.path``), so those builds see only
their declared requirements.
"""

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import importlib.machinery
    import types
    from typing import Optional, Sequence

#: Modules each interpreter looks for in its own site-packages only.
_OWN = frozenset({"sitecustomize", "usercustomize"})


class BuildSideFinder:
    """Find top-level modules in Build-python's site-packages."""

    def __init__(self, build_site: str, cross_site: str, hidden: "Sequence[str]") -> None:
        self.build_site = build_site
        self.cross_site = cross_site
        self.hidden = frozenset(hidden)

    def find_spec(
        self,
        fullname: str,
        path: "Optional[Sequence[str]]",
        target: "Optional[types.ModuleType]" = None,
    ) -> "Optional[importlib.machinery.ModuleSpec]":
        if path is not None or fullname in self.hidden or fullname in _OWN:
            return None
        if self.cross_site not in sys.path:
            return None
        from importlib.machinery import PathFinder

        return PathFinder.find_spec(fullname, [self.build_site])
