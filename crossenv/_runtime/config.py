"""The environment's configuration, read as data.

``crossenv.json`` is the record, written once for the environment's final
path (``crossenv.layout.runtime_config`` fills it).  Beside each JSON file
:func:`write` puts a ``marshal`` copy stamped with the JSON file's size and
modification time; start-up reads that copy, so it never imports :mod:`json`
(which brings in :mod:`re` and :mod:`enum`).  A missing or stale copy (a JSON
file edited by hand) falls back to the JSON.
"""

import marshal
import os

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time: start-up stays light
    from typing import Any, Dict, List, MutableMapping, Optional, TypedDict, Union

#: File names, relative to Cross-python's ``sys.prefix``.
CONFIG_FILE = "crossenv.json"
VARS_FILE = "crossenv-sysconfigdata.json"
#: Suffix of the marshal copy of each JSON file.
FROZEN = ".marshal"
#: When set to ``1``, Cross-python behaves as the plain Build-python it is.
BUILD_SIDE = "CROSSENV_BUILD_SIDE"
#: Set in the environment once ``--env`` assignments were applied.
ENV_APPLIED = "CROSSENV_ENV_APPLIED"
#: What the ``--env`` assignments replaced, for Build-side processes to get
#: back: ``CROSSENV_SAVED_<NAME>`` holds a value, ``CROSSENV_UNSET`` the names
#: that had none.
SAVED_PREFIX = "CROSSENV_SAVED_"
UNSET = "CROSSENV_UNSET"
#: Names the file where a build's warnings are kept for pip to print when it ends.
REPORT = "CROSSENV_REPORT"
#: What a package hint set in a build backend's environment (see ``hints``).
HINTED = "CROSSENV_HINTED"


if TYPE_CHECKING:

    class Config(TypedDict, total=False):
        """What ``crossenv.json`` holds (see ``crossenv.builder``)."""

        prefix: str
        sys_platform: str
        sysname: str
        machine: str
        platform: str
        multiarch: str
        pointer_bits: int
        #: ``sys.byteorder`` and ``sys.maxsize`` of the Host.
        byteorder: str
        maxsize: int
        #: ``os.uname().release`` (the Host's kernel headers), or "".
        kernel_release: str
        #: The Host's glibc version (``platform.libc_ver()``), or "".
        glibc: str
        #: Sizes of C types on the Host, by C name (``"long"``, ``"void *"``).
        sizes: Dict[str, int]
        sysconfigdata_names: List[str]
        platform_tags: List[str]
        config_overrides: Dict[str, str]
        build_site: str
        hidden: List[str]
        environ: List[List[str]]
        #: Platform tag for built wheels (the first ``--manylinux``), or "".
        wheel_tag: str
        #: The meson cross file that meson-python builds use.
        meson_cross_file: str
        #: Variables crossenv sets for cross builds, unless already set:
        #: ``[name, value]``.  Build-side processes drop them again.
        defaults: List[List[str]]
        #: Build layer's interpreter, major.minor, and a cache folder for Host files.
        build_python: str
        python_version: str
        cache_dir: str
        #: What every binary built for the Host must be: machine, bits, big_endian.
        elf: Optional[Dict[str, Any]]
        ext_suffix: str
        #: qemu-user's program for the Host, e.g. ``qemu-aarch64``.
        qemu: str
        #: Interpreter named in the shebang of installed scripts.
        shebang: str
        #: Fail builds whose C extension failed and fell back to pure Python.
        strict: bool
        #: Pass each wheel pip builds through ``cross-repair`` (``--repair``).
        repair: bool
        #: Folders put first on ``PATH`` for cross builds (Debian's Rust tools).
        path_prepend: List[str]
        #: Why Rust builds cannot work here (one line), or "".
        rust_missing: str
        #: What the compiler guard needs (see ``_crossenv.guard``).
        guard: Dict[str, Any]

else:
    Config = dict


def _stamp(path: str) -> "List[int]":
    stat = os.stat(path)
    return [stat.st_size, stat.st_mtime_ns]


