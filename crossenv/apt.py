"""A private apt for one Debian release and architecture, usable without root.

Working out which packages a request needs is apt's job: its resolver
honours alternatives, virtual packages, versioned dependencies, conflicts
and pre-dependencies, which no reading of ``apt-cache depends`` text gets
right.  apt also checks the Release file's signature against Debian's
keyring and every downloaded ``.deb`` against the signed hashes.  So
crossenv-sysroot asks apt itself, with a configuration of its own kept in
one directory (sources, index lists, status file, preferences, download
cache): no root is needed and the machine's own apt and dpkg state is
neither read nor written.

The status file is what makes apt download only what is missing.  It lists
the packages already unpacked in a sysroot as installed, with the fields
apt's resolver reads (:func:`status_stanza`).  Packages a sysroot must never
get are listed as installed too, as bare *stand-ins* without dependencies
(:func:`stand_in`), and pinned to priority -1 (:func:`pin_out`): apt then
neither downloads them nor whatever only they need.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crossenv.errors import SysrootError, UsageError

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping, Sequence

    #: One deb822 paragraph, field name -> value (continuation lines kept).
    Stanza = dict[str, str]

__all__ = [
    "KEYRING",
    "AptState",
    "Exclusions",
    "control",
    "download",
    "error_line",
    "extract",
    "format_stanzas",
    "install",
    "merged",
    "parse_stanzas",
    "pin_out",
    "read_status",
    "resolve",
    "run",
    "show",
    "stand_in",
    "status_stanza",
    "unpack",
    "update",
    "write_status",
]

KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")
APT_ETC = Path("/etc/apt")
FETCH_FAILED = "W: Failed to fetch"
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

#: Commands the machine's apt configuration may run around an update or an
#: installation.  They act on the machine (refresh its software catalogue,
#: empty its download cache), so a private apt drops them.
HOOKS = (
    "APT::Update::Pre-Invoke",
    "APT::Update::Post-Invoke",
    "APT::Update::Post-Invoke-Success",
    "APT::Install::Pre-Invoke",
    "APT::Install::Post-Invoke",
    "DPkg::Pre-Invoke",
    "DPkg::Post-Invoke",
    "DPkg::Pre-Install-Pkgs",
)

#: What ``apt-get install`` is told: fetch only (nothing is installed), no
#: recommended packages, never plan to remove an unpacked package, and add
#: whatever an unpacked package lacks.
INSTALL_FLAGS = (
    "-q",
    "--yes",
    "--download-only",
    "--no-install-recommends",
    "--no-remove",
    "--fix-broken",
)


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
    def config(self) -> Path:
        """The ``APT_CONFIG`` file: the machine's configuration minus its hooks."""
        return self.root / "apt.conf"

    @property
    def lists(self) -> Path:
        return self.root / "lists"

    @property
    def status(self) -> Path:
        return self.root / "status"

    @property
    def preferences(self) -> Path:
        return self.root / "preferences"

    @property
    def archives(self) -> Path:
        """Where ``apt-get install --download-only`` leaves the ``.deb`` files."""
        return self.root / "cache" / "archives"

    @property
    def debs(self) -> Path:
        """Where ``apt-get download`` leaves the ``.deb`` files."""
        return self.root / "debs"

    def source_line(self) -> str:
        """The one source: the release's ``main``, its package index only."""
        options = f"[arch={self.arch} signed-by={KEYRING} target=Packages]"
        return f"deb {options} {self.mirror} {self.release} main\n"

    def prepare(self) -> None:
        """Create the directories and files apt expects to find."""
        for sub in ("lists/partial", "cache/archives/partial", "debs", "parts"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self.sources.write_text(self.source_line(), encoding="utf-8")
        self.status.write_text("", encoding="utf-8")
        self.preferences.write_text("", encoding="utf-8")
        self.config.write_text(machine_config(), encoding="utf-8")

    def environ(self) -> dict[str, str]:
        """The environment apt runs in: :attr:`config` as ``APT_CONFIG``."""
        return dict(os.environ, APT_CONFIG=str(self.config))

    def options(self) -> list[str]:
        """Return the ``-o`` options that keep apt off the system's state.

        The machine's configuration is still read (proxies live there),
        but anything it says about signatures is overridden: downloads are
        always checked.
        """
        cache = self.root / "cache"
        settings = [
            f"Dir::Etc::sourcelist={self.sources}",
            f"Dir::Etc::sourceparts={self.root / 'parts'}",
            f"Dir::Etc::preferences={self.preferences}",
            f"Dir::Etc::preferencesparts={self.root / 'parts'}",
            f"Dir::State={self.root}",
            f"Dir::State::Lists={self.lists}",
            f"Dir::State::status={self.status}",
            f"Dir::State::extended_states={self.root / 'extended_states'}",
            f"Dir::Cache={cache}",
            f"Dir::Cache::archives={self.archives}",
            f"Dir::Cache::pkgcache={cache / 'pkgcache.bin'}",
            f"Dir::Cache::srcpkgcache={cache / 'srcpkgcache.bin'}",
            f"Dir::Log={self.root / 'log'}",
            f"APT::Architecture={self.arch}",
            f"APT::Architectures::={self.arch}",
            "APT::Install-Recommends=false",
            "APT::Get::AllowUnauthenticated=false",
            "Acquire::AllowInsecureRepositories=false",
            "Acquire::AllowDowngradeToInsecureRepositories=false",
            "Acquire::Languages=none",
            "APT::Sandbox::User=root",
            "Debug::NoLocking=1",
        ]
        options: list[str] = []
        for setting in settings:
            options += ["-o", setting]
        return options

    def clean(self) -> None:
        """Remove downloaded files and apt's binary caches (tens of MB)."""
        for folder in (self.archives, self.debs):
            for deb in folder.glob("*.deb"):
                deb.unlink()
        for name in ("pkgcache.bin", "srcpkgcache.bin"):
            path = self.root / "cache" / name
            if path.exists():
                path.unlink()


def machine_config(etc: Path = APT_ETC, environ: Mapping[str, str] = os.environ) -> str:
    """An ``APT_CONFIG`` file: the machine's apt configuration without :data:`HOOKS`.

    apt reads ``APT_CONFIG`` before its own configuration files, so this
    one includes them itself, erases the hooks, and then tells apt there
    is nothing more to read.
    """
    lines = ["// Written by crossenv-sysroot: this machine's apt configuration, without hooks."]
    user = environ.get("APT_CONFIG")
    included = [Path(user)] if user else []
    included += [etc / "apt.conf.d", etc / "apt.conf"]
    for path in included:
        if path.is_dir():
            lines.append(f'#include "{path}/";')
        elif path.is_file():
            lines.append(f'#include "{path}";')
    lines += [f"#clear {hook};" for hook in HOOKS]
    lines += ['Dir::Etc::parts "/dev/null";', 'Dir::Etc::main "/dev/null";']
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Running apt and dpkg
# --------------------------------------------------------------------------

MISSING_TOOLS = "crossenv-sysroot needs apt-get and dpkg (Debian/Ubuntu)"


def run(
    cmd: Sequence[str], cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run *cmd* with C-locale messages (so they can be recognised), capturing them."""
    env = dict(os.environ if env is None else env)
    env.update(LC_ALL="C.UTF-8", DEBIAN_FRONTEND="noninteractive")
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
        raise SysrootError(MISSING_TOOLS) from None


def error_line(stderr: str) -> str:
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


def _apt(
    state: AptState, tool: str, args: Sequence[str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return run([tool, *state.options(), *args], cwd=cwd, env=state.environ())


def call(state: AptState, tool: str, args: Sequence[str], cwd: Path | None = None) -> str:
    """Run apt's *tool* with *state*'s configuration; return its stdout."""
    proc = _apt(state, tool, args, cwd=cwd)
    if proc.returncode != 0:
        what = " ".join([tool, *(arg for arg in args if not arg.startswith("-"))][:2])
        raise SysrootError(f"{what} failed: {error_line(proc.stderr)}")
    return proc.stdout


def update(state: AptState) -> None:
    """Download the package index and check it covers the architecture."""
    proc = _apt(state, "apt-get", ["-q", "update"])
    indexed = any(state.lists.glob(f"*_binary-{state.arch}_Packages*"))
    if proc.returncode != 0 or (not indexed and FETCH_FAILED in proc.stderr):
        raise SysrootError(f"apt-get update failed: {error_line(proc.stderr)}")
    if not indexed:
        raise SysrootError(
            f"{state.mirror} has no {state.arch} packages for {state.release} "
            f"(is {state.arch} a release architecture of {state.release}?)"
        )


# --------------------------------------------------------------------------
# Stanzas: package records in deb822 form
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Asking apt
# --------------------------------------------------------------------------


def show(state: AptState, names: Sequence[str]) -> list[Stanza]:
    """Return the index records of the candidate versions of *names*.

    A name starting with ``^`` is a regular expression.  Names that are
    not in the index are left out.
    """
    if not names:
        return []
    proc = _apt(state, "apt-cache", ["show", "--no-all-versions", *names])
    if proc.returncode != 0:
        if "No packages found" in proc.stderr:
            return []
        raise SysrootError(f"apt-cache show failed: {error_line(proc.stderr)}")
    return [stanza for stanza in parse_stanzas(proc.stdout) if "Package" in stanza]


_NOT_FOUND = (
    re.compile(r"^E: Unable to locate package (?P<name>\S+)$"),
    re.compile(r"^E: Package '(?P<name>[^']+)' has no installation candidate$"),
    re.compile(r"^E: Version '[^']*' for '(?P<name>[^']+)' was not found$"),
)


def _listed_after(stdout: str, heading: str) -> list[str]:
    """The indented lines apt prints after the line starting with *heading*."""
    lines = stdout.splitlines()
    for number, line in enumerate(lines):
        if line.startswith(heading):
            block: list[str] = []
            for later in lines[number + 1 :]:
                if not later.startswith(" "):
                    break
                block.append(" ".join(later.split()))
            return block
    return []


def _why_not(stdout: str) -> str | None:
    """What apt's explanation of a failed install says, in a few words."""
    removed = " ".join(_listed_after(stdout, "The following packages will be REMOVED"))
    if removed:
        return f"it conflicts with {removed}, which the sysroot holds"
    unmet = _listed_after(stdout, "The following packages have unmet dependencies")
    return unmet[0] if unmet else None


def install(state: AptState, names: Sequence[str]) -> list[Path]:
    """Download *names* and whatever they need that the status file lacks.

    Return the downloaded files.  apt resolves the dependencies, verifies
    every file against the signed index and leaves the files in
    ``state.archives``; nothing is installed.
    """
    proc = _apt(state, "apt-get", [*INSTALL_FLAGS, "install", *names])
    if proc.returncode != 0:
        line = error_line(proc.stderr)
        for pattern in _NOT_FOUND:
            found = pattern.match(line)
            if found is not None:
                name = found.group("name")
                where = f"{state.release}/{state.arch}"
                raise UsageError(f"{where} has no package {name} (at {state.mirror})")
        reason = _why_not(proc.stdout) or line
        raise SysrootError(f"apt-get cannot add {' '.join(names)}: {reason}")
    return sorted(state.archives.glob("*.deb"))


def download(state: AptState, names: Sequence[str]) -> list[Path]:
    """Download exactly *names* (no dependencies) into ``state.debs``."""
    state.debs.mkdir(parents=True, exist_ok=True)
    call(state, "apt-get", ["-q", "download", *names], cwd=state.debs)
    return sorted(state.debs.glob("*.deb"))


def control(deb: Path) -> Stanza:
    """Return the control fields of the package file *deb*."""
    proc = run(["dpkg-deb", "--field", str(deb)])
    stanzas = parse_stanzas(proc.stdout) if proc.returncode == 0 else []
    if not stanzas or "Package" not in stanzas[0]:
        raise SysrootError(f"dpkg-deb cannot read {deb.name}: {error_line(proc.stderr)}")
    return stanzas[0]


def extract(debs: Iterable[Path], root: Path) -> None:
    """Unpack each ``.deb`` into *root* with ``dpkg -x``."""
    for deb in debs:
        proc = run(["dpkg", "-x", str(deb), str(root)])
        if proc.returncode != 0:
            raise SysrootError(f"dpkg -x {deb.name} failed: {error_line(proc.stderr)}")


def tools_missing() -> bool:
    """Tell whether a program this module runs is not on ``PATH``."""
    return any(shutil.which(tool) is None for tool in ("apt-get", "apt-cache", "dpkg", "dpkg-deb"))


# --------------------------------------------------------------------------
# Resolving against what a sysroot holds
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Exclusions:
    """Packages never to be unpacked: these *names*, and names with these *prefixes*."""

    names: Collection[str]
    prefixes: tuple[str, ...] = ()

    def matches(self, package: str) -> bool:
        return package in self.names or package.startswith(self.prefixes)

    def queries(self) -> list[str]:
        """The exclusions as ``apt-cache show`` arguments (a prefix as a regex)."""
        regexes = ["^" + re.sub(r"([.+])", r"\\\1", prefix) for prefix in self.prefixes]
        return [*sorted(self.names), *regexes]

    def pins(self) -> list[str]:
        """The exclusions as preferences patterns (a prefix as a glob)."""
        return [*sorted(self.names), *(f"{prefix}*" for prefix in self.prefixes)]


def resolve(
    state: AptState,
    record: Sequence[Stanza],
    wanted: Sequence[str],
    excluded: Exclusions,
    unrecorded: Sequence[str] = (),
) -> tuple[list[Stanza], list[Path]]:
    """Have apt download *wanted* and what it needs beyond *record*.

    *record* lists the packages a sysroot holds; *unrecorded* names
    packages it holds whose versions were not recorded (sysroots made by
    older versions), taken to be the index's.  Excluded packages become
    stand-ins, pinned out.  Return the full record apt resolved against
    and the downloaded files.
    """
    found = show(state, [*excluded.queries(), *unrecorded])
    stand_ins = [stand_in(s) for s in found if excluded.matches(s["Package"])]
    known = {stanza["Package"] for stanza in record}
    assumed = [
        status_stanza(s)
        for s in found
        if s["Package"] in unrecorded
        and s["Package"] not in known
        and not excluded.matches(s["Package"])
    ]
    base = [*record, *assumed]
    write_status(state.status, [*base, *stand_ins])
    state.preferences.write_text(pin_out(excluded.pins()), encoding="utf-8")
    return base, install(state, wanted)


def unpack(debs: Sequence[Path], root: Path, excluded: Exclusions) -> list[Stanza]:
    """Unpack *debs* (excluded packages skipped) into *root*; return their records."""
    records: list[Stanza] = []
    for deb in debs:
        fields = control(deb)
        if not excluded.matches(fields["Package"]):
            extract([deb], root)
            records.append(status_stanza(fields))
    return records


def merged(old: Iterable[Stanza], new: Iterable[Stanza]) -> list[Stanza]:
    """The record *old* with *new* added; a package in both gets its *new* record."""
    by_name = {stanza["Package"]: stanza for stanza in old}
    by_name.update((stanza["Package"], stanza) for stanza in new)
    return [by_name[name] for name in sorted(by_name)]
