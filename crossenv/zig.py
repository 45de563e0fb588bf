"""The zig toolchain: C and C++ for the Host and an old glibc, from PyPI, with no root.

``--toolchain zig`` compiles with ``zig cc``/``zig c++`` from the ``ziglang``
wheel, installed into the Build layer with its pip.  zig carries the C
library's headers and link stubs for every glibc version, so ``-target
aarch64-linux-gnu.2.17`` makes code that needs glibc 2.17 and no newer
(manylinux2014) whatever the sysroot's glibc is; the sysroot still gives
Python's headers (and other libraries' headers) after zig's own.  Small
scripts in the Build layer's ``bin`` (``zig-cc``, ``zig-c++``, ``zig-ar``,
...) stand for the compilers, so that the guard, sysconfig, meson and CMake
see a program each, and no ``--sysroot`` is given to them.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Callable, Dict, Optional, Tuple

from . import process
from .context import Context
from .errors import CreationError, ToolchainError, UsageError
from .target import HostDescription
from .toolchain import Toolchain, same_target

#: The package that brings zig; pip finds the wheel for the Build machine.
REQUIREMENT = "ziglang"
#: zig's ``-mcpu`` for each Host it is used for ("" = zig's default): its
#: default CPU can be newer than Debian's baseline (for armhf it uses 32
#: double registers; Debian's armhf has VFPv3-D16). Hosts not here are refused
#: until their baseline has been checked.
CPUS = {"aarch64-linux-gnu": "", "arm-linux-gnueabihf": "generic+v7a-d32"}
#: The scripts written into the Build layer's ``bin``: name -> zig command.
COMMANDS = {"zig-cc": "cc", "zig-c++": "c++", "zig-ar": "ar", "zig-ranlib": "ranlib"}


def target(multiarch: str, glibc: Tuple[int, int]) -> str:
    """zig's ``-target`` for a Debian multiarch triple and a glibc version."""
    cpu, _, rest = multiarch.partition("-")
    cpu = {"i386": "x86", "i686": "x86"}.get(cpu, cpu)
    return f"{cpu}-{rest}.{glibc[0]}.{glibc[1]}"


def toolchain(build_dir: Path, multiarch: str) -> Toolchain:
    """The compilers of an environment whose Build layer is ``build_dir``."""
    bindir = build_dir / "bin"
    return Toolchain(
        cc=shlex.quote(str(bindir / "zig-cc")),
        cxx=shlex.quote(str(bindir / "zig-c++")),
        ar=shlex.quote(str(bindir / "zig-ar")),
        target=multiarch,
        sysroot_flag=False,
    )


def scripts(zig: str, zig_target: str, sysroot: Optional[str], multiarch: str) -> Dict[str, str]:
    """The text of each script of :data:`COMMANDS`."""
    after = []
    if sysroot:  # Python's headers (Debian's pyconfig.h is under the multiarch folder)
        include = os.path.join(sysroot, "usr", "include")
        after = [include, *([os.path.join(include, multiarch)] if multiarch else [])]
    result = {}
    for name, command in COMMANDS.items():
        words = [zig, command]
        if command in ("cc", "c++"):
            cpu = CPUS.get(multiarch, "")
            words += ["-target", zig_target, *([f"-mcpu={cpu}"] if cpu else [])]
            for folder in after:
                words += ["-idirafter", folder]
        text = f"#!/bin/sh\n# crossenv: zig {command} for the Host ({zig_target}).\n"
        if command in ("cc", "c++"):
            text += _DROP
        result[name] = text + f'exec {" ".join(shlex.quote(word) for word in words)} "$@"\n'
    return result


#: Flags of the Host's recorded LDFLAGS that zig's linker does not know, left
#: out (Debian links Python with -Bsymbolic-functions, which only speeds up calls).
_DROP = """for arg do
    shift
    case $arg in
        -Wl,-Bsymbolic-functions) ;;
        *) set -- "$@" "$arg" ;;
    esac
done
"""


def install(layer: Path, final: Path, version: str, log: Callable[[str], None]) -> Path:
    """Install ziglang into the Build layer ``layer`` (staged; ``final`` once in place).

    Returns the zig program at its final path.
    """
    site = Path("lib") / f"python{version}" / "site-packages" / "ziglang" / "zig"
    if not (layer / site).exists():
        log(f"installing {REQUIREMENT} into the Build layer (zig, about 100 MB)")
        command = [str(layer / "bin" / "python"), "-m", "pip", "install", "-q", REQUIREMENT]
        done = process.capture(command, cannot_start=CreationError)
        if done.returncode != 0 or not (layer / site).exists():
            raise CreationError(
                f"cannot install {REQUIREMENT} into the Build layer: "
                f"{process.last_line(done.stderr) or 'pip found no zig'}"
            )
    return final / site


def check(zig: Path, zig_target: str, host: str) -> str:
    """What ``zig cc -target T -dumpmachine`` says; refused unless it is the Host."""
    done = process.capture(
        [str(zig), "cc", "-target", zig_target, "-dumpmachine"], cannot_start=ToolchainError
    )
    # zig prints the triple, and then fails on its own glibc suffix: the
    # triple is the answer.
    said = done.stdout.strip()
    if not said or not same_target(said, host):
        raise ToolchainError(
            f"zig cc -target {zig_target} builds for {said or done.stderr.strip()}, "
            f"not for the Host ({host})"
        )
    return said


def choose(env_dir: Path, described: HostDescription, *, with_pip: bool, named: bool) -> Toolchain:
    """zig's compilers for the environment at ``env_dir``; refuse what they cannot honour."""
    if not with_pip:
        raise UsageError(
            "--toolchain zig installs zig with the Build layer's pip: drop --without-pip"
        )
    if named:
        raise UsageError(
            "--toolchain zig names its compilers itself: drop --cc/--cxx/--toolchain-prefix"
        )
    if described.multiarch not in CPUS:
        raise UsageError(
            f"--toolchain zig is for {', '.join(sorted(CPUS))} Hosts so far, not "
            f"{described.multiarch or described.triple}: its code for others is not yet "
            "checked against Debian's baseline CPU; use the Host's cross gcc"
        )
    if described.glibc is None or not described.multiarch:
        raise UsageError(
            "--toolchain zig needs the Host's glibc version, and the sysroot has no "
            "libc6 to tell it: give it with --manylinux (e.g. manylinux2014)"
        )
    return toolchain(env_dir / "build", described.multiarch)


def setup(context: Context, log: Callable[[str], None]) -> None:
    """Install zig into the (staged) Build layer and write its compilers' scripts there."""
    described = context.target
    assert described.glibc is not None
    program = install(context.staged(context.build_dir), context.build_dir, context.version, log)
    zig_target = target(described.multiarch, described.glibc)
    check(context.staged(program), zig_target, described.triple or described.multiarch)
    sysroot = str(context.host.sysroot) if context.host.sysroot else None
    texts = scripts(str(program), zig_target, sysroot, described.multiarch)
    context.write({context.build_dir / "bin" / name: (text, True) for name, text in texts.items()})
    log(f"compilers: zig cc -target {zig_target}")
