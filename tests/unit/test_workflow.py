"""The example CI workflow (docs/examples/github-actions.yml) fits crossenv's own tables.

Its matrix must name architectures ``crossenv-sysroot`` fetches, pair each
Debian release with the Python it ships, and name each architecture's cross
compilers by its GNU triple; its crossenv commands must parse with their own
parsers, and its shell steps pass shellcheck as actionlint runs it.
"""

from __future__ import annotations

import itertools
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import yaml

from crossenv import arch, sysroot
from crossenv.__main__ import main_parser as crossenv_parser
from crossenv.doctor import main_parser as doctor_parser

WORKFLOW = Path(__file__).resolve().parents[2] / "docs" / "examples" / "github-actions.yml"
#: The ``${{ ... }}`` expressions of a workflow.
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
#: What actionlint leaves out of shellcheck's findings on ``run:`` blocks.
SHELLCHECK_EXCLUDED = "SC1091,SC2194,SC2050,SC2154,SC2157"

Combination = Dict[str, Any]


@pytest.fixture(scope="module")
def job() -> Dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    (only,) = data["jobs"].values()
    assert isinstance(only, dict)
    return only


def combinations(matrix: Dict[str, Any]) -> List[Combination]:
    """The jobs a matrix makes, as GitHub expands ``include``.

    An ``include`` entry adds its values to every combination whose original
    matrix values it agrees with; one that agrees with none is a job of its
    own (which this workflow must not have, see the test below).
    """
    keys = [key for key in matrix if key not in ("include", "exclude")]
    result: List[Combination] = [
        dict(zip(keys, values)) for values in itertools.product(*(matrix[key] for key in keys))
    ]
    for entry in matrix.get("include", []):
        matching = [
            combo
            for combo in result[: len(result)]
            if all(combo[key] == value for key, value in entry.items() if key in keys)
        ]
        for combo in matching:
            combo.update(entry)
        if not matching:
            result.append(dict(entry))
    return result


def render(text: str, combo: Combination) -> str:
    """``text`` with each ``${{ matrix.NAME }}`` replaced by its value in ``combo``."""

    def value(found: re.Match[str]) -> str:
        name = found.group(1)
        if name.startswith("matrix."):
            return str(combo[name[len("matrix.") :]])
        return found.group(0)

    return EXPRESSION.sub(value, text)


def commands(script: str) -> Iterator[List[str]]:
    """The simple commands of a ``run:`` block, one per (backslash-joined) line."""
    for line in script.replace("\\\n", " ").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            yield shlex.split(line)


def test_the_job_runs_on_ubuntu_latest(job: Dict[str, Any]) -> None:
    assert job["runs-on"] == "ubuntu-latest"


def test_every_step_runs_a_command_or_uses_an_action(job: Dict[str, Any]) -> None:
    for step in job["steps"]:
        assert ("run" in step) != ("uses" in step), step
        if "uses" in step:
            assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), step["uses"]


def test_every_include_adds_to_the_matrix_without_making_a_job(job: Dict[str, Any]) -> None:
    matrix = job["strategy"]["matrix"]
    base = [key for key in matrix if key != "include"]
    size = 1
    for key in base:
        size *= len(matrix[key])
    assert len(combinations(matrix)) == size
    for combo in combinations(matrix):
        assert set(combo) == {"arch", "release", "python", "triple"}, combo


def test_every_arch_is_one_crossenv_sysroot_fetches(job: Dict[str, Any]) -> None:
    arches = job["strategy"]["matrix"]["arch"]
    assert arches and set(arches) <= set(sysroot.SYSROOT_ARCHES)


def test_every_release_has_the_python_debian_ships(job: Dict[str, Any]) -> None:
    for combo in combinations(job["strategy"]["matrix"]):
        assert combo["python"] == sysroot.python_version(combo["release"]), combo


def test_every_arch_names_its_compilers_by_its_gnu_triple(job: Dict[str, Any]) -> None:
    for combo in combinations(job["strategy"]["matrix"]):
        assert combo["triple"] == arch.ARCHES[combo["arch"]].multiarch, combo
    installs = [
        words
        for step in job["steps"]
        if "run" in step
        for words in commands(step["run"])
        if words[:3] == ["sudo", "apt-get", "install"]
    ]
    assert len(installs) == 1
    for package in ("gcc-${{ matrix.triple }}", "g++-${{ matrix.triple }}", "qemu-user"):
        assert package in installs[0]
    assert "debian-archive-keyring" in installs[0]  # crossenv-sysroot checks signatures


def test_build_python_is_the_version_of_the_host(job: Dict[str, Any]) -> None:
    (setup,) = [
        step
        for step in job["steps"]
        if step.get("uses", "").startswith("actions/") and "setup-python" in step["uses"]
    ]
    assert setup["with"]["python-version"] == "${{ matrix.python }}"


def test_the_crossenv_commands_parse(job: Dict[str, Any]) -> None:
    """Each crossenv command, for every job of the matrix, is one its own parser accepts."""
    seen = set()
    for combo in combinations(job["strategy"]["matrix"]):
        for step in job["steps"]:
            for words in commands(render(step.get("run", ""), combo)):
                if words[0] == "crossenv-sysroot":
                    args = sysroot.main_parser().parse_args(words[1:])
                    sysroot.check_arch(args.arch)
                    assert sysroot.python_version(args.release) == combo["python"]
                    assert args.dest is not None
                elif words[:3] == ["python", "-m", "crossenv"]:
                    args = crossenv_parser().parse_args(words[3:])
                    assert str(args.host_python).endswith(f"/usr/bin/python{combo['python']}")
                elif words[0] == "crossenv-doctor":
                    doctor_parser().parse_args(words[1:])
                else:
                    continue
                seen.add(words[0] if words[0] != "python" else "crossenv")
    assert {"crossenv-sysroot", "crossenv"} <= seen


@pytest.mark.system
def test_the_shell_steps_pass_shellcheck(job: Dict[str, Any], tmp_path: Path) -> None:
    if shutil.which("shellcheck") is None:
        pytest.fail("shellcheck is not installed (apt-get install shellcheck)")
    scripts = []
    for number, step in enumerate(job["steps"]):
        if "run" in step:
            # As actionlint does: an expression becomes underscores of its length.
            text = EXPRESSION.sub(lambda found: "_" * len(found.group(0)), step["run"])
            script = tmp_path / f"step-{number}.bash"
            script.write_text(text, encoding="utf-8")
            scripts.append(str(script))
    done = subprocess.run(
        ["shellcheck", "--norc", "-s", "bash", "-e", SHELLCHECK_EXCLUDED, *scripts],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout
