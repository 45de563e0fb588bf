"""Package records in deb822 form: index, status and control stanzas (pure, plus file I/O).

A sysroot's status file lists what is unpacked in it, one stanza a package,
with the fields apt's resolver reads (:func:`status_stanza`), so that apt
downloads only what is missing.  Packages a sysroot must never get are listed
as installed too, as bare *stand-ins* without dependencies (:func:`stand_in`),
and pinned to priority -1 (:func:`pin_out`): apt then neither downloads them
nor whatever only they need.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from pathlib import Path

    #: One deb822 paragraph, field name -> value (continuation lines kept).
    Stanza = dict[str, str]

__all__ = [
    "INSTALLED",
    "STAND_IN_FIELDS",
    "STATUS_FIELDS",
    "format_stanzas",
    "merged",
    "parse_stanzas",
    "pin_out",
    "read_status",
    "stand_in",
    "status_stanza",
    "write_status",
]

INSTALLED = "install ok installed"

#: The fields a status stanza keeps: those apt's resolver reads.  apt tells
#: versions apart by a hash over the size and the relationship fields, so
#: an installed version matches the archive's only when they are all kept.
STATUS_FIELDS = (
    "Package",
    "Status",
    "Priority",
    "Section",
    "Installed-Size",
    "Architecture",
    "Multi-Arch",
    "Source",
    "Version",
    "Replaces",
    "Provides",
    "Depends",
    "Pre-Depends",
    "Recommends",
    "Suggests",
    "Enhances",
    "Conflicts",
    "Breaks",
)

#: The fields of a stand-in: enough to satisfy dependencies on it (also
#: through what it provides), none that would need anything else.
STAND_IN_FIELDS = ("Package", "Status", "Architecture", "Multi-Arch", "Version", "Provides")


def parse_stanzas(text: str) -> list[Stanza]:
    """Read deb822 text (a Packages or status file, a control file).

    Field names keep their case; continuation lines stay in the value,
    each after a newline, so that :func:`format_stanzas` gives them back.
    """
    stanzas: list[Stanza] = []
    stanza: Stanza = {}
    field = ""
    for line in text.splitlines():
        if not line.strip():
            if stanza:
                stanzas.append(stanza)
            stanza, field = {}, ""
        elif line[0] in " \t":
            if field:
                stanza[field] += "\n" + line
        elif ":" in line and not line.startswith("#"):
            field, _, value = line.partition(":")
            stanza[field] = value.strip()
    if stanza:
        stanzas.append(stanza)
    return stanzas


def format_stanzas(stanzas: Iterable[Mapping[str, str]]) -> str:
    """Write *stanzas* as deb822 text, a blank line after each."""
    parts: list[str] = []
    for stanza in stanzas:
        for field, value in stanza.items():
            space = "" if value.startswith("\n") or not value else " "
            parts.append(f"{field}:{space}{value}\n")
        parts.append("\n")
    return "".join(parts)


def _keep(stanza: Mapping[str, str], fields: Sequence[str]) -> Stanza:
    data = dict(stanza, Status=INSTALLED)
    return {field: data[field] for field in fields if field in data}


def status_stanza(stanza: Mapping[str, str]) -> Stanza:
    """The status-file record of an unpacked package, from its control or index stanza."""
    return _keep(stanza, STATUS_FIELDS)


def stand_in(stanza: Mapping[str, str]) -> Stanza:
    """A record posing a left-out package as installed, with no dependencies."""
    return _keep(stanza, STAND_IN_FIELDS)


def merged(old: Iterable[Stanza], new: Iterable[Stanza]) -> list[Stanza]:
    """The record *old* with *new* added; a package in both gets its *new* record."""
    by_name = {stanza["Package"]: stanza for stanza in old}
    by_name.update((stanza["Package"], stanza) for stanza in new)
    return [by_name[name] for name in sorted(by_name)]


def read_status(path: Path) -> list[Stanza]:
    """Return the records of a status file; none if it is missing."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [stanza for stanza in parse_stanzas(text) if "Package" in stanza]


def write_status(path: Path, stanzas: Iterable[Mapping[str, str]]) -> None:
    """Replace the status file at *path* atomically, records sorted by name."""
    ordered = sorted(stanzas, key=lambda stanza: stanza.get("Package", ""))
    temporary = path.with_name(f"{path.name}.new")
    temporary.write_text(format_stanzas(ordered), encoding="utf-8")
    os.replace(temporary, path)


def pin_out(patterns: Iterable[str]) -> str:
    """Preferences that forbid installing any archive version of *patterns*.

    The patterns are package names or globs (``perl-modules-*``).  The
    stand-ins in the status file are not from an archive, so they stay.
    """
    return f"Package: {' '.join(patterns)}\nPin: release o=Debian\nPin-Priority: -1\n"
