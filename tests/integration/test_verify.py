"""Proving it runs on the Host: each check catches a real fault."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from .conftest import RUST_RELEASE, Setup, copy_project, crossenv_command, repo_env

pytestmark = pytest.mark.integration


def test_fallback_to_pure_python_is_reported(setup: Setup, tmp_path: Path) -> None:
    done = setup.run([setup.bin / "pip", "install", copy_project("fallback_ext", tmp_path)])
    warnings = [line for line in done.stderr.splitlines() if line.startswith("crossenv: WARNING")]
    assert len(warnings) == 1 and "_fallback_speedups failed to build" in warnings[0]
    assert setup.on_target("import fallback_demo; print(fallback_demo.SPEEDUPS)").strip() == "False"

    strict = tmp_path / "strict env"
    command = crossenv_command(setup.python, setup.host_python, strict, "--strict")
    assert subprocess.run(command, env=repo_env(), capture_output=True).returncode == 0
    failed = subprocess.run(
        [strict / "bin" / "pip", "install", copy_project("fallback_ext", tmp_path)],
        capture_output=True,
        text=True,
    )
    assert failed.returncode != 0
    assert (
        "crossenv: error: the C extension _fallback_speedups failed"
        in failed.stdout + failed.stderr
    )


def test_a_wheel_with_build_machine_code_is_refused(setup: Setup, tmp_path: Path) -> None:
    """A wheel labelled for the Host but holding x86-64 code (a real mistake)."""
    native = tmp_path / "native"
    setup.run(
        [
            setup.bin / "build-pip",
            "wheel",
            "--no-deps",
            "-w",
            native,
            copy_project("cext", tmp_path),
        ]
    )
    (wheel,) = native.glob("*-linux_x86_64.whl")
    mislabelled = tmp_path / wheel.name.replace("linux_x86_64", "linux_aarch64")
    shutil.copy(wheel, mislabelled)
    done = subprocess.run(
        [setup.bin / "pip", "install", "--force-reinstall", "--no-deps", mislabelled],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    nodot = setup.version.replace(".", "")
    assert (
        f"cext_demo.cpython-{nodot}-x86_64-linux-gnu.so: ELF 64-bit little-endian x86_64, "
        "expected ELF 64-bit little-endian aarch64"
    ) in done.stderr
    assert not list(setup.cross_site.glob("cext_demo*x86_64*"))


def test_wrong_compiler_is_refused_at_creation(setup: Setup, tmp_path: Path) -> None:
    env_dir = tmp_path / "wrong cc"
    command = crossenv_command(setup.python, setup.host_python, env_dir, "--cc", "gcc")
    done = subprocess.run(command, env=repo_env(), capture_output=True, text=True)
    assert done.returncode == 5
    assert "builds for x86_64-linux-gnu, but Host-python is for aarch64" in done.stderr
    assert not env_dir.exists()


def test_console_script_has_host_shebang_and_runs_on_target(setup: Setup, tmp_path: Path) -> None:
    setup.run([setup.bin / "pip", "install", copy_project("scripts_demo", tmp_path)])
    script = setup.env_dir / "cross" / "bin" / "crossenv-hello"
    first = script.read_text().splitlines()[0]
    assert first == f"#!/usr/bin/python{setup.version}"
    out = setup.run([setup.bin / "cross-run", script]).stdout
    assert out.startswith("hello from aarch64 ")


def test_cross_run_pytest_on_target(setup: Setup, tmp_path: Path) -> None:
    setup.run([setup.bin / "pip", "install", "pytest"])
    tests = tmp_path / "target tests"
    tests.mkdir()
    (tests / "test_on_target.py").write_text(
        "import platform, struct\n\n"
        "def test_machine():\n    assert platform.machine() == 'aarch64'\n\n"
        "def test_pointer_size():\n    assert struct.calcsize('P') == 8\n"
    )
    done = setup.run([setup.bin / "cross-run", "-m", "pytest", "-p", "no:cacheprovider", tests])
    assert "2 passed" in done.stdout


EDITABLE_PYPROJECT = """\
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "editable-demo"
version = "1.0"
"""


def test_cross_run_imports_an_editable_install(setup: Setup, tmp_path: Path) -> None:
    """pip writes an editable install as a .pth file (with setuptools' import hook
    for a flat layout); cross-run's Host-python reads it, and still runs Debian's
    own sitecustomize."""
    project = tmp_path / "editable project"
    (project / "editable_demo").mkdir(parents=True)
    (project / "pyproject.toml").write_text(EDITABLE_PYPROJECT, encoding="utf-8")
    module = project / "editable_demo" / "__init__.py"
    module.write_text("VALUE = 'from the source tree'\n", encoding="utf-8")
    setup.run([setup.bin / "cross-pip", "install", "-e", project])
    (pth,) = setup.cross_site.glob("__editable__*editable_demo*.pth")
    assert pth.read_text(encoding="utf-8").startswith("import ")
    # Debian's sitecustomize imports apport_python_hook and calls install()
    # when there is one: this stand-in shows that it ran.
    host_site = setup.sysroot / "usr" / "lib" / f"python{setup.version}" / "sitecustomize.py"
    assert "apport_python_hook.install()" in host_site.read_text(encoding="utf-8")
    hook = tmp_path / "user path"
    hook.mkdir()
    (hook / "apport_python_hook.py").write_text(
        "def install():\n    import builtins\n    builtins.APPORT_HOOK = 'installed'\n",
        encoding="utf-8",
    )
    code = (
        "import platform, sitecustomize, editable_demo\n"
        "print(platform.machine(), editable_demo.VALUE, editable_demo.__file__)\n"
        "print(sitecustomize.__file__, APPORT_HOOK)\n"
    )
    done = setup.run(
        [setup.bin / "cross-run", "-c", code],
        cwd=hook,
        env={**os.environ, "PYTHONPATH": str(hook)},
    )
    assert done.stderr == ""
    first, second = done.stdout.splitlines()
    assert first == f"aarch64 from the source tree {module}"
    ran, mark = second.rsplit(" ", 1)
    assert (Path(ran).resolve(), mark) == (host_site.resolve(), "installed")


def test_doctor(setup: Setup, tmp_path: Path) -> None:
    command = ["python", "-m", "crossenv.doctor", setup.env_dir]
    done = subprocess.run(
        [setup.python, *command[1:]], env=repo_env(), capture_output=True, text=True
    )
    lines = done.stdout.splitlines()
    assert any(line.startswith("ok      C compiler: ") for line in lines)
    assert any(line.startswith("ok      emulator") for line in lines)
    if setup.release == RUST_RELEASE:
        assert done.returncode == 0 and lines[-1].endswith(", 0 missing")
    else:
        assert done.returncode == 1
        assert "MISSING Rust standard library for the Host: not found" in lines
    hidden = {
        **repo_env(),
        "PATH": os.pathsep.join(
            p for p in os.environ["PATH"].split(os.pathsep) if not Path(p, "qemu-aarch64").exists()
        ),
    }
    without = subprocess.run(
        [setup.python, *command[1:]], env=hidden, capture_output=True, text=True
    )
    assert without.returncode == 1
    assert "        fix: apt-get install qemu-user" in without.stdout


def test_importing_a_host_binary_at_build_time_is_named(setup: Setup, tmp_path: Path) -> None:
    """Build-side code reaching for a Host extension gets a line saying so, not only a traceback."""
    setup.run([setup.bin / "pip", "install", "--force-reinstall", copy_project("cext", tmp_path)])
    (built,) = setup.cross_site.glob("cext_demo.cpython-*-aarch64-linux-gnu.so")
    # The same Host binary under the stable-ABI name, which Cross-python does try to load.
    stable = tmp_path / "stable"
    stable.mkdir()
    shutil.copy(built, stable / "cext_abi.abi3.so")
    for module, problem, path in (
        ("cext_demo", "no module named 'cext_demo' for the Build machine", built),
        ("cext_abi", "cannot load ELF 64-bit little-endian aarch64", stable / "cext_abi.abi3.so"),
    ):
        code = f"import sys; sys.path.insert(0, {str(stable)!r}); import {module}"
        done = subprocess.run(
            [setup.bin / "python", "-c", code], capture_output=True, text=True, check=False
        )
        assert done.returncode == 1 and done.stdout == ""
        (line,) = [line for line in done.stderr.splitlines() if line.startswith("crossenv:")]
        assert line.startswith(f"crossenv: warning: {problem}: {path} is built for the Host")
        assert f"{setup.bin / 'cross-run'} -c 'import {module}'" in line
    # ... and on the target it imports.
    assert "cext_demo" in setup.on_target("import cext_demo; print(cext_demo.__name__)")


def test_a_package_with_wheels_for_other_machines_only_gets_a_hint(
    setup: Setup, tmp_path: Path
) -> None:
    # Like many packages on PyPI: wheels for x86-64, none for the Host, no sdist.
    index = tmp_path / "index"
    index.mkdir()
    wheel = index / "onlyx86-1.0-py3-none-manylinux_2_17_x86_64.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("onlyx86/__init__.py", "")
        archive.writestr(
            "onlyx86-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: onlyx86\nVersion: 1.0\n"
        )
        archive.writestr(
            "onlyx86-1.0.dist-info/WHEEL",
            "Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: py3-none-manylinux_2_17_x86_64\n",
        )
        archive.writestr("onlyx86-1.0.dist-info/RECORD", "")
    found = ["--no-index", "--find-links", str(index), "onlyx86"]
    # The Build machine's pip takes it ...
    setup.run([setup.bin / "build-pip", "download", "--no-deps", "-d", tmp_path / "got", *found])
    # ... the Host's says why it does not.
    done = subprocess.run(
        [setup.bin / "pip", "install", *found], capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "No matching distribution found for onlyx86" in done.stderr
    (hint,) = [line for line in done.stderr.splitlines() if line.startswith("crossenv: hint:")]
    assert hint.startswith("crossenv: hint: no file of onlyx86 suits the Host (")
    assert "linux_aarch64" in hint
