"""Creation is all or nothing: interrupted at any step, nothing is left behind."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, List

import pytest

from crossenv import builder, folders, journal
from crossenv.__main__ import main

from ..conftest import snapshot
from .conftest import make_debian_tree

STEPS = ["setup_build", "setup_cross", "setup_runtime", "setup_scripts", "post_setup"]
FAST = ["--without-pip", "--without-cross-pip", "-q"]


@pytest.fixture
def host(tmp_path: Path) -> Path:
    if sys.version_info[:2] != (3, 11):
        pytest.fail("run the unit tests with Python 3.11 (the fixtures are a 3.11 Host)")
    return make_debian_tree(tmp_path / "sys root")


def interrupt(*args: Any, **kwargs: Any) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize("step", [*STEPS, "rewrite_paths"])
def test_interrupted_creation_leaves_nothing(
    tmp_path: Path,
    host: Path,
    step: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    parent = tmp_path / "new parent" / "deeper"
    if step == "rewrite_paths":
        monkeypatch.setattr(builder, "rewrite_paths", interrupt)
    else:
        monkeypatch.setattr(builder.CrossEnvBuilder, step, interrupt)
    assert main([str(host), str(parent / "crôss env"), *FAST]) == 130
    assert "interrupted; nothing was changed" in capsys.readouterr().err
    assert not (tmp_path / "new parent").exists()


@pytest.mark.parametrize("step", STEPS)
def test_interrupted_replacement_keeps_the_old_env(
    tmp_path: Path, host: Path, step: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = tmp_path / "env dir"
    assert main([str(host), str(env), *FAST]) == 0
    (env / "cross" / "mine.txt").write_text("keep me")
    before: List[str] = snapshot(tmp_path)
    marker = (env / builder.RECORD_FILE).read_bytes()
    monkeypatch.setattr(builder.CrossEnvBuilder, step, interrupt)
    assert main([str(host), str(env), "--clear", *FAST]) == 130
    assert snapshot(tmp_path) == before
    assert (env / builder.RECORD_FILE).read_bytes() == marker
    assert (env / "cross" / "mine.txt").read_text() == "keep me"


def test_moved_into_place_with_its_final_paths(tmp_path: Path, host: Path) -> None:
    env = tmp_path / "final é"
    assert main([str(host), str(env), *FAST]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["final é", "sys root"]
    for path in env.rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert b".new-" not in path.read_bytes(), path  # compiled files too
    assert str(env) in (env / "bin" / "activate").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["plain", "it's", 'say "hi"', "back\\slash é"])
def test_rewrite_paths_rewrites_what_venv_wrote(tmp_path: Path, name: str) -> None:
    staging, final = tmp_path / ".new" / name, tmp_path / name
    bindir = staging / "cross" / "bin"
    bindir.mkdir(parents=True)
    python = str(bindir / "python")
    activate = f"VIRTUAL_ENV={shlex.quote(python)}\nexport VIRTUAL_ENV\n"
    (bindir / "activate").write_text(activate, "utf-8")
    (bindir / "pip").write_text(f"#!{python}\n", "utf-8")
    builder.rewrite_paths(staging, str(staging), str(final))
    moved = str(final / "cross" / "bin" / "python")
    assert (bindir / "activate").read_text("utf-8") == activate.replace(python, moved).replace(
        shlex.quote(python), shlex.quote(moved)
    )
    assert (bindir / "pip").read_text("utf-8") == f"#!{moved}\n"


def test_the_users_files_in_the_environment_are_kept(tmp_path: Path, host: Path) -> None:
    env = tmp_path / "env"
    assert main([str(host), str(env), *FAST]) == 0
    (env / "wheels").mkdir()
    (env / "wheels" / "a.whl").write_text("mine")
    (env / "NOTES.txt").write_text("notes")
    for clear in ("--clear-cross", "--clear-build", "--clear"):
        assert main([str(host), str(env), clear, *FAST]) == 0
        assert (env / "wheels" / "a.whl").read_text() == "mine", clear
        assert (env / "NOTES.txt").read_text() == "notes", clear
    assert sorted(p.name for p in tmp_path.iterdir()) == ["env", "sys root"]


#: Kill the creating process at a step, as SIGKILL would (no rollback runs).
KILLER = """
import os, signal, sys
from crossenv import builder, folders
step = sys.argv.pop(1)
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
if step == "swap":
    real = folders.replace_tree
    def half_swap(new, dest, old):
        os.replace(dest, old)  # the environment is moved aside, then the kill
        die()
    folders.replace_tree = half_swap
else:
    setattr(builder.CrossEnvBuilder, step, die)
from crossenv.__main__ import main
main(sys.argv[1:])
"""


@pytest.mark.parametrize("step", ["setup_cross", "setup_runtime", "post_setup", "swap"])
def test_a_replacement_killed_at_any_step_is_recovered_by_the_next_run(
    tmp_path: Path, host: Path, step: str
) -> None:
    env = tmp_path / "env"
    assert main([str(host), str(env), *FAST]) == 0
    (env / "NOTES.txt").write_text("notes")
    record = (env / builder.RECORD_FILE).read_bytes()
    done = subprocess.run(
        [sys.executable, "-c", KILLER, step, str(host), str(env), "--clear-cross", *FAST],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".env.new-")]
    assert leftovers, "the kill left no replacement behind: nothing was tested"
    said: List[str] = []
    journal.recover(env, said.append)  # what the next run does first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["env", "sys root"]
    assert {"bin", "build", "cross", "NOTES.txt"} <= {p.name for p in env.iterdir()}
    assert said and ("finished" in said[0]) == (step == "swap"), said
    # The next run on the environment starts from there.
    assert main([str(host), str(env), "--clear-cross", *FAST]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["env", "sys root"]
    assert (env / "NOTES.txt").read_text() == "notes"
    assert builder.is_crossenv(env) and (env / "build" / "pyvenv.cfg").is_file()
    assert (env / builder.RECORD_FILE).read_bytes() == record or step == "swap"


def test_ctrl_c_right_after_the_swap_leaves_the_new_environment_and_no_copy(
    tmp_path: Path, host: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env = tmp_path / "env"
    assert main([str(host), str(env), *FAST]) == 0
    (env / "cross" / "old-layer-mark").write_text("")
    real = folders.replace_tree

    def swap_then_interrupt(new: Path, dest: Path, old: Path) -> None:
        real(new, dest, old)
        raise KeyboardInterrupt

    monkeypatch.setattr(folders, "replace_tree", swap_then_interrupt)
    assert main([str(host), str(env), "--clear", *FAST]) == 0
    assert "interrupted" not in capsys.readouterr().err
    assert not (env / "cross" / "old-layer-mark").exists()  # replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["env", "sys root"]  # no copy left
