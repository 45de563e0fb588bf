"""Options that shape the environment, on the real toolchain."""

from __future__ import annotations

import os
import shlex
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


def build_wheel(setup: Setup, env_dir: Path, tmp_path: Path, **kwargs: object) -> Path:
    """``pip wheel`` of the cext project in the environment: the one wheel it made."""
    wheels = tmp_path / "wheels"
    project = copy_project("cext", tmp_path)
    setup.run([env_dir / "bin" / "pip", "wheel", "--no-deps", "-w", wheels, project], **kwargs)
    (wheel,) = wheels.glob("*.whl")
    return wheel


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
    wheel = build_wheel(setup, env_dir, tmp_path)
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


def test_a_manylinux_tag_is_checked_against_the_glibc_the_code_needs(
    setup: Setup, tmp_path: Path
) -> None:
    # --manylinux manylinux2014 on a bookworm sysroot (glibc 2.36): code that
    # calls pthread_create links its glibc 2.34 version, which 2.17 lacks.
    env_dir = tmp_path / "promise"
    assert create(setup, env_dir, "--manylinux", "manylinux2014").returncode == 0
    project = copy_project("glibc_ext", tmp_path)
    done = subprocess.run(
        [env_dir / "bin" / "pip", "wheel", "--no-deps", "-w", tmp_path / "wheels", project],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and not list((tmp_path / "wheels").glob("*.whl"))
    nodot = setup.version.replace(".", "")
    so = f"glibc_demo.cpython-{nodot}-aarch64-linux-gnu.so"
    assert f"{so} needs glibc 2.34 (pthread_" in done.stdout + done.stderr
    assert (
        "newer than its tag manylinux_2_17_aarch64 allows; it is a manylinux_2_34_aarch64 wheel"
        in (done.stdout + done.stderr)
    )
    # Tagged as what it is, the same code builds and runs on the target.
    honest = tmp_path / "honest"
    assert create(setup, honest, "--manylinux", "manylinux_2_34").returncode == 0
    setup.run([honest / "bin" / "pip", "wheel", "--no-deps", "-w", tmp_path / "ok", project])
    (wheel,) = (tmp_path / "ok").glob("*.whl")
    assert wheel.name.endswith("-manylinux_2_34_aarch64.whl")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path / "unpacked")
    code = "import glibc_demo; print(glibc_demo.added(40, 2))"
    assert setup.on_target(code, path=[tmp_path / "unpacked"]).strip() == "42"


def test_platform_tags_replace_the_accepted_tags(setup: Setup, tmp_path: Path) -> None:
    # crossenv 1.x's --platform-tag: repeatable, the list replaces the defaults.
    env_dir = tmp_path / "tags"
    done = create(
        setup, env_dir, "--platform-tag", "manylinux2014", "--platform-tag", "linux_aarch64"
    )
    assert done.returncode == 0, done.stderr
    probe = (
        "from pip._internal.utils.compatibility_tags import get_supported\n"
        "print(*sorted({t.platform for t in get_supported()}))"
    )
    platforms = set(setup.run([env_dir / "bin" / "python", "-c", probe]).stdout.split()) - {"any"}
    assert platforms == {"manylinux_2_17_aarch64", "manylinux2014_aarch64", "linux_aarch64"}
    wheel = build_wheel(setup, env_dir, tmp_path)  # the plain tag, which is accepted
    assert wheel.name.endswith("-linux_aarch64.whl")
    refused = create(setup, tmp_path / "refused", "--platform-tag", "manylinux2014_x86_64")
    assert refused.returncode == 2 and "not for the Host (aarch64)" in refused.stderr


def test_compilers_given_as_shell_words(setup: Setup, tmp_path: Path) -> None:
    # --cc "ccache aarch64-linux-gnu-gcc -mcpu=cortex-a72" (crossenv 1.x splits
    # it as a shell does): every compile runs through the launcher, with the flags.
    tools = tmp_path / "my tools"
    tools.mkdir()
    log = tmp_path / "launcher log"
    ccache = tools / "ccache"  # stands in for ccache: logs, then runs the compiler
    ccache.write_text(f'#!/bin/sh\necho "$*" >> {shlex.quote(str(log))}\nexec "$@"\n')
    ccache.chmod(0o755)
    environ = {**repo_env(), "PATH": f"{tools}:{os.environ['PATH']}"}
    env_dir = tmp_path / "shell words"
    command = crossenv_command(
        setup.python,
        setup.host_python,
        env_dir,
        "--cc",
        "ccache aarch64-linux-gnu-gcc -mcpu=cortex-a72",
        "--cxx",
        "ccache aarch64-linux-gnu-g++ -mcpu=cortex-a72",
    )
    done = subprocess.run(command, env=environ, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    wheel = build_wheel(setup, env_dir, tmp_path, env=environ)
    compiles = [line for line in log.read_text().splitlines() if " -c " in f" {line} "]
    assert compiles, log.read_text()
    for line in compiles:
        assert line.split()[0].endswith("aarch64-linux-gnu-gcc") and "-mcpu=cortex-a72" in line
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path / "unpacked")
    code = "import cext_demo; print(cext_demo.machine())"
    assert setup.on_target(code, path=[tmp_path / "unpacked"]).strip() == "aarch64"


