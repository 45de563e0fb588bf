"""A sysroot's stamp file, and what a fetch finds at its destination.

The stamp (``DEST/.crossenv-sysroot.json``) is written last, when a sysroot
is complete; it records the architecture, release, mirror and packages, and
the Rust standard library if one was added.  :func:`inspect_dest` reads it
to tell what a fetch has to do: nothing (:data:`DONE`), everything
(:data:`ABSENT`, :data:`EMPTY`, :data:`STALE`) or add the Rust std
(:data:`NO_RUST`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from crossenv.arch import ARCHES
from crossenv.errors import SysrootError
from crossenv.rust import std_dir

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from crossenv.debian import Request
    from crossenv.stanzas import Stanza

__all__ = [
    "ABSENT",
    "APT_DIR_NAME",
    "DONE",
    "EMPTY",
    "NO_RUST",
    "PROG",
    "STALE",
    "STAMP_NAME",
    "has_rust_std",
    "inspect_dest",
    "new_stamp",
    "python_path",
    "read_stamp",
    "stamp_after_add",
    "with_rust",
    "write_stamp",
]

PROG = "crossenv-sysroot"
STAMP_NAME = ".crossenv-sysroot.json"
APT_DIR_NAME = ".crossenv-apt"
STAMP_FORMAT = 1

# What fetch() finds at DEST; NO_RUST is a finished sysroot lacking the
# Rust std that was asked for.
ABSENT, EMPTY, DONE, NO_RUST, STALE = "absent", "empty", "done", "no-rust", "stale"


def python_path(root: Path, version: str) -> Path:
    """Where the sysroot *root* has its ``python X.Y``."""
    return root / "usr" / "bin" / f"python{version}"


def read_stamp(dest: Path) -> dict[str, object] | None:
    """Return the stamp's contents; ``{}`` when it is present but unreadable."""
    path = dest / STAMP_NAME
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_stamp(root: Path, data: Mapping[str, object]) -> None:
    """Write the stamp into *root*, replacing any previous one atomically."""
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    path = root / STAMP_NAME
    temporary = path.with_name(f"{STAMP_NAME}.new")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def with_rust(stamp: Mapping[str, object], rust: str | None, arch: str) -> dict[str, object]:
    """Return a copy of *stamp* recording the Rust std *rust* (if any)."""
    data = dict(stamp)
    if rust is not None:
        data["rust"] = rust
        data["rust_triple"] = ARCHES[arch].rust_triple
    return data


def new_stamp(request: Request, packages: Sequence[str]) -> dict[str, object]:
    """The stamp of a sysroot made as *request* says, holding *packages*."""
    data: dict[str, object] = {
        "format": STAMP_FORMAT,
        "arch": request.arch,
        "release": request.release,
        "mirror": request.mirror,
        "python_version": request.version,
        "python": f"usr/bin/python{request.version}",
        "packages": list(packages),
    }
    return with_rust(data, request.rust, request.arch)


def stamp_after_add(
    stamp: Mapping[str, object], record: Sequence[Stanza], packages: Sequence[str]
) -> dict[str, object]:
    """*stamp* listing the packages of *record*, and *packages* among those asked for."""
    added = stamp.get("added")
    before = [name for name in added if isinstance(name, str)] if isinstance(added, list) else []
    names = {package.partition("=")[0] for package in packages}
    return dict(
        stamp,
        packages=[stanza["Package"] for stanza in record],
        added=sorted(names.union(before)),
    )


def has_rust_std(dest: Path, stamp: Mapping[str, object], rust: str, arch: str) -> bool:
    """Tell whether *dest* already holds the Rust std of Debian's rustc *rust*."""
    return stamp.get("rust") == rust and std_dir(dest, ARCHES[arch].rust_triple) is not None


def inspect_dest(request: Request) -> str:
    """Classify DEST; raise SysrootError if it is not ours to write."""
    dest = request.dest
    if not os.path.lexists(dest):
        return ABSENT
    if not dest.is_dir():
        raise SysrootError(f"{dest} exists and is not a directory")
    stamp = read_stamp(dest)
    if stamp is None:
        if any(dest.iterdir()):
            raise SysrootError(
                f"{dest} is not empty and is not a {PROG} sysroot (no {STAMP_NAME}); "
                "refusing to write into it"
            )
        return EMPTY
    return _stamp_state(request, stamp)


def _stamp_state(request: Request, stamp: Mapping[str, object]) -> str:
    found = (stamp.get("arch"), stamp.get("release"))
    if stamp and found != (request.arch, request.release):
        raise SysrootError(
            f"{request.dest} already holds a {found[1]}/{found[0]} sysroot, "
            f"not {request.release}/{request.arch}; remove it or choose another DEST"
        )
    if (
        stamp.get("python_version") != request.version
        or not python_path(request.dest, request.version).is_file()
    ):
        return STALE
    if request.rust is not None and not has_rust_std(
        request.dest, stamp, request.rust, request.arch
    ):
        return NO_RUST
    return DONE
