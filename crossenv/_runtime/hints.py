"""Package hints: per-package settings for builds that probe the Build machine from Python.

Some build scripts look at the machine they run on with Python, where no
compiler guard can see it: Pillow's "platform guessing" checks for headers
in ``/usr/include`` and turns on features the Host lacks; h5py's build loads
``libhdf5`` with ctypes to learn its version.  Both can be told instead, and
a hint tells them: environment variables, and setuptools command options
given through ``DIST_EXTRA_CONFIG`` (an extra ``setup.cfg``-style file that
setuptools reads after the project's own ``setup.cfg``).

The table is ``hints.json`` beside this module, with the user's files merged
over it: ``ENV/crossenv-hints.json``, then the file named by
``$CROSSENV_HINTS`` (see "Package hints" in ``docs/usage.rst``).  Hints
apply only in a process that runs a build backend, for the project being
built, and each applied hint is one line on standard error.  What a hint
set is recorded in ``CROSSENV_HINTED``, so that another project's backend or
a Build-side pip started below it gets the environment back without it.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any, Dict, List, Mapping, MutableMapping, Optional, Tuple

from . import project
from .config import HINTED, Config, keep_for_report
from .pkgconfig import HintError, PkgConfig, check, check_text

#: The table shipped with crossenv.
BUILTIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hints.json")
#: The user's table in the environment folder, and the variable naming another one.
USER_FILE = "crossenv-hints.json"
USER_VARIABLE = "CROSSENV_HINTS"
#: Where the previous value of a variable a hint replaced is kept (only
#: ``DIST_EXTRA_CONFIG``: hints leave every other variable the user set alone).
SAVED_PREFIX = "CROSSENV_HINT_SAVED_"
EXTRA_CONFIG = "DIST_EXTRA_CONFIG"
#: The keys of one hint.
KEYS = frozenset({"why", "unless", "environ", "setuptools"})
VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
OPTION = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\Z")
SEE = '(see "Package hints" in docs/usage.rst)'

Hint = Dict[str, Any]
Table = Dict[str, Hint]


def _variable(name: Any, what: str) -> str:
    if not isinstance(name, str) or not VARIABLE.match(name):
        raise HintError(f"{what}: {name!r} is not an environment variable name")
    if name.startswith("CROSSENV_") or name == EXTRA_CONFIG:
        raise HintError(f"{what}: {name} is crossenv's own (use setuptools options)")
    return name


def _mapping(value: Any, what: str) -> Dict[str, Any]:
    if not isinstance(value, dict):
        raise HintError(f"{what} must be an object")
    return value


def check_hint(entry: Any, what: str) -> None:
    """Raise :class:`HintError` unless ``entry`` is one hint (``None`` values remove)."""
    entry = _mapping(entry, what)
    unknown = set(entry) - KEYS
    if unknown:
        known = ", ".join(sorted(KEYS))
        raise HintError(f"{what}: unknown key {sorted(unknown)[0]!r} (known: {known})")
    if "why" in entry and not isinstance(entry["why"], str):
        raise HintError(f"{what}: why must be a string")
    if "unless" in entry:
        names = entry["unless"]
        if not isinstance(names, list):
            raise HintError(f"{what}: unless must be a list of variable names")
        for name in names:
            _variable(name, f"{what}: unless")
    for name, spec in _mapping(entry.get("environ", {}), f"{what}: environ").items():
        _variable(name, f"{what}: environ")
        if spec is not None:
            check(spec, f"{what}: {name}")
    for section, options in _mapping(entry.get("setuptools", {}), f"{what}: setuptools").items():
        if not OPTION.match(section):
            raise HintError(f"{what}: {section!r} is not a setuptools command")
        if options is None:
            continue
        for option, spec in _mapping(options, f"{what}: [{section}]").items():
            if not OPTION.match(option):
                raise HintError(f"{what}: [{section}] {option!r} is not an option name")
            if spec is not None:
                check(spec, f"{what}: [{section}] {option}")


def parse(data: Any, source: str) -> Dict[str, Optional[Hint]]:
    """A checked table from JSON data; keys normalized, ``null`` kept (it removes)."""
    table = _mapping(data, source)
    result: Dict[str, Optional[Hint]] = {}
    for name, entry in table.items():
        if entry is not None:
            check_hint(entry, f"{source}: {name}")
        result[project.normalize(name)] = entry
    return result


def _merged(base: Dict[str, Any], over: Dict[str, Any]) -> Dict[str, Any]:
    result = dict(base)
    for key, value in over.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def merge(base: Table, over: Mapping[str, Optional[Hint]]) -> Table:
    """``over`` merged into ``base``: per variable and per option; ``null`` removes."""
    result = dict(base)
    for name, entry in over.items():
        if entry is None:
            result.pop(name, None)
            continue
        old = result.get(name, {})
        new: Hint = {key: entry.get(key, old.get(key)) for key in ("why", "unless")}
        new = {key: value for key, value in new.items() if value is not None}
        environ = _merged(old.get("environ", {}), entry.get("environ", {}))
        sections = dict(old.get("setuptools", {}))
        for section, options in entry.get("setuptools", {}).items():
            merged = _merged(sections.get(section, {}), options or {})
            if options is None or not merged:
                sections.pop(section, None)
            else:
                sections[section] = merged
        if environ:
            new["environ"] = environ
        if sections:
            new["setuptools"] = sections
        result[name] = new
    return result


def env_dir(cfg: Config) -> str:
    """The environment folder (``ENV``), where the user's table lives.

    ``crossenv.json`` records the Build layer's interpreter as
    ``ENV/build/bin/python``, also in the copies that ``python -m build``'s
    temporary environments get.
    """
    python = cfg.get("build_python", "")
    if python:
        return os.path.dirname(os.path.dirname(os.path.dirname(python)))
    return os.path.dirname(cfg["prefix"])


def sources(cfg: Config, environ: Mapping[str, str]) -> List[Tuple[str, bool]]:
    """The table files in the order they merge, each with whether it must exist."""
    result = [(BUILTIN, True), (os.path.join(env_dir(cfg), USER_FILE), False)]
    named = environ.get(USER_VARIABLE)
    if named:
        result.append((named, True))
    return result


def load(cfg: Config, environ: Mapping[str, str]) -> Tuple[Table, List[str]]:
    """The merged table, and one line for each file that could not be used."""
    table: Table = {}
    problems: List[str] = []
    for path, required in sources(cfg, environ):
        try:
            with open(path, encoding="utf-8") as stream:
                data = json.load(stream)
            table = merge(table, parse(data, path))
        except FileNotFoundError:
            if required:
                problems.append(f"hints file {path} does not exist; it is ignored")
        except (OSError, ValueError) as exc:
            problems.append(f"hints file {path} cannot be read ({exc}); it is ignored")
        except HintError as exc:
            problems.append(f"{exc}; hints file {path} is ignored")
    return table, problems


def undo(environ: MutableMapping[str, str]) -> None:
    """Take back what an earlier hint set (recorded in ``CROSSENV_HINTED``)."""
    record = environ.pop(HINTED, "")
    for name in record.split()[1:]:
        saved = environ.pop(SAVED_PREFIX + name, None)
        if saved is None:
            environ.pop(name, None)
        else:
            environ[name] = saved


def extra_config(
    cfg: Config, name: str, sections: Dict[str, Dict[str, str]], current: Optional[str]
) -> str:
    """Write the ``DIST_EXTRA_CONFIG`` file for ``sections``; returns its path.

    A file the user already named is read first and wins for each option it
    sets.  The file is named by a hash of its text, so parallel builds of one
    project write the same file and builds with other settings another one.
    """
    import hashlib
    import io
    import tempfile
    from configparser import Error, RawConfigParser

    parser = RawConfigParser(strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    if current:
        try:
            parser.read(current, encoding="utf-8")
        except (Error, UnicodeDecodeError) as exc:
            why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise HintError(f"cannot read your {EXTRA_CONFIG} file {current}: {why}") from None
    for section, options in sections.items():
        if not parser.has_section(section):
            parser.add_section(section)
        for option, value in options.items():
            if not parser.has_option(section, option):
                parser.set(section, option, value)
    text = io.StringIO()
    text.write(f"# Written by crossenv for {name}: package hints (see docs/usage.rst)\n")
    parser.write(text)
    data = text.getvalue().encode("utf-8")
    folder = os.path.join(cfg["cache_dir"], "hints")
    path = os.path.join(folder, f"{name}-{hashlib.sha256(data).hexdigest()[:16]}.cfg")
    if not os.path.isfile(path):
        os.makedirs(folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".cfg")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    return path


def report(line: str, warning: bool = False) -> None:
    """One line on stderr; warnings are also kept for pip's summary at its end."""
    print(f"crossenv: {'warning: ' if warning else ''}{line}", file=sys.stderr)
    if warning:
        keep_for_report([line])


