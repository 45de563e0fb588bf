"""``--toolchain zig``: C and C++ for an old glibc, with zig from PyPI, no cross gcc.

On a bookworm sysroot (glibc 2.36), ``--manylinux manylinux2014`` with zig
makes extensions whose newest glibc symbol is 2.17, through setuptools,
meson (the cross file) and CMake (the toolchain file): the checks on every
built wheel refuse one that needs more, cross-repair's auditwheel tags them
manylinux_2_17, and each computes a known answer on the target.
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from crossenv._runtime import elf

from .conftest import Setup, copy_project, make_setup

pytestmark = pytest.mark.integration

#: Each Host and its machine as wheel tags name it.
ARCHES = {"arm64": "aarch64", "armhf": "armv7l"}


@pytest.fixture(
    scope="module",
    # One Host in CI; armhf (32-bit) with the other long builds: tox -e slow.
    params=["arm64", pytest.param("armhf", marks=pytest.mark.slow)],
)
def zig_env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Setup:
    options = ("--toolchain", "zig", "--manylinux", "manylinux2014")
    return make_setup(tmp_path_factory, "3.11", "bookworm", request.param, options=options)


def test_zig_builds_manylinux2014_code_with_every_backend(zig_env: Setup, tmp_path: Path) -> None:
    setup = zig_env
    machine = ARCHES[setup.arch]
    zig_cc = (setup.env_dir / "build" / "bin" / "zig-cc").read_text()
    assert (
        f"-target {'aarch64-linux-gnu' if machine == 'aarch64' else 'arm-linux-gnueabihf'}.2.17"
        in zig_cc
    )
    wheels = tmp_path / "wheels"
    for project in ("glibc_ext", "meson_ext", "cmake_ext"):
        setup.run(
            [setup.bin / "pip", "wheel", "--no-deps", "-w", wheels, copy_project(project, tmp_path)]
        )
    sdist = ["--no-deps", "--no-binary", "markupsafe", "markupsafe==3.0.2"]
    setup.run([setup.bin / "pip", "wheel", "-w", wheels, *sdist])
    built = sorted(wheels.glob("*.whl"))
    assert len(built) == 4, built
    for wheel in built:
        with zipfile.ZipFile(wheel) as archive:
            binaries = [name for name in archive.namelist() if name.endswith(".so")]
            assert binaries, wheel.name
            for name in binaries:
                data = archive.read(name)
                info = elf.read_header(data[:64])
                assert info is not None and info.machine_name == (
                    "aarch64" if machine == "aarch64" else "arm"
                )
                newest = max(elf.glibc_needs(data).values(), default=(0, 0))
                assert newest <= (2, 17), (wheel.name, name, newest)
                if machine == "armv7l":  # Debian's armhf baseline: 16 double registers
                    (tmp_path / "one.so").write_bytes(data)
                    attributes = subprocess.run(
                        ["readelf", "-A", str(tmp_path / "one.so")],
                        capture_output=True,
                        text=True,
                        check=True,
                    ).stdout
                    assert "Tag_FP_arch: VFPv3-D16" in attributes, (name, attributes)
                    assert "Tag_Advanced_SIMD_arch" not in attributes, (name, attributes)
    # auditwheel (through cross-repair) agrees: manylinux_2_17.
    setup.run([setup.bin / "cross-repair", "-w", tmp_path / "repaired", *built])
    repaired = sorted((tmp_path / "repaired").glob("*.whl"))
    assert len(repaired) == 4
    for wheel in repaired:
        assert f"manylinux_2_17_{machine}" in wheel.name, wheel.name
    setup.run([setup.bin / "pip", "install", "--no-deps", *repaired])
    code = (
        "import glibc_demo, markupsafe, markupsafe._speedups, meson_c, meson_cpp, cmake_cpp\n"
        "print(glibc_demo.added(40, 2), markupsafe.escape('<a>'), meson_cpp.total(10),"
        " cmake_cpp.total(10), meson_c.machine())"
    )
    out = setup.on_target(code).split()
    assert out[:4] == ["42", "&lt;a&gt;", "45", "45"]
    assert out[4].startswith(machine[:5])  # aarch64, or armv7l/armv8l under qemu-arm
