"""Seeding a layer with ensurepip's bundled wheels through the per-user cache."""

from __future__ import annotations

import os
import subprocess
import venv
from pathlib import Path
from typing import List

import pytest

from crossenv import folders, seed


def make_venv(path: Path) -> Path:
    venv.EnvBuilder(with_pip=False, symlinks=True).create(str(path))
    return path


def pip_version(layer: Path) -> str:
    done = subprocess.run(
        [str(layer / "bin" / "pip"), "--version"], capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache dir"
    monkeypatch.setenv("CROSSENV_CACHE_DIR", str(folder))
    return folder


def test_installer_is_found() -> None:
    assert seed.have_installer()


def test_bundled_wheels_include_pip() -> None:
    names = [wheel.name for wheel in seed.bundled_wheels()]
    assert any(name.startswith("pip-") and name.endswith(".whl") for name in names)


def test_cache_root_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CROSSENV_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert folders.cache_root() == tmp_path / "crossenv"


def test_seeded_layer_runs_its_own_pip(cache: Path, tmp_path: Path) -> None:
    layer = make_venv(tmp_path / "lay er")
    seed.install(layer)
    pip = (layer / "bin" / "pip").read_text(encoding="utf-8")
    assert pip.startswith("#!/bin/sh\n")  # a path with a space cannot be a shebang
    assert f"'{layer / 'bin' / 'python'}'" in pip.splitlines()[1]
    assert str(layer / "lib") in pip_version(layer)
    [entry] = cache.iterdir()
    assert entry.name.startswith("seed-")


def test_second_layer_shares_the_cached_files(cache: Path, tmp_path: Path) -> None:
    first, second = make_venv(tmp_path / "one"), make_venv(tmp_path / "two")
    seed.install(first)
    seed.install(second)
    [entry] = cache.iterdir()
    relative = Path("pip") / "__init__.py"
    site = seed._site(entry)
    cached = site / relative
    assert cached.stat().st_mode & 0o222 == 0, "cached files must be read-only"
    assert (seed._site(second) / relative).stat().st_ino == cached.stat().st_ino
    # the compiled files came along and are valid for the linked sources
    pycs: List[Path] = list((seed._site(second) / "pip" / "__pycache__").glob("__init__.*.pyc"))
    assert pycs
    assert "pip" in pip_version(second)


def test_unwritable_cache_installs_straight_into_the_layer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not a folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("CROSSENV_CACHE_DIR", str(blocker / "cache"))
    layer = make_venv(tmp_path / "layer")
    seed.install(layer)
    assert str(layer / "lib") in pip_version(layer)
    assert sorted(os.listdir(layer)) == ["bin", "include", "lib", "lib64", "pyvenv.cfg"]


@pytest.mark.parametrize("missing", ["bundled wheels", "installer"])
def test_falls_back_to_ensurepip(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    if missing == "installer":
        monkeypatch.setattr(seed, "have_installer", lambda: False)
    else:
        monkeypatch.setattr(seed, "bundled_wheels", lambda: [])
    layer = make_venv(tmp_path / "layer")
    seed.install(layer)
    assert "pip" in pip_version(layer)
    assert not cache.exists()
