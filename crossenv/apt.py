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

The status file is what makes apt download only what is missing (see
:mod:`crossenv.stanzas`).  Every command runs through a :class:`Runner`,
:func:`run` unless an :class:`AptState` names another, so tests can answer
for apt and dpkg.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from crossenv import process
from crossenv.aptconf import APT_ETC, KEYRING, AptState, machine_config
from crossenv.errors import CrossenvError, SysrootError, UsageError
from crossenv.stanzas import (
    format_stanzas,
    merged,
    parse_stanzas,
    pin_out,
    read_status,
    stand_in,
    status_stanza,
    write_status,
)

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping, Sequence

    from crossenv.stanzas import Stanza

__all__ = [
    "APT_ETC",
    "KEYRING",
    "AptState",
    "Exclusions",
    "Runner",
    "control",
    "download",
    "error_line",
    "extract",
    "format_stanzas",
    "install",
    "machine_config",
    "merged",
    "parse_stanzas",
    "pin_out",
    "read_status",
    "resolve",
    "run",
    "runner_or_run",
    "show",
    "stand_in",
    "status_stanza",
    "unpack",
    "update",
    "write_status",
]


class Runner(Protocol):
    """Runs a command in a folder and an environment, and returns it finished.

    :func:`run` runs it for real; tests give an :class:`AptState` their own.
    """

    def __call__(
        self, cmd: Sequence[str], cwd: Path | None = None, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]: ...


FETCH_FAILED = "W: Failed to fetch"

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


MISSING_TOOLS = "crossenv-sysroot needs apt-get and dpkg (Debian/Ubuntu)"


def run(
    cmd: Sequence[str], cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run *cmd* with C-locale messages (so they can be recognised), capturing them."""
    env = dict(os.environ if env is None else env)
    env.update(LC_ALL="C.UTF-8", DEBIAN_FRONTEND="noninteractive")
    try:
        return process.capture(cmd, cwd=cwd, env=env)
    except CrossenvError:  # apt-get or dpkg cannot be started
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


def runner_or_run(runner: Runner | None) -> Runner:
    """*runner*, or :func:`run` (looked up now, so that a test may replace it)."""
    return run if runner is None else runner


def _apt(
    state: AptState, tool: str, args: Sequence[str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    command = [tool, *state.options(), *args]
    return runner_or_run(state.runner)(command, cwd=cwd, env=state.environ())


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


def control(deb: Path, runner: Runner | None = None) -> Stanza:
    """Return the control fields of the package file *deb*."""
    proc = runner_or_run(runner)(["dpkg-deb", "--field", str(deb)])
    stanzas = parse_stanzas(proc.stdout) if proc.returncode == 0 else []
    if not stanzas or "Package" not in stanzas[0]:
        raise SysrootError(f"dpkg-deb cannot read {deb.name}: {error_line(proc.stderr)}")
    return stanzas[0]


def extract(debs: Iterable[Path], root: Path, runner: Runner | None = None) -> None:
    """Unpack each ``.deb`` into *root* with ``dpkg -x``."""
    for deb in debs:
        proc = runner_or_run(runner)(["dpkg", "-x", str(deb), str(root)])
        if proc.returncode != 0:
            raise SysrootError(f"dpkg -x {deb.name} failed: {error_line(proc.stderr)}")


def tools_missing() -> bool:
    """Tell whether a program this module runs is not on ``PATH``."""
    return any(shutil.which(tool) is None for tool in ("apt-get", "apt-cache", "dpkg", "dpkg-deb"))


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


def unpack(
    debs: Sequence[Path], root: Path, excluded: Exclusions, runner: Runner | None = None
) -> list[Stanza]:
    """Unpack *debs* (excluded packages skipped) into *root*; return their records."""
    records: list[Stanza] = []
    for deb in debs:
        fields = control(deb, runner)
        if not excluded.matches(fields["Package"]):
            extract([deb], root, runner)
            records.append(status_stanza(fields))
    return records
