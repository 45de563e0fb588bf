"""Adding Debian packages of a sysroot's own architecture to the finished sysroot.

The sysroot's status file records every unpacked package and its version,
so apt resolves against it and fetches only what is missing.  Everything is
downloaded and unpacked into a sibling directory first; only then are the
new files moved into DEST, so a failed or interrupted run leaves the
sysroot as it was.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crossenv import apt, folders, staging, tree
from crossenv.debian import EXCLUDED, SYSROOT_ARCHES, SYSROOT_RELEASES, check_packages
from crossenv.errors import SysrootError
from crossenv.mirror import check_mirror, default_mirror
from crossenv.stamp import (
    APT_DIR_NAME,
    PROG,
    STAMP_NAME,
    python_path,
    read_stamp,
    stamp_after_add,
    write_stamp,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path

    from crossenv.stanzas import Stanza

    Log = Callable[[str], None]

__all__ = ["Sysroot", "add", "open_sysroot"]


@dataclass(frozen=True)
class Sysroot:
    """A finished sysroot and what its stamp and status file record."""

    dest: Path
    stamp: Mapping[str, object]
    arch: str
    release: str
    mirror: str
    #: One status record per package unpacked (with its version).
    record: Sequence[Stanza]
    #: Packages the stamp lists but the status file does not (older sysroots).
    unrecorded: Sequence[str]

    @property
    def python(self) -> Path:
        return python_path(self.dest, SYSROOT_RELEASES[self.release])

    def holds(self, package: str) -> bool:
        """Tell whether *package* (``NAME`` or ``NAME=VERSION``) is unpacked here."""
        name, _, version = package.partition("=")
        if not version and name in self.unrecorded:
            return True
        return any(
            stanza["Package"] == name and version in ("", stanza.get("Version"))
            for stanza in self.record
        )


def _not_a_sysroot(dest: Path, why: str) -> SysrootError:
    return SysrootError(
        f"{dest} is not a {PROG} sysroot ({why}); make one first: "
        f"{PROG} --arch ARCH --release RELEASE {shlex.quote(str(dest))}"
    )


def open_sysroot(dest: Path, mirror: str | None = None) -> Sysroot:
    """Read what the finished sysroot *dest* records; refuse anything else."""
    if not dest.is_dir():
        raise _not_a_sysroot(dest, "no such directory")
    stamp = read_stamp(dest)
    if not stamp:
        raise _not_a_sysroot(dest, f"no readable {STAMP_NAME}")
    arch, release = stamp.get("arch"), stamp.get("release")
    if not (isinstance(arch, str) and arch in SYSROOT_ARCHES) or not (
        isinstance(release, str) and release in SYSROOT_RELEASES
    ):
        raise _not_a_sysroot(dest, f"{STAMP_NAME} names no known architecture and release")
    if not python_path(dest, SYSROOT_RELEASES[release]).is_file():
        raise _not_a_sysroot(dest, "it is unfinished: its python is missing")
    recorded_mirror = stamp.get("mirror")
    if mirror is None:
        mirror = recorded_mirror if isinstance(recorded_mirror, str) else default_mirror()
    record = apt.read_status(dest / APT_DIR_NAME / "status")
    listed = stamp.get("packages")
    unrecorded: list[str] = []
    if not record and isinstance(listed, list):
        unrecorded = [name for name in listed if isinstance(name, str)]
    return Sysroot(dest, stamp, arch, release, check_mirror(mirror), record, unrecorded)


def _add_packages(
    sysroot: Sysroot, packages: Sequence[str], log: Log, runner: apt.Runner | None
) -> bool:
    """Download and unpack *packages* apart, then move them into the sysroot.

    Return False if apt found nothing to download.  The sysroot changes only
    after every download and unpack succeeded, with Ctrl-C held back while
    the files, the status file, the index and the stamp are put in place.
    """
    dest = sysroot.dest
    stage = staging.sibling(dest, "add")
    try:
        state = staging.staged_apt(
            dest, stage, sysroot.arch, sysroot.release, sysroot.mirror, log, runner
        )
        log(f"downloading {' '.join(packages)} and the packages needed with it")
        base, debs = apt.resolve(state, sysroot.record, packages, EXCLUDED, sysroot.unrecorded)
        if not debs:
            return False
        unpacked = stage / "tree"
        unpacked.mkdir()
        log(f"unpacking {len(debs)} packages")
        record = apt.merged(base, apt.unpack(debs, unpacked, EXCLUDED, runner))
        tree.follow_merged_usr(unpacked, dest)
        tree.relativize_symlinks(unpacked)
        moves = tree.plan_merge(unpacked, dest)
        stamp = stamp_after_add(sysroot.stamp, record, packages)
        (dest / APT_DIR_NAME).mkdir(exist_ok=True)
        with folders.interrupts_held():
            for entry, target in moves:
                os.replace(entry, target)
            apt.write_status(dest / APT_DIR_NAME / "status", record)
            lists = dest / APT_DIR_NAME / "lists"
            folders.replace_tree(state.lists, lists, stage / "old-lists")
            write_stamp(dest, stamp)
        return True
    finally:
        staging.remove_tree(stage)


def add(
    dest: Path,
    packages: Sequence[str],
    *,
    mirror: str | None = None,
    log: Log | None = None,
    runner: apt.Runner | None = None,
) -> Path:
    """Add Debian *packages* of the sysroot's architecture to the sysroot *dest*.

    Return the path of its Host python.
    apt resolves what they need beyond what *dest* holds; that is
    downloaded, verified and unpacked apart, and only then moved into
    *dest*, so a failure leaves *dest* as it was.  Packages *dest* already
    holds are not fetched again.  apt and dpkg run through *runner*
    (:func:`crossenv.apt.run` by default).
    """
    say = log if log is not None else staging.quiet
    wanted = check_packages(packages)
    sysroot = open_sysroot(staging.absolute(dest), mirror)
    missing = [package for package in wanted if not sysroot.holds(package)]
    if not missing:
        say(f"{sysroot.dest} already holds {' '.join(wanted)}")
        return sysroot.python
    staging.check_tools()
    try:
        added = _add_packages(sysroot, missing, say, runner)
    except OSError as exc:
        raise SysrootError(f"cannot add to the sysroot at {sysroot.dest}: {exc}") from exc
    if added:
        say(f"added {' '.join(missing)} to {sysroot.dest}")
    else:
        say(f"{sysroot.dest} already holds what {' '.join(missing)} needs")
    return sysroot.python
