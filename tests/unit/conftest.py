from __future__ import annotations

import shutil
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Dict, Optional, Union

import pytest

from crossenv import layout, rust, sysconfigdata, target
from crossenv.host import HostPython
from crossenv.sysconfigdata import text_var
from crossenv.toolchain import Toolchain

if TYPE_CHECKING:
    from crossenv._runtime.config import Config

DATA = Path(__file__).resolve().parents[1] / "data"
SYSCONFIGDATA = DATA / "sysconfigdata"


def fixture_vars(name: str) -> Dict[str, Union[str, int]]:
    """The build-time variables of a captured (or documented) Host."""
    return sysconfigdata.read(SYSCONFIGDATA / name)


@pytest.fixture
def arm64_311() -> Dict[str, Union[str, int]]:
    return fixture_vars("debian-bookworm-arm64-3.11.py")


def runtime_record(
    env_dir: Path, fixture: str, settings: Optional[layout.Settings] = None
) -> Config:
    """The runtime record crossenv writes at ``env_dir`` for the Host of ``fixture``.

    Made by the real function, for a Host in ``/sysroot`` with the cross
    compilers its sysconfigdata names.
    """
    settings = settings or layout.Settings()
    vars_ = fixture_vars(fixture)
    sysroot = Path("/sysroot")
    found = HostPython(
        sysroot / "usr" / "bin" / "python3", sysroot / "x.py", vars_, sysroot / "usr", sysroot
    )
    described = target.describe(vars_, glibc=(2, 36), kernel_release="6.1.0")
    multiarch = text_var(vars_, "MULTIARCH")
    chosen = Toolchain(
        cc=text_var(vars_, "CC").split()[0],
        cxx=text_var(vars_, "CXX").split()[0],
        ar=f"{multiarch}-ar",
        target=multiarch,
    )
    guarded = layout.guarded_toolchain(env_dir, chosen)
    host_vars = layout.host_vars(found, guarded, settings)
    tools = layout.build_tools(env_dir, found, described, guarded, host_vars)
    setup = rust.RustSetup(rust.triple(described), None, False)
    return layout.runtime_config(env_dir, found, described, settings, tools, setup)


#: The file header of a 64-bit little-endian AArch64 executable (ET_DYN, EM_AARCH64).
ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 9 + struct.pack("<HH", 3, 183) + b"\0" * 44


def make_debian_tree(root: Path, version: str = "3.11", *, headers: bool = True) -> Path:
    """A Debian-style sysroot: the real sysconfigdata and its alias symlink.

    With ``headers``, also (empty) ``Python.h`` and ``pyconfig.h`` where
    Debian's ``libpython3.X-dev`` puts them.
    """
    stdlib = root / "usr" / "lib" / f"python{version}"
    stdlib.mkdir(parents=True)
    fixture = SYSCONFIGDATA / "debian-bookworm-arm64-3.11.py"
    shutil.copy(fixture, stdlib / "_sysconfigdata__aarch64-linux-gnu.py")
    (stdlib / "_sysconfigdata__linux_aarch64-linux-gnu.py").symlink_to(
        "_sysconfigdata__aarch64-linux-gnu.py"
    )
    python = root / "usr" / "bin" / f"python{version}"
    python.parent.mkdir(parents=True)
    python.write_bytes(ELF)
    if headers:
        include = root / "usr" / "include" / f"python{version}"
        include.mkdir(parents=True)
        (include / "Python.h").write_text("", encoding="utf-8")
        (include / "pyconfig.h").write_text("", encoding="utf-8")
    return python


@pytest.fixture(scope="session")
def made_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An environment made from :func:`make_debian_tree` (the cross compiler must exist)."""
    import sys

    from crossenv.__main__ import main

    if sys.version_info[:2] != (3, 11):
        pytest.fail("run the unit tests with Python 3.11 (the fixtures are a 3.11 Host)")
    root = tmp_path_factory.mktemp("made")
    python = make_debian_tree(root / "sys root")
    env = root / "the env"
    assert main([str(python), str(env), "-q"]) == 0
    return env
