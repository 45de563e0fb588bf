"""Create a crossenv environment: a pipeline of small steps over one context."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path
from typing import Callable, List, Mapping, Optional, Tuple, Union

from . import (
    __version__,
    crossfiles,
    folders,
    host,
    journal,
    launchers,
    layout,
    runtime,
    seed,
    target,
    toolchain,
)
from .context import Context, rewrite_paths
from .errors import CreationError, EnvDirError, Interrupted, VersionMismatchError, from_os_error
from .layout import Settings
from .options import EnvAssignment

#: The record of how the environment was made; it also marks a directory as ours.
RECORD_FILE = "crossenv.cfg"
#: What crossenv writes at the top of an environment; anything else there is
#: the user's and is kept when the environment is replaced.
OWN_ENTRIES = frozenset({"bin", "build", "cross", RECORD_FILE})

Log = Callable[[str], None]


def _env_path(env_dir: Union[str, Path]) -> Path:
    """The environment's path; a symbolic link to a folder stands for that folder.

    A link that leads nowhere is refused: replacing it with a folder would
    create the environment somewhere the user did not ask for.
    """
    path = Path(os.path.abspath(env_dir))
    try:
        if not path.is_symlink():
            return path
        target = Path(os.path.realpath(path))
        linked = target.is_dir()
    except OSError as exc:  # e.g. a name too long for the file system
        raise from_os_error(exc, f"cannot use {path}", EnvDirError) from None
    if not linked:
        raise EnvDirError(f"{path} is a symbolic link to {target}, which is not a folder")
    return target


def is_crossenv(path: Path) -> bool:
    """Tell whether ``path`` is an environment this tool made."""
    return (path / RECORD_FILE).is_file() and (path / "cross" / "pyvenv.cfg").is_file()


def is_glibc_host(config: Mapping[str, object]) -> bool:
    """Only GNU/Linux Hosts take manylinux wheels."""
    return str(config.get("MULTIARCH", "")).endswith(("-gnu", "-gnueabihf", "-gnueabi"))


@dataclasses.dataclass
class CrossEnvBuilder:
    """Create environments for one Host-python, as :class:`venv.EnvBuilder` does.

    ``CrossEnvBuilder(host_python=...).create(env_dir)`` finds the Host's
    files, describes the Host, picks its compilers and builds the two layers
    and the launchers.  The command line only parses its options into these
    fields.
    """

    #: The Host's Python interpreter (only its files are read).
    host_python: Path
    #: The Host's root file system (default: inferred from ``host_python``).
    host_sysroot: Optional[Path] = None
    #: Read this ``_sysconfigdata_*.py`` instead of searching for it.
    host_sysconfigdata_file: Optional[Path] = None
    #: C compiler, C++ compiler and archiver for the Host (default: from
    #: the Host's sysconfigdata, found on ``PATH``).
    host_cc: Optional[str] = None
    host_cxx: Optional[str] = None
    host_ar: Optional[str] = None
    #: Prefix of the cross tools, e.g. ``aarch64-linux-gnu-``.
    toolchain_prefix: Optional[str] = None
    #: Record compilers by name rather than by absolute path.
    host_relativize: bool = False
    #: Host sysconfig variables to override: ``(name, value)``.
    host_config_vars: Tuple[Tuple[str, str], ...] = ()
    #: ``--env`` assignments applied whenever Cross-python runs.
    extra_env_vars: Tuple[EnvAssignment, ...] = ()
    #: ``os.uname().machine`` of the Host (default: from its GNU triple).
    host_machine: Optional[str] = None
    #: ``sysconfig.get_platform()`` of the Host, e.g. ``linux-armv7l``.
    platform: Optional[str] = None
    #: Platform tags of wheels to accept; the first also tags built wheels.
    manylinux_tags: Tuple[str, ...] = ()
    #: Interpreter of installed scripts (default: the Host's own).
    shebang: Optional[str] = None
    #: Fail builds that fell back to pure Python or name Build folders.
    strict: bool = False
    #: Give the Build layer access to Build-python's system site-packages.
    system_site_packages: bool = False
    #: Install pip into the Build layer.
    with_build_pip: bool = True
    #: Let Cross-python run pip.
    with_cross_pip: bool = True
    #: What activation shows before the prompt, in parentheses (default: the
    #: environment folder's name).
    prompt: Optional[str] = None
    #: Which layers to remove first: any of ``"build"``, ``"cross"``; True for both.
    clear: Union[bool, Tuple[str, ...]] = ()
    #: Log the Host's main variables too.
    verbose: bool = False
    #: Progress messages go here.
    log: Log = lambda message: None
    #: Warnings go here (even when progress is not shown).
    warn: Log = lambda message: print(f"crossenv: warning: {message}", file=sys.stderr)

    @property
    def cleared(self) -> Tuple[str, ...]:
        """The layers to remove first."""
        if isinstance(self.clear, bool):
            return ("build", "cross") if self.clear else ()
        return self.clear

    def describe(self, env_dir: Path) -> Context:
        """Find and describe the Host and its compilers for ``env_dir``."""
        found = host.discover(
            Path(self.host_python),
            sysconfigdata_file=self.host_sysconfigdata_file,
            sysroot=self.host_sysroot,
        )
        build_version = f"{sys.version_info[0]}.{sys.version_info[1]}"
        if found.version != build_version:
            raise VersionMismatchError(
                f"Host-python is {found.version} but Build-python ({sys.executable}) is "
                f"{build_version}; run crossenv with a Python {found.version}"
            )
        config = dict(found.config)
        config.update(dict(self.host_config_vars))
        chosen = toolchain.choose(
            config,
            cc=self.host_cc,
            cxx=self.host_cxx,
            ar=self.host_ar,
            cross_prefix=self.toolchain_prefix,
            relative=self.host_relativize,
            warn=self.warn,
        )
        described = target.describe(
            config,
            machine=self.host_machine,
            platform=self.platform,
            manylinux=self.manylinux_tags,
            glibc=host.glibc_version(found.sysroot) if is_glibc_host(config) else None,
            kernel_release=host.kernel_release(found.sysroot),
        )
        settings = Settings(
            shebang=self.shebang or "",
            strict=self.strict,
            config_vars=self.host_config_vars,
            environ=self.extra_env_vars,
            without_cross_pip=not self.with_cross_pip,
        )
        self.log(f"Host: {described.platform} ({chosen.target}), Host-python {found.executable}")
        if found.sysroot is not None:
            self.log(f"sysroot: {found.sysroot}")
        self.log(f"compilers: {chosen.cc} / {chosen.cxx}")
        guarded = layout.guarded_toolchain(env_dir, chosen)
        recorded = layout.host_vars(found, guarded, settings)
        host.check_headers(recorded, found.sysroot)
        if self.verbose:
            self.log(f"sysconfigdata: {found.sysconfigdata_file}")
            if found.build_details is not None:
                self.log(f"build-details (agrees): {found.build_details}")
            for name in ("CC", "CXX", "LDSHARED", "CFLAGS", "INCLUDEPY", "EXT_SUFFIX"):
                self.log(f"  {name} = {recorded.get(name, '')}")
            self.log(f"  accepted wheel platforms: {', '.join(described.platform_tags)}")
        return Context(env_dir, found, described, chosen, settings, recorded)

    def create(self, env_dir: Union[str, Path]) -> None:
        """Create (or refresh the cleared layers of) the environment at ``env_dir``.

        Everything is built in a hidden sibling directory and renamed into
        place at the end; on any failure or Ctrl-C that directory is removed
        and an environment being replaced is left exactly as it was.
        """
        context = self.describe(_env_path(env_dir))
        final = context.env_dir
        try:
            journal.recover(final, self.log)
            existed = final.exists()
            if existed and not is_crossenv(final):
                if final.is_dir() and not any(final.iterdir()):
                    existed = False
                else:
                    raise EnvDirError(f"{final} exists and is not a crossenv environment")
        except OSError as exc:  # e.g. a name too long for the file system
            raise from_os_error(exc, f"cannot use {final}", EnvDirError) from None
        if existed and not self.cleared:
            raise EnvDirError(
                f"{final} already exists; use --clear to replace it "
                "(or --clear-cross / --clear-build for one layer)"
            )
        made_parents: List[Path] = []
        try:
            made_parents = folders.make_parents(final.parent)
            work = Path(tempfile.mkdtemp(prefix=f".{final.name}.new-", dir=final.parent))
        except OSError as exc:
            folders.remove_empty(made_parents)
            raise from_os_error(exc, f"cannot write to {final.parent}", EnvDirError) from None
        context.root = work / "env"
        borrowed: List[str] = []
        built = swapped = False
        try:
            with journal.held(work):
                self._build(context, final if existed else None, borrowed)
                rewrite_paths(context.root, str(context.root), str(final))
                built = True
                self._swap(context.root, final, existed)
                swapped = True
        except BaseException as exc:
            # Built, and the staging folder gone: it was renamed into place.
            swapped = swapped or (built and not os.path.lexists(context.root))
            if swapped:  # the new environment is in place: only the old copy is left
                self._remove_old(work)
                if isinstance(exc, KeyboardInterrupt):
                    return  # done all the same: Ctrl-C came too late to undo it
                raise
            for name in borrowed:  # give kept layers and the user's files back
                os.rename(context.root / name, final / name)
            shutil.rmtree(work, ignore_errors=True)
            folders.remove_empty(made_parents)
            if isinstance(exc, KeyboardInterrupt):
                raise Interrupted("interrupted; nothing was changed") from None
            if isinstance(exc, OSError):
                raise from_os_error(exc, f"cannot create {final}") from None
            raise
        self._remove_old(work)

    @staticmethod
    def _remove_old(work: Path) -> None:
        """Remove the replaced environment's copy; Ctrl-C cannot stop it halfway now."""
        with folders.interrupts_held(deliver=False):
            shutil.rmtree(work, ignore_errors=True)

    @staticmethod
    def _swap(new: Path, final: Path, existed: bool) -> None:
        if not existed and final.exists():  # an empty directory that was there
            final.rmdir()
        folders.replace_tree(new, final, new.parent / "old")

    def _build(self, context: Context, old: Optional[Path], borrowed: List[str]) -> None:
        root = context.staged(context.env_dir)
        root.mkdir()

        def borrow(name: str) -> None:
            # Journaled first: a kill after the move can be undone by the next run.
            journal.record(root.parent, name)
            os.rename(old / name, root / name)  # type: ignore[operator]
            borrowed.append(name)

        if old is not None:  # the user's own files in the environment stay
            for entry in sorted(old.iterdir()):
                if entry.name not in OWN_ENTRIES:
                    borrow(entry.name)
        for layer, step in (("build", self.setup_build), ("cross", self.setup_cross)):
            if old is not None and layer not in self.cleared:
                borrow(layer)  # keep this layer of the environment being replaced
            else:
                step(context)
        self.setup_runtime(context)
        self.setup_scripts(context)
        self.post_setup(context)

    def _venv(self, path: Path, *, with_pip: bool, system_site: bool) -> None:
        try:
            builder = venv.EnvBuilder(
                with_pip=False, symlinks=True, system_site_packages=system_site
            )
            builder.create(str(path))
            (path / layout.PIP_CONF).write_text(layout.PIP_CONF_TEXT, encoding="utf-8")
        except OSError as exc:
            raise from_os_error(exc, f"cannot create virtual environment {path}") from None
        except subprocess.CalledProcessError as exc:
            raise CreationError(f"cannot create virtual environment {path}: {exc}") from None
        if with_pip:
            seed.install(path)

    def setup_build(self, context: Context) -> None:
        """Create ``build/``: a plain venv of Build-python for build tools."""
        self.log(f"creating Build-python layer {context.build_dir}")
        self._venv(
            context.staged(context.build_dir),
            with_pip=self.with_build_pip,
            system_site=self.system_site_packages,
        )

    def setup_cross(self, context: Context) -> None:
        """Create ``cross/``: a venv that the runtime turns into Cross-python.

        Cross-python shares the Build layer's pip (found through the Build-side
        finder) instead of getting a copy of its own.
        """
        self.log(f"creating Cross-python layer {context.cross_dir}")
        own_pip = self.with_cross_pip and not self.with_build_pip
        self._venv(context.staged(context.cross_dir), with_pip=own_pip, system_site=False)

    def setup_runtime(self, context: Context) -> None:
        """Install the start-up patches, their record and the files cross builds use."""
        runtime.install(context, self.log, self.verbose)

    def setup_scripts(self, context: Context) -> None:
        """Write ``bin/`` with ``activate`` and the launchers."""
        host = context.host
        cross_run = {
            "qemu": crossfiles.qemu_name(context.target),
            "qemu_cpu": crossfiles.qemu_cpu(context.target),
            "sysroot": str(host.sysroot or ""),
            "host_python": str(host.executable),
            "site": str(layout.site_packages(context.cross_dir, context.version)),
        }
        context.write(
            launchers.files(
                context.env_dir, context.version, cross_run, self._layers(context), self.prompt
            )
        )

    def _layers(self, context: Context) -> launchers.Layers:
        """What the layers hold: their pips and the programs in their ``bin``."""

        def programs(layer: Path) -> Tuple[str, ...]:
            folder = context.staged(layer / "bin")
            return tuple(
                sorted(
                    path.name
                    for path in folder.iterdir()
                    if path.is_file() and os.access(path, os.X_OK)
                )
            )

        def has_pip(layer: Path) -> bool:
            return (context.staged(layout.site_packages(layer, context.version)) / "pip").is_dir()

        build_pip = has_pip(context.build_dir)
        shared = build_pip and not context.settings.without_cross_pip
        return launchers.Layers(
            cross_pip=has_pip(context.cross_dir) or shared,
            build_pip=build_pip,
            cross_bin=programs(context.cross_dir),
            build_bin=programs(context.build_dir),
        )

    def post_setup(self, context: Context) -> None:
        """Record how the environment was made; this marks it as ours."""
        record = {
            "crossenv": __version__,
            "build_python": sys.executable,
            "version": context.version,
            **layout.describe_host(context.host, context.toolchain),
        }
        text = json.dumps(record, indent=1, ensure_ascii=False) + "\n"
        context.write({context.env_dir / RECORD_FILE: (text, False)})


def clear_layers(clear: bool, clear_cross: bool, clear_build: bool) -> tuple[str, ...]:
    """Which layers the ``--clear*`` options remove."""
    layers: List[str] = []
    if clear or clear_build:
        layers.append("build")
    if clear or clear_cross:
        layers.append("cross")
    return tuple(layers)
