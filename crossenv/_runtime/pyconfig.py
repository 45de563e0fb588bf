"""``python3-config`` for the Host, run by Cross-python on the Build machine.

CMake's FindPython asks this program (not the interpreter) for the extension
suffix and include directories when it cross-compiles; the Host's own
``python3-config`` is a Host file that should not be run here.
"""

from __future__ import annotations

import sys
import sysconfig
from typing import Callable, Dict, List, Optional


def _var(name: str) -> str:
    value = sysconfig.get_config_var(name)
    return "" if value is None else str(value)


def _includes() -> str:
    include = _var("INCLUDEPY")
    return f"-I{include} -I{_var('CONFINCLUDEPY') or include}"


def _libs(embed: bool) -> str:
    lib = [f"-lpython{_var('VERSION')}{_var('ABIFLAGS')}"] if embed else []
    return " ".join([*lib, _var("LIBS"), _var("SYSLIBS")]).strip()


ANSWERS: Dict[str, Callable[[bool], str]] = {
    "--prefix": lambda embed: _var("installed_base"),
    "--exec-prefix": lambda embed: _var("installed_platbase"),
    "--includes": lambda embed: _includes(),
    "--cflags": lambda embed: f"{_includes()} {_var('CFLAGS')}".strip(),
    "--libs": _libs,
    "--ldflags": lambda embed: f"-L{_var('LIBPL')} {_libs(embed)}".strip(),
    "--extension-suffix": lambda embed: _var("EXT_SUFFIX"),
    "--abiflags": lambda embed: _var("ABIFLAGS"),
    "--configdir": lambda embed: _var("LIBPL"),
}


def main(argv: Optional[List[str]] = None) -> int:
    """Print what each option asks for, one line each, like python3-config."""
    args = sys.argv[1:] if argv is None else argv
    embed = "--embed" in args
    asked = [arg for arg in args if arg != "--embed"]
    if not asked or any(arg not in ANSWERS for arg in asked):
        options = "|".join(ANSWERS)
        print(f"Usage: python3-config [{options}|--embed]", file=sys.stderr)
        return 2 if asked and "--help" not in asked else 0
    for arg in asked:
        print(ANSWERS[arg](embed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
