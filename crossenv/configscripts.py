"""``*-config`` scripts that answer for the Host, from the sysroot's ``.pc`` files.

Many ``setup.py`` files run ``pg_config``, ``xml2-config``, ``gdal-config``,
``mysql_config``... to learn where a library's headers and libraries are.
On the Build machine those scripts are missing or answer for the Build
machine, and the sysroot's own ones are Host programs (Debian's
``pg_config`` is Perl, ``mysql_config`` an aarch64 binary) that print
paths without the sysroot.  The facts they print are also in the library's
pkg-config file, as data.

:func:`write` puts one small POSIX shell script per entry of :data:`DATA`
into a folder that is first on ``PATH`` during Cross-python builds.  Each
one runs the Build machine's ``pkg-config`` (or ``$PKG_CONFIG``) with the
sysroot's pkgconfig folders (``PKG_CONFIG_LIBDIR``, which every cross build
has) and puts the sysroot (``PKG_CONFIG_SYSROOT_DIR``, also set for every
cross build) before each ``-I``/``-L`` path and each path variable it
prints, so every path is inside the sysroot and nothing of the Host runs.
The shims do that themselves rather than leave it to pkg-config: pkgconf
1.8 puts a sysroot holding a space into flags twice and splits it, and
freedesktop's pkg-config leaves ``--variable`` answers without it.  Shell
rather than Python: a shim starts in a few milliseconds, needs no
interpreter path, and is called once per option by builds that ask several.

When the sysroot has no ``.pc`` file for the library, a shim prints one
line naming the Debian package to add (``crossenv-sysroot --add libpq-dev
SYSROOT``) and exits 1; an option it does not know is one line and exit 1
too; outside a cross build (no ``PKG_CONFIG_SYSROOT_DIR``) it refuses.

More scripts, or other answers, come from a user file (see
:func:`user_file`), an INI file with one section per script::

    [sdl2-config]
    module = sdl2
    package = libsdl2-dev
    --cflags = --cflags
    --libs = --libs
    --version = --modversion
    --prefix = --variable=prefix
    --static-libs = --static --libs

Each option's value is the pkg-config query that answers it, optionally
followed by `` | TEMPLATE``, where ``{}`` in the template stands for the
query's answer and ``{major}`` for the first number of the module's
version (``--includedir-server = --variable=includedir | {}/{major}/server``).
A section replaces the built-in script of the same name.
"""

from __future__ import annotations

import configparser
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crossenv.errors import UsageError
from crossenv.launchers import sh_quoted

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = [
    "DATA",
    "Answer",
    "Script",
    "read_user_file",
    "render",
    "script",
    "scripts",
    "user_file",
    "write",
]


@dataclass(frozen=True)
class Answer:
    """What one option of a config script prints.

    *query* is what pkg-config is asked besides the module: ``--cflags``,
    ``--libs-only-L``, ``--modversion``, ``--variable=libdir``, ``--static
    --libs``...  *template* shapes its answer: ``{}`` stands for it and
    ``{major}`` for the first number of the module's version, so that
    ``pg_config --version`` can print ``PostgreSQL 15.18``.
    """

    query: str
    template: str = "{}"

    def __post_init__(self) -> None:
        words = self.query.split()
        if not words or not all(_QUERY_WORD.match(word) for word in words):
            raise ValueError(f"not a pkg-config query: {self.query!r}")
        literal = _PLACEHOLDER.sub("", self.template)
        if "{" in literal or "}" in literal:
            raise ValueError(f"a template may hold only {{}} and {{major}}: {self.template!r}")

    @property
    def variable(self) -> str | None:
        """The pc variable queried (whose path gets the sysroot), if that is the query."""
        return self.query[len("--variable=") :] if self.query.startswith("--variable=") else None


@dataclass(frozen=True)
class Script:
    """A ``*-config`` script, answered from the pkg-config module *module*.

    *package* is the Debian package holding the module's ``.pc`` file, named
    in the hint when the sysroot lacks it.  *options* maps each option the
    script answers to its :class:`Answer`, in the order ``--help`` lists them.
    """

    name: str
    module: str
    package: str
    options: tuple[tuple[str, Answer], ...]

    def __post_init__(self) -> None:
        for what, value, pattern in (
            ("script name", self.name, _NAME),
            ("pkg-config module", self.module, _NAME),
            ("Debian package", self.package, _PACKAGE),
        ):
            if not pattern.match(value):
                raise ValueError(f"not a {what}: {value!r}")
        for option, _ in self.options:
            if not _OPTION.match(option):
                raise ValueError(f"not an option: {option!r}")


