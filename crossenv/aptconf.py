"""The configuration of a private apt: one directory per sysroot, no root needed.

An :class:`AptState` names the directory that holds a sources list for one
Debian release and architecture, the index lists, a status file, the
preferences and the download cache.  apt runs with options that point all
of its state there (:meth:`AptState.options`) and with a configuration file
that includes the machine's own (proxies live there) without the hooks that
would act on the machine (:func:`machine_config`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from collections.abc import Mapping

    from crossenv.apt import Runner

__all__ = ["APT_ETC", "HOOKS", "KEYRING", "AptState", "machine_config"]

KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")
APT_ETC = Path("/etc/apt")

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


@dataclass(frozen=True)
class AptState:
    """A private apt configuration rooted at *root*."""

    root: Path
    arch: str
    release: str
    mirror: str
    #: What runs apt and dpkg; ``None`` is :func:`crossenv.apt.run`.
    runner: Optional[Runner] = field(default=None, compare=False, repr=False)

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
