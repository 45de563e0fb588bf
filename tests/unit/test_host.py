from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crossenv import host
from crossenv.errors import HostPythonError

from .conftest import ELF, SYSCONFIGDATA, make_debian_tree


def test_debian_sysroot_is_inferred(tmp_path: Path) -> None:
    root = tmp_path / "my sysroot"
    python = make_debian_tree(root)
    found = host.discover(python)
    assert found.sysroot == root
    assert found.prefix == root / "usr"
    assert found.version == "3.11"
    assert found.sysconfigdata_file.name == "_sysconfigdata__aarch64-linux-gnu.py"


def test_explicit_sysroot_wins(tmp_path: Path) -> None:
    python = make_debian_tree(tmp_path / "a")
    other = tmp_path / "b"
    other.mkdir()
    assert host.discover(python, sysroot=other).sysroot == other


def test_two_different_candidates_are_refused(tmp_path: Path) -> None:
    python = make_debian_tree(tmp_path)
    stdlib = tmp_path / "usr" / "lib" / "python3.11"
    (stdlib / "_sysconfigdata__linux_aarch64-linux-gnu.py").unlink()
    shutil.copy(stdlib / "_sysconfigdata__aarch64-linux-gnu.py", stdlib / "_sysconfigdata_d_x.py")
    with pytest.raises(HostPythonError, match="more than one sysconfigdata"):
        host.discover(python)


def test_explicit_file_resolves_ambiguity(tmp_path: Path) -> None:
    python = make_debian_tree(tmp_path)
    chosen = tmp_path / "usr" / "lib" / "python3.11" / "_sysconfigdata__aarch64-linux-gnu.py"
    assert host.discover(python, sysconfigdata_file=chosen).sysconfigdata_file == chosen


def test_build_directory(tmp_path: Path) -> None:
    source = SYSCONFIGDATA / "cpython-build-dir-x86_64-3.11"
    builddir = tmp_path / "cpython build"
    shutil.copytree(source, builddir, symlinks=True)
    (builddir / "python").write_bytes(ELF)
    found = host.discover(builddir / "python")
    assert found.sysroot is None
    assert found.sysconfigdata_file.parent.name == "lib.linux-x86_64-3.11"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: None, "not found"),
        (lambda p: p.mkdir(), "is a directory"),
        (lambda p: p.write_text("hello"), "not a Python interpreter"),
        (lambda p: p.write_bytes(ELF), "no _sysconfigdata"),
    ],
)
def test_bad_host_python(tmp_path: Path, setup: object, message: str) -> None:
    python = tmp_path / "bin" / "python3.11"
    python.parent.mkdir()
    setup(python)  # type: ignore[operator]
    with pytest.raises(HostPythonError, match=message):
        host.discover(python)


@pytest.mark.parametrize(
    ("install", "recorded", "expected"),
    [
        ("/s/usr", "/usr", "/s"),
        ("/usr", "/usr", None),
        ("/opt/py", "/usr/local", None),
        ("/x y/opt/py", "/opt/py", "/x y"),
    ],
)
def test_infer_sysroot(install: str, recorded: str, expected: str | None) -> None:
    result = host.infer_sysroot(Path(install), recorded)
    assert (str(result) if result else None) == expected


def test_glibc_version_from_features_h(tmp_path: Path) -> None:
    include = tmp_path / "usr" / "include"
    include.mkdir(parents=True)
    (include / "features.h").write_text("#define\t__GLIBC__\t2\n#define\t__GLIBC_MINOR__\t36\n")
    assert host.glibc_version(tmp_path) == (2, 36)
    assert host.glibc_version(tmp_path / "nowhere") is None
    assert host.glibc_version(None) is None


def test_musl_version_from_its_loader(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    (lib / "aarch64-linux-musl").mkdir(parents=True)
    # musl's rodata: the usage text, then the version as a string of its own.
    data = b"\x7fELF" + b"\x00" * 60 + b"musl libc (%s)\nVersion %s\n\x00aarch64\x001.2.3\x00rest"
    (lib / "aarch64-linux-musl" / "libc.so").write_bytes(data)
    (lib / "ld-musl-aarch64.so.1").symlink_to("aarch64-linux-musl/libc.so")
    assert host.musl_version(tmp_path) == (1, 2)
    assert host.musl_version(tmp_path / "nowhere") is None
    assert host.musl_version(None) is None
