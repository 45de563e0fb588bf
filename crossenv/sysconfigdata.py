"""Read a Host-python's ``_sysconfigdata_*.py`` as data and localize it.

The file is parsed with :mod:`ast`; nothing in it is ever executed or
imported.  Only a module made of plain assignments of literals is accepted.
"""

from __future__ import annotations

import ast
import shlex
from pathlib import Path
from typing import Dict, Mapping, Union

from .errors import HostPythonError

ConfigValue = Union[str, int]
ConfigVars = Dict[str, ConfigValue]

#: Variables holding a command whose first word is a compiler or linker.
COMPILER_VARS = ("CC", "CXX", "LDSHARED", "LDCXXSHARED", "BLDSHARED", "LINKCC", "CPP")


def parse(text: str, origin: str = "<sysconfigdata>") -> ConfigVars:
    """Return ``build_time_vars`` from the source ``text`` of a sysconfigdata file."""
    try:
        return _parse(text, origin)
    except (MemoryError, RecursionError):
        raise HostPythonError(f"{origin}: nested too deeply to be read as data") from None


def _parse(text: str, origin: str) -> ConfigVars:
    try:
        tree = ast.parse(text, filename=origin)
    except (SyntaxError, ValueError) as exc:
        raise HostPythonError(f"{origin}: not valid Python source ({exc})") from None
    found: object = None
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring or a bare comment string
        if not (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            raise HostPythonError(
                f"{origin}: line {node.lineno} is not a plain assignment; "
                "refusing to read a sysconfigdata file that contains code"
            )
        try:
            value = ast.literal_eval(node.value)
        except ValueError:
            raise HostPythonError(
                f"{origin}: line {node.lineno} is not a literal; "
                "refusing to read a sysconfigdata file that contains code"
            ) from None
        if node.targets[0].id == "build_time_vars":
            found = value
    if not isinstance(found, dict):
        raise HostPythonError(f"{origin}: no literal 'build_time_vars' dictionary")
    result: ConfigVars = {}
    for key, value in found.items():
        if not isinstance(key, str) or not isinstance(value, (str, int)):
            raise HostPythonError(f"{origin}: entry {key!r} is not a string or number")
        result[key] = value
    return result


def read(path: Path) -> ConfigVars:
    """Read and parse the sysconfigdata file at ``path``."""
    if path.exists() and not path.is_file():
        raise HostPythonError(f"{path}: not a regular file")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise HostPythonError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise HostPythonError(f"{path}: not a UTF-8 text file") from None
    return parse(text, str(path))


def text_var(config: Mapping[str, ConfigValue], name: str, default: str = "") -> str:
    """Return the string value of ``name``; a missing or numeric one gives ``default``."""
    value = config.get(name, default)
    return value if isinstance(value, str) else default


def relocate(config: Mapping[str, ConfigValue], old: str, new: str) -> ConfigVars:
    """Rewrite every path that starts with ``old`` to start with ``new`` instead.

    Only whole path values are rewritten (``/usr`` or ``/usr/...``); flags and
    command lines are left alone, so ``CONFIG_ARGS`` still says what the Host
    was configured with.
    """
    old = old.rstrip("/") or "/"
    result: ConfigVars = dict(config)
    if old == new:
        return result
    for key, value in config.items():
        if not isinstance(value, str) or " " in value.strip():
            continue
        if value == old:
            result[key] = new
        elif value.startswith(old.rstrip("/") + "/"):
            result[key] = new.rstrip("/") + value[len(old.rstrip("/")) :]
    return result


def _split_program(command: str) -> tuple[str, str]:
    """``"'/a b/gcc' -O2"`` -> ``("'/a b/gcc'", "-O2")``: the first shell word as written."""
    text = command.strip()
    index, quote = 0, ""
    while index < len(text):
        char = text[index]
        if quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"':
                index += 1
        elif char in "'\"":
            quote = char
        elif char == "\\":
            index += 1
        elif char.isspace():
            break
        index += 1
    return text[:index], text[index:].strip()


def with_compiler_flags(config: Mapping[str, ConfigValue], flags: list[str]) -> ConfigVars:
    """Append ``flags`` right after the program of every compiler command.

    Putting e.g. ``--sysroot`` into ``CC`` itself (not ``CFLAGS``) keeps it in
    force even when a build takes ``CFLAGS`` from the environment.
    """
    result: ConfigVars = dict(config)
    if not flags:
        return result
    extra = " ".join(shlex.quote(flag) for flag in flags)
    for key in COMPILER_VARS:
        value = config.get(key)
        if isinstance(value, str) and value.strip():
            program, rest = _split_program(value)
            result[key] = " ".join(part for part in (program, extra, rest) if part)
    return result


def replace_program(config: Mapping[str, ConfigValue], key: str, program: str) -> ConfigVars:
    """Replace the first word of the command in ``key`` by ``program``."""
    result: ConfigVars = dict(config)
    value = config.get(key)
    if isinstance(value, str) and value.strip():
        _, rest = _split_program(value)
        result[key] = f"{shlex.quote(program)} {rest}".strip()
    else:
        result[key] = shlex.quote(program)
    return result
