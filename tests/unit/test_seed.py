"""Seeding a layer with ensurepip's bundled wheels through the per-user cache."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
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


#: Run a command as the user nobody (root only).
AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def make_cache_entry(cache: Path, tmp_path: Path) -> Path:
    """Seed one layer, which fills the cache; return the cached tree."""
    seed.install(make_venv(tmp_path / "first layer"))
    [entry] = cache.iterdir()
    return entry


@pytest.mark.system
@pytest.mark.parametrize("how", ["another user's", "writable by anyone"])
def test_a_cache_others_can_change_is_not_used(
    cache: Path, tmp_path: Path, how: str, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = make_cache_entry(cache, tmp_path)
    planted = seed._site(entry) / "pip" / "__init__.py"
    planted.chmod(0o644)
    planted.write_text("raise SystemExit('planted code ran')\n")
    if how == "writable by anyone":
        cache.chmod(0o777)
    else:
        nobody = pwd.getpwnam("nobody")
        os.chown(cache, nobody.pw_uid, nobody.pw_gid)  # needs root
    capsys.readouterr()
    layer = make_venv(tmp_path / "layer")
    seed.install(layer)
    reason = "it belongs to nobody" if how == "another user's" else "anyone can write to it"
    assert f"not using the cache {cache}: {reason}" in capsys.readouterr().err
    assert "planted" not in pip_version(layer)
    mine = seed._site(layer) / "pip" / "__init__.py"
    assert mine.stat().st_ino != planted.stat().st_ino
    assert mine.stat().st_uid == os.geteuid() and mine.stat().st_mode & 0o022 == 0


@pytest.mark.parametrize("change", ["changed", "added", "missing"])
def test_a_changed_cache_entry_is_noticed_and_made_again(
    cache: Path, tmp_path: Path, change: str, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = make_cache_entry(cache, tmp_path)
    site = seed._site(entry)
    if change == "changed":  # as a user of the cache could, the files being read-only
        (site / "pip" / "__init__.py").chmod(0o644)
        with open(site / "pip" / "__init__.py", "a", encoding="utf-8") as stream:
            stream.write("raise SystemExit('planted code ran')\n")
        name = "pip/__init__.py was changed"
    elif change == "added":
        (site / "planted.pth").write_text("import sys; sys.exit('planted code ran')\n")
        name = "planted.pth was added"
    else:
        (site / "pip" / "py.typed").unlink()
        name = "pip/py.typed is missing"
    capsys.readouterr()
    layer = make_venv(tmp_path / "layer")
    seed.install(layer)
    assert f"the cached pip in {entry} failed its check ({name}); made again" in (
        capsys.readouterr().err
    )
    assert "planted" not in pip_version(layer)
    assert seed._changed(entry) is None  # the entry was made again, whole
    assert not (seed._site(entry) / "planted.pth").exists()


@pytest.mark.system
def test_as_another_user_only_a_cache_of_its_own_or_roots_is_used(tmp_path: Path) -> None:
    # Run as nobody, where root would be allowed everything: Debian's python3.
    python = "/usr/bin/python3"
    if os.geteuid() != 0 or not os.path.exists(python):
        pytest.fail("this test runs as root, with Debian's python3 (run it in CI)")
    shared = Path(tempfile.mkdtemp(prefix="crossenv-seed-", dir="/tmp"))
    try:
        shared.chmod(0o755)
        repo = Path(__file__).resolve().parents[2]
        environ = {
            "PATH": os.environ["PATH"],
            "HOME": "/nonexistent",
            "PYTHONPATH": f"{repo}:{repo / '.cache' / 'crossenv-dependencies'}",
        }
        code = (
            "import os, sys, venv; from pathlib import Path; from crossenv import seed\n"
            "layer = Path(sys.argv[1])\n"
            "venv.EnvBuilder(with_pip=False, symlinks=True).create(str(layer))\n"
            "seed.install(layer, print)\n"
            "info = os.stat(seed._site(layer) / 'pip' / '__init__.py')\n"
            "print('uid', info.st_uid, 'mode', oct(info.st_mode & 0o777))\n"
        )
        results = {}
        for owner in ("root", "daemon"):
            cache = shared / f"cache of {owner}"
            # root fills the cache; then it belongs to root, or to daemon.
            filled = subprocess.run(
                [python, "-c", code, str(shared / f"root layer {owner}")],
                env={**environ, "CROSSENV_CACHE_DIR": str(cache)},
                capture_output=True,
                text=True,
            )
            assert filled.returncode == 0, filled.stderr
            user = pwd.getpwnam(owner)
            for path in [cache, *cache.rglob("*")]:
                os.lchown(path, user.pw_uid, user.pw_gid)
            layer = shared / f"layer of nobody {owner}"
            layer.mkdir()
            os.chown(layer, pwd.getpwnam("nobody").pw_uid, -1)
            done = subprocess.run(
                [*AS_NOBODY, python, "-c", code, str(layer / "env")],
                env={**environ, "CROSSENV_CACHE_DIR": str(cache)},
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, done.stderr
            results[owner] = done.stdout
        nobody = pwd.getpwnam("nobody").pw_uid
        assert "not using the cache" not in results["root"]  # root's cache is trusted
        assert "it belongs to daemon; pip is installed privately" in results["daemon"]
        # Whatever the source, the layer's files are nobody's or root's, never writable.
        for out in results.values():
            uid, mode = out.split()[-3], out.split()[-1]
            assert int(uid) in (0, nobody) and int(mode, 8) & 0o022 == 0, out
    finally:
        shutil.rmtree(shared, ignore_errors=True)
