"""Fetch a Debian sysroot holding a Host python, without root, and add packages to it.

Nothing system-wide is touched: a private apt configuration (sources list,
status file, lists and cache, see :mod:`crossenv.apt`) lives in
``DEST/.crossenv-apt``.  apt itself resolves and downloads the packages a
Host python needs (verifying them against Debian's signed index) and
``dpkg -x`` unpacks them.  Everything is unpacked into a sibling
``DEST.partial-XXXX`` directory first and renamed into place at the end, so
an interrupted run leaves nothing half-made behind.

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
import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, NoReturn
from urllib.parse import urlsplit

from crossenv import apt, folders
from crossenv.errors import CrossenvError, SysrootError, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

    from crossenv.apt import Stanza

    Log = Callable[[str], None]

__all__ = [
    "DEFAULT_ARCH",
    "DEFAULT_MIRROR",
    "DEFAULT_RELEASE",
    "RUST_TRIPLES",
    "SYSROOT_ARCHES",
    "SYSROOT_RELEASES",
    "add",
    "check_arch",
    "debian_rustc_version",
    "default_mirror",
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

PROG = "crossenv-sysroot"

#: Debian release name -> the python3.X it ships.
SYSROOT_RELEASES: Mapping[str, str] = MappingProxyType(
    {
        "bookworm": "3.11",
        "trixie": "3.13",
    }
)

#: Debian architecture name -> suffix of the matching ``qemu-*`` binary.
QEMU_SUFFIXES: Mapping[str, str] = MappingProxyType(
    {
        "arm64": "aarch64",
        "armhf": "arm",
        "armel": "arm",
        "riscv64": "riscv64",
        "ppc64el": "ppc64le",
        "s390x": "s390x",
        "i386": "i386",
        "amd64": "x86_64",
        "mips64el": "mips64el",
    }
)

SYSROOT_ARCHES: tuple[str, ...] = tuple(QEMU_SUFFIXES)

#: Debian architecture name -> the Rust target triple of Debian's rustc
#: (as ``/usr/share/rustc/architecture.mk`` derives it).
RUST_TRIPLES: Mapping[str, str] = MappingProxyType(
    {
        "arm64": "aarch64-unknown-linux-gnu",
        "armhf": "armv7-unknown-linux-gnueabihf",
        "armel": "armv5te-unknown-linux-gnueabi",
        "riscv64": "riscv64gc-unknown-linux-gnu",
        "ppc64el": "powerpc64le-unknown-linux-gnu",
        "s390x": "s390x-unknown-linux-gnu",
        "i386": "i686-unknown-linux-gnu",
        "amd64": "x86_64-unknown-linux-gnu",
        "mips64el": "mips64el-unknown-linux-gnuabi64",
    }
)

DEFAULT_ARCH = "arm64"
DEFAULT_RELEASE = "bookworm"
DEFAULT_MIRROR = "http://deb.debian.org/debian"
APT_ETC = apt.APT_ETC

STAMP_NAME = ".crossenv-sysroot.json"
APT_DIR_NAME = ".crossenv-apt"
STAMP_FORMAT = 1

RUSTC = Path("/usr/bin/rustc")
RUST_STD_PACKAGE = "libstd-rust-dev"
RUST_MISSING = (
    "--rust needs Debian's rustc and cargo on this machine: apt-get install -y rustc cargo"
)

#: Packages pulled in by dependencies that a sysroot never needs: tools
#: that only matter on a running system, or data only used by them.
EXCLUDED_PACKAGES = frozenset(
    {
        "base-files",
        "coreutils",
        "debconf",
        "debianutils",
        "dpkg",
        "install-info",
        "libc-dev-bin",
        "mailcap",
        "media-types",
        "mime-support",
        "perl",
        "perl-base",
        "readline-common",
        "rpcsvc-proto",
        "sensible-utils",
        "tar",
        "tzdata",
    }
)
EXCLUDED_PREFIXES = ("perl-modules-", "libperl")
EXCLUDED = apt.Exclusions(EXCLUDED_PACKAGES, EXCLUDED_PREFIXES)

MERGED_USR_DIRS = ("lib", "bin", "sbin")
MIRROR_SCHEMES = frozenset({"http", "https", "ftp", "file"})


# --------------------------------------------------------------------------
# Validation of the request
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """A validated fetch request."""

    arch: str
    release: str
    version: str
    mirror: str
    dest: Path
    #: The version of Debian's rustc whose std is wanted, else None.
    rust: str | None = None

    @property
    def rust_triple(self) -> str:
        return RUST_TRIPLES[self.arch]


def python_version(release: str) -> str:
    """Return the ``X.Y`` python version shipped by Debian *release*."""
    try:
        return SYSROOT_RELEASES[release]
    except KeyError:
        known = ", ".join(SYSROOT_RELEASES)
        raise UsageError(f"unknown release {release!r} (choose from: {known})") from None


def check_arch(arch: str) -> str:
    """Return *arch* if it is a supported Debian architecture name."""
    if arch not in QEMU_SUFFIXES:
        known = ", ".join(SYSROOT_ARCHES)
        raise UsageError(f"unknown architecture {arch!r} (choose from: {known})")
    return arch


def check_mirror(mirror: str) -> str:
    """Return *mirror* without a trailing slash if it looks like a URL."""
    scheme = urlsplit(mirror).scheme
    if scheme not in MIRROR_SCHEMES or any(ch.isspace() for ch in mirror):
        raise UsageError(f"mirror {mirror!r} is not an http(s), ftp or file URL")
    return mirror.rstrip("/")


def seed_packages(version: str) -> list[str]:
    """Return the packages whose dependency closure makes up the sysroot."""
    return [
        f"python{version}-minimal",
        f"python{version}",
        f"libpython{version}-dev",
        f"libpython{version}-stdlib",
        "libc6-dev",
        "libstdc++6",
    ]


# --------------------------------------------------------------------------
# Finding the system's Debian mirror
# --------------------------------------------------------------------------


def _is_debian_uri(uri: str) -> bool:
    """Tell whether *uri* is an archive URI with a ``debian`` path component."""
    parts = urlsplit(uri)
    if parts.scheme not in MIRROR_SCHEMES:
        return False
    return "debian" in parts.path.split("/")


def parse_deb822_mirror(text: str) -> str | None:
    """Return the first Debian ``URIs:`` entry of an enabled deb stanza."""
    for fields in apt.parse_stanzas(text):
        stanza = {key.strip().lower(): " ".join(value.split()) for key, value in fields.items()}
        if "deb" not in stanza.get("types", "").split():
            continue
        if stanza.get("enabled", "yes").lower() in ("no", "false", "0"):
            continue
        for uri in stanza.get("uris", "").split():
            if _is_debian_uri(uri):
                return uri.rstrip("/")
    return None


def _one_line_uri(line: str) -> str | None:
    """Return the URI of a ``deb [options] URI suite ...`` line, else None."""
    words = line.split("#", 1)[0].split()
    if not words or words[0] != "deb":
        return None
    rest = " ".join(words[1:])
    if rest.startswith("["):
        rest = rest.partition("]")[2]
    fields = rest.split()
    return fields[0] if fields else None


def parse_one_line_mirror(text: str) -> str | None:
    """Return the first Debian URI of a one-line-style ``sources.list``."""
    for line in text.splitlines():
        uri = _one_line_uri(line)
        if uri is not None and _is_debian_uri(uri):
            return uri.rstrip("/")
    return None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _source_files(apt_etc: Path) -> Iterator[tuple[Path, bool]]:
    """Yield apt source files in apt's order, each with "is deb822"."""
    parts = apt_etc / "sources.list.d"
    for path in sorted(parts.glob("*.sources")):
        yield path, True
    yield apt_etc / "sources.list", False
    for path in sorted(parts.glob("*.list")):
        yield path, False


