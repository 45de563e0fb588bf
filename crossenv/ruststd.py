"""The Host's Rust standard library in a sysroot: Debian's, for Debian's rustc here.

Debian's rustc cross-compiles for the Host with ``--sysroot DEST/usr`` when
the sysroot holds Debian's ``libstd-rust-dev`` for the Host of exactly the
version of the ``rustc`` package installed on this machine.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from crossenv import apt
from crossenv.arch import ARCHES
from crossenv.errors import SysrootError
from crossenv.rust import DEBIAN_RUSTC, std_dir

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    Log = Callable[[str], None]

__all__ = [
    "RUST_STD_PACKAGE",
    "check_rust_std",
    "debian_rustc_version",
    "fetch_rust_std",
    "installed_version",
    "parse_madison",
    "rust_std_mismatch",
]

RUSTC = Path(DEBIAN_RUSTC)
RUST_STD_PACKAGE = "libstd-rust-dev"
RUST_MISSING = (
    "--rust needs Debian's rustc and cargo on this machine: apt-get install -y rustc cargo"
)


def installed_version(output: str) -> str | None:
    """Read ``dpkg-query -f '${db:Status-Abbrev}|${Version}'`` output.

    Return the version if the package is installed, else None.
    """
    status, _, version = output.partition("|")
    version = version.strip()
    return version if status.startswith("ii") and version else None


def debian_rustc_version(runner: apt.Runner | None = None) -> str | None:
    """Return the version of Debian's installed ``rustc`` package, else None."""
    if not RUSTC.is_file() or shutil.which("dpkg-query") is None:
        return None
    query = ["dpkg-query", "-W", "-f=${db:Status-Abbrev}|${Version}", "rustc"]
    proc = apt.runner_or_run(runner)(query)
    return installed_version(proc.stdout) if proc.returncode == 0 else None


def parse_madison(output: str, package: str) -> list[str]:
    """Return the versions of *package* that ``apt-cache madison`` lists."""
    versions: list[str] = []
    for line in output.splitlines():
        fields = [field.strip() for field in line.split("|")]
        if len(fields) >= 3 and fields[0] == package and fields[1] not in versions:
            versions.append(fields[1])
    return versions


def rust_std_mismatch(rustc: str, available: Sequence[str], release: str, arch: str) -> str:
    """Explain that *release* lacks the std of Debian's rustc *rustc*."""
    if available:
        has = f"has {RUST_STD_PACKAGE} {', '.join(available)}"
    else:
        has = f"has no {RUST_STD_PACKAGE}"
    return (
        f"Debian's rustc is {rustc} but {release} {has} for {arch}; "
        "--rust needs a sysroot of the Debian release this machine's rustc comes from"
    )


def check_rust_std(state: apt.AptState, rustc: str) -> None:
    """Fail unless *state*'s (updated) index has the std of Debian's rustc *rustc*."""
    output = apt.call(state, "apt-cache", ["madison", RUST_STD_PACKAGE])
    available = parse_madison(output, RUST_STD_PACKAGE)
    if rustc not in available:
        raise SysrootError(rust_std_mismatch(rustc, available, state.release, state.arch))


def fetch_rust_std(state: apt.AptState, root: Path, rustc: str, log: Log) -> None:
    """Unpack the ``libstd-rust-dev`` of version *rustc* into *root*.

    Only that package: the shared ``libstd`` it depends on is not needed to
    link Rust code statically, and the std is recorded in the stamp, not in
    the status file (which would then list an unmet dependency).
    """
    log(f"downloading the Rust standard library ({RUST_STD_PACKAGE} {rustc})")
    debs = apt.download(state, [f"{RUST_STD_PACKAGE}={rustc}"])
    apt.extract(debs, root, state.runner)
    shutil.rmtree(state.debs)
    triple = ARCHES[state.arch].rust_triple
    if std_dir(root, triple) is None:
        raise SysrootError(
            f"{RUST_STD_PACKAGE} {rustc} holds no usr/lib/rustlib/{triple}/lib/libstd-*.rlib"
        )