def read(path: str) -> "Any":
    """The data of the JSON file ``path``, from its marshal copy when that is current."""
    try:
        with open(path + FROZEN, "rb") as stream:
            stamp, data = marshal.loads(stream.read())  # one read, not one per object
        if stamp == _stamp(path):
            return data
    except (OSError, EOFError, ValueError, TypeError):
        pass
    import json

    with open(path, encoding="utf-8") as stream:
        return json.load(stream)


def write(path: str, data: "Any") -> None:
    """Write ``data`` as the JSON file ``path`` and its marshal copy."""
    with open(path, "w", encoding="utf-8") as stream:
        stream.write(dump(data))
    with open(path + FROZEN, "wb") as stream:
        marshal.dump([_stamp(path), data], stream)


def load(prefix: str) -> "Config":
    """Read ``crossenv.json`` from the environment at ``prefix``."""
    data: Config = read(os.path.join(prefix, CONFIG_FILE))
    data["prefix"] = prefix
    return data


def load_vars(cfg: "Config") -> "Dict[str, Union[str, int]]":
    """Read the Host's build-time variables (only when sysconfig asks)."""
    result: Dict[str, Union[str, int]] = read(os.path.join(cfg["prefix"], VARS_FILE))
    return result


def apply_environ(cfg: "Config", environ: "MutableMapping[str, str]") -> None:
    """Apply crossenv's defaults, and the ``--env`` assignments once per process tree.

    ``=`` sets; ``?=`` sets when unset; ``+=`` appends as it is (no
    separator: ``CFLAGS+= -O3``, as crossenv 1.x); ``:=`` appends after
    ``os.pathsep`` (none when the variable was unset).  The defaults are applied in every
    Cross-python; the assignments only in the first, so children do not
    append twice (a Build-side process in between takes them back, see
    :func:`undo_environ`).
    """
    first = environ.get(ENV_APPLIED) != cfg["prefix"]
    if first:
        unset: List[str] = []
        for name, _, _ in cfg["environ"]:
            if name in environ:
                environ[SAVED_PREFIX + name] = environ[name]
            elif name not in unset:
                unset.append(name)
        environ[UNSET] = " ".join(unset)
    for name, value in cfg.get("defaults", []):
        environ.setdefault(name, value)
    path = environ.get("PATH", "").split(os.pathsep)
    missing = [folder for folder in cfg.get("path_prepend", []) if folder not in path]
    if missing:
        environ["PATH"] = os.pathsep.join([*missing, environ.get("PATH", "")])
    if not first:
        return
    for name, operator, value in cfg["environ"]:
        current = environ.get(name)
        if operator == "=" or (operator == "?=" and current is None):
            environ[name] = value
        elif operator == "+=":
            environ[name] = (current or "") + value
        elif operator == ":=":
            environ[name] = f"{current}{os.pathsep}{value}" if current else value
    environ[ENV_APPLIED] = cfg["prefix"]


def undo_environ(cfg: "Config", environ: "MutableMapping[str, str]") -> None:
    """Give a Build-side process the environment without crossenv's changes.

    crossenv's defaults go, and what the ``--env`` assignments replaced comes
    back; a Cross-python started from there applies both afresh.
    """
    for name, value in cfg.get("defaults", []):
        if environ.get(name) == value:
            del environ[name]
    prepend = set(cfg.get("path_prepend", []))
    if prepend and "PATH" in environ:
        parts = environ["PATH"].split(os.pathsep)
        environ["PATH"] = os.pathsep.join(part for part in parts if part not in prepend)
    if environ.pop(ENV_APPLIED, None) != cfg["prefix"]:
        return
    unset = environ.pop(UNSET, "").split()
    for name, _, _ in cfg["environ"]:
        saved = environ.pop(SAVED_PREFIX + name, None)
        if saved is not None:
            environ[name] = saved
        elif name in unset:
            environ.pop(name, None)


def keep_for_report(lines: "List[str]") -> bool:
    """Add ``lines`` to the report pip prints when it ends; False when there is none."""
    path = os.environ.get(REPORT)
    if not path:
        return False
    try:
        with open(path, "a", encoding="utf-8") as stream:
            stream.writelines(line + "\n" for line in lines)
    except OSError:
        return False
    return True


def dump(data: "Any") -> str:
    """Serialize configuration the way the builder writes it."""
    import json

    # Raw UTF-8 (not \\u escapes), so paths can be found and rewritten as text.
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
