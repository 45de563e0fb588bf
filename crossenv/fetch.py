"""Make a sysroot holding a Debian Host python, or give a finished one the Rust std.

apt resolves and downloads the packages (verified against Debian's signed
index) and ``dpkg -x`` unpacks them, all into a sibling ``DEST.partial-XXXX``
directory that is renamed into place at the end, so an interrupted run
leaves nothing half-made behind.  What there is to do is the stamp's to say
(:func:`crossenv.stamp.inspect_dest`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from crossenv import apt, folders, ruststd, staging, stamp, tree
from crossenv.debian import EXCLUDED, Request, check_arch, python_version, seed_packages
from crossenv.errors import SysrootError
from crossenv.mirror import check_mirror, default_mirror
from crossenv.stamp import APT_DIR_NAME, DONE, NO_RUST, STALE, python_path

if TYPE_CHECKING:
    from collections.abc import Callable

    Log = Callable[[str], None]

__all__ = ["fetch", "make_request"]


def make_request(
    arch: str, release: str, dest: Path, mirror: str | None, rust: bool = False
) -> Request:
    """Check what was asked for and complete it: the mirror, the version of rustc."""
    version = python_version(release)
    check_arch(arch)
    url = check_mirror(mirror if mirror is not None else default_mirror())
    dest = staging.absolute(dest)
    rustc = None
    if rust:
        rustc = ruststd.debian_rustc_version()
        if rustc is None:
            raise SysrootError(ruststd.RUST_MISSING)
    return Request(arch, release, version, url, dest, rustc)


def _build(request: Request, root: Path, log: Log, runner: apt.Runner | None) -> None:
    """Fill *root* with a sysroot as *request* describes."""
    state = apt.AptState(root / APT_DIR_NAME, request.arch, request.release, request.mirror, runner)
    state.prepare()
    where = f"{request.release}/{request.arch}"
    log(f"updating the {where} package index from {request.mirror}")
    apt.update(state)
    if request.rust is not None:
        ruststd.check_rust_std(state, request.rust)  # before the long download
    log(f"downloading python{request.version} and the packages it needs")
    _, debs = apt.resolve(state, [], seed_packages(request.version), EXCLUDED)
    log(f"unpacking {len(debs)} packages")
    record = apt.unpack(debs, root, EXCLUDED, runner)
    if request.rust is not None:
        ruststd.fetch_rust_std(state, root, request.rust, log)
    state.clean()
    apt.write_status(state.status, record)
    state.preferences.write_text("", encoding="utf-8")
    tree.relativize_symlinks(root)
    tree.merge_usr(root)
    if not python_path(root, request.version).is_file():
        raise SysrootError(f"the unpacked packages hold no usr/bin/python{request.version}")
    stamp.write_stamp(root, stamp.new_stamp(request, [stanza["Package"] for stanza in record]))


def _install(partial: Path, dest: Path, state: str) -> None:
    """Move the finished *partial* tree to *dest*."""
    if state != STALE:
        os.replace(partial, dest)
        return
    old = staging.sibling(dest, "old")
    folders.replace_tree(partial, dest, old)
    shutil.rmtree(old, ignore_errors=True)


def _build_and_install(request: Request, state: str, log: Log, runner: apt.Runner | None) -> None:
    made = folders.make_parents(request.dest.parent)
    partial = staging.sibling(request.dest, "partial")
    try:
        _build(request, partial, log, runner)
        _install(partial, request.dest, state)
    except BaseException:
        staging.remove_tree(partial)
        folders.remove_empty(made)
        raise


def _add_rust(request: Request, rust: str, log: Log, runner: apt.Runner | None) -> None:
    """Add the Rust std to the finished sysroot at DEST.

    It is fetched into a sibling directory first, so a failure leaves DEST
    as it was; the stamp records it only once it is in place.
    """
    dest = request.dest
    stage = staging.sibling(dest, "rust")
    try:
        state = staging.staged_apt(
            dest, stage, request.arch, request.release, request.mirror, log, runner
        )
        ruststd.check_rust_std(state, rust)
        unpacked = stage / "tree"
        unpacked.mkdir()
        ruststd.fetch_rust_std(state, unpacked, rust, log)
        tree.relativize_symlinks(unpacked)
        unit = Path("usr", "lib", "rustlib", request.rust_triple)
        tree.merge_tree(unpacked, dest, unit, stage / "old")
        found = stamp.read_stamp(dest) or {}
        stamp.write_stamp(dest, stamp.with_rust(found, rust, request.arch))
    finally:
        staging.remove_tree(stage)


def fetch(
    arch: str,
    release: str,
    dest: Path,
    *,
    mirror: str | None = None,
    rust: bool = False,
    log: Log | None = None,
    runner: apt.Runner | None = None,
) -> Path:
    """Make *dest* a sysroot with Debian *release*'s python for *arch*.

    Return the path of its Host python.
    With *rust*, the sysroot also gets the Rust standard library for *arch*
    of exactly the version of Debian's rustc installed here (see
    :func:`crossenv.rust.std_dir`); a finished sysroot without it gets it added.
    Does nothing but return the path when *dest* already holds that sysroot.
    apt and dpkg run through *runner* (:func:`crossenv.apt.run` by default).
    """
    say = log if log is not None else staging.quiet
    request = make_request(arch, release, dest, mirror, rust)
    python = python_path(request.dest, request.version)
    state = stamp.inspect_dest(request)
    if state == DONE:
        say(f"{request.dest} already holds the {release}/{arch} sysroot")
        return python
    staging.check_tools()
    try:
        if state == NO_RUST and request.rust is not None:
            _add_rust(request, request.rust, say, runner)
        else:
            _build_and_install(request, state, say, runner)
    except OSError as exc:
        raise SysrootError(f"cannot create the sysroot at {request.dest}: {exc}") from exc
    say(f"sysroot ready at {request.dest}")
    return python
