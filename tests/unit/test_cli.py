"""Bad input: one clear line, a distinct exit code, nothing written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, List

import pytest

from crossenv.__main__ import main, main_parser

from ..conftest import snapshot
from ..gaps import missing
from .conftest import make_debian_tree

CASES: List[tuple[str, Callable[[Path], List[str]], int, str]] = [
    ("missing host", lambda t: [str(t / "nope"), str(t / "env")], 3, "not found"),
    ("host is text", lambda t: [str(t / "text"), str(t / "env")], 3, "not a Python"),
    (
        "no sysconfigdata",
        lambda t: [str(t / "elf" / "bin" / "python3.11"), str(t / "env")],
        3,
        "no _sysconfigdata",
    ),
    (
        "bad env",
        lambda t: [str(t / "root/usr/bin/python3.11"), str(t / "env"), "--env", "X"],
        2,
        "expected NAME=VALUE",
    ),
    (
        "unknown compiler launcher",
        lambda t: [
            str(t / "root/usr/bin/python3.11"),
            str(t / "env"),
            "--compiler-launcher",
            "time",
        ],
        2,
        "--compiler-launcher 'time': expected buildcache, ccache, distcc, icecc, sccache",
    ),
    (
        "bad env name",
        lambda t: [str(t / "root/usr/bin/python3.11"), str(t / "env"), "--env", "=1"],
        2,
        "empty",
    ),
    (
        "bad config var",
        lambda t: [str(t / "root/usr/bin/python3.11"), str(t / "env"), "--config-var", "NOEQUALS"],
        2,
        "NAME=VALUE",
    ),
    (
        "bad platform",
        lambda t: [
            str(t / "root/usr/bin/python3.11"),
            str(t / "env"),
            "--sysconfig-platform",
            "linux",
        ],
        2,
        "--sysconfig-platform",
    ),
    (
        "verbose and quiet",
        lambda t: [str(t / "root/usr/bin/python3.11"), str(t / "env"), "-v", "-q"],
        2,
        "contradict",
    ),
    (
        "compiler missing",
        lambda t: [str(t / "root/usr/bin/python3.11"), str(t / "env"), "--cc", "no-such-cc-x"],
        5,
        "not found on PATH",
    ),
    (
        "wrong compiler",
        lambda t: [str(t / "root/usr/bin/python3.11"), str(t / "env"), "--cc", "gcc"],
        5,
        "builds for x86_64",
    ),
    (
        "archiver that does not exist",
        lambda t: [str(t / "root/usr/bin/python3.11"), str(t / "env"), "--ar", "/nonexistent/ar"],
        5,
        "archiver '/nonexistent/ar' not found on PATH",
    ),
    (
        "C++ compiler for another machine",
        lambda t: [str(t / "root/usr/bin/python3.11"), str(t / "env"), "--cxx", "g++"],
        5,
        "C++ compiler /usr/bin/g++ builds for x86_64",
    ),
    (
        "host is a directory",
        lambda t: [str(t / "root"), str(t / "env")],
        3,
        "is a directory",
    ),
    ("host is a fifo", lambda t: [str(t / "fifo"), str(t / "env")], 3, "not a regular file"),
    (
        "two sysconfigdata files",
        lambda t: [str(t / "two/usr/bin/python3.11"), str(t / "env")],
        3,
        "more than one sysconfigdata",
    ),
    (
        "sysconfigdata file is a fifo",
        lambda t: [
            str(t / "root/usr/bin/python3.11"),
            str(t / "env"),
            "--sysconfigdata-file",
            str(t / "fifo"),
        ],
        3,
        "not a regular file",
    ),
    (
        "unknown env operator",
        lambda t: [str(t / "root/usr/bin/python3.11"), str(t / "env"), "--env", "X-=1"],
        2,
        "not a valid variable name",
    ),
    (
        "env dir holds a folder the environment needs",
        lambda t: [str(t / "root/usr/bin/python3.11"), str(t / "taken")],
        6,
        "already has bin; nothing was changed",
    ),
    (
        "cross prefix holds other files",
        lambda t: [
            str(t / "root/usr/bin/python3.11"),
            str(t / "env"),
            "--cross-prefix",
            str(t / "mine"),
        ],
        6,
        "--cross-prefix",
    ),
    (
        "cross prefix inside the environment",
        lambda t: [
            str(t / "root/usr/bin/python3.11"),
            str(t / "env"),
            "--cross-prefix",
            str(t / "env" / "sub"),
        ],
        6,
        "cannot hold or be inside the environment",
    ),
    (
        "sysroot without the Host's Python headers",
        lambda t: [str(t / "bare/usr/bin/python3.11"), str(t / "env")],
        3,
        "add the Debian package libpython3.11-dev:arm64",
    ),
    (
        "host python of another machine than its sysconfigdata",
        lambda t: [str(t / "x86 root/usr/bin/python3.11"), str(t / "env")],
        3,
        "describes a Host of another machine (ELF 64-bit little-endian x86_64, expected "
        "ELF 64-bit little-endian aarch64)",
    ),
    (
        "env dir is a file",
        lambda t: [str(t / "root/usr/bin/python3.11"), str(t / "text")],
        6,
        "exists and is not a folder",
    ),
    (
        "host python with a name too long for the file system",
        lambda t: [str(t / ("a" * 300) / "python3.11"), str(t / "env")],
        3,
        "File name too long",
    ),
    (
        "env dir with a name too long for the file system",
        lambda t: [str(t / "root/usr/bin/python3.11"), str(t / ("e" * 300))],
        6,
        "File name too long",
    ),
    (
        "sysconfigdata nested too deeply",
        lambda t: [str(t / "deep/usr/bin/python3.11"), str(t / "env")],
        3,
        "nested too deeply to be read as data",
    ),
    (
        "shebang with a space",
        lambda t: [
            str(t / "root/usr/bin/python3.11"),
            str(t / "env"),
            "--shebang",
            "/usr/bin/py thon",
        ],
        2,
        "a #! line cannot name a path with white space",
    ),
    (
        "shebang with a newline",
        lambda t: [
            str(t / "root/usr/bin/python3.11"),
            str(t / "env"),
            "--shebang",
            "/usr/bin/py\nx",
        ],
        2,
        "a #! line cannot name a path with white space",
    ),
    (
        "env dir is a dangling symbolic link",
        lambda t: [str(t / "root/usr/bin/python3.11"), str(t / "dangling")],
        6,
        "which is not a folder",
    ),
]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    make_debian_tree(tmp_path / "root")
    make_debian_tree(tmp_path / "bare", headers=False)
    two = make_debian_tree(tmp_path / "two").parents[1] / "lib" / "python3.11"
    (two / "_sysconfigdata__linux_aarch64-linux-gnu.py").unlink()
    shutil.copy(two / "_sysconfigdata__aarch64-linux-gnu.py", two / "_sysconfigdata_d_x.py")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "text").write_text("hello")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    (tmp_path / "taken" / "bin").mkdir(parents=True)
    x86 = make_debian_tree(tmp_path / "x86 root")  # an x86-64 binary, arm64 sysconfigdata
    x86.write_bytes((Path(__file__).parents[1] / "data" / "elf" / "libz-amd64.so.1").read_bytes())
    deep = make_debian_tree(tmp_path / "deep").parents[1] / "lib" / "python3.11"
    (deep / "_sysconfigdata__aarch64-linux-gnu.py").write_text(
        "build_time_vars = {'A': " + "-" * 100_000 + "1}\n"
    )
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    elf = tmp_path / "elf" / "bin" / "python3.11"
    elf.parent.mkdir(parents=True)
    elf.write_bytes(b"\x7fELF" + b"\0" * 60)
    return tmp_path


#: The cases that get as far as the compilers: they need the Host's cross compiler.
PAST_THE_COMPILERS = {
    "archiver that does not exist",
    "C++ compiler for another machine",
    "env dir holds a folder the environment needs",
    "cross prefix holds other files",
    "cross prefix inside the environment",
    "sysroot without the Host's Python headers",
    "env dir is a file",
}


@pytest.mark.parametrize(
    ("name", "argv", "code", "message"),
    [
        pytest.param(*case, marks=pytest.mark.system) if case[0] in PAST_THE_COMPILERS else case
        for case in CASES
    ],
    ids=[c[0] for c in CASES],
)
def test_bad_input(
    tree: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    argv: Callable[[Path], List[str]],
    code: int,
    message: str,
) -> None:
    if sys.version_info[:2] != (3, 11) and code in (5, 6):
        pytest.fail("run the unit tests with Python 3.11 (the fixtures are a 3.11 Host)")
    before = snapshot(tree)
    assert main(argv(tree)) == code
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("crossenv: error:")]
    assert len(lines) == 1 and message in lines[0], err
    assert "Traceback" not in err
    assert snapshot(tree) == before


@pytest.mark.system
def test_version_mismatch_is_one_line(tree: Path) -> None:
    """Run the CLI with a Python of another minor version, as a user would."""
    other = "3.13" if sys.version_info[:2] == (3, 11) else "3.11"
    import glob
    import os

    found = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{other}.*/bin/python")))
    if not found:
        missing(f"no Python {other} on this machine to run crossenv with")
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [found[-1], "-m", "crossenv", str(tree / "root/usr/bin/python3.11"), str(tree / "env")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(repo)},
    )
    assert done.returncode == 4
    assert done.stderr.count("\n") == 1 and "Host-python is 3.11" in done.stderr
    assert not (tree / "env").exists()


def test_reference_documents_every_option() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "usage.rst").read_text()
    for action in main_parser()._actions:
        for option in action.option_strings:
            if option.startswith("--") and option != "--help":
                assert f"``{option}" in docs, option


#: Modules a folder may hold that shadow the standard library's for "python -m".
SHADOWS = {
    "venv/__init__.py": "venv",  # what the Host's stdlib folder has
    "json.py": "json",
    "typing.py": "typing",
}


@pytest.mark.system
def test_nothing_of_the_current_folder_runs(tmp_path: Path) -> None:
    """python -m crossenv from inside the Host's stdlib folder runs none of the Host's code."""
    import subprocess
    import sys

    from .conftest import make_debian_tree

    host = make_debian_tree(tmp_path / "sys root")
    stdlib = tmp_path / "sys root" / "usr" / "lib" / "python3.11"
    for relative, name in SHADOWS.items():
        path = stdlib / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"open({str(tmp_path / 'ran')!r}, 'a').write({name!r})\n")
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(repo), *sys.path[1:]])}
    for command in (
        ["crossenv", "-q", "--without-pip", str(host), str(tmp_path / "env")],
        ["crossenv.doctor", str(tmp_path / "env")],
        ["crossenv.sysroot", "--help"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", *command], cwd=stdlib, env=env, capture_output=True, text=True
        )
        assert done.returncode in (0, 1), done.stderr  # the doctor: no cross compiler run
        assert not (tmp_path / "ran").exists(), (command, (tmp_path / "ran").read_text())


@pytest.mark.system
def test_env_dir_that_links_to_an_empty_folder_is_made_there(tmp_path: Path) -> None:
    host = make_debian_tree(tmp_path / "root")
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert main([str(host), str(tmp_path / "link"), "-q", "--without-pip"]) == 0
    assert (tmp_path / "link").is_symlink()
    assert (tmp_path / "real" / "cross" / "pyvenv.cfg").is_file()


@pytest.mark.system
def test_a_compiler_that_cannot_say_what_it_builds_for_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As crossenv 1.x: a compiler the user names and that has no -dumpmachine (qcc)."""
    host = make_debian_tree(tmp_path / "root")
    argv = [str(host), str(tmp_path / "env"), "-q", "--without-pip", "--cxx", "/bin/true"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "crossenv: warning: cannot tell what the C++ compiler /bin/true builds for" in err


@pytest.mark.system
def test_odd_but_working_places_are_warned_about(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The Build machine's own Python as HOST_PYTHON: no cross at all.
    real = Path(os.path.realpath(sys.executable))
    assert main([str(real), str(tmp_path / "native"), "-q", "--without-pip"]) == 0
    assert "is for this machine (x86_64-linux-gnu)" in capsys.readouterr().err
    # An environment inside the sysroot goes when the sysroot is fetched again.
    host = make_debian_tree(tmp_path / "sys root")
    inside = tmp_path / "sys root" / "opt" / "env"
    assert main([str(host), str(inside), "-q", "--without-pip"]) == 0
    assert f"{inside} is inside the Host's sysroot" in capsys.readouterr().err
