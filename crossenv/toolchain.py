"""Choose the cross toolchain and check that it builds for the Host."""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
import shutil
from typing import Callable, List, Mapping, Optional, Sequence, Tuple

from . import process
from .arch import canonical_cpu, compiler_package
from .errors import ToolchainError
from .sysconfigdata import ConfigValue, text_var

#: Runs a command and returns its standard output; injectable for tests.
Runner = Callable[[Sequence[str]], str]


def run(command: Sequence[str]) -> str:
    """Run ``command`` and return its stripped standard output."""
    done = process.capture(command, cannot_start=ToolchainError, timeout=60)
    if done.returncode != 0:
        raise ToolchainError(f"{' '.join(command)} failed: {process.last_line(done.stderr)}")
    return done.stdout.strip()


@dataclasses.dataclass(frozen=True)
class Toolchain:
    """The programs that build for the Host, as they go into sysconfig."""

    cc: str
    cxx: str
    ar: str
    #: What ``CC -dumpmachine`` printed.
    target: str


def _normalize(triple: str) -> Tuple[str, str]:
    parts = triple.strip().lower().split("-")
    cpu = canonical_cpu(parts[0])
    system = re.sub(r"[0-9.]+$", "", parts[-1]) if len(parts) > 1 else ""
    return cpu, system


def same_target(compiler: str, host: str) -> bool:
    """Tell whether the two GNU triples name the same CPU and system.

    ``aarch64-linux-gnu`` and ``aarch64-unknown-linux-gnu`` agree;
    ``x86_64-linux-gnu`` and ``aarch64-linux-gnu`` do not.
    """
    return _normalize(compiler) == _normalize(host)


def _program(command: str) -> str:
    words = shlex.split(command)
    return words[0] if words else ""


def _install_hint(multiarch: str) -> str:
    package = compiler_package(multiarch)
    return f"apt-get install {package}" if package else "your system's cross compiler for the Host"


def _resolve(program: str, relative: bool, what: str, multiarch: str, given: bool) -> str:
    found = shutil.which(program)
    if found is None and what != "C compiler" and not given:
        return program  # only needed by some builds; they will name it if missing
    if found is None:
        option = {"C compiler": "--cc", "C++ compiler": "--cxx", "archiver": "--ar"}[what]
        raise ToolchainError(
            f"{what} '{program}' not found on PATH; install the cross toolchain "
            f"({_install_hint(multiarch)}) or choose one with {option}"
        )
    return program if relative else os.path.abspath(found)


def _check_target(
    program: str, what: str, host: str, given: bool, runner: Runner, warn: Callable[[str], None]
) -> str:
    """What ``program -dumpmachine`` says; ``host`` when a compiler the user named cannot tell.

    Every compiler must build for the Host: one that says it builds for
    another machine is refused (crossenv 1.x only warned; an environment
    whose every build would be refused is no use).  One the user named that
    cannot say (qcc has no ``-dumpmachine``) gets a warning, as in 1.x, and
    the checks on every built wheel still catch code for another machine.
    """
    try:
        target = runner([shutil.which(program) or program, "-dumpmachine"])
        if not target:
            raise ToolchainError(f"{program} -dumpmachine printed nothing")
    except ToolchainError as exc:
        if not given:
            raise
        warn(f"cannot tell what the {what} {program} builds for ({exc}); taking it as the Host's")
        return host
    if host and not same_target(target, host):
        raise ToolchainError(
            f"{what} {program} builds for {target}, but Host-python is for {host}; "
            "choose the right one with --cc/--cxx or --cross-prefix"
        )
    return target


def _guess(program: str, prefix: Optional[str], multiarch: str) -> str:
    """Name the cross program for a recorded one like ``gcc`` or ``cc``."""
    if prefix is not None:
        base = os.path.basename(program)
        return prefix + base.split("-")[-1] if "-" in base else prefix + base
    if program in ("gcc", "cc", "g++", "c++", "ar", "clang", "clang++") and multiarch:
        return f"{multiarch}-{'gcc' if program == 'cc' else 'g++' if program == 'c++' else program}"
    return program


def choose(
    config: Mapping[str, ConfigValue],
    *,
    cc: Optional[str] = None,
    cxx: Optional[str] = None,
    ar: Optional[str] = None,
    cross_prefix: Optional[str] = None,
    relative: bool = False,
    runner: Runner = run,
    warn: Callable[[str], None] = lambda message: None,
) -> Toolchain:
    """Pick CC, CXX and AR for the Host and check what the compilers build for.

    Explicit ``cc``/``cxx``/``ar`` win; then ``cross_prefix`` + the recorded
    program; then the recorded program itself (Debian records
    ``aarch64-linux-gnu-gcc``); a bare ``gcc`` is tried as ``MULTIARCH-gcc``.
    """
    multiarch = text_var(config, "MULTIARCH")
    host = text_var(config, "HOST_GNU_TYPE") or multiarch
    picked: List[str] = []
    for given, var, default, what in (
        (cc, "CC", "gcc", "C compiler"),
        (cxx, "CXX", "g++", "C++ compiler"),
        (ar, "AR", "ar", "archiver"),
    ):
        if given:
            program = given
        else:
            program = _guess(_program(text_var(config, var)) or default, cross_prefix, multiarch)
        picked.append(_resolve(program, relative, what, multiarch, bool(given)))
    target = _check_target(picked[0], "C compiler", host, bool(cc), runner, warn)
    if shutil.which(picked[1]) is not None and picked[1] != picked[0]:
        _check_target(picked[1], "C++ compiler", host, bool(cxx), runner, warn)
    return Toolchain(cc=picked[0], cxx=picked[1], ar=picked[2], target=target)
