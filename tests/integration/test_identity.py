"""Cross-python reports exactly what the real Host-python reports under qemu."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict

import pytest

from .conftest import Setup, identity_script, load, require

pytestmark = pytest.mark.integration


def test_identity_matches_real_host(setup: Setup) -> None:
    cross = load(setup.run([setup.bin / "python", "-c", identity_script()]).stdout)
    real = load(setup.on_target(identity_script()))
    assert cross == real
    assert cross["platform"] == "linux-aarch64"
    assert cross["EXT_SUFFIX"] == f".cpython-{setup.version.replace('.', '')}-aarch64-linux-gnu.so"


def test_python_m_sysconfig_prints_host_values(setup: Setup) -> None:
    out = setup.run([setup.bin / "python", "-m", "sysconfig"]).stdout
    assert 'Platform: "linux-aarch64"' in out
    assert 'MULTIARCH = "aarch64-linux-gnu"' in out
    assert "x86_64-linux-gnu" not in out.split("Variables:")[1].split("CONFIG_ARGS")[0]


def test_activate_from_path_with_space(setup: Setup) -> None:
    script = (
        f". '{setup.bin / 'activate'}' && python -c 'import sysconfig; "
        "print(sysconfig.get_platform())' && command -v build-pip && deactivate "
        "&& command -v build-pip || echo deactivated"
    )
    out = setup.run(["bash", "-c", script]).stdout.splitlines()
    assert out[0] == "linux-aarch64"
    assert out[1] == str(setup.bin / "build-pip")
    assert out[-1] == "deactivated"


def shell_env() -> Dict[str, str]:
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV_DISABLE_PROMPT", None)
    return env


def test_activate_fish_from_path_with_space(setup: Setup) -> None:
    require("fish", "fish")
    script = (
        "function fish_prompt; echo -n '$ '; end; string join : $PATH; "
        "source ./activate.fish; and python -c 'import sysconfig; "
        "print(sysconfig.get_platform())'; and command -v build-pip; and fish_prompt; and echo; "
        "and deactivate; and string join : $PATH; and set -q VIRTUAL_ENV; or echo unset; "
        "command -v build-pip; or echo deactivated"
    )
    out = setup.run(["fish", "-c", script], cwd=setup.bin, env=shell_env()).stdout.splitlines()
    assert out[1:4] == ["linux-aarch64", str(setup.bin / "build-pip"), "(crôss env) $ "]
    assert out[4:] == [out[0], "unset", "deactivated"]


def test_activate_tcsh_from_path_with_space(setup: Setup, tmp_path: Path) -> None:
    require("tcsh", "tcsh")
    driver = tmp_path / "driver.csh"
    driver.write_text(
        'set prompt = "% "\n'
        "printenv PATH\n"
        "source ./activate.csh\n"
        "python -c 'import sysconfig; print(sysconfig.get_platform())'\n"
        "which build-pip\n"
        'echo "$prompt"\n'
        "deactivate\n"
        "printenv PATH\n"
        "if ($?VIRTUAL_ENV == 0) echo unset\n"
        "which build-pip >& /dev/null || echo deactivated\n",
        encoding="utf-8",
    )
    out = setup.run(["tcsh", "-f", driver], cwd=setup.bin, env=shell_env()).stdout.splitlines()
    assert out[1:4] == ["linux-aarch64", str(setup.bin / "build-pip"), "(crôss env) % "]
    assert out[4:] == [out[0], "unset", "deactivated"]


def test_build_python_is_plain(setup: Setup) -> None:
    out = setup.run(
        [setup.bin / "build-python", "-c", "import sysconfig; print(sysconfig.get_platform())"]
    ).stdout
    assert out.strip() == "linux-x86_64"