def test_rerun_updates_in_place_and_clear_cross_keeps_build(setup: Setup, tmp_path: Path) -> None:
    env_dir = tmp_path / "life cycle"
    assert create(setup, env_dir).returncode == 0
    setup.run([env_dir / "bin" / "build-pip", "install", "--no-deps", "six"])
    (env_dir / "cross" / "mine.txt").write_text("user data")

    # Run again without --clear: updated in place (venv and crossenv 1.x do so),
    # with what is installed kept and the new options in effect.
    again = create(setup, env_dir, "--env", "CROSSENV_DEMO=again")
    assert again.returncode == 0, again.stderr
    assert (env_dir / "cross" / "mine.txt").read_text() == "user data"
    shown = "import os, six; print(os.environ['CROSSENV_DEMO'])"
    assert setup.run([env_dir / "bin" / "python", "-c", shown]).stdout.strip() == "again"

    assert create(setup, env_dir, "--clear-cross").returncode == 0
    assert not (env_dir / "cross" / "mine.txt").exists()
    setup.run([env_dir / "bin" / "build-python", "-c", "import six"])
    setup.run([env_dir / "bin" / "python", "-c", "import six"])  # Build side, via the finder

    assert create(setup, env_dir, "--clear").returncode == 0
    gone = subprocess.run([env_dir / "bin" / "build-python", "-c", "import six"])
    assert gone.returncode != 0


def test_an_existing_folder_gets_the_environment_beside_its_files(
    setup: Setup, tmp_path: Path
) -> None:
    # A project checked out in ENV_DIR (and several ENV_DIRs, as crossenv 1.x).
    project = copy_project("cext", tmp_path)
    (project / "thesis.tex").write_text("years of work")
    before = {p.name: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    second = tmp_path / "second env"
    done = create(setup, project, second, "--clear")
    assert done.returncode == 0, done.stderr
    assert {
        p.name: p.read_bytes()
        for p in project.rglob("*")
        if p.is_file()
        and p.relative_to(project).parts[0] not in ("bin", "build", "cross", "crossenv.cfg")
    } == before
    for env_dir in (project, second):  # each builds a copy of the project of its own
        wheel = build_wheel(setup, env_dir, tmp_path / f"built in {env_dir.name}")
        assert "linux_aarch64" in wheel.name
    taken = tmp_path / "taken"
    (taken / "cross").mkdir(parents=True)
    refused = create(setup, taken)
    assert refused.returncode == 6 and "already has cross" in refused.stderr
    assert [p.name for p in taken.iterdir()] == ["cross"]


def test_cross_prefix_puts_the_cross_layer_elsewhere(setup: Setup, tmp_path: Path) -> None:
    env_dir, layer = tmp_path / "env", tmp_path / "target root" / "cross layer"
    assert create(setup, env_dir, "--cross-prefix", layer).returncode == 0
    assert (env_dir / "cross").resolve() == layer
    project = copy_project("cext", tmp_path)
    setup.run([env_dir / "bin" / "pip", "install", "--no-deps", project])
    site = layer / "lib" / f"python{setup.version}" / "site-packages"
    (so,) = site.glob("cext_demo*.so")
    assert elf_machine(so) == 183
    code = "import cext_demo; print(cext_demo.machine())"
    assert setup.on_target(code, path=[site]).strip() == "aarch64"
    # --clear makes the Build layer again and keeps the Cross layer, as crossenv 1.x.
    assert create(setup, env_dir, "--cross-prefix", layer, "--clear").returncode == 0
    assert so.is_file()
    listed = setup.run([env_dir / "bin" / "pip", "list", "--format=freeze"]).stdout
    assert "cext" in listed.lower()
    assert create(setup, env_dir, "--cross-prefix", layer, "--clear-cross").returncode == 0
    assert not so.exists() and (layer / "pyvenv.cfg").is_file()


API_1X = """
import sys
from crossenv import CrossEnvBuilder
env_dir, layer, host_python = sys.argv[1:]
for clear in (False, "default"):  # create, then replace: crossenv 1.x's keywords
    CrossEnvBuilder(
        host_python=host_python,
        extra_env_vars=[("CROSSENV_DEMO", "=", "set"), ("CROSSENV_DEMO", "+=", "+more")],
        build_system_site_packages=False,
        clear=clear,
        cross_prefix=layer,
        with_cross_pip=True,
        with_build_pip=True,
        host_sysroot=None,
        host_cc="aarch64-linux-gnu-gcc",
        host_cxx="aarch64-linux-gnu-g++",
        host_ar="aarch64-linux-gnu-ar",
        host_relativize=False,
        host_config_vars={"CROSSENV_VAR": "v"},
        host_sysconfigdata_file=None,
        manylinux_tags=["manylinux2014"],
        platform_tags=[],
        host_machine=None,
    ).create(env_dir)
"""


def test_the_python_api_of_crossenv_1(setup: Setup, tmp_path: Path) -> None:
    env_dir, layer = tmp_path / "api env", tmp_path / "api cross"
    command = [setup.python, "-c", API_1X, env_dir, layer, setup.host_python]
    done = subprocess.run(
        [str(part) for part in command], env=repo_env(), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    probe = (
        "import os, platform, sysconfig; print(os.environ['CROSSENV_DEMO'], "
        "sysconfig.get_config_var('CROSSENV_VAR'), platform.libc_ver()[1], sep='|')"
    )
    out = setup.run([env_dir / "bin" / "python", "-c", probe]).stdout.strip()
    assert out == "set+more|v|2.17"
    assert (env_dir / "cross").resolve() == layer


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
