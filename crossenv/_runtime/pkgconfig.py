"""Values of package hints, computed from the Host's pkg-config data and headers.

A hint value is a literal string, or one of three small forms that read the
sysroot as data (nothing of the Host is ever run):

``{"pkg-config": [OPTION, ...], "modules": [NAME, ...]}``
    what ``pkg-config OPTION... NAME`` prints, for the first ``NAME`` that
    pkg-config knows (``--modversion`` gives a version).  Its paths are
    where the files are on this machine (in the sysroot).  With
    ``"host-paths": true`` they are the paths on the Host instead (what a
    binary may record, such as an rpath; the compiler guard moves such
    folders into the sysroot when a compiler is given them), and the
    folders of ``-I`` and ``-L`` words are given bare, joined by ``:``;
``{"pkg-config-module": [NAME, ...]}``
    the first ``NAME`` that pkg-config knows (Debian names a library's
    ``.pc`` file differently for different variants, e.g. ``hdf5-serial``);
``{"if-defined": MACRO, "header": FILE, "modules": [NAME, ...]}``
    ``1`` when ``FILE`` (found in the include folders pkg-config gives for
    the first ``NAME`` it knows, or in the sysroot's ``usr/include``)
    ``#define``\\ s ``MACRO``, else ``0``: what a build would learn by loading
    the library and looking for a function.

pkg-config runs with the environment of the build, where crossenv points
``PKG_CONFIG_LIBDIR`` and ``PKG_CONFIG_SYSROOT_DIR`` at the sysroot; without
``PKG_CONFIG_LIBDIR`` it would answer for the Build machine, so no value is
computed then.  Only the query options below are accepted.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

#: pkg-config options a hint may use: queries that print, nothing that changes its search.
OPTIONS = frozenset(
    {
        "--modversion",
        "--cflags",
        "--cflags-only-I",
        "--cflags-only-other",
        "--libs",
        "--libs-only-L",
        "--libs-only-l",
        "--libs-only-other",
        "--static",
    }
)
#: The options whose output is folders (``"host-paths"`` values).
PATH_OPTIONS = ("--cflags-only-I", "--libs-only-L")
#: ``--variable=NAME`` is accepted too, for these names.
VARIABLE = re.compile(r"--variable=[A-Za-z_][A-Za-z0-9_]*\Z")
MODULE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+-]*\Z")
MACRO = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
HEADER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+-]*(/[A-Za-z0-9_][A-Za-z0-9_.+-]*)*\Z")
#: Seconds pkg-config may take for one query.
TIMEOUT = 60


class HintError(Exception):
    """A hint that is malformed or cannot be computed; its text is one line for the user."""


def _strings(value: Any, what: str, pattern: Optional[re.Pattern[str]] = None) -> List[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise HintError(f"{what} must be a list of strings")
    if pattern is not None:
        for item in value:
            if not pattern.match(item):
                raise HintError(f"{what}: {item!r} is not allowed")
    return value


def check_text(value: str, what: str) -> str:
    """A literal value: one line, so it cannot add lines to a configuration file."""
    if any(char in value for char in "\r\n\0"):
        raise HintError(f"{what}: a value must be one line")
    return value


def check(spec: Any, what: str) -> None:
    """Raise :class:`HintError` unless ``spec`` is a value of one of the forms above."""
    if isinstance(spec, str):
        check_text(spec, what)
        return
    if not isinstance(spec, dict):
        raise HintError(f"{what}: a value is a string or an object (see the hint value forms)")
    keys = set(spec)
    if keys == {"pkg-config", "modules", "host-paths"}:
        if spec["host-paths"] is not True:
            raise HintError(f"{what}: host-paths must be true (or left out)")
        options = _strings(spec["pkg-config"], f"{what}: pkg-config")
        if not all(option in PATH_OPTIONS or VARIABLE.match(option) for option in options):
            raise HintError(f"{what}: host-paths goes with {', '.join(PATH_OPTIONS)}, --variable")
        keys.discard("host-paths")
    if keys == {"pkg-config", "modules"}:
        for option in _strings(spec["pkg-config"], f"{what}: pkg-config"):
            if option not in OPTIONS and not VARIABLE.match(option):
                raise HintError(f"{what}: pkg-config option {option!r} is not allowed")
    elif keys == {"pkg-config-module"}:
        if not _strings(spec["pkg-config-module"], f"{what}: pkg-config-module", MODULE):
            raise HintError(f"{what}: pkg-config-module names no module")
        return
    elif keys == {"if-defined", "header", "modules"}:
        if not isinstance(spec["if-defined"], str) or not MACRO.match(spec["if-defined"]):
            raise HintError(f"{what}: if-defined must name a C macro")
        header = spec["header"]
        if not isinstance(header, str) or not HEADER.match(header) or ".." in header:
            raise HintError(f"{what}: header must be a relative header path")
    else:
        raise HintError(f"{what}: unknown value form with keys {', '.join(sorted(keys))}")
    if not _strings(spec["modules"], f"{what}: modules", MODULE):
        raise HintError(f"{what}: modules names no module")


class PkgConfig:
    """The build's pkg-config, which crossenv points at the sysroot."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = dict(environ)
        self.command = shlex.split(environ.get("PKG_CONFIG") or "pkg-config")
        self.sysroot = environ.get("PKG_CONFIG_SYSROOT_DIR", "")
        self._found: Dict[Tuple[str, ...], str] = {}

    def run(self, args: Sequence[str], host: bool = False) -> Optional[str]:
        """What pkg-config prints for ``args`` (stripped), or None when it fails.

        With ``host``, without the sysroot prefix: paths as they are on the Host.
        """
        environ = self.environ
        if host:
            environ = {k: v for k, v in environ.items() if k != "PKG_CONFIG_SYSROOT_DIR"}
        if not environ.get("PKG_CONFIG_LIBDIR"):
            raise HintError(
                "pkg-config is not pointed at a sysroot (PKG_CONFIG_LIBDIR is unset), "
                "so it would answer for the Build machine"
            )
        try:
            done = subprocess.run(
                [*self.command, *args],
                env=environ,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise HintError(f"cannot run {' '.join(self.command)}: {exc}") from None
        return done.stdout.strip() if done.returncode == 0 else None

    def module(self, names: Sequence[str]) -> str:
        """The first of ``names`` that pkg-config knows."""
        key = tuple(names)
        if key not in self._found:
            for name in names:
                if self.run(["--exists", name]) is not None:
                    self._found[key] = name
                    break
            else:
                raise HintError(
                    f"pkg-config knows none of {', '.join(names)} in the sysroot "
                    "(is the library's -dev package in it? crossenv-sysroot --add PKG)"
                )
        return self._found[key]

    def query(self, options: Sequence[str], names: Sequence[str], host: bool = False) -> str:
        """``pkg-config OPTIONS MODULE`` for the first module it knows; one line.

        With ``host``: paths on the Host, and bare folders for ``-I`` and ``-L``.
        """
        module = self.module(names)
        output = self.run([*options, module], host)
        if output is None:
            raise HintError(f"pkg-config {' '.join(options)} {module} failed")
        if "\n" in output:
            raise HintError(f"pkg-config {' '.join(options)} {module} printed several lines")
        if host:
            words = shlex.split(output)
            folders = [word[2:] if word[:2] in ("-I", "-L") else word for word in words]
            return os.pathsep.join(folders)
        return output

    def include_dirs(self, names: Sequence[str]) -> List[str]:
        """Header folders of the first module pkg-config knows, then the sysroot's."""
        flags = shlex.split(self.query(["--cflags-only-I"], names))
        folders = [flag[2:] for flag in flags if flag.startswith("-I") and len(flag) > 2]
        if self.sysroot:
            folders.append(os.path.join(self.sysroot, "usr", "include"))
        return folders

    def defines(self, macro: str, header: str, names: Sequence[str]) -> bool:
        """Whether ``header`` of the Host ``#define``\\ s ``macro``."""
        line = re.compile(r"^\s*#\s*define\s+" + re.escape(macro) + r"\b", re.MULTILINE)
        for folder in self.include_dirs(names):
            path = os.path.join(folder, header)
            try:
                with open(path, encoding="utf-8", errors="replace") as stream:
                    return line.search(stream.read()) is not None
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise HintError(f"cannot read {path}: {exc.strerror}") from None
        raise HintError(f"{header} is not in the include folders of {self.module(names)}")

    def value(self, spec: Any) -> str:
        """The value of ``spec`` (already :func:`check`\\ ed), one line."""
        if isinstance(spec, str):
            return spec
        if "pkg-config-module" in spec:
            return self.module(spec["pkg-config-module"])
        if "if-defined" in spec:
            return "1" if self.defines(spec["if-defined"], spec["header"], spec["modules"]) else "0"
        return self.query(spec["pkg-config"], spec["modules"], bool(spec.get("host-paths")))
