"""Real PyPI sdists cross-built with defaults and imported on the target."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from packaging.utils import parse_wheel_filename

from .conftest import REPO, Setup, elf_machine

pytestmark = pytest.mark.integration

AARCH64 = 183
#: One C, one C with Debian's multiarch pyconfig.h, one Cython, one C++.
SDISTS = {
    "markupsafe": "markupsafe._speedups",
    "ujson": "ujson",
    "msgpack": "msgpack._cmsgpack",
    "kiwisolver": "kiwisolver._cext",
}


def test_pip_install_sdists_and_import_on_target(setup: Setup) -> None:
    setup.run([setup.bin / "pip", "install", "--no-binary", ":all:", *SDISTS])
    site = setup.cross_site
    built = sorted(
        [
            *site.glob("ujson*.so"),
            *site.glob("markupsafe/*.so"),
            *site.glob("msgpack/*.so"),
            *site.glob("kiwisolver/*.so"),
        ]
    )
    assert len(built) == len(SDISTS), f"not every package was compiled: {built}"
    suffix = f".cpython-{setup.version.replace('.', '')}-aarch64-linux-gnu.so"
    for path in built:
        assert path.name.endswith(suffix), path
        assert elf_machine(path) == AARCH64, path
    code = (
        "import importlib\n"
        + "".join(
            f"m = importlib.import_module({module!r}); assert m.__file__.endswith({suffix!r}), m\n"
            for module in SDISTS.values()
        )
        + "import ujson, msgpack; assert ujson.loads(ujson.dumps([1])) == [1]\n"
        "assert msgpack.unpackb(msgpack.packb({'a': 1})) == {'a': 1}\nprint('ok')"
    )
    assert setup.on_target(code).strip() == "ok"


def test_pip_wheel_is_tagged_for_host(setup: Setup, tmp_path: Path) -> None:
    setup.run(
        [
            setup.bin / "pip",
            "wheel",
            "--no-deps",
            "--no-binary",
            ":all:",
            "-w",
            tmp_path,
            "markupsafe",
        ]
    )
    (wheel,) = tmp_path.glob("*.whl")
    _, _, _, tags = parse_wheel_filename(wheel.name)
    nodot = setup.version.replace(".", "")
    assert {str(tag) for tag in tags} == {f"cp{nodot}-cp{nodot}-linux_aarch64"}
    with zipfile.ZipFile(wheel) as archive:
        names = [name for name in archive.namelist() if name.endswith(".so")]
        assert names
        for name in names:
            data = archive.read(name)
            assert int.from_bytes(data[18:20], "little") == AARCH64


def test_setup_py_bdist_wheel(setup: Setup, tmp_path: Path) -> None:
    """The README's ``python setup.py bdist_wheel`` flow, on a tiny C project."""
    project = tmp_path / "cext project"

    shutil.copytree(REPO / "tests" / "data" / "projects" / "cext", project)
    setup.run([setup.bin / "pip", "install", "setuptools", "wheel"])
    setup.run([setup.bin / "python", "setup.py", "bdist_wheel"], cwd=project)
    (wheel,) = (project / "dist").glob("*.whl")
    assert wheel.name.endswith("-linux_aarch64.whl"), wheel.name
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path / "unpacked")
    (so,) = (tmp_path / "unpacked").glob("cext_demo*.so")
    assert elf_machine(so) == AARCH64
    out = setup.on_target(
        "import cext_demo; print(cext_demo.machine(), cext_demo.pointer_size())",
        path=[tmp_path / "unpacked"],
    )
    assert out.split() == ["aarch64", "8"]


def test_build_pip_cython_and_cross_expose(setup: Setup, tmp_path: Path) -> None:
    """Cython installed for Build runs natively while the build targets the Host."""
    setup.run([setup.bin / "build-pip", "install", "-U", "setuptools", "Cython"])
    probe = (
        "import importlib.metadata as m\n"
        "try:\n print(m.version('Cython'))\n"
        "except m.PackageNotFoundError:\n print('hidden')"
    )
    assert setup.run([setup.bin / "python", "-c", probe]).stdout.strip() == "hidden"
    listed = setup.run([setup.bin / "cross-expose"]).stdout
    assert "Cython" in listed and "(exposed)" not in listed
    setup.run([setup.bin / "cross-expose", "Cython"])
    assert setup.run([setup.bin / "python", "-c", probe]).stdout.strip() != "hidden"
    assert "Cython" in setup.run([setup.bin / "cross-expose"]).stdout.split("(exposed)")[0]

    project = tmp_path / "cy project"

    shutil.copytree(REPO / "tests" / "data" / "projects" / "cython_ext", project)
    setup.run([setup.bin / "pip", "install", "--no-build-isolation", project])
    (so,) = (setup.cross_site / "cyext").glob("fast*.so")
    assert elf_machine(so) == AARCH64
    assert setup.on_target("from cyext.fast import triangle; print(triangle(10))").strip() == "45"

    setup.run([setup.bin / "cross-expose", "--remove", "Cython"])  # 1.x's -u, our old name
    assert setup.run([setup.bin / "python", "-c", probe]).stdout.strip() == "hidden"