_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")
_PACKAGE = re.compile(r"^[a-z0-9][a-z0-9+.-]+$")
_OPTION = re.compile(r"^--?[A-Za-z0-9][A-Za-z0-9_.=-]*$")
_QUERY_WORD = re.compile(r"^--[a-z][A-Za-z-]*(=[A-Za-z0-9_.-]+)?$")
_PLACEHOLDER = re.compile(r"\{(major)?\}")


def script(name: str, module: str, package: str, options: Mapping[str, Answer | str]) -> Script:
    """A :class:`Script`; an option's answer may be given as a bare query."""
    answers = tuple(
        (option, answer if isinstance(answer, Answer) else Answer(answer))
        for option, answer in options.items()
    )
    return Script(name, module, package, answers)


def _answer(text: str) -> Answer:
    query, _, template = text.partition("|")
    return Answer(query.strip(), template.strip() or "{}")


def _built_in() -> dict[str, Script]:
    path = Path(__file__).with_name("configscripts.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        name: script(name, entry["module"], entry["package"], _answers(entry["options"]))
        for name, entry in data.items()
    }


def _answers(options: Mapping[str, str]) -> dict[str, Answer | str]:
    return {option: _answer(text) for option, text in options.items()}


#: The built-in scripts, by name, from ``configscripts.json`` (answers are
#: written as in the user's file).  Module and package names are Debian's
#: (bookworm and trixie); options are those build scripts are seen to ask.
DATA: Mapping[str, Script] = _built_in()


# --------------------------------------------------------------------------
# The user file
# --------------------------------------------------------------------------


def user_file(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the user's scripts are read from.

    ``$CROSSENV_CONFIG_SCRIPTS`` if set, else
    ``$XDG_CONFIG_HOME/crossenv/config-scripts.ini``
    (``~/.config/crossenv/config-scripts.ini``).
    """
    named = environ.get("CROSSENV_CONFIG_SCRIPTS")
    if named:
        return Path(named).expanduser()
    base = environ.get("XDG_CONFIG_HOME") or os.path.join(environ.get("HOME", "~"), ".config")
    return Path(base).expanduser() / "crossenv" / "config-scripts.ini"


def read_user_file(path: Path) -> list[Script]:
    """Read the scripts of the INI file *path* (none if it does not exist)."""
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        with path.open(encoding="utf-8") as file:
            parser.read_file(file)
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, configparser.Error) as exc:
        raise UsageError(f"cannot read {path}: {' '.join(str(exc).split())}") from None
    found: list[Script] = []
    for name in parser.sections():
        section = dict(parser[name])
        try:
            module, package = section.pop("module"), section.pop("package")
            found.append(script(name, module, package, _answers(section)))
        except KeyError as exc:
            raise UsageError(f"{path}: [{name}] has no {exc.args[0]} =") from None
        except ValueError as exc:
            raise UsageError(f"{path}: [{name}]: {exc}") from None
    return found


def scripts(extra: Iterable[Script] = ()) -> list[Script]:
    """The built-in scripts with *extra* ones added (replacing those of the same name)."""
    merged = dict(DATA)
    merged.update((entry.name, entry) for entry in extra)
    return [merged[name] for name in sorted(merged)]


# --------------------------------------------------------------------------
# Writing the shims
# --------------------------------------------------------------------------

_HEAD = """\
#!/bin/sh
# {name} for the Host, written by crossenv.  It answers from the sysroot's
# {module}.pc with this machine's pkg-config, so every path it prints is
# inside the sysroot and nothing of the Host runs.
set -f
name={q_name}
module={q_module}
package={q_package}
known={q_known}

fail() {{
    printf '%s\\n' "$name (crossenv): $*" >&2
    exit 1
}}

quoted() {{
    printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\\\\\''/g")"
}}

sysroot=${{PKG_CONFIG_SYSROOT_DIR:-}}
sysroot=${{sysroot%/}}
if [ -z "$sysroot" ] || [ -z "${{PKG_CONFIG_LIBDIR:-}}" ]; then
    fail "answers for the Host only in a Cross-python build" \\
        "(PKG_CONFIG_SYSROOT_DIR and PKG_CONFIG_LIBDIR are not set)"
fi
# In flags, pkg-config writes a space in a path as '\\ '.
case $sysroot in
*[\\\\\\ ]*) escaped=$(printf '%s' "$sysroot" | sed 's/[\\\\ ]/\\\\&/g') ;;
*) escaped=$sysroot ;;
esac
pkgconfig=${{PKG_CONFIG:-pkg-config}}

