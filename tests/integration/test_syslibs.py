"""System libraries of the Host: ``crossenv-sysroot --add`` and the ``*-config`` shims.

``libpq-dev`` is added to a copy of the cached bookworm arm64 sysroot (the
other tests keep the sysroot they fetched), at a path with a space.
psycopg2 then cross-builds against it: its ``setup.py`` asks ``pg_config``,
which in a Cross-python build must be crossenv's shim, not this machine's
``/usr/bin/pg_config`` (whose answers are x86-64 paths of the Build machine).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from crossenv import configscripts, crossfiles, sysroot

from .conftest import (
    Setup,
    crossenv_command,
    elf_machine,
    fetch_sysroot,
    make_setup,
    repo_env,
)
from .test_hints import JPEG_SCRIPT

pytestmark = pytest.mark.integration

RELEASE = "bookworm"
VERSION = "3.11"
MULTIARCH = "aarch64-linux-gnu"


def add_command(dest: Path, *packages: str) -> List[str]:
    return [sys.executable, "-m", "crossenv.sysroot", "--add", *packages, str(dest)]


@pytest.fixture(scope="module")
def libpq_sysroot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bookworm arm64 sysroot with ``libpq-dev`` added."""
    base = fetch_sysroot(RELEASE).parents[2]
    copy = tmp_path_factory.mktemp("syslibs") / "sys root"
    shutil.copytree(base, copy, symlinks=True)
    done = subprocess.run(
        add_command(copy, "libpq-dev"), env=repo_env(), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{copy / 'usr' / 'bin' / f'python{VERSION}'}\n"
    assert "crossenv-sysroot: added libpq-dev to" in done.stderr
    return copy


def cross_environ(root: Path) -> Dict[str, str]:
    """The pkg-config variables crossenv sets for every Cross-python build."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PKG_CONFIG")}
    env["PKG_CONFIG_SYSROOT_DIR"] = str(root)
    env["PKG_CONFIG_LIBDIR"] = ":".join(crossfiles.pkg_config_dirs(str(root), MULTIARCH))
    return env


def test_added_libpq_is_for_aarch64(libpq_sysroot: Path) -> None:
    libdir = libpq_sysroot / "usr" / "lib" / MULTIARCH
    assert (libdir / "pkgconfig" / "libpq.pc").is_file()
    assert (libpq_sysroot / "usr" / "include" / "postgresql" / "libpq-fe.h").is_file()
    library = (libdir / "libpq.so").resolve()
    assert library.is_relative_to(libpq_sysroot)
    assert elf_machine(library) == 183
    status = (libpq_sysroot / ".crossenv-apt" / "status").read_text()
    assert "Package: libpq-dev\n" in status and "Package: libpq5\n" in status
    assert "Package: perl-base\n" not in status  # excluded packages stay out


def test_adding_again_changes_nothing(libpq_sysroot: Path) -> None:
    stamp = (libpq_sysroot / sysroot.STAMP_NAME).read_text()
    done = subprocess.run(
        add_command(libpq_sysroot, "libpq-dev"), env=repo_env(), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == f"crossenv-sysroot: {libpq_sysroot} already holds libpq-dev\n"
    assert (libpq_sysroot / sysroot.STAMP_NAME).read_text() == stamp


def test_unknown_package_is_one_line(libpq_sysroot: Path) -> None:
    before = (libpq_sysroot / ".crossenv-apt" / "status").read_text()
    done = subprocess.run(
        [*add_command(libpq_sysroot, "no-such-package-dev"), "-q"],
        env=repo_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(
        "crossenv-sysroot: error: bookworm/arm64 has no package no-such-package-dev"
    )
    assert done.stderr.count("\n") == 1
    assert (libpq_sysroot / ".crossenv-apt" / "status").read_text() == before


def test_pg_config_shim_answers_with_sysroot_paths(libpq_sysroot: Path, tmp_path: Path) -> None:
    (pg_config,) = configscripts.write(tmp_path / "bin", [configscripts.DATA["pg_config"]])
    done = subprocess.run(
        [pg_config, "--includedir", "--libdir", "--version", "--includedir-server"],
        env=cross_environ(libpq_sysroot),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    includedir, libdir, version, server = done.stdout.splitlines()
    assert Path(includedir) == libpq_sysroot / "usr" / "include" / "postgresql"
    assert (Path(includedir) / "libpq-fe.h").is_file()
    assert Path(libdir) == libpq_sysroot / "usr" / "lib" / MULTIARCH
    assert elf_machine((Path(libdir) / "libpq.so").resolve()) == 183
    assert version.startswith("PostgreSQL 15.")
    assert server == f"{includedir}/15/server"


@pytest.fixture(scope="module")
def libpq_env(libpq_sysroot: Path, tmp_path_factory: pytest.TempPathFactory) -> Setup:
    """An environment for the Host-python of that sysroot (its path has a space)."""
    host_python = libpq_sysroot / "usr" / "bin" / f"python{VERSION}"
    return make_setup(tmp_path_factory, VERSION, RELEASE, "arm64", host_python)


def test_pkg_config_answers_for_a_sysroot_path_with_a_space(
    libpq_env: Setup, libpq_sysroot: Path
) -> None:
    """pkgconf mangles a PKG_CONFIG_SYSROOT_DIR with a space; builds must not see that."""
    code = (
        "import subprocess; print(subprocess.run(['pkg-config', '--cflags', '--libs', 'libpq'],"
        " capture_output=True, text=True, check=True).stdout)"
    )
    flags = libpq_env.run([libpq_env.bin / "python", "-c", code]).stdout.split()
    includes = [Path(flag[2:]) for flag in flags if flag.startswith("-I")]
    libdirs = [Path(flag[2:]) for flag in flags if flag.startswith("-L")]
    assert len(includes) + len(libdirs) + 1 == len(flags), flags  # and -lpq
    assert any((folder / "libpq-fe.h").is_file() for folder in includes), flags
    (libpq,) = [folder / "libpq.so" for folder in libdirs if (folder / "libpq.so").exists()]
    assert elf_machine(libpq.resolve()) == 183
    for folder in includes + libdirs:
        assert folder.resolve().is_relative_to(libpq_sysroot.resolve()), flags


def test_psycopg2_cross_builds_against_the_sysroot_libpq(libpq_env: Setup) -> None:
    setup = libpq_env
    built = setup.run(
        [setup.bin / "pip", "install", "-v", "--no-binary", "psycopg2", "psycopg2==2.9.10"]
    )
    output = (built.stdout + built.stderr).splitlines()
    compiler_lines = [line for line in output if f"{MULTIARCH}-gcc" in line]
    assert compiler_lines
    leaks = [line for line in compiler_lines if " -I/usr/" in line or " -L/usr/" in line]
    assert not leaks, f"the build read the Build machine's files:\n{leaks[0]}"
    (so,) = (setup.cross_site / "psycopg2").glob("_psycopg.cpython-*.so")
    assert elf_machine(so) == 183
    code = "import psycopg2, psycopg2.extensions; print(psycopg2.extensions.libpq_version())"
    assert int(setup.on_target(code)) > 0


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    """An environment of a bookworm arm64 sysroot fetched afresh: no library was added to it.

    The cached sysroot is not clean enough: other tests add -dev packages to it.
    """
    dest = tmp_path_factory.mktemp("pristine") / "sysroot"
    done = subprocess.run(
        [sys.executable, "-m", "crossenv.sysroot", "-q", "--release", RELEASE, str(dest)],
        env=repo_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return make_setup(tmp_path_factory, VERSION, RELEASE, "arm64", Path(done.stdout.strip()))


def build_and_repair(
    setup: Setup, clean: Setup, sdist: List[str], folder: Path, code: str, library: str
) -> Tuple[Path, Path, List[str]]:
    """The wheel ``sdist`` builds, that wheel repaired, and the libraries it bundles.

    Unrepaired, the wheel runs ``code`` only where the sysroot it was built
    against is: on ``clean`` it fails for want of ``library``.
    """
    setup.run([setup.bin / "pip", "wheel", "-w", folder / "built", *sdist])
    (built,) = (folder / "built").glob("*.whl")
    assert built.name.endswith("-linux_aarch64.whl")
    with zipfile.ZipFile(built) as archive:
        archive.extractall(folder / "unrepaired")
    bare = subprocess.run(
        [*sysroot.qemu_command("arm64", clean.sysroot), str(clean.host_python), "-c", code],
        env={**os.environ, "PYTHONPATH": str(folder / "unrepaired")},
        capture_output=True,
        text=True,
    )
    assert bare.returncode != 0 and library in bare.stderr, bare.stderr
    # cross-repair bundles it (and what it links) and tags the wheel manylinux.
    setup.run([setup.bin / "cross-repair", "-w", folder / "repaired", built])
    (repaired,) = (folder / "repaired").glob("*.whl")
    assert re.search(r"-cp311-cp311-manylinux_2_\d+_aarch64\.whl$", repaired.name), repaired.name
    with zipfile.ZipFile(repaired) as archive:
        bundled = [name for name in archive.namelist() if ".libs/" in name]
    clean.run([clean.bin / "pip", "install", "--no-deps", repaired])
    return built, repaired, bundled


def test_repaired_psycopg2_runs_on_a_host_without_libpq(
    libpq_env: Setup, pristine: Setup, tmp_path: Path
) -> None:
    setup, clean = libpq_env, pristine
    assert not list((clean.sysroot / "usr" / "lib" / MULTIARCH).glob("libpq.so*"))
    sdist = ["--no-deps", "--no-binary", "psycopg2", "--no-cache-dir", "psycopg2==2.9.10"]
    code = "import psycopg2, psycopg2.extensions; print(psycopg2.extensions.libpq_version())"
    built, repaired, bundled = build_and_repair(setup, clean, sdist, tmp_path, code, "libpq.so.5")
    assert any(name.startswith("psycopg2.libs/libpq-") for name in bundled), bundled
    assert int(clean.on_target(code)) > 0
    # --repair: pip's own builds come out repaired.
    again = subprocess.run(
        [*crossenv_command(setup.python, setup.host_python, setup.env_dir), "--repair"],
        env=repo_env(),
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stderr
    setup.run([setup.bin / "pip", "wheel", "-w", tmp_path / "auto", *sdist])
    (auto,) = (tmp_path / "auto").glob("*.whl")
    assert auto.name == repaired.name
    # Made again without --repair, the environment leaves wheels as built.
    plain = subprocess.run(
        crossenv_command(setup.python, setup.host_python, setup.env_dir),
        env=repo_env(),
        capture_output=True,
        text=True,
    )
    assert plain.returncode == 0, plain.stderr
    setup.run([setup.bin / "pip", "wheel", "-w", tmp_path / "plain", *sdist])
    assert [path.name for path in (tmp_path / "plain").glob("*.whl")] == [built.name]


def test_repaired_pillow_decodes_jpeg_on_a_host_without_libjpeg(
    libpq_env: Setup, libpq_sysroot: Path, pristine: Setup, tmp_path: Path
) -> None:
    setup, clean = libpq_env, pristine
    done = subprocess.run(
        add_command(libpq_sysroot, "libjpeg62-turbo-dev", "zlib1g-dev", "-q"),
        env=repo_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert not list((clean.sysroot / "usr" / "lib" / MULTIARCH).glob("libjpeg.so*"))
    sdist = ["--no-deps", "--no-binary", "pillow", "--no-cache-dir", "pillow>=11,<12"]
    _, _, bundled = build_and_repair(setup, clean, sdist, tmp_path, JPEG_SCRIPT, "libjpeg.so.62")
    assert any(name.startswith("pillow.libs/libjpeg-") for name in bundled), bundled
    assert not any("/libz-" in name for name in bundled), bundled  # the policy allows zlib
    answer = json.loads(clean.on_target(JPEG_SCRIPT))
    assert answer["features"]["jpg"] and answer["features"]["zlib"]
    kind, size, pixel = answer["jpeg"]
    assert kind == "JPEG" and size == [64, 64]
    assert all(abs(got - want) <= 4 for got, want in zip(pixel, (128, 64, 128))), pixel
