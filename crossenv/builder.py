"""Create a crossenv environment: a pipeline of small steps over one context."""

from __future__ import annotations

import dataclasses
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path
from typing import Any, Callable, List, Mapping, Optional, Tuple, Union

from . import (
    __version__,
    crossfiles,
    envdir,
    folders,
    host,
    journal,
    launchers,
    layout,
    runtime,
    seed,
    target,
    toolchain,
    zig,
)
from .context import Context, rewrite_paths
from .errors import (
    CreationError,
    EnvDirError,
    Interrupted,
    UsageError,
    VersionMismatchError,
    from_os_error,
)
from .layout import Settings
from .options import EnvAssignment
from .target import HostDescription
from .toolchain import Toolchain

Log = Callable[[str], None]


def is_glibc_host(config: Mapping[str, object]) -> bool:
    """Only GNU/Linux Hosts take manylinux wheels."""
    return str(config.get("MULTIARCH", "")).endswith(("-gnu", "-gnueabihf", "-gnueabi"))


def is_musl_host(config: Mapping[str, object]) -> bool:
    """musl Linux Hosts take musllinux wheels (PEP 656)."""
    return str(config.get("MULTIARCH", "")).endswith("-musl")


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
    #: Launcher(s) every compile for the Host runs through, in shell words
    #: (``ccache``, ``sccache``, ``distcc``, ...): put in front of the compilers.
    compiler_launcher: Optional[str] = None
    #: Where the Cross-python layer goes instead of ``ENV_DIR/cross`` (a
    #: new or empty folder, or one crossenv made; ``ENV_DIR/cross`` links there).
    cross_prefix: Union[str, Path, None] = None
    #: Prefix of the cross tools, e.g. ``aarch64-linux-gnu-``.
    toolchain_prefix: Optional[str] = None
    #: ``"gcc"``: the Host's cross compilers on this machine; ``"zig"``: zig
    #: from PyPI, for the Host's (or ``manylinux_tags``') glibc.
    toolchain: str = "gcc"
    #: Record compilers by name rather than by absolute path.
    host_relativize: bool = False
    #: Host sysconfig variables to override: ``(name, value)``.
    host_config_vars: Tuple[Tuple[str, str], ...] = ()
    #: ``--env`` assignments applied whenever Cross-python runs.
    extra_env_vars: Tuple[EnvAssignment, ...] = ()
    #: ``os.uname().machine`` of the Host (default: from its GNU triple).
    host_machine: Optional[str] = None
    #: ``sysconfig.get_platform()`` of the Host, e.g. ``linux-armv7l``.
    sysconfig_platform: Optional[str] = None
    #: manylinux tags of wheels to accept; the first also tags built wheels.
    manylinux_tags: Tuple[str, ...] = ()
    #: Platform tags of wheels to accept instead of those the Host's glibc runs.
    platform_tags: Tuple[str, ...] = ()
    #: Interpreter of installed scripts (default: the Host's own).
    shebang: Optional[str] = None
    #: Fail builds that fell back to pure Python or name Build folders.
    strict: bool = False
    #: Pass each wheel pip builds through ``cross-repair`` (auditwheel).
    repair: bool = False
    #: Give the Build layer access to Build-python's system site-packages.
    system_site_packages: bool = False
    #: crossenv 1.x's name for ``system_site_packages``.
    build_system_site_packages: bool = False
    #: Install pip into the Build layer.
    with_build_pip: bool = True
    #: Let Cross-python run pip.
    with_cross_pip: bool = True
    #: What activation shows before the prompt, in parentheses (default: the
    #: environment folder's name).
    prompt: Optional[str] = None
    #: Which layers to replace: crossenv 1.x's ``"default"`` (or True: the
    #: Build layer, and the Cross layer unless it is at ``cross_prefix``),
    #: ``"cross"``, ``"build"``, ``"both"``, or a tuple of layer names.
    clear: Union[bool, str, Tuple[str, ...], None] = ()
    #: Log the Host's main variables too.
    verbose: bool = False
    #: Progress messages go here.
    log: Log = lambda message: None
    #: Warnings go here (even when progress is not shown).
    warn: Log = lambda message: print(f"crossenv: warning: {message}", file=sys.stderr)

    def __post_init__(self) -> None:
        # crossenv 1.x's spellings of the keywords' values.
        self.system_site_packages = self.system_site_packages or self.build_system_site_packages
        given: Any = self.extra_env_vars  # (name, op, value) tuples in 1.x
        self.extra_env_vars = tuple(
            item if isinstance(item, EnvAssignment) else EnvAssignment(*item) for item in given
        )
        items: Any = self.host_config_vars  # a dict in 1.x
        pairs = items.items() if isinstance(items, Mapping) else items
        self.host_config_vars = tuple((str(name), str(value)) for name, value in pairs)
        if isinstance(self.manylinux_tags, str) or isinstance(self.platform_tags, str):
            raise UsageError("manylinux_tags and platform_tags take a list of tags, not a string")

    @property
    def cleared(self) -> Tuple[str, ...]:
        """The layers to replace."""
        clear = self.clear
        if clear is True or clear == "default":
            return ("build",) if self.cross_prefix else ("build", "cross")
        if isinstance(clear, str):
            names = {"both": ("build", "cross"), "build": ("build",), "cross": ("cross",)}
            if clear not in names:
                raise UsageError(f"clear={clear!r}: expected 'default', 'cross', 'build' or 'both'")
            return names[clear]
        return tuple(clear) if clear else ()

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
        described = target.describe(
            config,
            machine=self.host_machine,
            platform=self.sysconfig_platform,
            manylinux=tuple(self.manylinux_tags),
            platform_tags=tuple(self.platform_tags),
            glibc=host.glibc_version(found.sysroot) if is_glibc_host(config) else None,
            musl=host.musl_version(found.sysroot) if is_musl_host(config) else None,
            kernel_release=host.kernel_release(found.sysroot),
        )
        if described.elf_machine is not None:
            host.check_binary(
                found, described.elf_machine, described.pointer_bits, described.big_endian
            )
        for warning in host.odd_places(env_dir, found, described.triple):
            self.warn(warning)
        if self.toolchain not in ("gcc", "zig"):
            raise UsageError(f"--toolchain {self.toolchain}: expected gcc or zig")
        if self.toolchain == "zig":
            chosen = self._zig(env_dir, described)
        else:
            chosen = toolchain.choose(
                config,
                cc=self.host_cc,
                cxx=self.host_cxx,
                ar=self.host_ar,
                prefix=self.toolchain_prefix,
                relative=self.host_relativize,
                warn=self.warn,
            )
        if self.compiler_launcher:
            launch = shlex.split(self.compiler_launcher)
            chosen = toolchain.with_launcher(chosen, launch, self.host_relativize)
        settings = Settings(
            shebang=self.shebang or "",
            strict=self.strict,
            repair=self.repair,
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

    def _zig(self, env_dir: Path, described: HostDescription) -> Toolchain:
        """zig's compilers, checked once zig is installed (:meth:`setup_zig`)."""
        named = bool(self.host_cc or self.host_cxx or self.toolchain_prefix)
        return zig.choose(env_dir, described, with_pip=self.with_build_pip, named=named)

    def setup_zig(self, context: Context) -> None:
        """Install zig into the Build layer and write its compilers' scripts there."""
        zig.setup(context, self.log)

    def create(self, env_dir: Union[str, Path]) -> None:
        """Create (or update, or replace the cleared layers of) the environment at ``env_dir``.

        Everything is built in a hidden sibling directory and moved into
        place at the end: a new ``env_dir`` by one rename; in an existing
        folder only crossenv's own entries (:data:`crossenv.envdir.SWAP_ORDER`) are swapped,
        and the user's files stay where they are.  On any failure or Ctrl-C
        the sibling is removed and an environment being replaced is left
        exactly as it was.
        """
        context = self.describe(envdir.env_path(env_dir))
        final = context.env_dir
        cross = envdir.cross_prefix(final, self.cross_prefix)
        try:
            journal.recover(final, self.log)
            if cross is not None:
                journal.recover(cross, self.log)
            existed = final.exists()
            if existed:
                envdir.check_existing(final, self.cleared)
            new_cross = cross is not None and envdir.check_cross_prefix(cross, self.cleared)
        except OSError as exc:  # e.g. a name too long for the file system
            raise from_os_error(exc, f"cannot use {final}", EnvDirError) from None
        made_parents: List[Path] = []
        try:
            made_parents = folders.make_parents(final.parent)
            work = Path(tempfile.mkdtemp(prefix=f".{final.name}.new-", dir=final.parent))
            if new_cross:
                made_parents += folders.make_parents(cross.parent)  # type: ignore[union-attr]
                context.cross_root = envdir.cross_work(cross) / "env"  # type: ignore[arg-type]
        except OSError as exc:
            folders.remove_empty(made_parents)
            raise from_os_error(exc, f"cannot write to {final.parent}", EnvDirError) from None
        context.root = work / "env"
        borrowed: List[str] = []
        built = swapped = False
        try:
            with journal.held(work):
                ours = final if existed and envdir.is_crossenv(final) else None
                self._build(context, ours, borrowed, cross)
                rewrite_paths(context.root, str(context.root), str(final))
                if context.cross_root is not None:
                    rewrite_paths(
                        context.cross_root,
                        str(context.cross_root),
                        str(context.cross_dir),
                        envdir.LAYER,
                    )
                built = True
                with folders.interrupts_held():  # a Ctrl-C now comes when it is done
                    envdir.swap(context, work, existed)
                    swapped = True
        except BaseException as exc:
            # Built, and the staging folder gone: it was moved into place.
            swapped = swapped or (built and not os.path.lexists(context.root))
            if swapped:  # the new environment is in place: only the old copy is left
                envdir.remove_old(work, context.cross_root)
                if isinstance(exc, KeyboardInterrupt):
                    return  # done all the same: Ctrl-C came too late to undo it
                raise
            for name in borrowed:  # give kept layers back
                os.rename(context.root / name, final / name)
            shutil.rmtree(work, ignore_errors=True)
            if context.cross_root is not None:
                shutil.rmtree(context.cross_root.parent, ignore_errors=True)
            folders.remove_empty(made_parents)
            if isinstance(exc, KeyboardInterrupt):
                raise Interrupted("interrupted; nothing was changed") from None
            if isinstance(exc, OSError):
                raise from_os_error(exc, f"cannot create {final}") from None
            raise
        envdir.remove_old(work, context.cross_root)

    def _build(
        self, context: Context, old: Optional[Path], borrowed: List[str], cross: Optional[Path]
    ) -> None:
        root = context.staged(context.env_dir)
        root.mkdir()

        def borrow(name: str) -> None:
            # Journaled first: a kill after the move can be undone by the next run.
            journal.record(root.parent, name)
            os.rename(old / name, root / name)  # type: ignore[operator]
            borrowed.append(name)

        for layer, step in (("build", self.setup_build), ("cross", self.setup_cross)):
            if layer == "cross" and cross is not None:
                os.symlink(cross, root / "cross")  # the layer lives at --cross-prefix
                if context.cross_root is not None:
                    step(context)
            elif old is not None and layer not in self.cleared and os.path.lexists(old / layer):
                borrow(layer)  # keep this layer of the environment being replaced
            else:
                step(context)
        if self.toolchain == "zig":
            self.setup_zig(context)
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
            seed.install(path, self.warn)

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
        context.write({context.env_dir / envdir.RECORD_FILE: (text, False)})