def project_folder() -> str:
    """Where the project being built is: ``setup.py``'s folder, else the current one."""
    if sys.argv and os.path.basename(sys.argv[0]) == "setup.py":
        return os.path.dirname(os.path.abspath(sys.argv[0]))
    return os.getcwd()


def apply_hint(
    cfg: Config, name: str, hint: Hint, environ: MutableMapping[str, str]
) -> Tuple[List[str], List[str]]:
    """Apply one hint to ``environ``: what was set, and what could not be."""
    values = PkgConfig(environ)
    done: List[str] = []
    problems: List[str] = []
    names: List[str] = []
    for variable, spec in hint.get("environ", {}).items():
        if variable in environ:
            continue  # the user's own setting wins
        try:
            environ[variable] = values.value(spec)
        except HintError as exc:
            problems.append(f"{variable} not set: {exc}")
            continue
        names.append(variable)
        done.append(f"{variable}={environ[variable]}")
    sections: Dict[str, Dict[str, str]] = {}
    for section, options in hint.get("setuptools", {}).items():
        for option, spec in options.items():
            try:
                sections.setdefault(section, {})[option] = check_text(values.value(spec), option)
            except HintError as exc:
                problems.append(f"[{section}] {option} not set: {exc}")
    sections = {section: options for section, options in sections.items() if options}
    if sections:
        current = environ.get(EXTRA_CONFIG)
        try:
            path = extra_config(cfg, name, sections, current)
        except HintError as exc:
            problems.append(f"setuptools options not set: {exc}")
        except OSError as exc:
            problems.append(f"setuptools options not set: cannot write them ({exc})")
        else:
            if current is not None:
                environ[SAVED_PREFIX + EXTRA_CONFIG] = current
            environ[EXTRA_CONFIG] = path
            names.append(EXTRA_CONFIG)
            for section, options in sections.items():
                done += [f"[{section}] {option}={value}" for option, value in options.items()]
            done[-1] += f" via {EXTRA_CONFIG}={path}"
    if names:
        environ[HINTED] = " ".join([name, *names])
    return done, problems


def apply(cfg: Config, environ: MutableMapping[str, str]) -> None:
    """In a build backend process: apply the hint for the project it builds, if any."""
    undo(environ)
    name = project.name_in(project_folder())
    if name is None:
        return
    key = project.normalize(name)
    table, problems = load(cfg, environ)
    for problem in problems:
        report(problem, warning=True)
    hint = table.get(key)
    if hint is None:
        return
    unless = [variable for variable in hint.get("unless", []) if variable in environ]
    if unless:
        report(f"hint for {key} not applied: {', '.join(unless)} set {SEE}")
        return
    done, problems = apply_hint(cfg, key, hint, environ)
    if done:
        report(f"hint for {key}: {', '.join(done)} {SEE}")
    for problem in problems:
        report(f"hint for {key}: {problem}", warning=True)
