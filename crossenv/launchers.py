"""Write ``ENV_DIR/bin``: the launchers and the ``activate`` scripts, every path quoted.

``cross-run`` also gets ``ENV_DIR/cross/crossenv-run/sitecustomize.py`` (see
:data:`RUN_SITECUSTOMIZE`).
"""

from __future__ import annotations

import dataclasses
import shlex
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from . import toolchain
from .folders import Files, write_files


def _template(name: str) -> str:
    return (Path(__file__).parent / "templates" / name).read_text(encoding="utf-8")


@dataclasses.dataclass(frozen=True)
class Layers:
    """What the two layers hold, for the launchers that reach into them."""

    #: Whether Cross-python and the Build layer can run pip.
    cross_pip: bool = True
    build_pip: bool = True
    #: The executables of ``cross/bin`` and ``build/bin``: each ``X`` gets a
    #: ``cross-X`` or ``build-X``, as crossenv 1.x makes them.
    cross_bin: Tuple[str, ...] = ()
    build_bin: Tuple[str, ...] = ()


def commands(env_dir: Path, version: str, layers: Layers = Layers()) -> Dict[str, List[str]]:
    """Map each launcher name to the command it runs (pure).

    No launcher is made for a pip that is not there.
    """
    cross_bin, build_bin = env_dir / "cross" / "bin", env_dir / "build" / "bin"
    cross, build = str(cross_bin / "python"), str(build_bin / "python")
    result: Dict[str, List[str]] = {}
    result.update({f"build-{name}": [str(build_bin / name)] for name in layers.build_bin})
    result.update({f"cross-{name}": [str(cross_bin / name)] for name in layers.cross_bin})
    major = version.split(".")[0]
    for name in ("python", f"python{major}", f"python{version}"):
        result[name] = result[f"cross-{name}"] = [cross]
    if layers.cross_pip:
        for name in ("pip", f"pip{major}", f"pip{version}"):
            result[name] = result[f"cross-{name}"] = [cross, "-m", "pip"]
    result["build-python"] = [build]
    if layers.build_pip:
        result["build-pip"] = [build, "-m", "pip"]
    else:
        for name in ("pip", f"pip{major}", f"pip{version}"):
            result.pop(f"build-{name}", None)
    result["cross-expose"] = [cross, "-m", "_crossenv.expose"]
    result["cross-repair"] = [cross, "-m", "_crossenv.repair"]
    return result


def config_commands(env_dir: Path, version: str) -> Dict[str, List[str]]:
    """``python3-config`` and its aliases for the Host, in ``cross/bin`` (pure)."""
    cross = str(env_dir / "cross" / "bin" / "python")
    names = ("python-config", f"python{version.split('.')[0]}-config", f"python{version}-config")
    return {name: [cross, "-m", "_crossenv.pyconfig"] for name in names}


def render_launcher(name: str, command: List[str]) -> str:
    """The text of one launcher script."""
    quoted = " ".join(shlex.quote(word) for word in command)
    text = _template("launcher.sh").replace("__NAME__", name).replace("__COMMAND__", quoted)
    return text.replace("__PROGRAM__", shlex.quote(command[0]))


def render_guard(
    name: str, command: str, sysroot: str, python_prefix: str, guard: List[str]
) -> str:
    """The text of one compiler guard launcher (``templates/guard.sh``).

    ``command`` is the compiler in shell words: its launcher (ccache) and
    flags are part of every command the guard lets through.
    """
    launcher, compiler, flags = toolchain.split(command)
    values = {
        "__NAME__": name,
        "__COMPILER__": shlex.quote(compiler),
        "__LAUNCHER__": " ".join(shlex.quote(word) for word in launcher),
        "__FLAGS__": " ".join(shlex.quote(word) for word in flags),
        "__RUN__": shlex.quote(shlex.join([*launcher, compiler])),
        "__SYSROOT__": shlex.quote(sysroot),
        "__PYTHON_PREFIX__": shlex.quote(python_prefix),
        "__GUARD__": " ".join(shlex.quote(word) for word in guard),
    }
    text = _template("guard.sh")
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


#: Characters a shell would expand in a prompt (bash's PS1, csh's prompt).
_PROMPT_SPECIAL = "$`\\!%\n"


