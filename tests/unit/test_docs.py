"""The command reference shows every command's own ``--help``."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
REFERENCE = (REPO / "docs" / "reference.rst").read_text(encoding="utf-8")


def console_scripts() -> list[str]:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    section = text.split("[project.scripts]", 1)[1].split("\n[", 1)[0]
    return re.findall(r'^\S+ = "([\w.]+):\w+"$', section, re.MULTILINE)


@pytest.mark.parametrize(
    "module", [*console_scripts(), "crossenv._runtime.expose", "crossenv.demo"]
)
def test_every_command_is_in_the_reference(module: str) -> None:
    assert f".. command-help:: {module}\n" in REFERENCE
    parser = importlib.import_module(module).main_parser()
    assert parser.format_help().startswith("usage: ")


def test_every_console_script_was_found() -> None:
    assert console_scripts() == ["crossenv.__main__", "crossenv.sysroot", "crossenv.doctor"]


#: ``tests/...py::name`` references in the README's "What is tested".
_TEST_REFERENCE = re.compile(r"``(tests/[\w/]+\.py)::(\w+)``")


def test_every_test_the_readme_names_exists() -> None:
    readme = (REPO / "README.rst").read_text(encoding="utf-8")
    tested = readme.split("\nWhat is tested\n", 1)[1].split("\nKnown limitations\n", 1)[0]
    named = _TEST_REFERENCE.findall(tested)
    assert len(named) >= 15, "the README's 'What is tested' names too few tests"
    absent = [
        f"{path}::{name}"
        for path, name in named
        if not re.search(
            rf"^(def {name}\(|{name}\b.* =)", (REPO / path).read_text("utf-8"), re.MULTILINE
        )
    ]
    assert not absent, f"the README names tests that do not exist: {absent}"
    for page in re.findall(r"``(docs/[\w-]+\.rst)``", tested):
        assert (REPO / page).is_file(), page
