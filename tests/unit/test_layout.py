"""What an environment holds, made from a captured Host description.

No build runs here: the cross compiler only has to exist (creation checks
what it builds for), and no program of the Host is run.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from crossenv import launchers

#: Each test makes an environment: that needs the Host's cross compiler.
pytestmark = pytest.mark.system


def test_layout(made_env: Path) -> None:
    names = {path.name for path in (made_env / "bin").iterdir()}
    scripts = {"activate", "activate.fish", "activate.csh", "cross-run"}
    expected = scripts | set(launchers.commands(made_env, "3.11"))
    assert expected <= names
    assert (made_env / "build" / "pyvenv.cfg").is_file()
    assert (made_env / "cross" / "pyvenv.cfg").is_file()


def test_cross_run_without_emulator_names_the_package(made_env: Path) -> None:
    done = subprocess.run(
        ["/bin/sh", made_env / "bin" / "cross-run", "-c", "pass"],
        env={"PATH": "/nonexistent"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 127
    assert done.stderr.strip() == (
        "cross-run: qemu-aarch64 not found; install qemu-user (apt-get install qemu-user)"
    )


def test_every_patch_takes_on_the_installed_pip(made_env: Path) -> None:
    """A pip or setuptools that changed shape is found here, not by a wrong build."""
    done = subprocess.run(
        [made_env / "bin" / "python", "-m", "_crossenv.selfcheck"],
        capture_output=True,
        text=True,
        check=True,
    )
    reported = json.loads(done.stdout)
    wanted = {
        "pip._internal.build_env",
        "pip._internal.operations.install.wheel",
        "pip._internal.wheel_builder",
        "pip._vendor.packaging.tags",
        "platform",
        "sysconfig",
    }
    assert wanted <= set(reported), sorted(reported)
    assert {name: missed for name, missed in reported.items() if missed} == {}
    assert done.stderr == ""


def test_the_python_api_makes_the_same_environment(made_env: Path, tmp_path: Path) -> None:
    from crossenv import CrossEnvBuilder, is_crossenv

    from .conftest import make_debian_tree

    python = make_debian_tree(tmp_path / "sys root")
    lines: list[str] = []
    env = tmp_path / "api env"
    CrossEnvBuilder(host_python=str(python), clear=True, log=lines.append).create(str(env))
    assert is_crossenv(env)
    assert sorted(p.name for p in (env / "bin").iterdir()) == sorted(
        p.name for p in (made_env / "bin").iterdir()
    )
    assert any(line.startswith("Host: linux-aarch64 (aarch64-linux-gnu)") for line in lines)


def test_start_up_imports_only_the_start_up_modules(made_env: Path) -> None:
    """Checkers, tools and json stay out of a Cross-python that does not need them."""
    probe = (
        "import sys; print(sorted(m for m in sys.modules if m.startswith(('_crossenv', 'json'))))"
    )
    done = subprocess.run(
        [made_env / "bin" / "python", "-c", probe], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == str(
        ["_crossenv", "_crossenv.config", "_crossenv.hooks", "_crossenv.identity"]
    )


def test_python_crossenv_is_set_in_cross_python_and_its_children(made_env: Path) -> None:
    probe = (
        "import os, subprocess; print(os.environ.get('PYTHON_CROSSENV')); "
        "subprocess.run(['sh', '-c', 'echo \"$PYTHON_CROSSENV\"'], check=True)"
    )
    env = {"PATH": "/usr/bin:/bin"}
    cross = subprocess.run(
        [made_env / "bin" / "python", "-c", probe], env=env, capture_output=True, text=True
    )
    assert cross.stdout.split() == ["1", "1"], cross.stderr
    build = subprocess.run(
        [made_env / "bin" / "build-python", "-c", probe], env=env, capture_output=True, text=True
    )
    assert build.stdout.split() == ["None"], build.stderr


def test_prefixed_names_of_each_layers_programs_run(made_env: Path) -> None:
    names = {path.name for path in (made_env / "bin").iterdir()}
    assert {"build-python3", "build-python3.11", "build-pip3", "build-pip3.11"} <= names
    assert {"cross-python3", "cross-python3.11", "cross-pip3", "cross-pip3.11"} <= names
    for name in ("build-pip3.11", "cross-pip3"):
        done = subprocess.run(
            [made_env / "bin" / name, "--version"], capture_output=True, text=True, check=True
        )
        assert done.stdout.startswith("pip "), name


def test_without_pip_means_no_pip_and_no_launcher_for_one(tmp_path: Path) -> None:
    from crossenv.__main__ import main

    from .conftest import make_debian_tree

    env = tmp_path / "env"
    assert (
        main([str(make_debian_tree(tmp_path / "sys root")), str(env), "-q", "--without-pip"]) == 0
    )
    assert not [path.name for path in (env / "bin").iterdir() if "pip" in path.name]
    done = subprocess.run(
        [env / "bin" / "python", "-c", "import pip"], capture_output=True, text=True
    )
    assert done.returncode != 0 and "No module named 'pip'" in done.stderr
    assert (env / "bin" / "build-python3").is_file()