def default_mirror(apt_etc: Path = APT_ETC) -> str:
    """Return the Debian mirror this machine uses, else deb.debian.org."""
    for path, deb822 in _source_files(apt_etc):
        text = _read_text(path)
        uri = parse_deb822_mirror(text) if deb822 else parse_one_line_mirror(text)
        if uri is not None:
            return uri
    return DEFAULT_MIRROR


# --------------------------------------------------------------------------
# Tools and exclusions (apt resolves, see crossenv.apt)
# --------------------------------------------------------------------------


def _check_tools() -> None:
    if apt.tools_missing():
        raise SysrootError(apt.MISSING_TOOLS)
    if not apt.KEYRING.is_file():
        raise SysrootError(f"{apt.KEYRING} is missing; install the debian-archive-keyring package")


def is_excluded(package: str) -> bool:
    """Tell whether *package* is one a sysroot never needs."""
    return EXCLUDED.matches(package)


# --------------------------------------------------------------------------
# The Rust standard library
# --------------------------------------------------------------------------


def installed_version(output: str) -> str | None:
    """Read ``dpkg-query -f '${db:Status-Abbrev}|${Version}'`` output.

    Return the version if the package is installed, else None.
    """
    status, _, version = output.partition("|")
    version = version.strip()
    return version if status.startswith("ii") and version else None


