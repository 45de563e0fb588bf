"""Cross-python's start-up: make this interpreter report the Host.

This package is copied unchanged into Cross-python's site-packages as
``_crossenv`` and started by the one-line ``_crossenv.pth``.  It reads its
configuration from ``crossenv.json`` beside ``pyvenv.cfg``; nothing in it is
generated code.  Setting ``CROSSENV_BUILD_SIDE=1`` in the environment turns it
off, which is how build requirements get installed for the Build machine.

Its modules come in three kinds:

* start-up, imported by every Cross-python: this package, ``config``,
  ``hooks`` and ``identity``;
* patches (``patch_*``, ``fallback``, ``hints``, ``pkgconfig``), each
  imported only when the module it patches is (see ``hooks``);
* on-demand checkers and tools, run as commands or by a patch when it needs
  them: ``verify`` and ``elf`` (the Host's ELF machine), ``guard`` (the
  compiler guard), ``expose`` (``cross-expose``), ``pyconfig``
  (``python3-config``), ``selfcheck`` (whether every patch takes), ``project``
  (which project a build backend builds, for the hints).
"""

import os
import sys

from . import config, hooks, identity

BUILD_SIDE = config.BUILD_SIDE

#: Build tools that must see the Build machine even when they are scripts of
#: Cross-python (meson detects the *build* machine with ``platform``; the
#: Host comes from the cross file).
NATIVE_TOOLS = frozenset({"meson", "meson.py"})
#: Scripts that run a project's build backend: pip's and build's hook runner
#: (pyproject_hooks), and ``setup.py``.  Only these read the package hints.
BACKEND_SCRIPTS = frozenset({"_in_process.py", "setup.py"})

_active = False


def is_build_side() -> bool:
    """Whether this process is Build-side code: pip's requirement installs, native tools."""
    if os.environ.get(BUILD_SIDE) == "1":
        return True
    return bool(sys.argv) and os.path.basename(sys.argv[0]) in NATIVE_TOOLS


def backend() -> bool:
    """Whether this process runs a build backend (see ``hints``); a check of argv only."""
    return bool(sys.argv) and os.path.basename(sys.argv[0]) in BACKEND_SCRIPTS


def activate() -> None:
    """Install every patch once; later calls (e.g. from pip's isolation) do nothing."""
    global _active
    if _active:
        return
    _active = True
    if not os.path.isfile(os.path.join(sys.prefix, config.CONFIG_FILE)):
        # Loaded by an interpreter that is not this Cross-python (a leak of
        # its site-packages into another Python): stay the Build machine.
        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        print(
            f"crossenv: warning: {sys.executable} loaded Cross-python's start-up code from "
            f"{here} but is not Cross-python (sys.prefix {sys.prefix}); it keeps reporting "
            "the Build machine. Remove that folder from its path (PYTHONPATH, .pth files).",
            file=sys.stderr,
        )
        return
    if is_build_side():
        config.undo_environ(config.load(sys.prefix), os.environ)
        if config.HINTED in os.environ:  # a hint's settings are not for Build-side builds
            from . import hints

            hints.undo(os.environ)
        return
    cfg = config.load(sys.prefix)
    identity.apply(cfg)
    config.apply_environ(cfg, os.environ)
    cross_site = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.meta_path.append(hooks.BuildSideFinder(cfg["build_site"], cross_site, cfg["hidden"]))
    sys.meta_path.append(hooks.HostBinaryFinder(cfg["ext_suffix"]))
    hooks.install(cfg)
    if backend():  # imported only here: other starts stay free of json and re
        from . import hints

        hints.apply(cfg, os.environ)
