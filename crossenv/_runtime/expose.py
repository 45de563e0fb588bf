"""``cross-expose``: let Cross-python count a Build-side package as installed.

Packages installed with ``build-pip`` can be imported by Cross-python, but
their metadata is not visible to it, so a build that checks for, say,
Cython's distribution does not find it.  Exposing a package writes a small
``.dist-info`` (its ``METADATA``, ``entry_points.txt`` and a marker, no ``RECORD``, so that
``pip uninstall`` in Cross-python cannot touch the Build-side files) into
Cross-python's site-packages.  ``--remove`` takes it away again.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from importlib import metadata
from typing import Dict, List, Optional

from . import config
from .project import normalize

EXPOSED_FILE = "CROSSENV_EXPOSED"


def _cross_site() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build_distributions(build_site: str) -> Dict[str, metadata.Distribution]:
    """The distributions installed with build-pip, by normalized name."""
    found: Dict[str, metadata.Distribution] = {}
    for dist in metadata.distributions(path=[build_site]):
        name = dist.metadata["Name"]
        if name:
            found.setdefault(normalize(name), dist)
    return found


def exposed(cross_site: str) -> Dict[str, str]:
    """Exposed names mapped to their ``.dist-info`` directory."""
    result = {}
    for entry in sorted(os.listdir(cross_site)):
        marker = os.path.join(cross_site, entry, EXPOSED_FILE)
        if entry.endswith(".dist-info") and os.path.isfile(marker):
            with open(marker, encoding="utf-8") as stream:
                result[stream.read().strip()] = os.path.join(cross_site, entry)
    return result


#: What ``:all:`` leaves out: the tools of the Build layer itself.
TOOLS = frozenset({"pip", "setuptools", "wheel", "distribute"})


def expose(dist: metadata.Distribution, cross_site: str) -> str:
    """Write the exposing ``.dist-info`` for ``dist``; return its path.

    Its metadata is the name and version only, as crossenv 1.x writes it:
    the dependencies it would name are not there for Cross-python, and a
    front-end that checks them (``python -m build --no-isolation``) would
    refuse a build they are not needed for.  Entry points are kept.
    """
    name = dist.metadata["Name"]
    folder = f"{re.sub(r'[-.]+', '_', name)}-{dist.version}.dist-info"
    target = os.path.join(cross_site, folder)
    os.makedirs(target, exist_ok=True)
    with open(os.path.join(target, "METADATA"), "w", encoding="utf-8") as stream:
        stream.write(f"Metadata-Version: 2.1\nName: {name}\nVersion: {dist.version}\n")
    entry_points = dist.read_text("entry_points.txt")
    if entry_points:  # e.g. setuptools finds its own commands through these
        with open(os.path.join(target, "entry_points.txt"), "w", encoding="utf-8") as stream:
            stream.write(entry_points)
    with open(os.path.join(target, "INSTALLER"), "w", encoding="utf-8") as stream:
        stream.write("cross-expose\n")
    with open(os.path.join(target, EXPOSED_FILE), "w", encoding="utf-8") as stream:
        stream.write(normalize(name) + "\n")
    return target


def main_parser() -> argparse.ArgumentParser:
    """The command line of ``cross-expose`` (the docs show its help)."""
    parser = argparse.ArgumentParser(
        prog="cross-expose",
        description="Make packages installed with build-pip count as installed "
        "for Cross-python. With no NAME, list the Build-side packages.",
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help="package to expose; :all: for every Build-side package but pip, setuptools and wheel",
    )
    parser.add_argument(
        "-u",
        "--unexpose",
        "-r",
        "--remove",
        dest="remove",
        action="store_true",
        help="stop exposing the named packages",
    )
    parser.add_argument(
        "-l", "--list", action="store_true", help="list the exposed packages, one name a line"
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="also say where each one is written"
    )
    return parser


def _names(requested: List[str], known: List[str]) -> List[str]:
    """``requested``, with ``:all:`` standing for every known name but the tools."""
    if ":all:" not in requested:
        return requested
    rest = [name for name in requested if name != ":all:"]
    return rest + [key for key in sorted(known) if key not in TOOLS and key not in rest]


def main(argv: Optional[List[str]] = None) -> int:
    """Run ``cross-expose``; returns the exit code."""
    parser = main_parser()
    args = parser.parse_args(argv)
    cfg = config.load(sys.prefix)
    cross_site = _cross_site()
    available = build_distributions(cfg["build_site"])
    shown = exposed(cross_site)
    if args.list:
        for key in sorted(shown):
            print(key)
        return 0
    if not args.names:
        if args.remove:
            parser.error("--unexpose needs at least one NAME")
        for key, dist in sorted(available.items()):
            mark = "  (exposed)" if key in shown else ""
            print(f"{dist.metadata['Name']} {dist.version}{mark}")
        return 0
    status = 0
    names = _names(args.names, list(shown if args.remove else available))
    for name in names:
        key = normalize(name)
        if args.remove:
            if key not in shown:
                print(f"cross-expose: {name} is not exposed", file=sys.stderr)
                status = 1
                continue
            shutil.rmtree(shown[key])
            print(f"no longer exposed: {name}")
        elif key not in available:
            print(
                f"cross-expose: {name} is not installed for Build-python "
                f"(install it with build-pip first)",
                file=sys.stderr,
            )
            status = 1
        else:
            if key in shown:
                shutil.rmtree(shown[key])
            where = expose(available[key], cross_site)
            print(f"exposed: {available[key].metadata['Name']} {available[key].version}")
            if args.verbose:
                print(f"  {where}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