def debian_rustc_version() -> str | None:
    """Return the version of Debian's installed ``rustc`` package, else None."""
    if not RUSTC.is_file() or shutil.which("dpkg-query") is None:
        return None
    proc = apt.run(["dpkg-query", "-W", "-f=${db:Status-Abbrev}|${Version}", "rustc"])
    return installed_version(proc.stdout) if proc.returncode == 0 else None


def rust_std_dir(sysroot: Path, triple: str) -> Path | None:
    """Return *sysroot*'s Rust library directory for *triple* if it holds a std."""
    lib = sysroot / "usr" / "lib" / "rustlib" / triple / "lib"
    return lib if next(lib.glob("libstd-*.rlib"), None) is not None else None


def parse_madison(output: str, package: str) -> list[str]:
    """Return the versions of *package* that ``apt-cache madison`` lists."""
    versions: list[str] = []
    for line in output.splitlines():
        fields = [field.strip() for field in line.split("|")]
        if len(fields) >= 3 and fields[0] == package and fields[1] not in versions:
            versions.append(fields[1])
    return versions


def rust_std_mismatch(rustc: str, available: Sequence[str], release: str, arch: str) -> str:
    """Explain that *release* lacks the std of Debian's rustc *rustc*."""
    if available:
        has = f"has {RUST_STD_PACKAGE} {', '.join(available)}"
    else:
        has = f"has no {RUST_STD_PACKAGE}"
    return (
        f"Debian's rustc is {rustc} but {release} {has} for {arch}; "
        "--rust needs a sysroot of the Debian release this machine's rustc comes from"
    )


def check_rust_std(state: apt.AptState, rustc: str) -> None:
    """Fail unless *state*'s (updated) index has the std of Debian's rustc *rustc*."""
    output = apt.call(state, "apt-cache", ["madison", RUST_STD_PACKAGE])
    available = parse_madison(output, RUST_STD_PACKAGE)
    if rustc not in available:
        raise SysrootError(rust_std_mismatch(rustc, available, state.release, state.arch))


def fetch_rust_std(state: apt.AptState, root: Path, rustc: str, log: Log) -> None:
    """Unpack the ``libstd-rust-dev`` of version *rustc* into *root*.

    Only that package: the shared ``libstd`` it depends on is not needed to
    link Rust code statically, and the std is recorded in the stamp, not in
    the status file (which would then list an unmet dependency).
    """
    log(f"downloading the Rust standard library ({RUST_STD_PACKAGE} {rustc})")
    debs = apt.download(state, [f"{RUST_STD_PACKAGE}={rustc}"])
    apt.extract(debs, root)
    shutil.rmtree(state.debs)
    triple = RUST_TRIPLES[state.arch]
    if rust_std_dir(root, triple) is None:
        raise SysrootError(
            f"{RUST_STD_PACKAGE} {rustc} holds no usr/lib/rustlib/{triple}/lib/libstd-*.rlib"
        )


# --------------------------------------------------------------------------
# Fixing up the unpacked tree
# --------------------------------------------------------------------------


def _symlink_if_absent(root: Path, name: str, target: str) -> Path | None:
    link = root / name
    if os.path.lexists(link):
        return None
    link.symlink_to(target)
    return link


def merge_usr(root: Path) -> list[Path]:
    """Give an unmerged tree the ``lib -> usr/lib`` links of merged-/usr.

    Return the links made.
    Nothing is done when ``root/lib`` already exists.  ``lib64`` is linked
    only when ``usr/lib64`` exists.
    """
    if os.path.lexists(root / "lib"):
        return []
    made = [_symlink_if_absent(root, name, f"usr/{name}") for name in MERGED_USR_DIRS]
    if (root / "usr" / "lib64").is_dir():
        made.append(_symlink_if_absent(root, "lib64", "usr/lib64"))
    return [link for link in made if link is not None]


