"""Every build backend and front-end cross-compiles with no extra options."""

from __future__ import annotations

import os
import subprocess
import zipfile
from pathlib import Path

import pytest
from packaging.utils import parse_wheel_filename

from crossenv import sysroot

from .conftest import Setup, copy_project, elf_machine

pytestmark = pytest.mark.integration

AARCH64 = 183


def suffix(setup: Setup) -> str:
    return f".cpython-{setup.version.replace('.', '')}-aarch64-linux-gnu.so"


def check_built(setup: Setup, *names: str) -> None:
    """Each named module was built for aarch64 with the Host's suffix."""
    for name in names:
        (path,) = setup.cross_site.glob(f"{name}.*so")
        assert path.name == f"{name}{suffix(setup)}", path
        assert elf_machine(path) == AARCH64, path


def test_meson_python_fixture(setup: Setup, tmp_path: Path) -> None:
    setup.run([setup.bin / "pip", "install", copy_project("meson_ext", tmp_path)])
    check_built(setup, "meson_c", "meson_cpp")
    out = setup.on_target(
        "import meson_c, meson_cpp; print(meson_c.machine(), meson_cpp.total(10))"
    )
    assert out.split() == ["aarch64", "45"]


def test_scikit_build_core_fixture(setup: Setup, tmp_path: Path) -> None:
    setup.run([setup.bin / "pip", "install", copy_project("cmake_ext", tmp_path)])
    check_built(setup, "cmake_cpp")
    assert setup.on_target("import cmake_cpp; print(cmake_cpp.total(10))").strip() == "45"


def test_cffi_build_requirement_with_isolation(setup: Setup, tmp_path: Path) -> None:
    """cffi runs on Build to write C code; the module and cffi's backend are the Host's."""
    setup.run([setup.bin / "pip", "install", copy_project("cffi_ext", tmp_path)])
    (module,) = setup.cross_site.glob("_cffi_demo*.so")
    assert elf_machine(module) == AARCH64
    (backend,) = setup.cross_site.glob("_cffi_backend*.so")
    assert elf_machine(backend) == AARCH64
    code = "from _cffi_demo import lib; print(lib.triangle(10), lib.pointer_bits())"
    assert setup.on_target(code).split() == ["45", "64"]


def test_python_m_build(setup: Setup, tmp_path: Path) -> None:
    setup.run([setup.bin / "build-pip", "install", "build"])
    project = copy_project("meson_ext", tmp_path)
    # Run from the project, as users do (a stray build/ folder in the cwd would shadow build).
    setup.run(
        [setup.bin / "python", "-m", "build", "--wheel", "-o", tmp_path / "dist", "."],
        cwd=project,
    )
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    _, _, _, tags = parse_wheel_filename(wheel.name)
    nodot = setup.version.replace(".", "")
    assert {str(tag) for tag in tags} == {f"cp{nodot}-cp{nodot}-linux_aarch64"}
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path / "unpacked")
    out = setup.on_target("import meson_c; print(meson_c.machine())", path=[tmp_path / "unpacked"])
    assert out.strip() == "aarch64"


def test_cross_expose_lets_build_no_isolation_see_only_what_it_needs(
    setup: Setup, tmp_path: Path
) -> None:
    """An exposed cffi counts as installed without its own dependencies (crossenv 1.x)."""
    setup.run([setup.bin / "build-pip", "install", "-U", "setuptools", "build", "cffi"])
    setup.run([setup.bin / "cross-expose", "-v", "cffi"])
    assert setup.run([setup.bin / "cross-expose", "-l"]).stdout.split() == ["cffi"]
    project = copy_project("cffi_ext", tmp_path)
    command = [setup.bin / "python", "-m", "build", "--no-isolation", "--wheel", "-o", "dist", "."]
    setup.run(command, cwd=project)  # pycparser, cffi's dependency, is not exposed
    (wheel,) = (project / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path / "unpacked")
    (module,) = (tmp_path / "unpacked").glob("_cffi_demo*.so")
    assert elf_machine(module) == AARCH64
    setup.run([setup.bin / "cross-expose", "-u", ":all:"])
    assert setup.run([setup.bin / "cross-expose", "-l"]).stdout == ""


