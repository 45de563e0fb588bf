"""PEP 739 build-details files, checked against the sysconfigdata beside them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Dict

import pytest

from crossenv import builddetails, host
from crossenv.errors import HostPythonError

from .conftest import DATA, fixture_vars

DETAILS = DATA / "builddetails" / "debian-forky-arm64-3.14.json"
SYSCONFIGDATA = "debian-forky-arm64-3.14.py"


def forky_tree(root: Path, details: Dict[str, Any]) -> Path:
    """A forky arm64 Host-python with Debian's file names and ``details`` as its build-details."""
    stdlib = root / "usr" / "lib" / "python3.14"
    stdlib.mkdir(parents=True)
    shutil.copy(
        DATA / "sysconfigdata" / SYSCONFIGDATA,
        stdlib / "_sysconfigdata__linux_aarch64-linux-gnu.py",
    )
    (stdlib / "build-details..aarch64-linux-gnu.json").write_text(json.dumps(details))
    python = root / "usr" / "bin" / "python3.14"
    python.parent.mkdir(parents=True)
    python.write_bytes(b"\x7fELF")
    return python


def captured() -> Dict[str, Any]:
    data: Dict[str, Any] = json.loads(DETAILS.read_text(encoding="utf-8"))
    return data


def test_debians_file_agrees_with_its_sysconfigdata() -> None:
    seen = {
        name: (theirs, ours)
        for name, theirs, ours in builddetails.facts(captured(), fixture_vars(SYSCONFIGDATA))
    }
    assert seen == {
        "version": ("3.14", "3.14"),
        "multiarch": ("aarch64-linux-gnu", "aarch64-linux-gnu"),
        "ABI flags": ("", ""),
        "free-threading": (False, False),
        "extension suffix": (".cpython-314-aarch64-linux-gnu.so",) * 2,
    }


def test_debians_name_is_found_and_checked(tmp_path: Path) -> None:
    found = host.discover(forky_tree(tmp_path / "sys root", captured()))
    assert found.build_details == tmp_path / "sys root" / "usr" / "lib" / "python3.14" / (
        "build-details..aarch64-linux-gnu.json"
    )


def free_threaded_without_t(details: Dict[str, Any]) -> None:
    details["abi"]["flags"] = ["t"]


def build_machine_suffix(details: Dict[str, Any]) -> None:
    details["suffixes"]["extensions"][0] = ".cpython-314-x86_64-linux-gnu.so"


@pytest.mark.parametrize(
    ("spoil", "named"),
    [
        (
            free_threaded_without_t,
            "ABI flags 't' there, '' in sysconfigdata; free-threading True there, False",
        ),
        (build_machine_suffix, "extension suffix '.cpython-314-x86_64-linux-gnu.so' there"),
    ],
)
def test_a_disagreement_stops_creation_in_one_line(tmp_path: Path, spoil: Any, named: str) -> None:
    details = captured()
    spoil(details)
    python = forky_tree(tmp_path / "sys root", details)
    with pytest.raises(HostPythonError) as raised:
        host.discover(python)
    message = str(raised.value)
    assert "\n" not in message and named in message
    assert message.startswith(
        "Host-python's build-details..aarch64-linux-gnu.json and "
        "_sysconfigdata__linux_aarch64-linux-gnu.py disagree ("
    )
    # The sysconfigdata the user names is the one trusted.
    named_file = (
        python.parents[1] / "lib" / "python3.14" / "_sysconfigdata__linux_aarch64-linux-gnu.py"
    )
    assert host.discover(python, sysconfigdata_file=named_file).build_details is None


def test_keys_debian_leaves_out_are_not_compared() -> None:
    details = captured()
    del details["abi"]
    names = [name for name, _, _ in builddetails.facts(details, fixture_vars(SYSCONFIGDATA))]
    assert names == ["version", "multiarch", "extension suffix"]


def test_a_file_that_is_not_json_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "build-details.json"
    path.write_text("{not json")
    with pytest.raises(HostPythonError, match=r"^cannot read .*build-details.json: "):
        builddetails.read(path)
    path.write_text("[]")
    with pytest.raises(HostPythonError, match="is not a PEP 739 build-details file"):
        builddetails.read(path)