def _walk_symlinks(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            if path.is_symlink():
                yield path


def relativize_symlinks(root: Path) -> int:
    """Rewrite absolute symlinks under *root* as relative ones inside it.

    Return how many were rewritten.
    Debian's ``libfoo.so -> /lib/...`` links would otherwise point into the
    Build machine's own ``/lib`` when the tree is used as a sysroot.
    """
    count = 0
    for link in _walk_symlinks(root):
        target = os.readlink(link)
        if not os.path.isabs(target):
            continue
        inside = os.path.join(str(root), target.lstrip("/"))
        relative = os.path.relpath(inside, str(link.parent))
        link.unlink()
        link.symlink_to(relative)
        count += 1
    return count


def _move_into(src: Path, dest: Path) -> None:
    """Move the entries of the directory *src* into *dest*, then remove *src*.

    A directory on both sides is merged; otherwise what *dest* has wins.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for entry in sorted(src.iterdir()):
        target = dest / entry.name
        if not os.path.lexists(target):
            os.replace(entry, target)
        elif entry.is_dir() and not entry.is_symlink() and target.is_dir():
            _move_into(entry, target)
    shutil.rmtree(src)


def follow_merged_usr(tree: Path, like: Path) -> None:
    """Move *tree*'s ``lib``, ``bin``... under ``usr`` where *like* links them there.

    A package tree is unpacked apart from the sysroot *like* and merged into
    it later.  Where the sysroot has merged-/usr links, the package's files
    must arrive through ``usr`` so that its relative symlinks (see
    :func:`relativize_symlinks`) are computed from where they will be.
    """
    for name in (*MERGED_USR_DIRS, "lib64"):
        top = tree / name
        if top.is_dir() and not top.is_symlink() and (like / name).is_symlink():
            _move_into(top, tree / "usr" / name)


# --------------------------------------------------------------------------
# The stamp file and the state of DEST
# --------------------------------------------------------------------------


def _python_path(root: Path, version: str) -> Path:
    return root / "usr" / "bin" / f"python{version}"


def _read_stamp(dest: Path) -> dict[str, object] | None:
    """Return the stamp's contents; ``{}`` when it is present but unreadable."""
    path = dest / STAMP_NAME
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def with_rust(stamp: Mapping[str, object], rust: str | None, arch: str) -> dict[str, object]:
    """Return a copy of *stamp* recording the Rust std *rust* (if any)."""
    data = dict(stamp)
    if rust is not None:
        data["rust"] = rust
        data["rust_triple"] = RUST_TRIPLES[arch]
    return data


def _write_stamp(root: Path, data: Mapping[str, object]) -> None:
    """Write the stamp into *root*, replacing any previous one atomically."""
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    path = root / STAMP_NAME
    temporary = path.with_name(f"{STAMP_NAME}.new")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _new_stamp(request: Request, packages: Sequence[str]) -> dict[str, object]:
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


def has_rust_std(dest: Path, stamp: Mapping[str, object], rust: str, arch: str) -> bool:
    """Tell whether *dest* already holds the Rust std of Debian's rustc *rust*."""
    return stamp.get("rust") == rust and rust_std_dir(dest, RUST_TRIPLES[arch]) is not None


# What fetch() finds at DEST; NO_RUST is a finished sysroot lacking the
# Rust std that was asked for.
ABSENT, EMPTY, DONE, NO_RUST, STALE = "absent", "empty", "done", "no-rust", "stale"


def inspect_dest(request: Request) -> str:
    """Classify DEST; raise SysrootError if it is not ours to write."""
    dest = request.dest
    if not os.path.lexists(dest):
        return ABSENT
    if not dest.is_dir():
        raise SysrootError(f"{dest} exists and is not a directory")
    stamp = _read_stamp(dest)
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
        or not _python_path(request.dest, request.version).is_file()
    ):
        return STALE
    if request.rust is not None and not has_rust_std(
        request.dest, stamp, request.rust, request.arch
    ):
        return NO_RUST
    return DONE


# --------------------------------------------------------------------------
# Building and installing the sysroot
# --------------------------------------------------------------------------


def _quiet(_message: str) -> None:
    """Log nothing."""


