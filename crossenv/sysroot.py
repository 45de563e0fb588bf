"""Fetch a Debian sysroot holding a Host python, without root.

Nothing system-wide is touched: a private apt configuration (sources list,
status file, lists and cache) lives in ``DEST/.crossenv-apt``.  The packages a Host python needs are
resolved with ``apt-cache depends``, downloaded with ``apt-get download``
and unpacked with ``dpkg -x``.  Everything is unpacked into a sibling
``DEST.partial-XXXX`` directory first and renamed into place at the end, so
an interrupted run leaves nothing half-made behind.

With ``--rust`` the Host's Rust standard library (Debian's ``libstd-rust-dev``
of exactly the version of the ``rustc`` installed here) is unpacked too, so
that Debian's rustc can cross-compile for the Host with ``--sysroot DEST/usr``.
A sysroot fetched without it gets it added in place on a later ``--rust`` run.

Command line::

    crossenv-sysroot [--arch ARCH] [--release RELEASE] [--mirror URL] [--rust] [-q] DEST

On success the path of the Host python is the only thing printed on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, NoReturn
from urllib.parse import urlsplit

from crossenv import folders
from crossenv.errors import CrossenvError, SysrootError, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

    Log = Callable[[str], None]
    #: One alternative of a dependency: ``[name, *providers]``.
    Alternative = list[str]
    #: A dependency: alternatives joined by ``|``.
    Group = list[Alternative]

__all__ = [
    "DEFAULT_ARCH",
    "DEFAULT_MIRROR",
    "DEFAULT_RELEASE",
    "RUST_TRIPLES",
    "SYSROOT_ARCHES",
    "SYSROOT_RELEASES",
    "check_arch",
    "debian_rustc_version",
    "default_mirror",
    "fetch",
    "filter_depends",
    "main",
    "merge_usr",
    "parse_deb822_mirror",
    "parse_depends",
    "parse_one_line_mirror",
    "python_version",
    "qemu_command",
    "relativize_symlinks",
    "rust_std_dir",
    "select_packages",
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
KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")
APT_ETC = Path("/etc/apt")

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


def _deb822_stanzas(text: str) -> Iterator[dict[str, str]]:
    """Yield the stanzas of a deb822 file as ``{lowercase field: value}``."""
    stanza: dict[str, str] = {}
    field = ""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if stanza:
                yield stanza
            stanza, field = {}, ""
        elif line[0] in " \t" and field:
            stanza[field] += " " + line.strip()
        elif ":" in line:
            key, _, value = line.partition(":")
            field = key.strip().lower()
            stanza[field] = value.strip()
    if stanza:
        yield stanza


def parse_deb822_mirror(text: str) -> str | None:
    """Return the first Debian ``URIs:`` entry of an enabled deb stanza."""
    for stanza in _deb822_stanzas(text):
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
# Running apt with private state
# --------------------------------------------------------------------------


def _check_tools() -> None:
    for tool in ("apt-get", "apt-cache", "dpkg"):
        if shutil.which(tool) is None:
            raise SysrootError(f"{PROG} needs apt-get and dpkg (Debian/Ubuntu)")
    if not KEYRING.is_file():
        raise SysrootError(f"{KEYRING} is missing; install the debian-archive-keyring package")


@dataclass(frozen=True)
class AptState:
    """A private apt configuration rooted at *root*."""

    root: Path
    arch: str
    release: str
    mirror: str

    @property
    def sources(self) -> Path:
        return self.root / "sources.list"

    @property
    def lists(self) -> Path:
        return self.root / "lists"

    @property
    def debs(self) -> Path:
        return self.root / "debs"

    def source_line(self) -> str:
        options = f"[arch={self.arch} signed-by={KEYRING}]"
        return f"deb {options} {self.mirror} {self.release} main\n"

    def prepare(self) -> None:
        """Create the directories and files apt expects to find."""
        for sub in ("lists/partial", "cache/archives/partial", "debs"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self.sources.write_text(self.source_line(), encoding="utf-8")
        (self.root / "status").write_text("", encoding="utf-8")

    def options(self) -> list[str]:
        """Return the ``-o`` options that keep apt off the system's state."""
        settings = [
            f"Dir::Etc::sourcelist={self.sources}",
            "Dir::Etc::sourceparts=-",
            f"Dir::Etc::preferences={self.root / 'preferences'}",
            "Dir::Etc::preferencesparts=-",
            f"Dir::State::Lists={self.lists}",
            f"Dir::State::status={self.root / 'status'}",
            f"Dir::Cache={self.root / 'cache'}",
            "Dir::Cache::pkgcache=",
            "Dir::Cache::srcpkgcache=",
            f"APT::Architecture={self.arch}",
            f"APT::Architectures::={self.arch}",
            "Acquire::Languages=none",
            "APT::Sandbox::User=root",
            "Debug::NoLocking=1",
        ]
        options: list[str] = []
        for setting in settings:
            options += ["-o", setting]
        return options


