"""Which project a build backend process is building, from its metadata files.

Package hints are looked up by project name, and a backend is not told the
name: pip and build run the backend in the project's source tree, so the name
is read from the files there, cheapest first.  An sdist has ``PKG-INFO``
(which also holds names that ``pyproject.toml`` leaves dynamic); a source
checkout has ``pyproject.toml``'s ``[project] name`` or ``setup.cfg``'s
``[metadata] name``.  A name given only in ``setup.py`` code is not found:
reading it would mean running the package's code.

Only backend processes import this module; it must run under Python 3.8,
which has no ``tomllib``, so ``pyproject.toml`` is scanned as text.
"""

from __future__ import annotations

import os
import re
from typing import Optional

#: Metadata files are small; a larger one is not read past this many bytes.
LIMIT = 1 << 20


def normalize(name: str) -> str:
    """The project name as PEP 503 compares names: ``Pillow`` and ``pillow`` are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _read(path: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as stream:
            return stream.read(LIMIT)
    except OSError:
        return None


def from_pkg_info(text: str) -> Optional[str]:
    """The ``Name:`` header of core metadata (headers end at the first blank line)."""
    for line in text.splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        if key.strip().lower() == "name" and value.strip():
            return value.strip()
    return None


_KEY = re.compile(r"""^\s*name\s*=\s*(?:"([^"]+)"|'([^']+)')\s*(?:#.*)?$""")


def from_pyproject(text: str) -> Optional[str]:
    """``name`` of the ``[project]`` table, for the plain ``name = "x"`` spelling."""
    table = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            table = stripped.split("#")[0].strip().strip("[]").strip()
            continue
        if table != "project":
            continue
        match = _KEY.match(line)
        if match:
            return match.group(1) or match.group(2)
    return None


def from_setup_cfg(text: str) -> Optional[str]:
    """``name`` of the ``[metadata]`` section of ``setup.cfg``."""
    from configparser import ConfigParser, Error

    parser = ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except Error:
        return None
    value = parser.get("metadata", "name", fallback="").strip()
    return value or None


def name_in(folder: str) -> Optional[str]:
    """The name of the project whose sources are in ``folder``, or None."""
    for filename, reader in (
        ("PKG-INFO", from_pkg_info),
        ("pyproject.toml", from_pyproject),
        ("setup.cfg", from_setup_cfg),
    ):
        text = _read(os.path.join(folder, filename))
        name = reader(text) if text is not None else None
        if name:
            return name
    return None
