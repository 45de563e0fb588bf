"""Fetch a Debian sysroot holding a Host python, without root, and add packages to it.

This module is the command line; the work is done by :mod:`crossenv.fetch`
and :mod:`crossenv.addition`.  Nothing system-wide is touched: a private apt
configuration (sources list, status file, lists and cache, see
:mod:`crossenv.aptconf`) lives in ``DEST/.crossenv-apt``.  apt itself
resolves and downloads the packages a Host python needs (verifying them
against Debian's signed index) and ``dpkg -x`` unpacks them.  Everything is
unpacked into a sibling ``DEST.partial-XXXX`` directory first and renamed
into place at the end, so an interrupted run leaves nothing half-made behind.

With ``--rust`` the Host's Rust standard library (Debian's ``libstd-rust-dev``
of exactly the version of the ``rustc`` installed here) is unpacked too, so
that Debian's rustc can cross-compile for the Host with ``--sysroot DEST/usr``.
A sysroot fetched without it gets it added in place on a later ``--rust`` run.

``--add PKG...`` adds Debian packages of the sysroot's own architecture (and
what they need) to a finished sysroot, e.g. ``libpq-dev`` for psycopg2.  The
status file records every unpacked package and its version, so apt fetches
only what is missing.  Everything is downloaded and unpacked into a sibling
directory first; only then are the new files moved into DEST, so a failed
or interrupted run leaves the sysroot as it was.

Command line::

    crossenv-sysroot [--arch ARCH] [--release RELEASE] [--mirror URL] [--rust] [-q] DEST
    crossenv-sysroot --add PKG [PKG ...] [--mirror URL] [-q] DEST

On success the path of the Host python is the only thing printed on stdout.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, NoReturn

from crossenv import cli
from crossenv.addition import add
from crossenv.arch import ARCHES
from crossenv.debian import (
    DEFAULT_ARCH,
    DEFAULT_RELEASE,
    SYSROOT_ARCHES,
    SYSROOT_RELEASES,
    check_arch,
    python_version,
    qemu_command,
)
from crossenv.errors import UsageError
from crossenv.fetch import fetch
from crossenv.mirror import (
    DEFAULT_MIRROR,
    default_mirror,
    parse_deb822_mirror,
    parse_one_line_mirror,
)
from crossenv.rust import std_dir as rust_std_dir
from crossenv.ruststd import debian_rustc_version
from crossenv.stamp import PROG, STAMP_NAME
from crossenv.tree import merge_usr, relativize_symlinks

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "DEFAULT_ARCH",
    "DEFAULT_MIRROR",
    "DEFAULT_RELEASE",
    "RUST_TRIPLES",
    "STAMP_NAME",
    "SYSROOT_ARCHES",
    "SYSROOT_RELEASES",
    "add",
    "check_arch",
    "debian_rustc_version",
    "default_mirror",
    "entrypoint",
    "fetch",
    "main",
    "main_parser",
    "merge_usr",
    "parse_deb822_mirror",
    "parse_one_line_mirror",
    "python_version",
    "qemu_command",
    "relativize_symlinks",
    "rust_std_dir",
]

#: Debian architecture name -> the Rust target triple of Debian's rustc
#: (as ``/usr/share/rustc/architecture.mk`` derives it), from :mod:`crossenv.arch`.
RUST_TRIPLES: Mapping[str, str] = MappingProxyType(
    {name: ARCHES[name].rust_triple for name in SYSROOT_ARCHES}
)


def main_parser() -> argparse.ArgumentParser:
    """The parser of the command line (also what the reference documentation shows)."""
    parser = cli.Parser(
        prog=PROG,
        usage=f"{PROG} [--arch ARCH] [--release RELEASE] [--mirror URL] [--rust] [-q] DEST\n"
        f"       {PROG} --add PKG [PKG ...] [--mirror URL] [-q] DEST",
        description="Fetch a Debian sysroot with a Host python (no root needed), "
        "or add Debian packages to one, and print the path of that python.",
    )
    parser.add_argument(
        "--arch",
        help=f"Debian architecture ({', '.join(SYSROOT_ARCHES)}; default {DEFAULT_ARCH})",
    )
    releases = ", ".join(f"{name} = python{ver}" for name, ver in SYSROOT_RELEASES.items())
    parser.add_argument(
        "--release",
        help=f"Debian release ({releases}; default {DEFAULT_RELEASE})",
    )
    parser.add_argument(
        "--mirror",
        metavar="URL",
        help="Debian mirror (default: the one apt uses here, else deb.debian.org; "
        "with --add, the one the sysroot was fetched from)",
    )
    parser.add_argument(
        "--rust",
        action="store_true",
        help="also unpack the Host's Rust standard library matching Debian's rustc here "
        "(adds it to an existing sysroot)",
    )
    parser.add_argument(
        "--add",
        nargs="+",
        action="extend",
        metavar="PKG",
        help="add these Debian packages of the sysroot's architecture, and what they need, "
        "to the existing sysroot DEST (e.g. libpq-dev)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print no progress")
    parser.add_argument("dest", metavar="DEST", type=Path, nargs="?", help="directory to fill")
    return parser


def _progress(message: str) -> None:
    sys.stderr.write(f"{PROG}: {message}\n")
    sys.stderr.flush()


def _dest(args: argparse.Namespace) -> Path:
    """DEST; after ``--add PKG...`` it is the last word, which argparse gave to --add."""
    if args.dest is not None:
        return Path(args.dest)
    if args.add is not None and len(args.add) > 1:
        return Path(args.add.pop())
    raise UsageError("the following arguments are required: DEST")


def _run(args: argparse.Namespace) -> Path:
    dest = _dest(args)
    log = None if args.quiet else _progress
    if args.add is None:
        arch = args.arch or DEFAULT_ARCH
        release = args.release or DEFAULT_RELEASE
        return fetch(arch, release, dest, mirror=args.mirror, rust=args.rust, log=log)
    if args.rust:
        raise UsageError(f"--add cannot be combined with --rust; run {PROG} --rust DEST first")
    if args.arch is not None or args.release is not None:
        raise UsageError(
            "--add takes no --arch or --release: it adds packages of the sysroot's own "
            "architecture and release"
        )
    return add(dest, args.add, mirror=args.mirror, log=log)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    return cli.run(PROG, lambda: print(_run(main_parser().parse_args(argv))))


def entrypoint() -> NoReturn:
    """Console-script entry point."""
    cli.entrypoint(main)


if __name__ == "__main__":
    entrypoint()
