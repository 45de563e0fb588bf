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
from typing import Any, Callable, Dict, List, Optional

from . import __version__, crossfiles, launchers, layout, rust
from ._runtime import config as runtime_config
from .errors import CreationError, EnvDirError, Interrupted
from .host import HostPython
from .layout import Settings
from .target import Target
from .toolchain import Toolchain

#: The file that marks a directory as a crossenv environment.
MARKER = "crossenv.cfg"
RUNTIME_PACKAGE = "_crossenv"

Log = Callable[[str], None]


@dataclasses.dataclass
class Context:
    """Everything the steps share."""

    env_dir: Path
    host: HostPython
    target: Target
    toolchain: Toolchain
    settings: Settings
    version: str = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.version = self.host.version

    @property
    def build_dir(self) -> Path:
        return self.env_dir / "build"

    @property
    def cross_dir(self) -> Path:
        return self.env_dir / "cross"


def is_crossenv(path: Path) -> bool:
    """Tell whether ``path`` is an environment this tool made."""
    return (path / MARKER).is_file() and (path / "cross" / "pyvenv.cfg").is_file()


@dataclasses.dataclass
class CrossEnvBuilder:
    """Build the two layers of an environment and its launchers."""

    #: Give the Build layer access to Build-python's system site-packages.
    system_site_packages: bool = False
    #: Install pip into the Build layer.
    with_pip: bool = True
    #: Let Cross-python run pip.
    with_cross_pip: bool = True
    #: Which layers to remove first: any of ``"build"``, ``"cross"``.
    clear: tuple[str, ...] = ()
    #: Progress messages go here.
    log: Log = lambda message: None

    def create(self, context: Context) -> None:
        """Create (or refresh the cleared layers of) the environment."""
        env_dir = context.env_dir
        existed = env_dir.exists()
        if existed and not is_crossenv(env_dir):
            if env_dir.is_dir() and not any(env_dir.iterdir()):
                existed = False
            else:
                raise EnvDirError(f"{env_dir} exists and is not a crossenv environment")
        if existed and not self.clear:
            raise EnvDirError(
                f"{env_dir} already exists; use --clear to replace it "
                "(or --clear-cross / --clear-build for one layer)"
            )
        backup = self._set_aside(env_dir) if existed else None
        try:
            self._build(context, keep=backup)
        except BaseException as exc:
            self._undo(env_dir, backup)
            if isinstance(exc, KeyboardInterrupt):
                raise Interrupted("interrupted; nothing was changed") from None
            raise
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)

    def _set_aside(self, env_dir: Path) -> Path:
        backup = Path(tempfile.mkdtemp(prefix=f".{env_dir.name}.old-", dir=env_dir.parent))
        os.rename(env_dir, backup / "env")
        return backup

    @staticmethod
    def _undo(env_dir: Path, backup: Optional[Path]) -> None:
        if env_dir.exists():
            shutil.rmtree(env_dir, ignore_errors=True)
        if backup is not None:
            os.rename(backup / "env", env_dir)
            shutil.rmtree(backup, ignore_errors=True)

    def _build(self, context: Context, keep: Optional[Path]) -> None:
        context.env_dir.mkdir(parents=True, exist_ok=True)
        old = keep / "env" if keep is not None else None
        for layer, step in (("build", self.setup_build), ("cross", self.setup_cross)):
            if old is not None and layer not in self.clear:
                # Keep this layer: move it back from the set-aside copy.
                os.rename(old / layer, context.env_dir / layer)
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
        except (OSError, subprocess.CalledProcessError) as exc:
            raise CreationError(f"cannot create virtual environment {path}: {exc}") from None
        if with_pip:
            self._ensurepip(path)

    def _ensurepip(self, path: Path) -> None:
        python = path / "bin" / "python"
        done = subprocess.run(
            [str(python), "-Im", "ensurepip", "--upgrade", "--default-pip"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise CreationError(f"installing pip into {path} failed: {last}")

    def setup_build(self, context: Context) -> None:
        """Create ``build/``: a plain venv of Build-python for build tools."""
        self.log(f"creating Build-python layer {context.build_dir}")
        self._venv(context.build_dir, with_pip=self.with_pip, system_site=self.system_site_packages)

    def setup_cross(self, context: Context) -> None:
        """Create ``cross/``: a venv that the runtime turns into Cross-python.

        Cross-python shares the Build layer's pip (found through the Build-side
        finder) instead of running ensurepip a second time.
        """
        self.log(f"creating Cross-python layer {context.cross_dir}")
        own_pip = self.with_cross_pip and not self.with_pip
        self._venv(context.cross_dir, with_pip=own_pip, system_site=False)

    def setup_runtime(self, context: Context) -> None:
        """Install the start-up patches and their configuration into ``cross/``."""
        site = layout.site_packages(context.cross_dir, context.version)
        target = site / RUNTIME_PACKAGE
        if target.exists():
            shutil.rmtree(target)
        source = Path(__file__).parent / "_runtime"
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        (site / f"{RUNTIME_PACKAGE}.pth").write_text(
            f"import {RUNTIME_PACKAGE}; {RUNTIME_PACKAGE}.activate()\n", encoding="utf-8"
        )
        data = layout.runtime_config(
            context.env_dir, context.host, context.target, context.settings
        )
        if not self.with_cross_pip:
            data["hidden"] = sorted(set(data["hidden"]) | {"pip"})
        host_vars = layout.host_vars(context.host, context.toolchain, context.settings)
        (context.cross_dir / runtime_config.VARS_FILE).write_text(
            runtime_config.dump(host_vars), encoding="utf-8"
        )
        tools = layout.build_tools(
            context.env_dir, context.host, context.target, context.toolchain, host_vars
        )
        meson, cmake = crossfiles.write(context.cross_dir, context.target, tools)
        data["meson_cross_file"] = str(meson)
        data["defaults"] = layout.cross_defaults(tools, cmake)
        data.update(self._setup_rust(context, tools, host_vars))
        data["defaults"] += data.pop("rust_defaults")
        (context.cross_dir / runtime_config.CONFIG_FILE).write_text(
            runtime_config.dump(data), encoding="utf-8"
        )

    def _setup_rust(
        self, context: Context, tools: crossfiles.BuildTools, host_vars: Dict[str, Any]
    ) -> Dict[str, Any]:
        """Cargo and PyO3 settings, and PyO3's copy of the Host's sysconfigdata."""
        setup = rust.probe(context.target, context.host.sysroot)
        pyo3_dir = context.cross_dir / "lib" / "crossenv-pyo3"
        pyo3_dir.mkdir(parents=True, exist_ok=True)
        # A plain literal: PyO3's build script reads (and may execute) it.
        name = f"{context.target.sysconfigdata_name}.py"
        (pyo3_dir / name).write_text(f"build_time_vars = {host_vars!r}\n", encoding="utf-8")
        extra = rust.defaults(setup, tools.cc, tools.sysroot, pyo3_dir, context.version)
        result: Dict[str, Any] = {"path_prepend": [], "rust_missing": ""}
        if setup.std_sysroot:
            links = rust.write_tool_links(context.cross_dir / "rust-bin")
            result["path_prepend"] = [str(links)]
        if not setup.has_std:
            result["rust_missing"] = (
                f"no Rust standard library for {setup.triple} was found when this "
                "environment was made; install Debian's rustc and cargo "
                "(apt-get install -y rustc cargo), add the Host's std to the sysroot "
                "with 'crossenv-sysroot --rust SYSROOT', then recreate the "
                "environment with --clear"
            )
        result["rust_defaults"] = extra
        return result

    def setup_scripts(self, context: Context) -> None:
        """Write ``bin/`` with ``activate`` and the launchers."""
        host = context.host
        launchers.write(
            context.env_dir,
            context.version,
            {
                "qemu": crossfiles.qemu_name(context.target),
                "sysroot": str(host.sysroot or ""),
                "host_python": str(host.executable),
                "site": str(layout.site_packages(context.cross_dir, context.version)),
            },
        )

    def post_setup(self, context: Context) -> None:
        """Record how the environment was made; this marks it as ours."""
        record = {
            "crossenv": __version__,
            "build_python": sys.executable,
            "version": context.version,
            **layout.describe_host(context.host, context.toolchain),
        }
        (context.env_dir / MARKER).write_text(json.dumps(record, indent=1) + "\n", "utf-8")


def clear_layers(clear: bool, clear_cross: bool, clear_build: bool) -> tuple[str, ...]:
    """Which layers the ``--clear*`` options remove."""
    layers: List[str] = []
    if clear or clear_build:
        layers.append("build")
    if clear or clear_cross:
        layers.append("cross")
    return tuple(layers)
