"""Every recipe of docs/recipes.rst, run as the page shows it, on each Build/Host pair.

The page's known answers are compared by :mod:`tests.docshell`; each recipe's
extension module is also checked here to be an aarch64 binary with the Host's
file name.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List

import pytest

from .. import docshell
from .conftest import REPO, RUST_RELEASE, Setup, elf_machine, repo_env

pytestmark = pytest.mark.integration

RECIPES_PAGE = REPO / "docs" / "recipes.rst"
#: What the ``:name:`` of each of the page's blocks starts with.
PREFIX = "recipe-"
AARCH64 = 183

#: Recipe (its block's ``:name:`` without :data:`PREFIX`) -> the extension module it
#: builds, relative to site-packages; ``{ext}`` is the Host's extension suffix.
RECIPES: Dict[str, str] = {
    "meson-python": "contourpy/_contourpy{ext}",
    "scikit-build-core": "spglib/_spglib{ext}",
    "pybind11": "_pylcs{ext}",
    "cffi": "bcrypt/_bcrypt.abi3.so",
    "rust": "orjson/orjson{ext}",
}
#: Recipe -> the block run instead where its build cannot work: the Rust
#: standard library for the Host is only to be had for :data:`RUST_RELEASE`.
INSTEAD: Dict[str, str] = {"rust": "rust-without-std"}


def blocks() -> Dict[str, docshell.Block]:
    """The page's named console blocks by name, :data:`PREFIX` left off."""
    found = {}
    for block in docshell.read(RECIPES_PAGE):
        if block.name is not None and block.name.startswith(PREFIX):
            found[block.name[len(PREFIX) :]] = block
    return found


def test_every_block_is_a_known_recipe() -> None:
    """A block the tests would not run (unnamed, unknown, not a console block) fails here."""
    text = RECIPES_PAGE.read_text(encoding="utf-8")
    assert docshell.stray_blocks(text) == []
    parsed = docshell.parse(text)
    names = [block.name for block in parsed]
    expected = [PREFIX + name for name in [*RECIPES, *INSTEAD.values()]]
    assert sorted(map(str, names)) == sorted(expected)
    assert len(set(names)) == len(names)
    for block in parsed:
        assert not any(command.root for command in block.commands), block.name
        assert block.commands[-1].expected, f"{block.name} ends without a known answer"


def shell_env(setup: Setup, bindir: Path, env_dir: Path) -> Dict[str, str]:
    """The reader's shell: the page's variables, and crossenv's commands on PATH.

    ``crossenv-sysroot`` and ``python3.11`` (for the Rust recipe, whose
    Host is :data:`RUST_RELEASE`) run crossenv from the source tree with the
    pair's Build-python, as an installed crossenv would.
    """
    bindir.mkdir(parents=True, exist_ok=True)
    source = {"PYTHONPATH": repo_env()["PYTHONPATH"]}
    docshell.write_command(
        bindir / "crossenv-sysroot", [setup.python, "-m", "crossenv.sysroot"], source
    )
    docshell.write_command(bindir / f"python{setup.version}", [setup.python], source)
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    env["PATH"] = f"{bindir}{os.pathsep}{env['PATH']}"
    env["SYSROOT"] = str(setup.sysroot)
    env["ENV_DIR"] = str(env_dir)
    return env


@pytest.mark.parametrize("recipe", list(RECIPES))
def test_recipe(setup: Setup, recipe: str, tmp_path: Path) -> None:
    name = recipe
    env_dir = setup.env_dir
    if recipe == "rust":
        if setup.release != RUST_RELEASE:
            name = INSTEAD[recipe]
        else:  # The recipe makes its environment again: give it one of its own.
            env_dir = tmp_path / "rust env"
    block = blocks()[name]
    commands: List[docshell.Command] = list(block.commands)
    env = shell_env(setup, tmp_path / "bin", env_dir)
    outcomes = docshell.run(commands, cwd=tmp_path, env=env)
    problem = docshell.problem(commands, outcomes)
    if problem is not None:
        pytest.fail(f"docs/recipes.rst, {PREFIX}{name}:\n{problem}", pytrace=False)
    if name != recipe:
        return
    ext = f".cpython-{setup.version.replace('.', '')}-aarch64-linux-gnu.so"
    site = env_dir / "cross" / "lib" / f"python{setup.version}" / "site-packages"
    module = site / RECIPES[recipe].format(ext=ext)
    assert module.is_file(), f"{module} was not built"
    assert elf_machine(module) == AARCH64, module