has_pc() {{
    saved=$IFS
    IFS=:
    # shellcheck disable=SC2086  # the search paths are split at ':'
    for dir in ${{PKG_CONFIG_PATH:-}} $PKG_CONFIG_LIBDIR; do
        if [ -f "$dir/$module.pc" ]; then
            IFS=$saved
            return 0
        fi
    done
    IFS=$saved
    return 1
}}

# pkg-config is asked without PKG_CONFIG_SYSROOT_DIR: pkgconf 1.8 puts a
# sysroot holding a space twice into flags, and splits it.  The sysroot is
# put before the paths here instead.
query() {{
    out=$(unset PKG_CONFIG_SYSROOT_DIR && "$pkgconfig" "$@" "$module") || exit 1
    printf '%s' "${{out%"${{out##*[! ]}}"}}"
}}

flags() {{
    out=$(query "$@") || exit 1
    result=''
    pending=''
    # shellcheck disable=SC2086  # flags are split at spaces, except '\\ '
    for word in $out; do
        case $word in
        *\\\\)
            pending="$pending$word "
            continue ;;
        esac
        word=$pending$word
        pending=
        case $word in
        -I"$escaped"/* | -L"$escaped"/*) ;;
        -I/* | -L/*) word=${{word%"${{word#??}}"}}$escaped${{word#??}} ;;
        esac
        result=${{result:+$result }}$word
    done
    printf '%s' "$result"
}}

variable() {{
    out=$(query "--variable=$1") || exit 1
    case $out in
    "$sysroot" | "$sysroot"/*) ;;
    /*) out=$sysroot$out ;;
    esac
    printf '%s' "$out"
}}

major() {{
    out=$(query --modversion) || exit 1
    printf '%s' "${{out%%.*}}"
}}

if [ "$#" -eq 0 ]; then
    fail "usage: $name OPTION... (options: $known)"
fi
if ! has_pc; then
    fail "the sysroot $sysroot has no $module.pc; add it with:" \\
        "crossenv-sysroot --add $package $(quoted "$sysroot")"
fi
command -v "$pkgconfig" >/dev/null 2>&1 ||
    fail "needs pkg-config on this machine (apt-get install pkgconf)"

for option in "$@"; do
    case $option in
"""

_TAIL = """\
    --help)
        printf '%s\\n' "usage: $name OPTION..." \\
            "answers for the Host from $module.pc with pkg-config; options: $known" ;;
    *)
        fail "unknown option $option (options: $known)" ;;
    esac
done
"""


def _dquoted(text: str) -> str:
    """*text* inside a double-quoted shell word."""
    return re.sub(r'([\\"$`])', r"\\\1", text)


def _branch(option: str, answer: Answer) -> str:
    """The ``case`` branch of *option*: compute the answer, then print it."""
    words = answer.query.split()
    if answer.variable is not None:
        steps = [f"answer=$(variable {sh_quoted(answer.variable)})"]
    else:
        function = "flags" if any(w.startswith(("--cflags", "--libs")) for w in words) else "query"
        steps = [f"answer=$({function} {' '.join(sh_quoted(word) for word in words)})"]
    if "{major}" in answer.template:
        steps.append("major=$(major)")
    word, end = "", 0
    for found in _PLACEHOLDER.finditer(answer.template):
        word += _dquoted(answer.template[end : found.start()])
        word += "${major}" if found.group(1) else "${answer}"
        end = found.end()
    word += _dquoted(answer.template[end:])
    return (
        f"    {sh_quoted(option)})\n"
        f"        {' && '.join(steps)} || exit 1\n"
        f"        printf '%s\\n' \"{word}\" ;;\n"
    )


def render(entry: Script) -> str:
    """The text of the shim for *entry*."""
    known = " ".join(option for option, _ in entry.options) + " --help"
    head = _HEAD.format(
        name=entry.name,
        module=entry.module,
        q_name=sh_quoted(entry.name),
        q_module=sh_quoted(entry.module),
        q_package=sh_quoted(entry.package),
        q_known=sh_quoted(known),
    )
    return head + "".join(_branch(option, answer) for option, answer in entry.options) + _TAIL


def write(folder: Path, entries: Iterable[Script] | None = None) -> list[Path]:
    """Write one executable shim per script into *folder*; return their paths.

    *entries* defaults to :data:`DATA` with the user's file (see
    :func:`user_file`) added.  A shim already there is replaced.
    """
    chosen = scripts(read_user_file(user_file())) if entries is None else list(entries)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for entry in chosen:
        path = folder / entry.name
        temporary = folder / f".{entry.name}.new"
        temporary.write_text(render(entry), encoding="utf-8")
        temporary.chmod(0o755)
        os.replace(temporary, path)
        written.append(path)
    return written
