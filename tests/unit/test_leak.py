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
        "from crossenv import _runtime; print(_runtime.build_side())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=RUNTIME.parents[1],
    ).stdout
    assert out.strip() == "True"
    assert _runtime.build_side() is False
