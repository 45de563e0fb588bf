"""A musl Host: CPython 3.11 for aarch64 with musl, built here from Debian's sources.

No musl CPython can be fetched where the tests run, so ``tests/musl-python.sh``
builds one into the cache (about five minutes on two cores, once; opt-in:
marker ``slow``, ``tox -e slow``) with the compiler users of such a Host have:
Debian's aarch64 gcc under musl's specs file, whose ``-dumpmachine`` says
``aarch64-linux-gnu``. crossenv accepts it because its headers are musl's,
offers musllinux wheel tags for the sysroot's musl 1.2, refuses manylinux,
and the extensions it builds link musl only, compute known answers on the
target, and come out of cross-repair tagged ``musllinux_1_2_aarch64``.
"""

from __future__ import annotations

import os
import subprocess
import zipfile
from pathlib import Path
from typing import Dict

import pytest

from .conftest import (
    CACHE,
    REPO,
    Setup,
    build_python,
    cache_lock,
    copy_project,
    crossenv_command,
    repo_env,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TOP = CACHE / "musl-python-aarch64"


@pytest.fixture(scope="module")
def musl_python() -> Path:
    with cache_lock():
        done = subprocess.run(
            ["bash", str(REPO / "tests" / "musl-python.sh"), str(TOP), build_python("3.11")],
            capture_output=True,
            text=True,
        )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return TOP / "sysroot" / "usr" / "bin" / "python3.11"


def musl_env() -> Dict[str, str]:
    """The environment with the musl compiler on ``PATH``, as its users have it."""
    env = repo_env()
    env["PATH"] = f"{TOP / 'toolchain' / 'bin'}{os.pathsep}{env['PATH']}"
    return env


@pytest.fixture(scope="module")
def setup(musl_python: Path, tmp_path_factory: pytest.TempPathFactory) -> Setup:
    env_dir = tmp_path_factory.mktemp("musl env") / "crôss env"
    python = build_python("3.11")
    done = subprocess.run(
        crossenv_command(python, musl_python, env_dir, "-v"),
        env=musl_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "Host: linux-aarch64 (aarch64-unknown-linux-musl)" in done.stderr
    assert (
        "accepted wheel platforms: musllinux_1_2_aarch64, musllinux_1_1_aarch64, "
        "musllinux_1_0_aarch64, linux_aarch64\n" in done.stderr
    )
    return Setup("3.11", "musl", python, TOP / "sysroot", musl_python, env_dir, "arm64")


def test_a_manylinux_tag_is_refused_for_a_musl_host(musl_python: Path, tmp_path: Path) -> None:
    command = crossenv_command(
        build_python("3.11"), musl_python, tmp_path / "env", "--manylinux", "manylinux2014"
    )
    done = subprocess.run(command, env=musl_env(), capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr == (
        "crossenv: error: --manylinux manylinux2014: the Host's C library is musl, not glibc; "
        "its wheels are musllinux (e.g. --platform-tag musllinux_1_2_aarch64)\n"
    )
    assert not (tmp_path / "env").exists()


def test_extensions_link_musl_and_run_on_the_target(setup: Setup, tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    pip = [setup.bin / "pip", "wheel", "--no-deps", "-w", wheels]
    setup.run([*pip, "--no-binary", "markupsafe", "markupsafe==3.0.2"], env=musl_env())
    setup.run([*pip, copy_project("cext", tmp_path)], env=musl_env())
    built = sorted(wheels.glob("*.whl"))
    assert [wheel.name.split("-")[-1] for wheel in built] == ["linux_aarch64.whl"] * 2
    for wheel in built:
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                if name.endswith(".so"):
                    assert name.endswith(".cpython-311-aarch64-linux-musl.so"), name
                    (tmp_path / "one.so").write_bytes(archive.read(name))
                    dynamic = subprocess.run(
                        ["readelf", "-d", str(tmp_path / "one.so")],
                        capture_output=True,
                        text=True,
                        check=True,
                    ).stdout
                    assert "[libc.so]" in dynamic and "libc.so.6" not in dynamic, dynamic
    setup.run([setup.bin / "pip", "install", "--no-deps", *built], env=musl_env())
    code = (
        "import markupsafe, markupsafe._speedups, cext_demo\n"
        "print(markupsafe.escape('<a>'), cext_demo.machine(), cext_demo.pointer_size())"
    )
    assert setup.on_target(code).split() == ["&lt;a&gt;", "aarch64", "8"]
    # auditwheel, through cross-repair, sees musl: musllinux.
    setup.run([setup.bin / "cross-repair", "-w", tmp_path / "repaired", *built], env=musl_env())
    repaired = sorted(path.name for path in (tmp_path / "repaired").glob("*.whl"))
    assert repaired == [
        "cext_demo-1.0-cp311-cp311-musllinux_1_2_aarch64.whl",
        "markupsafe-3.0.2-cp311-cp311-musllinux_1_2_aarch64.whl",
    ]