def _build(request: Request, root: Path, log: Log) -> None:
    """Fill *root* with a sysroot as *request* describes."""
    state = apt.AptState(root / APT_DIR_NAME, request.arch, request.release, request.mirror)
    state.prepare()
    where = f"{request.release}/{request.arch}"
    log(f"updating the {where} package index from {request.mirror}")
    apt.update(state)
    if request.rust is not None:
        check_rust_std(state, request.rust)  # before the long download
    log(f"downloading python{request.version} and the packages it needs")
    _, debs = apt.resolve(state, [], seed_packages(request.version), EXCLUDED)
    log(f"unpacking {len(debs)} packages")
    record = apt.unpack(debs, root, EXCLUDED)
    if request.rust is not None:
        fetch_rust_std(state, root, request.rust, log)
    state.clean()
    apt.write_status(state.status, record)
    state.preferences.write_text("", encoding="utf-8")
    relativize_symlinks(root)
    merge_usr(root)
    if not _python_path(root, request.version).is_file():
        raise SysrootError(f"the unpacked packages hold no usr/bin/python{request.version}")
    _write_stamp(root, _new_stamp(request, [stanza["Package"] for stanza in record]))


def _sibling(dest: Path, tag: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=f"{dest.name}.{tag}-", dir=dest.parent))
    path.chmod(0o755)
    return path


def _install(partial: Path, dest: Path, state: str) -> None:
    """Move the finished *partial* tree to *dest*."""
    if state != STALE:
        os.replace(partial, dest)
        return
    old = _sibling(dest, "old")
    folders.replace_tree(partial, dest, old)
    shutil.rmtree(old, ignore_errors=True)


def _build_and_install(request: Request, state: str, log: Log) -> None:
    made = folders.make_parents(request.dest.parent)
    partial = _sibling(request.dest, "partial")
    try:
        _build(request, partial, log)
        _install(partial, request.dest, state)
    except BaseException:
        _remove_tree(partial)
        folders.remove_empty(made)
        raise


def _seed_lists(source: Path, state: apt.AptState) -> None:
    """Copy the package index files of *source* into *state* (saves a download)."""
    if not source.is_dir():
        return
    for path in source.iterdir():
        if path.is_file() and not path.is_symlink() and path.name != "lock":
            shutil.copy2(path, state.lists / path.name)


def _staged_apt(
    dest: Path, stage: Path, arch: str, release: str, mirror: str, log: Log
) -> apt.AptState:
    """A private apt in *stage* for a change to the sysroot *dest*, its index up to date.

    The index files *dest* already has are copied first, so the update
    downloads only what changed.
    """
    state = apt.AptState(stage / APT_DIR_NAME, arch, release, mirror)
    state.prepare()
    _seed_lists(dest / APT_DIR_NAME / "lists", state)
    log(f"updating the {release}/{arch} package index from {mirror}")
    apt.update(state)
    return state


def _replace_dir(new: Path, target: Path, trash: Path) -> None:
    """Put the directory *new* at *target*, moving a previous one to *trash*."""
    if not os.path.lexists(target):
        os.replace(new, target)
        return
    os.replace(target, trash)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(trash, target)
        raise


def plan_merge(src: Path, dest: Path, unit: Path | None = None) -> list[tuple[Path, Path]]:
    """List the renames that move everything under *src* into *dest*.

    Directories present on both sides are merged, entry by entry; other
    entries replace their counterparts, except that the directory *unit*
    (relative to *src*) is listed whole.  Where *dest* has a directory in
    place of a file, the directory is kept.  A directory of *src* where
    *dest* has a file is refused here, before anything has moved.
    """
    moves: list[tuple[Path, Path]] = []

    def walk(rel: Path) -> None:
        for entry in sorted((src / rel).iterdir()):
            part = rel / entry.name
            target = dest / part
            real_dir = entry.is_dir() and not entry.is_symlink()
            if part == unit:
                moves.append((entry, target))
            elif real_dir and target.is_dir():
                walk(part)
            elif real_dir and os.path.lexists(target):
                raise SysrootError(f"{target} is a file, but a package has a directory there")
            elif not target.is_dir():
                moves.append((entry, target))

    walk(Path())
    return moves