def prompt_mark(env_dir: Path, prompt: Optional[str] = None) -> str:
    """What activation puts before the prompt: ``(NAME) ``, NAME the folder's by default.

    Characters a shell would expand there become ``_``.
    """
    text = env_dir.name if prompt is None else prompt
    return "(" + "".join("_" if char in _PROMPT_SPECIAL else char for char in text) + ") "


def render_activate(env_dir: Path, prompt: Optional[str] = None) -> str:
    """The text of ``bin/activate`` for ``env_dir``."""
    text = _template("activate.sh").replace("__PROMPT__", sh_quoted(prompt_mark(env_dir, prompt)))
    return text.replace("__CROSSENV_DIR__", shlex.quote(str(env_dir)))


def fish_quote(value: str) -> str:
    """Quote ``value`` as one fish word, keeping it literal when fish allows.

    A literal path can be rewritten in place when the environment is moved:
    single quotes unless it has ``'`` or ``\\``; else double quotes unless it
    has ``\\``, ``"`` or ``$``; else single quotes with ``\\`` and ``'`` escaped.
    """
    if "'" not in value and "\\" not in value:
        return f"'{value}'"
    if not any(char in value for char in '"$\\'):
        return f'"{value}"'
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


#: Characters csh cannot take literally in any quotes: ``!`` starts a history
#: substitution even in single quotes (``\!`` would not be the path's own
#: bytes, so the path could not be rewritten when the environment is moved),
#: and a newline ends the command.
CSH_UNQUOTABLE = "!\n"


def csh_quote(value: str) -> Optional[str]:
    """Quote ``value`` as one csh word; ``None`` if csh cannot take it.

    Single quotes unless it has ``'``; else double quotes unless it also has
    ``"``, ``$`` or a backquote; else single-quoted runs joined by ``"'"``.
    The first two forms keep ``value`` literal in the file.
    """
    if any(char in value for char in CSH_UNQUOTABLE):
        return None
    if "'" not in value:
        return f"'{value}'"
    if not any(char in value for char in '"$`'):
        return f'"{value}"'
    return "'" + value.replace("'", "'\"'\"'") + "'"


def render_activate_fish(env_dir: Path, prompt: Optional[str] = None) -> str:
    """The text of ``bin/activate.fish`` for ``env_dir``."""
    text = _template("activate.fish")
    text = text.replace("__PROMPT__", fish_quote(prompt_mark(env_dir, prompt)))
    return text.replace("__CROSSENV_DIR__", fish_quote(str(env_dir)))


def render_activate_csh(env_dir: Path, prompt: Optional[str] = None) -> str:
    """The text of ``bin/activate.csh`` for ``env_dir``.

    When csh cannot quote the path (see ``CSH_UNQUOTABLE``), the file only
    says so: sourcing it prints an error and stops with status 1.
    """
    quoted = csh_quote(str(env_dir))
    if quoted is None:  # no "!" in this text: csh would take it for history
        return (
            "# crossenv could not write activate.csh: the path of this environment\n"
            "# has an exclamation mark or a newline, which csh cannot quote.\n"
            "echo 'crossenv: activate.csh is unavailable here: the path of this environment "
            "has an exclamation mark or a newline; source bin/activate from sh, bash or "
            "zsh, or bin/activate.fish from fish' > /dev/stderr\n"
            "exit 1\n"
        )
    mark = csh_quote(prompt_mark(env_dir, prompt)) or "'(crossenv) '"
    return _template("activate.csh").replace("__PROMPT__", mark).replace("__CROSSENV_DIR__", quoted)


def sh_quoted(value: str) -> str:
    """Single-quote ``value`` even when it has no special characters."""
    return "'" + value.replace("'", "'\"'\"'") + "'"


#: The folder ``cross-run`` puts first on the Host-python's path: it holds
#: only :data:`RUN_SITECUSTOMIZE`.
RUN_SITE = Path("cross") / "crossenv-run"
#: The ``.pth`` file that starts Cross-python's runtime (``_crossenv``): for
#: Cross-python only, so the Host-python of ``cross-run`` skips it.
CROSS_PYTHON_PTH = "_crossenv.pth"

