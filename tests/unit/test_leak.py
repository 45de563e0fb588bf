"""Cross-python's start-up code never turns another interpreter into the Host silently."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

RUNTIME = Path(__file__).resolve().parents[2] / "crossenv" / "_runtime"


def test_foreign_interpreter_is_warned_on_stderr_and_stays_build(tmp_path: Path) -> None:
    plain = tmp_path / "plain venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(str(plain))
    leaked = tmp_path / "leaked site"
    shutil.copytree(RUNTIME, leaked / "_crossenv")
    (leaked / "_crossenv.pth").write_text("import _crossenv; _crossenv.activate()\n")
    code = f"import site, sys; site.addsitedir({str(leaked)!r}); print(sys.platform)"
    done = subprocess.run(
        [plain / "bin" / "python", "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout == f"{sys.platform}\n"
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith("crossenv: warning: ")
    assert str(leaked) in line and "not Cross-python" in line


def test_meson_runs_as_build_side() -> None:
    from crossenv import _runtime

    code = (
        "import sys; sys.argv = ['/x/bin/meson', 'setup']; "
        "from crossenv import _runtime; print(_runtime.is_build_side())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=RUNTIME.parents[1],
    ).stdout
    assert out.strip() == "True"
    assert _runtime.is_build_side() is False


ELF = Path(__file__).resolve().parents[1] / "data" / "elf"
HOST_SUFFIX = ".cpython-311-aarch64-linux-gnu.so"


def import_with_guards(folder: Path, module: str) -> subprocess.CompletedProcess[str]:
    """Import ``module`` from ``folder`` in a Python with the Host-binary guards on."""
    code = (
        "import sys; from crossenv._runtime import hooks\n"
        "hooks.guard_extensions({'elf': {'machine': 183, 'bits': 64, 'big_endian': False}})\n"
        f"sys.meta_path.append(hooks.HostBinaryFinder({HOST_SUFFIX!r}))\n"
        f"sys.path.insert(0, {str(folder)!r})\n"
        f"import {module}\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=RUNTIME.parents[1]
    )


def test_missing_module_built_for_the_host_is_named(tmp_path: Path) -> None:
    shutil.copy(ELF / "libz-arm64.so.1", tmp_path / f"speedups{HOST_SUFFIX}")
    done = import_with_guards(tmp_path, "speedups")
    assert "ModuleNotFoundError: No module named 'speedups'" in done.stderr
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("crossenv:")]
    assert f"{tmp_path / ('speedups' + HOST_SUFFIX)} is built for the Host" in line
    assert "-c 'import speedups'" in line


def test_host_binary_that_fails_to_load_is_named(tmp_path: Path) -> None:
    shutil.copy(ELF / "libz-arm64.so.1", tmp_path / "stable.abi3.so")
    done = import_with_guards(tmp_path, "stable")
    assert "ImportError" in done.stderr
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("crossenv:")]
    assert "cannot load ELF 64-bit little-endian aarch64" in line
    assert str(tmp_path / "stable.abi3.so") in line


def test_build_machine_binary_that_fails_to_load_is_not_blamed_on_the_host(
    tmp_path: Path,
) -> None:
    shutil.copy(ELF / "libz-amd64.so.1", tmp_path / "native.abi3.so")  # no PyInit_native
    done = import_with_guards(tmp_path, "native")
    assert "ImportError" in done.stderr
    assert "crossenv:" not in done.stderr
