"""Rust (maturin, setuptools-rust, PyO3) for the Host: target, linker, standard library.

Cargo needs the Host's target triple, a linker for it, PyO3's cross
variables and a Rust standard library built for the Host.  That library
comes from the sysroot (``crossenv-sysroot --rust`` puts Debian's there, to
be used with Debian's ``rustc`` of the same version) or from a ``rustc`` on
``PATH`` that already has the target installed.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import List, Optional

from . import arch
from .errors import ToolchainError
from .target import HostDescription
from .toolchain import Runner, run

#: Debian's rustc, which builds for the Host with a standard library from the sysroot.
DEBIAN_RUSTC = "/usr/bin/rustc"


def triple(target: HostDescription) -> str:
    """The Rust target triple of the Host, e.g. ``aarch64-unknown-linux-gnu``.

    A Debian Host gets Debian rustc's (:attr:`crossenv.arch.Arch.rust_triple`);
    another Linux (musl, Android) Rust's name of its CPU with its own system.
    """
    if target.sys_platform == "ios":
        return "aarch64-apple-ios"
    debian = arch.by_multiarch(target.multiarch) or arch.by_triple(target.triple, exact=True)
    if debian is not None and target.sys_platform == "linux":
        return debian.rust_triple
    found = target.arch
    cpu = found.rust_cpu if found is not None else target.machine
    if target.sys_platform == "android":
        return "armv7-linux-androideabi" if cpu.startswith("arm") else f"{cpu}-linux-android"
    abi = target.multiarch.rsplit("-", 1)[-1] if target.multiarch else "gnu"
    return f"{cpu}-unknown-linux-{abi}"


def std_dir(sysroot: Path, rust_triple: str) -> Optional[Path]:
    """*sysroot*'s Rust library folder for *rust_triple*, if it holds a standard library."""
    return _std_in(sysroot / "usr" / "lib" / "rustlib" / rust_triple / "lib")


def env_name(rust_triple: str) -> str:
    """``aarch64-unknown-linux-gnu`` -> ``AARCH64_UNKNOWN_LINUX_GNU`` (cargo's spelling)."""
    return rust_triple.upper().replace("-", "_").replace(".", "_")


def _std_in(libdir: Path) -> Optional[Path]:
    return libdir if next(libdir.glob("libstd-*.rlib"), None) is not None else None


@dataclasses.dataclass(frozen=True)
class RustSetup:
    """How cargo will build for the Host in this environment."""

    triple: str
    #: ``--sysroot`` for rustc holding the Host's std (Debian's), or None.
    std_sysroot: Optional[str]
    #: True when a usable standard library for the triple was found.
    has_std: bool
    #: The folder of the ``rustc`` (and its ``cargo``) that builds for the Host,
    #: when that is not the first ``rustc`` on ``PATH``; builds get it first.
    tools_dir: Optional[str] = None


def rustc_candidates(search_path: Optional[str] = None) -> List[str]:
    """Every ``rustc`` on ``PATH`` in order (each program once), then Debian's."""
    found: List[str] = []
    seen = set()
    folders = (search_path if search_path is not None else os.environ.get("PATH", "")).split(
        os.pathsep
    )
    for program in [*(os.path.join(folder, "rustc") for folder in folders if folder), DEBIAN_RUSTC]:
        if os.path.isfile(program) and os.access(program, os.X_OK):
            real = os.path.realpath(program)
            if real not in seen:
                seen.add(real)
                found.append(program)
    return found


def probe(
    target: HostDescription,
    sysroot: Optional[Path],
    runner: Runner = run,
    search_path: Optional[str] = None,
) -> RustSetup:
    """Find a Rust standard library for the Host.

    Debian's rustc with the Host's std in the sysroot (``crossenv-sysroot
    --rust``) comes first; then each ``rustc`` on ``PATH`` and Debian's
    (which has the Host's std when ``libstd-rust-dev:ARCH`` is installed),
    so rustup's, first on ``PATH`` with only the Build machine's std, does
    not hide one that can build for the Host.
    """
    rust_triple = triple(target)
    if sysroot is not None and Path(DEBIAN_RUSTC).exists() and std_dir(sysroot, rust_triple):
        return RustSetup(rust_triple, str(sysroot / "usr"), True, os.path.dirname(DEBIAN_RUSTC))
    candidates = rustc_candidates(search_path)
    for rustc in candidates:
        try:
            libdir = Path(runner([rustc, "--print", "target-libdir", "--target", rust_triple]))
        except ToolchainError:
            continue
        if _std_in(libdir) is not None:
            first = rustc == candidates[0]
            return RustSetup(rust_triple, None, True, None if first else os.path.dirname(rustc))
    return RustSetup(rust_triple, None, False)


def defaults(
    setup: RustSetup, cc: str, sysroot: Optional[str], pyo3_dir: Path, version: str
) -> List[List[str]]:
    """Environment variables for cargo, maturin and PyO3 cross builds.

    ``sysroot`` is the Host's sysroot spelled without white space where it
    can be (cargo splits its flags there); the std of the sysroot's
    (:attr:`RustSetup.std_sysroot`) is named through it too.
    """
    name = env_name(setup.triple)
    flags = [f"-C link-arg=--sysroot={sysroot}"] if sysroot else []
    if setup.std_sysroot:
        std = f"{sysroot.rstrip('/')}/usr" if sysroot else setup.std_sysroot
        flags.insert(0, f"--sysroot={std}")
    result = [
        ["CARGO_BUILD_TARGET", setup.triple],
        [f"CARGO_TARGET_{name}_LINKER", cc],
        ["PYO3_CROSS_LIB_DIR", str(pyo3_dir)],
        ["PYO3_CROSS_PYTHON_VERSION", version],
    ]
    if flags:
        result.append([f"CARGO_TARGET_{name}_RUSTFLAGS", " ".join(flags)])
    return result


def missing(setup: RustSetup) -> str:
    """Why Rust builds cannot work with ``setup`` (one line), or ""."""
    if setup.has_std:
        return ""
    return (
        f"no Rust standard library for {setup.triple} was found when this "
        "environment was made; install Debian's rustc and cargo "
        "(apt-get install -y rustc cargo), add the Host's std to the sysroot "
        "with 'crossenv-sysroot --rust SYSROOT', then recreate the "
        "environment with --clear"
    )


def write_tool_links(folder: Path, tools_dir: str) -> Path:
    """Links to the cargo and rustc of ``tools_dir``, to go first on ``PATH`` during builds."""
    folder.mkdir(parents=True, exist_ok=True)
    for tool in ("cargo", "rustc", "rustdoc"):
        link = folder / tool
        if not link.exists():
            os.symlink(os.path.join(tools_dir, tool), link)
    return folder
