"""Options that shape the environment, on the real toolchain."""

from __future__ import annotations

import os
import subprocess
import zipfile
from pathlib import Path

import pytest
from packaging.utils import parse_wheel_filename

from .conftest import Setup, copy_project, crossenv_command, elf_machine, repo_env

pytestmark = pytest.mark.integration


def create(setup: Setup, env_dir: Path, *options: str) -> subprocess.CompletedProcess[str]:
    command = crossenv_command(setup.python, setup.host_python, env_dir, *options)
    return subprocess.run(command, env=repo_env(), capture_output=True, text=True)


def test_manylinux_env_and_config_var(setup: Setup, tmp_path: Path) -> None:
    env_dir = tmp_path / "many linux"
    done = create(
        setup,
        env_dir,
        "--manylinux",
        "manylinux2014",  # crossenv 1.x's spelling: glibc 2.17, this Host's architecture
        "--env",
        "CROSSENV_DEMO=a",
        "--env",
        "CROSSENV_DEMO+= b",  # no separator added, as in crossenv 1.x
        "--config-var",
        "CROSSENV_VAR=7",
    )
    assert done.returncode == 0, done.stderr
    python = env_dir / "bin" / "python"
    probe = (
        "import os, platform, sysconfig; from pip._internal.utils.compatibility_tags import "
        "get_supported; print(os.environ['CROSSENV_DEMO'], "
        "repr(sysconfig.get_config_var('CROSSENV_VAR')), get_supported()[0], "
        "os.confstr('CS_GNU_LIBC_VERSION'), platform.libc_ver()[1], sep='|')"
    )
    out = setup.run([python, "-c", probe]).stdout.strip().split("|")
    nodot = setup.version.replace(".", "")
    tag = f"cp{nodot}-cp{nodot}-manylinux_2_17_aarch64"
    assert out == ["a b", "'7'", tag, "glibc 2.17", "2.17"]
    # Cross-python -> a Build-side process (as pip's requirement installs are)
    # -> Cross-python again: the middle one sees the user's own value only.
    chain = (
        "import os, subprocess, sys\n"
        "def child(code, **extra):\n"
        "    environ = {**os.environ, **extra}\n"
        "    return subprocess.run([sys.executable, '-c', code], env=environ,"
        " capture_output=True, text=True, check=True).stdout.strip()\n"
        "show = 'import os; print(os.environ.get(\"CROSSENV_DEMO\"))'\n"
        'again = \'import subprocess, sys; subprocess.run([sys.executable, "-c", %r],'
        ' env={**__import__("os").environ, "CROSSENV_BUILD_SIDE": "0"})\' % show\n'
        "print(os.environ['CROSSENV_DEMO'], child(show, CROSSENV_BUILD_SIDE='1'),"
        " child(again, CROSSENV_BUILD_SIDE='1'), sep='|')\n"
    )
    environ = {**os.environ, "CROSSENV_DEMO": "mine"}
    chained = subprocess.run(
        [python, "-c", chain], env=environ, capture_output=True, text=True, check=True
    )
    assert chained.stdout.strip().split("|") == ["a b", "mine", "a b"]
    wheels = tmp_path / "wheels"
    setup.run(
        [
            env_dir / "bin" / "pip",
            "wheel",
            "--no-deps",
            "-w",
            wheels,
            copy_project("cext", tmp_path),
        ]
    )
    (wheel,) = wheels.glob("*.whl")
    _, _, _, tags = parse_wheel_filename(wheel.name)
    assert {str(tag) for tag in tags} == {f"cp{nodot}-cp{nodot}-manylinux_2_17_aarch64"}
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path / "unpacked")
    (so,) = (tmp_path / "unpacked").glob("cext_demo*.so")
    assert elf_machine(so) == 183
    assert (
        setup.on_target(
            "import cext_demo; print(cext_demo.machine())", path=[tmp_path / "unpacked"]
        ).strip()
        == "aarch64"
    )


