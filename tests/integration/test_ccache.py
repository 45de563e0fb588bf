"""Compiler caches: ccache across environments, sccache for C and Rust; reproducible wheels.

pip builds each sdist in a new temporary folder and every environment has
folders of its own, which defeats ccache's default hashing of paths. Here a
second environment builds the same projects (setuptools from a PyPI sdist,
meson with C and C++, CMake with C++) and every compile is a cache hit; the
wheels from the cache compute known answers on the target. With
``SOURCE_DATE_EPOCH`` set, two builds of the same sdists in two environments
give byte-identical wheels (without it they differ: the build folder is in
the debug information).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List

import pytest

from .conftest import RUST_RELEASE, Setup, copy_project, free_port, make_setup, require

pytestmark = pytest.mark.integration

SDIST = ["--no-binary", "markupsafe", "markupsafe==3.0.2"]
PROJECTS = ("meson_ext", "cmake_ext")


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> List[Setup]:
    """Two environments of the bookworm arm64 Host, made alike, with ccache."""
    require("ccache", "ccache")
    options = ("--compiler-launcher", "ccache")
    return [
        make_setup(tmp_path_factory, "3.11", "bookworm", "arm64", options=options) for _ in range(2)
    ]


def build_all(setup: Setup, out: Path, work: Path, env: Dict[str, str]) -> List[Path]:
    """Wheels of the sdist and the projects, each built in a new temporary folder."""
    pip = [setup.bin / "pip", "wheel", "--no-deps", "--no-cache-dir", "-w", out]
    setup.run([*pip, *SDIST], env=env)
    for project in PROJECTS:
        setup.run([*pip, copy_project(project, work)], env=env)
    return sorted(out.glob("*.whl"))


def stats(env: Dict[str, str]) -> Dict[str, int]:
    """ccache's counters (``ccache --print-stats``)."""
    done = subprocess.run(
        ["ccache", "--print-stats"], env=env, capture_output=True, text=True, check=True
    )
    return {
        key: int(value)
        for key, value in (line.split("\t") for line in done.stdout.splitlines() if "\t" in line)
    }


def test_a_new_environment_hits_the_cache_for_every_compile(
    pair: List[Setup], tmp_path: Path
) -> None:
    env = {**os.environ, "CCACHE_DIR": str(tmp_path / "cache dir")}
    env.pop("SOURCE_DATE_EPOCH", None)
    first, second = pair
    cold = build_all(first, tmp_path / "cold", tmp_path / "one", env)
    assert len(cold) == 3, cold
    counted = stats(env)
    misses = counted["cache_miss"]
    assert misses >= 4, counted  # _speedups.c, meson's .c and .cpp, CMake's .cpp
    subprocess.run(["ccache", "--zero-stats"], env=env, check=True, capture_output=True)
    warm = build_all(second, tmp_path / "warm", tmp_path / "two", env)
    counted = stats(env)
    hits = counted["direct_cache_hit"] + counted["preprocessed_cache_hit"]
    assert counted["cache_miss"] == 0 and hits == misses, counted
    # The cached objects make working code for the Host.
    second.run([second.bin / "pip", "install", "--no-deps", *warm])
    code = (
        "import markupsafe, markupsafe._speedups, meson_c, meson_cpp, cmake_cpp\n"
        "print(markupsafe.escape('<a>'), meson_cpp.total(10), cmake_cpp.total(10),"
        " meson_c.machine())"
    )
    assert second.on_target(code).split()[:3] == ["&lt;a&gt;", "45", "45"]
    assert [wheel.name for wheel in warm] == [wheel.name for wheel in cold]
    assert all(re.search(r"-linux_aarch64\.whl$", wheel.name) for wheel in warm)


def digests(folder: Path) -> Dict[str, str]:
    return {
        wheel.name: hashlib.sha256(wheel.read_bytes()).hexdigest()
        for wheel in sorted(folder.glob("*.whl"))
    }


def test_source_date_epoch_makes_wheels_byte_identical(pair: List[Setup], tmp_path: Path) -> None:
    base = {**os.environ, "CCACHE_DISABLE": "1"}  # each compile runs: nothing shared
    base.pop("SOURCE_DATE_EPOCH", None)
    fixed = {**base, "SOURCE_DATE_EPOCH": "1700000000"}
    found = []
    for index, (setup, env) in enumerate([(pair[0], fixed), (pair[1], fixed), (pair[1], base)]):
        out = tmp_path / f"out {index}"
        build_all(setup, out, tmp_path / f"work {index}", env)
        found.append(digests(out))
        shutil.rmtree(tmp_path / f"work {index}")
    assert len(found[0]) == 3 and found[0] == found[1]
    # Without it the wheels differ (file times, the build folder in the debug
    # information): the comparison above can fail.
    assert found[2].keys() == found[0].keys() and found[2] != found[0]


def test_sccache_caches_c_and_rust_compiles(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    """``--compiler-launcher sccache`` reaches the C compiler and, as RUSTC_WRAPPER, cargo."""
    require("sccache", "sccache")
    setup = make_setup(
        tmp_path_factory,
        "3.11",
        RUST_RELEASE,
        "arm64",
        options=("--compiler-launcher", "sccache"),
    )
    env = {
        **os.environ,
        "SCCACHE_DIR": str(tmp_path / "sccache dir"),
        "SCCACHE_SERVER_PORT": str(free_port()),
    }
    try:
        for project in ("rust_setuptools", "meson_ext"):
            setup.run(
                [setup.bin / "pip", "install", "--no-deps", copy_project(project, tmp_path)],
                env=env,
            )
        shown = subprocess.run(
            ["sccache", "--show-stats", "--stats-format", "json"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        subprocess.run(["sccache", "--stop-server"], env=env, capture_output=True, check=False)
    misses = json.loads(shown)["stats"]["cache_misses"]["counts"]
    assert misses.get("Rust", 0) >= 1 and misses.get("C/C++", 0) >= 2, misses
    code = (
        "import rustdemo, meson_cpp\n"
        "print(rustdemo.add(1, 2), rustdemo.arch(), meson_cpp.total(10))"
    )
    assert setup.on_target(code).split() == ["3", "aarch64", "45"]