def merge_tree(src: Path, dest: Path, unit: Path | None, trash: Path) -> None:
    """Move everything under *src* into *dest*, as :func:`plan_merge` lists it.

    The directory *unit* replaces its counterpart as a whole, which is
    moved to *trash*, so that no file of an older copy survives.
    """
    whole = None if unit is None else src / unit
    for entry, target in plan_merge(src, dest, unit):
        if entry == whole:
            _replace_dir(entry, target, trash)
        else:
            os.replace(entry, target)


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C back until the block is done, then deliver it.

    The block changes a finished sysroot with a few hundred renames; an
    interruption halfway would leave a package half added.
    """
    caught: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    except ValueError:  # not the main thread: signals cannot arrive here anyway
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        signal.raise_signal(signal.SIGINT)


def _add_rust(request: Request, rust: str, log: Log) -> None:
    """Add the Rust std to the finished sysroot at DEST.

    It is fetched into a sibling directory first, so a failure leaves DEST
    as it was; the stamp records it only once it is in place.
    """
    dest = request.dest
    stage = _sibling(dest, "rust")
    try:
        state = _staged_apt(dest, stage, request.arch, request.release, request.mirror, log)
        check_rust_std(state, rust)
        tree = stage / "tree"
        tree.mkdir()
        fetch_rust_std(state, tree, rust, log)
        relativize_symlinks(tree)
        unit = Path("usr", "lib", "rustlib", request.rust_triple)
        merge_tree(tree, dest, unit, stage / "old")
        stamp = _read_stamp(dest) or {}
        _write_stamp(dest, with_rust(stamp, rust, request.arch))
    finally:
        _remove_tree(stage)


def _remove_tree(path: Path) -> None:
    if os.path.lexists(path):
        shutil.rmtree(path, ignore_errors=True)


def _absolute(dest: Path) -> Path:
    dest = Path(dest).expanduser().absolute()
    return dest.resolve() if dest.is_symlink() else dest


def _request(
    arch: str, release: str, dest: Path, mirror: str | None, rust: bool = False
) -> Request:
    version = python_version(release)
    check_arch(arch)
    url = check_mirror(mirror if mirror is not None else default_mirror())
    dest = _absolute(dest)
    rustc = None
    if rust:
        rustc = debian_rustc_version()
        if rustc is None:
            raise SysrootError(RUST_MISSING)
    return Request(arch, release, version, url, dest, rustc)


def fetch(
    arch: str,
    release: str,
    dest: Path,
    *,
    mirror: str | None = None,
    rust: bool = False,
    log: Log | None = None,
) -> Path:
    """Make *dest* a sysroot with Debian *release*'s python for *arch*.

    Return the path of its Host python.
    With *rust*, the sysroot also gets the Rust standard library for *arch*
    of exactly the version of Debian's rustc installed here (see
    :func:`rust_std_dir`); a finished sysroot without it gets it added.
    Does nothing but return the path when *dest* already holds that sysroot.
    """
    say = log if log is not None else _quiet
    request = _request(arch, release, dest, mirror, rust)
    python = _python_path(request.dest, request.version)
    state = inspect_dest(request)
    if state == DONE:
        say(f"{request.dest} already holds the {release}/{arch} sysroot")
        return python
    _check_tools()
    try:
        if state == NO_RUST and request.rust is not None:
            _add_rust(request, request.rust, say)
        else:
            _build_and_install(request, state, say)
    except OSError as exc:
        raise SysrootError(f"cannot create the sysroot at {request.dest}: {exc}") from exc
    say(f"sysroot ready at {request.dest}")
    return python


# --------------------------------------------------------------------------
# Adding packages to a finished sysroot
# --------------------------------------------------------------------------

#: ``NAME`` or ``NAME=VERSION``, as Debian policy spells them.
_PACKAGE = re.compile(r"^(?P<name>[a-z0-9][a-z0-9+.-]+)(=(?P<version>[A-Za-z0-9.+~:-]+))?$")


def check_packages(packages: Sequence[str]) -> list[str]:
    """Return *packages* if each is a Debian package name (``=VERSION`` allowed).

    A package a sysroot never gets (see :data:`EXCLUDED_PACKAGES`) is refused
    here, before anything is downloaded.
    """
    for package in packages:
        found = _PACKAGE.match(package)
        if found is None:
            raise UsageError(
                f"{package!r} is not a Debian package name "
                "(the packages added are of the sysroot's own architecture)"
            )
        if is_excluded(found.group("name")):
            raise UsageError(
                f"{found.group('name')} is left out of every sysroot "
                "(it is only of use on a running system)"
            )
    if not packages:
        raise UsageError("--add needs at least one package")
    return list(packages)


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
        return _python_path(self.dest, SYSROOT_RELEASES[self.release])

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
    stamp = _read_stamp(dest)
    if not stamp:
        raise _not_a_sysroot(dest, f"no readable {STAMP_NAME}")
    arch, release = stamp.get("arch"), stamp.get("release")
    if not (isinstance(arch, str) and arch in QEMU_SUFFIXES) or not (
        isinstance(release, str) and release in SYSROOT_RELEASES
    ):
        raise _not_a_sysroot(dest, f"{STAMP_NAME} names no known architecture and release")
    if not _python_path(dest, SYSROOT_RELEASES[release]).is_file():
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


def _stamp_after_add(
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


def _add_packages(sysroot: Sysroot, packages: Sequence[str], log: Log) -> bool:
    """Download and unpack *packages* apart, then move them into the sysroot.

    Return False if apt found nothing to download.  The sysroot changes only
    after every download and unpack succeeded, with Ctrl-C held back while
    the files, the status file, the index and the stamp are put in place.
    """
    dest = sysroot.dest
    stage = _sibling(dest, "add")
    try:
        state = _staged_apt(dest, stage, sysroot.arch, sysroot.release, sysroot.mirror, log)
        log(f"downloading {' '.join(packages)} and the packages needed with it")
        base, debs = apt.resolve(state, sysroot.record, packages, EXCLUDED, sysroot.unrecorded)
        if not debs:
            return False
        tree = stage / "tree"
        tree.mkdir()
        log(f"unpacking {len(debs)} packages")
        record = apt.merged(base, apt.unpack(debs, tree, EXCLUDED))
        follow_merged_usr(tree, dest)
        relativize_symlinks(tree)
        moves = plan_merge(tree, dest)
        stamp = _stamp_after_add(sysroot.stamp, record, packages)
        (dest / APT_DIR_NAME).mkdir(exist_ok=True)
        with _interrupts_held():
            for entry, target in moves:
                os.replace(entry, target)
            apt.write_status(dest / APT_DIR_NAME / "status", record)
            _replace_dir(state.lists, dest / APT_DIR_NAME / "lists", stage / "old-lists")
            _write_stamp(dest, stamp)
        return True
    finally:
        _remove_tree(stage)


def add(
    dest: Path,
    packages: Sequence[str],
    *,
    mirror: str | None = None,
    log: Log | None = None,
) -> Path:
    """Add Debian *packages* of the sysroot's architecture to the sysroot *dest*.

    Return the path of its Host python.
    apt resolves what they need beyond what *dest* holds; that is
    downloaded, verified and unpacked apart, and only then moved into
    *dest*, so a failure leaves *dest* as it was.  Packages *dest* already
    holds are not fetched again.
    """
    say = log if log is not None else _quiet
    wanted = check_packages(packages)
    sysroot = open_sysroot(_absolute(dest), mirror)
    missing = [package for package in wanted if not sysroot.holds(package)]
    if not missing:
        say(f"{sysroot.dest} already holds {' '.join(wanted)}")
        return sysroot.python
    _check_tools()
    try:
        added = _add_packages(sysroot, missing, say)
    except OSError as exc:
        raise SysrootError(f"cannot add to the sysroot at {sysroot.dest}: {exc}") from exc
    if added:
        say(f"added {' '.join(missing)} to {sysroot.dest}")
    else:
        say(f"{sysroot.dest} already holds what {' '.join(missing)} needs")
    return sysroot.python


def qemu_command(arch: str, sysroot: Path) -> list[str]:
    """Return the command prefix that runs *arch* binaries of *sysroot*.

    For example ``["qemu-aarch64", "-L", "/path/to/sysroot"]``.
    """
    suffix = QEMU_SUFFIXES[check_arch(arch)]
    for name in (f"qemu-{suffix}", f"qemu-{suffix}-static"):
        if shutil.which(name) is not None:
            return [name, "-L", str(sysroot)]
    raise SysrootError(
        f"qemu-{suffix} is not on PATH; install the Debian package qemu-user (or qemu-user-static)"
    )


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors become one-line UsageErrors."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def main_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
            "--add takes no --arch or --release: it adds packages of the sysroot's own"
        )
    return add(dest, args.add, mirror=args.mirror, log=log)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    try:
        python = _run(main_parser().parse_args(argv))
    except CrossenvError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    print(python)
    return 0


def entrypoint() -> NoReturn:
    """Console-script entry point."""
    raise SystemExit(main())


if __name__ == "__main__":
    raise SystemExit(main())