#: ``RUN_SITE/sitecustomize.py``, run by the Host-python of ``cross-run``
#: (any version the Host has: plain Python 3). It makes the Cross
#: site-packages a site dir, as a venv's is, so that its ``.pth`` files work
#: (editable installs), then runs the ``sitecustomize`` the Host-python would
#: have run without it (Debian's, or one on the user's ``PYTHONPATH``).
RUN_SITECUSTOMIZE = '''\
"""Written by crossenv for cross-run: the environment's site-packages as a site dir."""
import os
import site
import sys

SITE = __SITE__
SKIP = __SKIP__


def _crossenv_run():
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [path for path in sys.path if not path or os.path.abspath(path) != here]
    # The .pth files of SITE (on PYTHONPATH already), in the order site reads them.
    try:
        names = sorted(os.listdir(SITE))
    except OSError:
        names = []
    for name in names:
        if name.endswith(".pth") and not name.startswith(".") and name not in SKIP:
            site.addpackage(SITE, name, None)
    # The sitecustomize this Host-python would have run without this one.
    from importlib.machinery import PathFinder
    from importlib.util import module_from_spec

    spec = PathFinder.find_spec("sitecustomize", sys.path)
    if spec is not None and spec.loader is not None:
        module = module_from_spec(spec)
        sys.modules["sitecustomize"] = module
        spec.loader.exec_module(module)


_crossenv_run()
'''


def render_run_sitecustomize(site: str) -> str:
    """The text of ``RUN_SITE/sitecustomize.py`` for the Cross site-packages ``site``."""
    text = RUN_SITECUSTOMIZE.replace("__SKIP__", repr((CROSS_PYTHON_PTH,)))
    return text.replace("__SITE__", repr(site))


def render_cross_run(
    qemu: str, sysroot: str, host_python: str, site: str, qemu_cpu: str = "", *, run_site: str
) -> str:
    """The text of ``bin/cross-run``: Host-python under qemu-user (``-cpu qemu_cpu``).

    ``run_site`` is the folder of :func:`render_run_sitecustomize`'s file.
    """
    text = _template("cross-run.sh")
    for key, value in (
        ("QEMU_CPU", qemu_cpu),
        ("QEMU", qemu),
        ("SYSROOT", sysroot),
        ("HOST_PYTHON", host_python),
        ("RUN_SITE", run_site),
        ("SITE", site),
    ):
        text = text.replace(f"__{key}__", sh_quoted(value))
    return text


def files(
    env_dir: Path,
    version: str,
    cross_run: Optional[Dict[str, str]] = None,
    layers: Layers = Layers(),
    prompt: Optional[str] = None,
) -> Files:
    """``env_dir/bin`` with every launcher and the ``activate`` scripts (pure).

    ``cross_run`` holds ``qemu``, ``sysroot``, ``host_python`` and ``site``
    for ``bin/cross-run``, which also gets ``RUN_SITE/sitecustomize.py``.
    ``python3-config`` and its aliases go to ``cross/bin``.
    Activation marks the prompt with ``prompt`` (default: the folder's name).
    """
    bindir = env_dir / "bin"
    result: Files = {
        bindir / name: (render_launcher(name, command), True)
        for name, command in commands(env_dir, version, layers).items()
    }
    result[bindir / "activate"] = (render_activate(env_dir, prompt), False)
    result[bindir / "activate.fish"] = (render_activate_fish(env_dir, prompt), False)
    result[bindir / "activate.csh"] = (render_activate_csh(env_dir, prompt), False)
    if cross_run is not None:
        run_site = env_dir / RUN_SITE
        result[bindir / "cross-run"] = (
            render_cross_run(**cross_run, run_site=str(run_site)),
            True,
        )
        site_text = render_run_sitecustomize(cross_run["site"])
        result[run_site / "sitecustomize.py"] = (site_text, False)
    for name, command in config_commands(env_dir, version).items():
        result[env_dir / "cross" / "bin" / name] = (render_launcher(name, command), True)
    return result


def write(
    env_dir: Path,
    version: str,
    cross_run: Optional[Dict[str, str]] = None,
    into: Optional[Path] = None,
    layers: Layers = Layers(),
    prompt: Optional[str] = None,
) -> None:
    """Write :func:`files` for ``env_dir`` (into the staging folder ``into``, if given)."""
    write_files(files(env_dir, version, cross_run, layers, prompt), env_dir, into)
