"""Creation is all or nothing: interrupted at any step, nothing is left behind."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, List, Sequence

import pytest

from crossenv import builder, envdir, folders, journal
from crossenv.__main__ import main

from ..conftest import snapshot
from .conftest import make_debian_tree

STEPS = ["setup_build", "setup_cross", "setup_runtime", "setup_scripts", "post_setup"]
FAST = ["--without-pip", "--without-cross-pip", "-q"]

#: Each test makes an environment: that needs the Host's cross compiler.
pytestmark = pytest.mark.system


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
    marker = (env / envdir.RECORD_FILE).read_bytes()
    monkeypatch.setattr(builder.CrossEnvBuilder, step, interrupt)
    assert main([str(host), str(env), "--clear", *FAST]) == 130
    assert snapshot(tmp_path) == before
    assert (env / envdir.RECORD_FILE).read_bytes() == marker
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
step, number = sys.argv.pop(1), int(sys.argv.pop(1))
def die(*args, **kwargs):
    os.kill(os.getpid(), number)  # a real signal, as a CI timeout or docker stop sends
if step == "swap":
    real = folders.swap_entries
    def half_swap(new, dest, old, names):
        old.mkdir()
        os.replace(dest / names[0], old / names[0])  # one entry moved aside, then the kill
        die()
    folders.swap_entries = half_swap
elif step == "after-swap":
    real_swap = folders.swap_entries
    def swap_then_signal(new, dest, old, names):
        real_swap(new, dest, old, names)
        die()
    folders.swap_entries = swap_then_signal
else:
    setattr(builder.CrossEnvBuilder, step, die)
from crossenv.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def signalled(
    step: str, number: int, host: Path, env: Path, *options: str
) -> subprocess.CompletedProcess[str]:
    """Run crossenv on ``env`` in a process that sends itself signal ``number`` at ``step``."""
    command = [sys.executable, "-c", KILLER, step, str(int(number)), str(host), str(env)]
    return subprocess.run(
        [*command, *options, *FAST],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("number", [signal.SIGKILL, signal.SIGTERM])
@pytest.mark.parametrize("step", ["setup_cross", "setup_runtime", "post_setup", "swap"])
def test_a_replacement_killed_at_any_step_is_recovered_by_the_next_run(
    tmp_path: Path, host: Path, step: str, number: int
) -> None:
    env = tmp_path / "env"
    assert main([str(host), str(env), *FAST]) == 0
    (env / "NOTES.txt").write_text("notes")
    record = (env / envdir.RECORD_FILE).read_bytes()
    done = signalled(step, number, host, env, "--clear-cross")
    assert done.returncode == -number, done.stderr
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
    assert envdir.is_crossenv(env) and (env / "build" / "pyvenv.cfg").is_file()
    assert (env / envdir.RECORD_FILE).read_bytes() == record or step == "swap"


def test_ctrl_c_right_after_the_swap_leaves_the_new_environment_and_no_copy(
    tmp_path: Path, host: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env = tmp_path / "env"
    assert main([str(host), str(env), *FAST]) == 0
    (env / "cross" / "old-layer-mark").write_text("")
    real = folders.swap_entries

    def swap_then_interrupt(new: Path, dest: Path, old: Path, names: Sequence[str]) -> None:
        real(new, dest, old, names)
        raise KeyboardInterrupt

    monkeypatch.setattr(folders, "swap_entries", swap_then_interrupt)
    assert main([str(host), str(env), "--clear", *FAST]) == 0
    assert "interrupted" not in capsys.readouterr().err
    assert not (env / "cross" / "old-layer-mark").exists()  # replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["env", "sys root"]  # no copy left


def test_an_existing_folder_gets_the_environment_beside_the_users_files(
    tmp_path: Path, host: Path
) -> None:
    project = tmp_path / "my project"
    (project / "src").mkdir(parents=True)
    (project / "src" / "mod.c").write_text("int x;")
    (project / "README").write_text("mine")
    inode = project.stat().st_ino
    assert main([str(host), str(project), *FAST]) == 0
    assert envdir.is_crossenv(project) and project.stat().st_ino == inode  # the same folder
    assert (project / "src" / "mod.c").read_text() == "int x;"
    assert (project / "README").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my project", "sys root"]


def test_a_path_the_environment_needs_is_refused_if_taken(
    tmp_path: Path, host: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    (project / "build").mkdir(parents=True)
    (project / "build" / "out.o").write_text("mine")
    before = snapshot(tmp_path)
    assert main([str(host), str(project), "--clear", *FAST]) == 6
    assert "already has build; nothing was changed" in capsys.readouterr().err
    assert snapshot(tmp_path) == before


def test_rerun_without_clear_updates_in_place(tmp_path: Path, host: Path) -> None:
    env = tmp_path / "env"
    assert main([str(host), str(env), *FAST]) == 0
    site = env / "cross" / "lib" / "python3.11" / "site-packages"
    (site / "installed.py").write_text("VALUE = 1")  # stands for an installed package
    (env / "build" / "tool.txt").write_text("a build tool")
    (env / "bin" / "activate").write_text("# damaged\n")
    assert main([str(host), str(env), *FAST]) == 0
    assert (site / "installed.py").read_text() == "VALUE = 1"
    assert (env / "build" / "tool.txt").read_text() == "a build tool"
    assert "deactivate" in (env / "bin" / "activate").read_text()  # written again
    assert sorted(p.name for p in tmp_path.iterdir()) == ["env", "sys root"]


def test_several_env_dirs_make_several_environments(tmp_path: Path, host: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two words"
    assert main([str(host), str(first), str(second), *FAST]) == 0
    assert envdir.is_crossenv(first) and envdir.is_crossenv(second)
    assert str(second) in (second / "bin" / "activate").read_text()


def test_cross_prefix_holds_the_cross_layer(tmp_path: Path, host: Path) -> None:
    env, layer = tmp_path / "env", tmp_path / "elsewhere" / "cross layer"
    assert main([str(host), str(env), "--cross-prefix", str(layer), *FAST]) == 0
    assert (env / "cross").is_symlink() and (env / "cross").resolve() == layer
    assert (layer / "pyvenv.cfg").is_file() and envdir.is_crossenv(env)
    for path in layer.rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert b".new-" not in path.read_bytes(), path
    mark = layer / "lib" / "python3.11" / "site-packages" / "installed.py"
    mark.write_text("VALUE = 1")
    (env / "build" / "old-build").write_text("")
    # --clear replaces the Build layer and leaves the Cross layer alone, as crossenv 1.x.
    assert main([str(host), str(env), "--cross-prefix", str(layer), "--clear", *FAST]) == 0
    assert mark.is_file() and not (env / "build" / "old-build").exists()
    assert main([str(host), str(env), "--cross-prefix", str(layer), "--clear-both", *FAST]) == 0
    assert not mark.exists() and (layer / "pyvenv.cfg").is_file()
    names = sorted(p.name for p in (tmp_path / "elsewhere").iterdir())
    assert names == ["cross layer"]  # no staging copy left


def make_1x_environment(env: Path) -> None:
    """The top of an environment crossenv 1.6 made (its files, as it lays them out)."""
    for folder in ("bin", "include", "lib/python3.11/site-packages", "build/bin", "cross/bin"):
        (env / folder).mkdir(parents=True)
    (env / "lib64").symlink_to("lib")
    (env / "lib" / "site.py").write_text("# crossenv 1.x start-up\n")
    (env / "bin" / "cross-expose").write_text("#!/bin/sh\n")
    for layer in ("build", "cross"):
        (env / layer / "pyvenv.cfg").write_text("home = /usr/bin\n")


def test_an_environment_of_crossenv_1_is_replaced_with_clear(
    tmp_path: Path, host: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = tmp_path / "old env"
    make_1x_environment(env)
    (env / "NOTES.txt").write_text("mine")
    before = snapshot(tmp_path)
    assert main([str(host), str(env), *FAST]) == 6
    assert "was made by crossenv 1.x; add --clear to replace it" in capsys.readouterr().err
    assert snapshot(tmp_path) == before
    assert main([str(host), str(env), "--clear", *FAST]) == 0
    assert envdir.is_crossenv(env)
    names = sorted(p.name for p in env.iterdir())
    assert names == ["NOTES.txt", "bin", "build", "cross", "crossenv.cfg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old env", "sys root"]


@pytest.mark.parametrize("step", ["setup_runtime", "after-swap"])
def test_a_real_ctrl_c_before_the_swap_undoes_and_after_it_finishes(
    tmp_path: Path, host: Path, step: str
) -> None:
    env = tmp_path / "env"
    assert main([str(host), str(env), *FAST]) == 0
    (env / "cross" / "old-layer-mark").write_text("")
    before = snapshot(tmp_path)
    done = signalled(step, signal.SIGINT, host, env, "--clear")
    if step == "after-swap":  # the environment was replaced: done, no copy left
        assert done.returncode == 0 and "interrupted" not in done.stderr, done.stderr
        assert not (env / "cross" / "old-layer-mark").exists()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["env", "sys root"]
    else:
        assert done.returncode == 130, done.stderr
        assert "interrupted; nothing was changed" in done.stderr
        assert snapshot(tmp_path) == before
