from __future__ import annotations

from pathlib import Path
from typing import Dict, Union

import pytest

from crossenv import sysconfigdata
from crossenv.errors import HostPythonError

from .conftest import SYSCONFIGDATA


@pytest.mark.parametrize("path", sorted(SYSCONFIGDATA.glob("*.py")), ids=lambda p: p.name)
def test_every_fixture_parses(path: Path) -> None:
    values = sysconfigdata.read(path)
    assert isinstance(values["EXT_SUFFIX"], str)
    assert values["VERSION"] in ("3.11", "3.13", "3.14")


def test_debian_values(arm64_311: Dict[str, Union[str, int]]) -> None:
    assert arm64_311["CC"] == "aarch64-linux-gnu-gcc"
    assert arm64_311["MULTIARCH"] == "aarch64-linux-gnu"
    assert arm64_311["prefix"] == "/usr"


@pytest.mark.parametrize(
    "source",
    [
        "import os\nbuild_time_vars = {}\n",
        "build_time_vars = {'A': __import__('os').system('true')}\n",
        "build_time_vars = dict(A=1)\n",
        "def f():\n    pass\nbuild_time_vars = {}\n",
        "build_time_vars = {'A': [1, 2]}\n",
        "x = 1\n",
        "build_time_vars = {",
    ],
)
def test_code_is_refused_not_run(source: str, tmp_path: Path) -> None:
    witness = tmp_path / "ran"
    source = source.replace("true", f"touch {witness}")
    with pytest.raises(HostPythonError):
        sysconfigdata.parse(source, "crafted.py")
    assert not witness.exists()


def test_docstring_and_concatenated_strings_are_fine() -> None:
    values = sysconfigdata.parse('"""doc"""\nbuild_time_vars = {"A": "x" "y", "B": 2}\n')
    assert values == {"A": "xy", "B": 2}


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(HostPythonError, match="cannot read"):
        sysconfigdata.read(tmp_path / "missing.py")


def test_relocate_moves_paths_only() -> None:
    values = {
        "INCLUDEPY": "/usr/include/python3.11",
        "prefix": "/usr",
        "CC": "gcc /usr/x",
        "OTHER": "/usrlocal/x",
        "N": 3,
    }
    moved = sysconfigdata.relocate(values, "/usr", "/root fs/usr")
    assert moved["INCLUDEPY"] == "/root fs/usr/include/python3.11"
    assert moved["prefix"] == "/root fs/usr"
    assert moved["CC"] == "gcc /usr/x"
    assert moved["OTHER"] == "/usrlocal/x"
    assert moved["N"] == 3


def test_compiler_flags_go_into_the_command() -> None:
    values = {"CC": "cc -pthread", "LDSHARED": "cc -shared", "CFLAGS": "-O2"}
    result = sysconfigdata.with_compiler_flags(values, ["--sysroot=/a b"])
    assert result["CC"] == "cc '--sysroot=/a b' -pthread"
    assert result["LDSHARED"] == "cc '--sysroot=/a b' -shared"
    assert result["CFLAGS"] == "-O2"


def test_replace_program_keeps_arguments() -> None:
    values = {"LDSHARED": "gcc -shared -Wl,-O1"}
    result = sysconfigdata.replace_program(values, "LDSHARED", "/opt/my tc/gcc")
    assert result["LDSHARED"] == "'/opt/my tc/gcc' -shared -Wl,-O1"
    assert sysconfigdata.replace_program({}, "AR", "ar")["AR"] == "ar"
