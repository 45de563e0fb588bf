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


#: Programs that run the compiler named after them: compiler caches and
#: distributed compilers (``--cc "ccache aarch64-linux-gnu-gcc"``).
LAUNCHERS = frozenset({"ccache", "sccache", "distcc", "icecc", "buildcache"})


@dataclasses.dataclass(frozen=True)
class Toolchain:
    """The programs that build for the Host, as they go into sysconfig.

    Each is a command in shell words: a launcher, the program and its flags
    (see :func:`split`).
    """

    cc: str
    cxx: str
    ar: str
    #: What ``CC -dumpmachine`` printed.
    target: str
    #: Whether compilers get ``--sysroot=SYSROOT`` (not zig's: it brings its
    #: own C library, and takes only the Host's other headers from the sysroot).
    sysroot_flag: bool = True


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


def split(command: str) -> Tuple[List[str], str, List[str]]:
    """A compiler command's launchers, program and flags, split as a shell would.

    ``ccache aarch64-linux-gnu-gcc -mcpu=cortex-a72`` ->
    ``(["ccache"], "aarch64-linux-gnu-gcc", ["-mcpu=cortex-a72"])``.
    """
    try:
        words = shlex.split(command)
    except ValueError as exc:  # an unclosed quote
        raise ToolchainError(f"cannot split {command!r} into words: {exc}") from None
    launchers: List[str] = []
    while len(words) > 1 and os.path.basename(words[0]) in LAUNCHERS:
        launchers.append(words.pop(0))
    return launchers, (words[0] if words else ""), words[1:]


def program(command: str) -> str:
    """The compiler (or archiver) program of ``command``, without launcher or flags."""
    return split(command)[1]


def _install_hint(multiarch: str) -> str:
    package = compiler_package(multiarch)
    return f"apt-get install {package}" if package else "your system's cross compiler for the Host"


def _resolve(program: str, relative: bool, what: str, multiarch: str, given: bool) -> str:
    found = shutil.which(program)
    if found is None and what != "C compiler" and not given:
        return program  # only needed by some builds; they will name it if missing
    if found is None:
        option = {"C++ compiler": "--cxx", "archiver": "--ar"}.get(what, "--cc")
        raise ToolchainError(
            f"{what} '{program}' not found on PATH; install the cross toolchain "
            f"({_install_hint(multiarch)}), choose one with {option}, or use --toolchain zig "
            "(zig from PyPI, no root needed)"
        )
    return program if relative else os.path.abspath(found)


def _launcher(word: str, relative: bool) -> str:
    found = shutil.which(word)
    if found is None:
        raise ToolchainError(f"compiler launcher '{word}' not found on PATH; install it")
    return word if relative else os.path.abspath(found)


def _check_target(
    command: str, what: str, host: str, given: bool, runner: Runner, warn: Callable[[str], None]
) -> str:
    """What ``command -dumpmachine`` says; ``host`` when a compiler the user named cannot tell.

    Every compiler must build for the Host: one that says it builds for
    another machine is refused (crossenv 1.x only warned; an environment
    whose every build would be refused is no use).  One the user named that
    cannot say (qcc has no ``-dumpmachine``) gets a warning, as in 1.x, and
    the checks on every built wheel still catch code for another machine.
    The command's flags are part of the question (``clang --target=...``);
    its launcher is not.
    """
    _, name, flags = split(command)
    try:
        target = runner([shutil.which(name) or name, *flags, "-dumpmachine"])
        if not target:
            raise ToolchainError(f"{name} -dumpmachine printed nothing")
    except ToolchainError as exc:
        if not given:
            raise
        warn(f"cannot tell what the {what} {command} builds for ({exc}); taking it as the Host's")
        return host
    if host and not same_target(target, host):
        if _musl_by_specs(name, flags, target, host, runner):
            return host
        raise ToolchainError(
            f"{what} {command} builds for {target}, but Host-python is for {host}; "
            "choose the right one with --cc/--cxx or --toolchain-prefix"
        )
    return target


def _musl_by_specs(name: str, flags: List[str], said: str, host: str, runner: Runner) -> bool:
    """Tell whether a glibc gcc for the Host's CPU compiles against musl after all.

    musl's ``musl-gcc`` wrapper (a specs file over the system's gcc) answers
    ``-dumpmachine`` with gcc's own glibc triple; the C library's headers
    tell the truth: glibc's define ``__GLIBC__``, musl's do not.
    """
    compiler, host_cpu = _normalize(said), _normalize(host)
    if host_cpu[1] != "musl" or compiler != (host_cpu[0], "gnu"):
        return False
    command = [shutil.which(name) or name, *flags, "-E", "-dM", "-include", "stdio.h"]
    try:
        macros = runner([*command, "-x", "c", os.devnull])
    except ToolchainError:
        return False
    return "__GLIBC__" not in macros and "__linux__" in macros


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
    prefix: Optional[str] = None,
    relative: bool = False,
    runner: Runner = run,
    warn: Callable[[str], None] = lambda message: None,
) -> Toolchain:
    """Pick CC, CXX and AR for the Host and check what the compilers build for.

    Explicit ``cc``/``cxx``/``ar`` (shell words, see :func:`split`) win;
    then the toolchain ``prefix`` + the recorded
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
        launchers: List[str] = []
        flags: List[str] = []
        if given:
            launchers, name, flags = split(given)
        else:
            name = _guess(_program(text_var(config, var)) or default, prefix, multiarch)
        found = _resolve(name, relative, what, multiarch, bool(given))
        launchers = [_launcher(word, relative) for word in launchers]
        picked.append(shlex.join([*launchers, found, *flags]))
    target = _check_target(picked[0], "C compiler", host, bool(cc), runner, warn)
    if shutil.which(program(picked[1])) is not None and program(picked[1]) != program(picked[0]):
        _check_target(picked[1], "C++ compiler", host, bool(cxx), runner, warn)
    return Toolchain(cc=picked[0], cxx=picked[1], ar=picked[2], target=target)


def with_launcher(chain: Toolchain, launcher: Sequence[str], relative: bool) -> Toolchain:
    """``chain`` whose compilers run through ``launcher`` (``--compiler-launcher``).

    A compiler already named with that launcher (``--cc "ccache gcc"``) keeps its one.
    """
    found = [_launcher(word, relative) for word in launcher]

    def launched(command: str) -> str:
        own, name, flags = split(command)
        if [os.path.basename(word) for word in own] == [os.path.basename(word) for word in found]:
            return command
        return shlex.join([*found, *own, name, *flags])

    return dataclasses.replace(chain, cc=launched(chain.cc), cxx=launched(chain.cxx))
