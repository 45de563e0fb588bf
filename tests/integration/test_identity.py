"""Cross-python reports exactly what the real Host-python reports under qemu."""

from __future__ import annotations

import pytest

from .conftest import Setup, identity_script, load

pytestmark = pytest.mark.integration


def test_layout(setup: Setup) -> None:
    names = {path.name for path in setup.bin.iterdir()}
    expected = {
        "activate",
        "python",
        "cross-python",
        "pip",
        "cross-pip",
        "build-python",
        "build-pip",
        "cross-expose",
    }
    assert expected <= names
    assert (setup.env_dir / "build" / "pyvenv.cfg").is_file()
    assert (setup.env_dir / "cross" / "pyvenv.cfg").is_file()


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


def test_build_python_is_plain(setup: Setup) -> None:
    out = setup.run(
        [setup.bin / "build-python", "-c", "import sysconfig; print(sysconfig.get_platform())"]
    ).stdout
    assert out.strip() == "linux-x86_64"