def test_uv(setup: Setup, tmp_path: Path) -> None:
    """uv's own isolated builds use a plain Build-python (documented); without isolation
    it builds in Cross-python."""
    setup.run([setup.bin / "build-pip", "install", "uv"])
    uv = setup.env_dir / "build" / "bin" / "uv"
    python = setup.env_dir / "cross" / "bin" / "python"
    project = copy_project("cext", tmp_path)
    isolated = subprocess.run(
        [uv, "pip", "install", "--python", python, project], capture_output=True, text=True
    )
    assert isolated.returncode != 0
    message = " ".join(isolated.stderr.split())  # uv wraps long lines
    assert "linux_x86_64.whl` is not compatible with the current Python" in message
    setup.run([setup.bin / "pip", "install", "setuptools", "wheel"])
    setup.run([uv, "pip", "install", "--python", python, "--no-build-isolation", project])
    check_built(setup, "cext_demo")
    assert setup.on_target("import cext_demo; print(cext_demo.machine())").strip() == "aarch64"


def test_pkg_config_finds_the_hosts_libraries(setup: Setup) -> None:
    code = (
        "import subprocess; print(subprocess.run(['pkg-config', '--cflags', "
        f"'python-{setup.version}'], capture_output=True, text=True, check=True).stdout)"
    )
    flags = setup.run([setup.bin / "python", "-c", code]).stdout.split()
    assert f"-I{setup.sysroot}/usr/include/python{setup.version}" in flags
    assert all(str(setup.sysroot) in flag for flag in flags)


def test_numpy_c_api_gets_the_hosts_headers(setup: Setup, tmp_path: Path) -> None:
    """numpy is a Build-side build requirement, but the headers are the Host's wheel's."""
    done = setup.run([setup.bin / "pip", "install", "-v", copy_project("numpy_ext", tmp_path)])
    cache = setup.env_dir / "cross" / "crossenv-cache"
    (config_h,) = cache.glob("numpy-*/numpy/_core/include/numpy/_numpyconfig.h")
    include = str(config_h.parent.parent)
    output = done.stdout + done.stderr
    assert f"-I{include}" in output, "the compiler did not get the Host's numpy headers"
    check_built(setup, "npdemo")
    out = setup.on_target("import npdemo; print(npdemo.arange(10).sum(), npdemo.longdouble_size())")
    assert out.split() == ["45", "16"]


FORTRAN = """program triangle
  integer :: i, total
  total = 0
  do i = 1, 10
    total = total + i
  end do
  print '(I0)', total
end program triangle
"""


def test_fortran_through_the_meson_cross_file(setup: Setup, tmp_path: Path) -> None:
    """The Host's gfortran, installed when the environment was made, is meson's (scipy's need)."""
    cross_file = setup.env_dir / "cross" / "crossenv-meson.ini"
    assert "\nfortran = [" in cross_file.read_text(encoding="utf-8")
    setup.run([setup.bin / "build-pip", "install", "meson", "ninja"])
    project = tmp_path / "fortran project"
    project.mkdir()
    (project / "meson.build").write_text(
        "project('triangle', 'fortran')\n"
        "executable('triangle', 'triangle.f90', link_args: ['-static-libgfortran'])\n",
        encoding="utf-8",
    )
    (project / "triangle.f90").write_text(FORTRAN, encoding="utf-8")
    build_bin = setup.env_dir / "build" / "bin"
    env = {**os.environ, "PATH": f"{build_bin}{os.pathsep}{os.environ['PATH']}"}
    setup.run(
        [build_bin / "meson", "setup", "out", "--cross-file", cross_file], cwd=project, env=env
    )
    setup.run([build_bin / "ninja", "-C", "out"], cwd=project, env=env)
    program = project / "out" / "triangle"
    assert elf_machine(program) == AARCH64
    out = setup.run([*sysroot.qemu_command("arm64", setup.sysroot), program]).stdout
    assert out.strip() == "55"