def test_existing_env_is_left_alone_and_clear_cross_keeps_build(
    setup: Setup, tmp_path: Path
) -> None:
    env_dir = tmp_path / "life cycle"
    assert create(setup, env_dir).returncode == 0
    setup.run([env_dir / "bin" / "build-pip", "install", "--no-deps", "six"])
    marker = (env_dir / "crossenv.cfg").read_text()
    (env_dir / "cross" / "mine.txt").write_text("user data")

    again = create(setup, env_dir)
    assert again.returncode == 6
    assert "already exists" in again.stderr and "Traceback" not in again.stderr
    assert (env_dir / "cross" / "mine.txt").read_text() == "user data"
    assert (env_dir / "crossenv.cfg").read_text() == marker

    assert create(setup, env_dir, "--clear-cross").returncode == 0
    assert not (env_dir / "cross" / "mine.txt").exists()
    setup.run([env_dir / "bin" / "build-python", "-c", "import six"])
    setup.run([env_dir / "bin" / "python", "-c", "import six"])  # Build side, via the finder

    assert create(setup, env_dir, "--clear").returncode == 0
    gone = subprocess.run([env_dir / "bin" / "build-python", "-c", "import six"])
    assert gone.returncode != 0


def test_clear_refuses_a_directory_that_is_not_ours(setup: Setup, tmp_path: Path) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    done = create(setup, precious, "--clear")
    assert done.returncode == 6
    assert "not a crossenv environment" in done.stderr
    assert sorted(p.name for p in precious.iterdir()) == ["thesis.tex"]


def test_without_pip_options(setup: Setup, tmp_path: Path) -> None:
    # --without-pip: no pip anywhere (crossenv 1.x), and no launcher that would only fail.
    no_pip = tmp_path / "no pip"
    assert create(setup, no_pip, "--without-pip").returncode == 0
    assert not [path.name for path in (no_pip / "bin").iterdir() if "pip" in path.name]
    for python in ("python", "build-python"):
        refused = subprocess.run(
            [no_pip / "bin" / python, "-m", "pip", "--version"], capture_output=True, text=True
        )
        assert refused.returncode != 0 and "No module named pip" in refused.stderr, python

    no_cross_pip = tmp_path / "no cross pip"
    assert create(setup, no_cross_pip, "--without-cross-pip").returncode == 0
    setup.run([no_cross_pip / "bin" / "build-pip", "--version"])
    assert not (no_cross_pip / "bin" / "pip").exists()
    refused = subprocess.run(
        [no_cross_pip / "bin" / "python", "-m", "pip", "--version"], capture_output=True, text=True
    )
    assert refused.returncode != 0 and "No module named pip" in refused.stderr


def test_concurrent_creations_and_builds(setup: Setup, tmp_path: Path) -> None:
    envs = [tmp_path / "first env", tmp_path / "second env"]
    creations = [
        subprocess.Popen(
            crossenv_command(setup.python, setup.host_python, env, "-q"),
            env=repo_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for env in envs
    ]
    outputs = [process.communicate() for process in creations]
    assert [process.returncode for process in creations] == [0, 0], outputs
    env = envs[0]
    projects = [copy_project("cext", tmp_path), copy_project("meson_ext", tmp_path)]
    builds = [
        subprocess.Popen(
            [env / "bin" / "pip", "install", project],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for project in projects
    ]
    outputs = [process.communicate() for process in builds]
    assert [process.returncode for process in builds] == [0, 0], outputs
    site = env / "cross" / "lib" / f"python{setup.version}" / "site-packages"
    for name in ("cext_demo", "meson_c", "meson_cpp"):
        (so,) = site.glob(f"{name}.cpython-*.so")
        assert elf_machine(so) == 183
    probe = "import sysconfig; print(sysconfig.get_platform())"
    assert setup.run([envs[1] / "bin" / "python", "-c", probe]).stdout.strip() == "linux-aarch64"
