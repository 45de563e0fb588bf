"""Install the runtime into Cross-python, with its record and the files cross builds use.

The runtime is the ``_crossenv`` package (start-up patches and on-demand
checkers), started by a ``.pth`` file; its record (``crossenv.json``, see
:func:`crossenv.layout.runtime_config`) and the Host's variables go beside
``pyvenv.cfg``.  Cross builds also use the meson cross file, the CMake
toolchain file, the compiler guard's launchers, ``CONFIG_SITE`` and PyO3's
copy of the Host's sysconfigdata, all written here.
"""

from __future__ import annotations

import compileall
import hashlib
import os
import shutil
import sys
from pathlib import Path
from typing import Callable, Optional

from . import configscripts, crossfiles, folders, launchers, layout, rust
from ._runtime import config as runtime_config
from .context import Context

#: The runtime's package name in Cross-python's site-packages.
RUNTIME_PACKAGE = "_crossenv"
#: What the guard launchers run: ``_crossenv.guard`` of Cross-python's site-packages.
GUARD_CODE = (
    "import sys; sys.path.insert(0, sys.argv.pop(1)); from _crossenv import guard; guard.run()"
)

Log = Callable[[str], None]


def install(context: Context, log: Log, verbose: bool = False) -> None:
    """Install the start-up patches, their record and the files cross builds use.

    With ``verbose``, say which ``rustc`` builds for the Host.
    """
    site = layout.site_packages(context.cross_dir, context.version)
    package = context.staged(site / RUNTIME_PACKAGE)
    if package.exists():
        shutil.rmtree(package)
    source = Path(__file__).parent / "_runtime"
    shutil.copytree(source, package, ignore=shutil.ignore_patterns("__pycache__"))
    # Compiled now: start-up must not depend on the folder being writable later.
    compileall.compile_dir(str(package), ddir=str(site / RUNTIME_PACKAGE), quiet=1, workers=1)
    pth = f"import {RUNTIME_PACKAGE}; {RUNTIME_PACKAGE}.activate()\n"
    env_dir, host_vars = context.env_dir, context.host_vars
    tools = layout.build_tools(
        env_dir,
        context.host,
        context.target,
        context.toolchain,
        host_vars,
        _pkg_config_root(context, log),
    )
    rust_setup = rust.probe(context.target, context.host.sysroot)
    data = layout.runtime_config(
        env_dir, context.host, context.target, context.settings, tools, rust_setup
    )
    emulator = env_dir / layout.GUARD_DIR / layout.EMULATOR
    meson, cmake = env_dir / layout.MESON_FILE, env_dir / layout.CMAKE_FILE
    # A plain literal: PyO3's build script reads (and may execute) it.
    pyo3 = env_dir / layout.PYO3_DIR / f"{context.target.sysconfigdata_name}.py"
    context.write(
        {
            site / f"{RUNTIME_PACKAGE}.pth": (pth, False),
            pyo3: (f"build_time_vars = {host_vars!r}\n", False),
            **crossfiles.files(meson, cmake, emulator, context.target, tools),
        }
    )
    if rust_setup.tools_dir:
        rust.write_tool_links(context.staged(env_dir / layout.RUST_BIN), rust_setup.tools_dir)
    if verbose and rust_setup.has_std:
        where = rust_setup.tools_dir or "the first on PATH"
        log(f"Rust for {rust_setup.triple}: rustc of {where}")
    _write_guard(context, tools, log)
    for name, record in (
        (runtime_config.VARS_FILE, host_vars),
        (runtime_config.CONFIG_FILE, data),
    ):
        runtime_config.write(str(context.staged(context.cross_dir / name)), record)


def _pkg_config_root(context: Context, log: Log) -> Optional[str]:
    """A path to the sysroot that pkg-config can use (see ``layout.build_tools``).

    For a sysroot whose path has white space it is a symbolic link in the
    cache folder, named by a digest of that path, so environments share it.
    """
    sysroot = context.host.sysroot
    if sysroot is None or not any(char.isspace() for char in str(sysroot)):
        return None
    digest = hashlib.sha256(os.fsencode(sysroot)).hexdigest()[:16]
    link = folders.cache_root() / "sysroots" / digest
    if any(char.isspace() for char in str(link)):
        log("warning: pkg-config cannot use a sysroot path with spaces")
        return None
    folders.link_atomically(link, sysroot)
    return str(link)


def _write_guard(context: Context, tools: crossfiles.BuildTools, log: Log) -> None:
    """The compiler guard's launchers, named like the cross compilers, and CONFIG_SITE."""
    env_dir = context.env_dir
    site = layout.site_packages(context.cross_dir, context.version)
    guard = [
        str(context.build_dir / "bin" / "python"),
        "-I",
        "-S",
        "-c",
        GUARD_CODE,
        str(site),
        str(context.cross_dir),
    ]
    files: folders.Files = {}
    for command in dict.fromkeys((context.toolchain.cc, context.toolchain.cxx)):
        path = Path(layout.guarded(env_dir, command))
        text = launchers.render_guard(
            path.name,
            command,
            (tools.sysroot or "") if tools.sysroot_flag else "",
            sys.base_prefix,
            guard,
        )
        files[path] = (text, True)
    text = layout.config_site(context.target)
    files[env_dir / layout.CONFIG_SITE] = (text, False)
    context.write(files)
    if tools.sysroot:  # *-config scripts answer from the sysroot's .pc files
        configscripts.write(context.staged(env_dir / layout.GUARD_DIR))
    site_file = layout.config_site_path(env_dir, context.target)
    if any(char.isspace() for char in str(site_file)):
        log("warning: ./configure sub-builds cannot use a CONFIG_SITE path with spaces")
    elif site_file != env_dir / layout.CONFIG_SITE:
        folders.write_atomically(site_file, text)