def _run(cmd: Sequence[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, LC_ALL="C.UTF-8", DEBIAN_FRONTEND="noninteractive")
    try:
        return subprocess.run(
            list(cmd),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise SysrootError(f"{PROG} needs apt-get and dpkg (Debian/Ubuntu)") from None


FETCH_FAILED = "W: Failed to fetch"


def apt_error_line(stderr: str) -> str:
    """Pick the most telling line of apt's stderr.

    That is the first ``E:`` line, else the first failed fetch, else the
    last non-empty line.
    """
    lines = [" ".join(line.split()) for line in stderr.splitlines() if line.strip()]
    for prefix in ("E:", FETCH_FAILED):
        found = next((line for line in lines if line.startswith(prefix)), None)
        if found is not None:
            return found
    return lines[-1] if lines else "(no output)"


def _apt(apt: AptState, tool: str, args: Sequence[str], cwd: Path | None = None) -> str:
    proc = _run([tool, *apt.options(), *args], cwd=cwd)
    if proc.returncode != 0:
        what = " ".join([tool, *(arg for arg in args if not arg.startswith("-"))][:2])
        raise SysrootError(f"{what} failed: {apt_error_line(proc.stderr)}")
    return proc.stdout


def apt_update(apt: AptState) -> None:
    """Download the package index and check it covers the architecture."""
    proc = _run(["apt-get", *apt.options(), "-q", "update"])
    indexed = any(apt.lists.glob(f"*_binary-{apt.arch}_Packages*"))
    if proc.returncode != 0 or (not indexed and FETCH_FAILED in proc.stderr):
        raise SysrootError(f"apt-get update failed: {apt_error_line(proc.stderr)}")
    if not indexed:
        raise SysrootError(
            f"{apt.mirror} has no {apt.arch} packages for {apt.release} "
            f"(is {apt.arch} a release architecture of {apt.release}?)"
        )


def is_excluded(package: str) -> bool:
    """Tell whether *package* is one a sysroot never needs."""
    return package in EXCLUDED_PACKAGES or package.startswith(EXCLUDED_PREFIXES)


_DEPENDS_LINE = re.compile(r"^ (?P<bar>[ |])[A-Za-z-]+: (?P<name>\S+)$")
_PROVIDER_LINE = re.compile(r"^ {4}(?P<name>\S+)$")


def _bare(name: str) -> str:
    """Drop an ``:arch`` or ``:any`` qualifier from a package name."""
    return name.split(":", 1)[0]


def parse_depends(output: str) -> dict[str, list[Group]]:
    """Read ``apt-cache depends --recurse`` output into a graph.

    Each package maps to its dependency groups; a group lists alternatives
    (``A | B``), each alternative being ``[name, *providers]``.  Virtual
    packages keep their ``<name>`` spelling.
    """
    graph: dict[str, list[Group]] = {}
    groups: list[Group] = []
    group: Group = []
    for line in output.splitlines():
        depends = _DEPENDS_LINE.match(line)
        provider = _PROVIDER_LINE.match(line)
        if depends is not None:
            group.append([_bare(depends.group("name"))])
            if depends.group("bar") == " ":
                groups.append(group)
                group = []
        elif provider is not None and (group or groups):
            (group or groups[-1])[-1].append(_bare(provider.group("name")))
        elif line and not line[0].isspace():
            groups = graph.setdefault(_bare(line.strip()), [])
            group = []
    return graph


def _pick(group: Group) -> str | None:
    """Choose the package that satisfies *group*.

    A group with an excluded member is left unsatisfied on purpose (that is
    how ``debconf | debconf-2.0`` stays out); otherwise the first real
    package, or the first provider of a virtual one, is chosen.
    """
    names = [name for alternative in group for name in alternative]
    if any(is_excluded(name) for name in names):
        return None
    return next((name for name in names if not name.startswith("<")), None)


def select_packages(graph: Mapping[str, list[Group]], seeds: Iterable[str]) -> list[str]:
    """Walk *graph* from *seeds*, not entering excluded packages; sorted."""
    chosen: set[str] = set()
    todo = list(seeds)
    while todo:
        name = todo.pop()
        if name in chosen or name.startswith("<") or is_excluded(name):
            continue
        chosen.add(name)
        picks = (_pick(group) for group in graph.get(name, []))
        todo.extend(pick for pick in picks if pick is not None)
    return sorted(chosen)


def filter_depends(output: str, seeds: Sequence[str]) -> list[str]:
    """List the packages a sysroot needs, given ``apt-cache depends`` output.

    Excluded packages are dropped together with whatever only they need.
    """
    return select_packages(parse_depends(output), seeds)


DEPENDS_FLAGS = (
    "--recurse",
    "--no-recommends",
    "--no-suggests",
    "--no-conflicts",
    "--no-breaks",
    "--no-replaces",
    "--no-enhances",
    "--no-pre-depends",
)


def resolve_packages(apt: AptState, seeds: Sequence[str]) -> list[str]:
    """Return the dependency closure of *seeds*, minus unwanted packages."""
    output = _apt(apt, "apt-cache", ["depends", *DEPENDS_FLAGS, *seeds])
    return filter_depends(output, seeds)


def download(apt: AptState, packages: Sequence[str]) -> list[Path]:
    """Download *packages* into the private ``debs`` directory."""
    _apt(apt, "apt-get", ["-q", "download", *packages], cwd=apt.debs)
    return sorted(apt.debs.glob("*.deb"))


def unpack(debs: Iterable[Path], root: Path) -> None:
    """Unpack each ``.deb`` into *root* with ``dpkg -x``."""
    for deb in debs:
        proc = _run(["dpkg", "-x", str(deb), str(root)])
        if proc.returncode != 0:
            raise SysrootError(f"dpkg -x {deb.name} failed: {apt_error_line(proc.stderr)}")


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
    proc = _run(["dpkg-query", "-W", "-f=${db:Status-Abbrev}|${Version}", "rustc"])
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


def check_rust_std(apt: AptState, rustc: str) -> None:
    """Fail unless *apt*'s (updated) index has the std of Debian's rustc *rustc*."""
    output = _apt(apt, "apt-cache", ["madison", RUST_STD_PACKAGE])
    available = parse_madison(output, RUST_STD_PACKAGE)
    if rustc not in available:
        raise SysrootError(rust_std_mismatch(rustc, available, apt.release, apt.arch))


def fetch_rust_std(apt: AptState, root: Path, rustc: str, log: Log) -> None:
    """Unpack the ``libstd-rust-dev`` of version *rustc* into *root*."""
    log(f"downloading the Rust standard library ({RUST_STD_PACKAGE} {rustc})")
    apt.debs.mkdir(parents=True, exist_ok=True)
    debs = download(apt, [f"{RUST_STD_PACKAGE}={rustc}"])
    unpack(debs, root)
    shutil.rmtree(apt.debs)
    triple = RUST_TRIPLES[apt.arch]
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
    apt = AptState(root / APT_DIR_NAME, request.arch, request.release, request.mirror)
    apt.prepare()
    where = f"{request.release}/{request.arch}"
    log(f"updating the {where} package index from {request.mirror}")
    apt_update(apt)
    if request.rust is not None:
        check_rust_std(apt, request.rust)  # before the long download
    packages = resolve_packages(apt, seed_packages(request.version))
    log(f"downloading {len(packages)} packages")
    debs = download(apt, packages)
    log(f"unpacking {len(debs)} packages")
    unpack(debs, root)
    shutil.rmtree(apt.debs)
    if request.rust is not None:
        fetch_rust_std(apt, root, request.rust, log)
    relativize_symlinks(root)
    merge_usr(root)
    if not _python_path(root, request.version).is_file():
        raise SysrootError(f"the unpacked packages hold no usr/bin/python{request.version}")
    _write_stamp(root, _new_stamp(request, packages))


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


def _seed_lists(source: Path, apt: AptState) -> None:
    """Copy the package index files of *source* into *apt* (saves a download)."""
    if not source.is_dir():
        return
    for path in source.iterdir():
        if path.is_file() and not path.is_symlink() and path.name != "lock":
            shutil.copy2(path, apt.lists / path.name)


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


def merge_tree(src: Path, dest: Path, unit: Path, trash: Path) -> None:
    """Move everything under *src* into *dest*.

    Directories present on both sides are merged and other entries replace
    their counterparts, except that the directory *unit* (relative to
    *src*) replaces its counterpart as a whole, moving it to *trash*, so
    that no file of an older copy survives.  Where *dest* has a directory
    in place of a file, the directory is kept.
    """

    def walk(rel: Path) -> None:
        for entry in sorted((src / rel).iterdir()):
            part = rel / entry.name
            target = dest / part
            if part == unit:
                _replace_dir(entry, target, trash)
            elif entry.is_dir() and not entry.is_symlink() and target.is_dir():
                walk(part)
            elif not target.is_dir():
                os.replace(entry, target)

    walk(Path())


def _add_rust(request: Request, rust: str, log: Log) -> None:
    """Add the Rust std to the finished sysroot at DEST.

    It is fetched into a sibling directory first, so a failure leaves DEST
    as it was; the stamp records it only once it is in place.
    """
    dest = request.dest
    stage = _sibling(dest, "rust")
    try:
        apt = AptState(stage / APT_DIR_NAME, request.arch, request.release, request.mirror)
        apt.prepare()
        _seed_lists(dest / APT_DIR_NAME / "lists", apt)
        log(f"updating the {request.release}/{request.arch} package index from {request.mirror}")
        apt_update(apt)
        check_rust_std(apt, rust)
        tree = stage / "tree"
        tree.mkdir()
        fetch_rust_std(apt, tree, rust, log)
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


def _request(
    arch: str, release: str, dest: Path, mirror: str | None, rust: bool = False
) -> Request:
    version = python_version(release)
    check_arch(arch)
    url = check_mirror(mirror if mirror is not None else default_mirror())
    dest = Path(dest).expanduser().absolute()
    if dest.is_symlink():
        dest = dest.resolve()
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


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Fetch a Debian sysroot with a Host python (no root needed) "
        "and print the path of that python.",
    )
    parser.add_argument(
        "--arch",
        default=DEFAULT_ARCH,
        help=f"Debian architecture ({', '.join(SYSROOT_ARCHES)}; default {DEFAULT_ARCH})",
    )
    releases = ", ".join(f"{name} = python{ver}" for name, ver in SYSROOT_RELEASES.items())
    parser.add_argument(
        "--release",
        default=DEFAULT_RELEASE,
        help=f"Debian release ({releases}; default {DEFAULT_RELEASE})",
    )
    parser.add_argument(
        "--mirror",
        metavar="URL",
        help="Debian mirror (default: the one apt uses here, else deb.debian.org)",
    )
    parser.add_argument(
        "--rust",
        action="store_true",
        help="also unpack the Host's Rust standard library matching Debian's rustc here "
        "(adds it to an existing sysroot)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print no progress")
    parser.add_argument("dest", metavar="DEST", type=Path, help="directory to fill")
    return parser


def _progress(message: str) -> None:
    sys.stderr.write(f"{PROG}: {message}\n")
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    try:
        args = _parser().parse_args(argv)
        log = None if args.quiet else _progress
        python = fetch(
            args.arch, args.release, args.dest, mirror=args.mirror, rust=args.rust, log=log
        )
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
