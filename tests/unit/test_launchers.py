from __future__ import annotations

import ast
import fnmatch
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from crossenv import launchers


def test_commands_cover_the_documented_names() -> None:
    names = set(launchers.commands(Path("/e"), "3.11"))
    assert {
        "python",
        "python3",
        "python3.11",
        "cross-python",
        "cross-python3",
        "cross-python3.11",
        "pip",
        "pip3",
        "pip3.11",
        "cross-pip",
        "cross-pip3",
        "cross-pip3.11",
        "build-python",
        "build-pip",
        "cross-expose",
        "cross-repair",
    } == names


def test_every_program_of_a_layer_gets_its_prefixed_name() -> None:
    """As crossenv 1.x: build-X and cross-X for each program in build/bin and cross/bin."""
    layers = launchers.Layers(
        build_bin=("pip", "pip3", "pip3.11", "python", "python3", "python3.11", "cython"),
        cross_bin=("python", "python3", "python3.11", "mytool"),
    )
    found = launchers.commands(Path("/e"), "3.11", layers)
    assert found["build-pip3.11"] == ["/e/build/bin/pip3.11"]
    assert found["build-python3"] == ["/e/build/bin/python3"]
    assert found["build-cython"] == ["/e/build/bin/cython"]
    assert found["cross-mytool"] == ["/e/cross/bin/mytool"]
    assert found["cross-python3.11"] == ["/e/cross/bin/python"]


def test_no_launcher_for_a_pip_that_is_not_there() -> None:
    layers = launchers.Layers(cross_pip=False, build_pip=False, build_bin=("python", "pip", "pip3"))
    names = set(launchers.commands(Path("/e"), "3.11", layers))
    assert not {name for name in names if "pip" in name}
    assert {"python", "cross-python", "build-python", "cross-expose"} <= names


def test_launcher_quotes_paths(tmp_path: Path) -> None:
    env = tmp_path / "a b'c $HOME"
    launchers.write(env, "3.11")
    fake = env / "cross" / "bin" / "python"
    fake.parent.mkdir(parents=True, exist_ok=True)
    fake.write_text('#!/bin/sh\nfor a in "$0" "$@"; do echo "[$a]"; done\n')
    fake.chmod(0o755)
    out = subprocess.run(
        [str(env / "bin" / "pip"), "x y", "*"], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines() == [f"[{fake}]", "[-m]", "[pip]", "[x y]", "[*]"]


@pytest.mark.system
@pytest.mark.parametrize("shell", ["bash", "dash", "zsh"])
def test_activate_and_deactivate(tmp_path: Path, shell: str) -> None:
    if shutil.which(shell) is None:
        pytest.fail(f"{shell} is not installed")  # prepare.sh installs the shells we test
    env = tmp_path / "with space é"
    launchers.write(env, "3.11")
    script = (
        f'. "{env}/bin/activate"; echo "$VIRTUAL_ENV"; echo "$PATH" | cut -d: -f1-3; '
        'deactivate; echo "${VIRTUAL_ENV:-gone}"; command -v deactivate || echo undone'
    )
    out = subprocess.run(
        [shell, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "PS1": "$ "},
    ).stdout
    lines = out.splitlines()
    assert lines[0] == f"{env}/cross"
    assert lines[1] == f"{env}/bin:{env}/build/bin:{env}/cross/bin"
    assert lines[2:] == ["gone", "undone"]


@pytest.mark.system
def test_rendered_files_pass_shellcheck(tmp_path: Path) -> None:
    if shutil.which("shellcheck") is None:
        pytest.fail("shellcheck is not installed (apt-get install shellcheck)")
    env = tmp_path / "e n v"
    run = {
        "qemu": "qemu-aarch64",
        "sysroot": "/s r",
        "host_python": "/s r/usr/bin/python3.13",
        "site": "/e n v/site",
    }
    launchers.write(env, "3.13", run)
    assert (env / "bin" / "cross-run").exists()
    files = [str(path) for path in (env / "bin").iterdir() if path.suffix not in (".fish", ".csh")]
    done = subprocess.run(["shellcheck", "-s", "sh", *files], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


TEMPLATES = Path(launchers.__file__).parent / "templates"
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_every_template_is_shipped() -> None:
    text = PYPROJECT.read_text(encoding="utf-8")
    line = re.search(r"^\[tool\.setuptools\.package-data\]\ncrossenv = (\[.*\])$", text, re.M)
    assert line is not None
    patterns: List[str] = ast.literal_eval(line.group(1))
    names = sorted(path.name for path in TEMPLATES.iterdir())
    assert names == [
        "activate.csh",
        "activate.fish",
        "activate.sh",
        "cross-run.sh",
        "guard.sh",
        "launcher.sh",
    ]
    for name in names:
        assert any(fnmatch.fnmatch(f"templates/{name}", pattern) for pattern in patterns), name


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("/tmp/crôss env", "'/tmp/crôss env'"),
        ("/tmp/crôss env/it's", '"/tmp/crôss env/it\'s"'),
        ("/a\\b", "'/a\\\\b'"),
        ("/a'b$c", "'/a\\'b$c'"),
        ('/a\\b"c', "'/a\\\\b\"c'"),
        ("/a!b\nc", "'/a!b\nc'"),
    ],
)
def test_fish_quote(value: str, quoted: str) -> None:
    assert launchers.fish_quote(value) == quoted


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("/tmp/crôss env", "'/tmp/crôss env'"),
        ("/tmp/crôss env/it's", '"/tmp/crôss env/it\'s"'),
        ("/a\\b'c", '"/a\\b\'c"'),
        ("/a'b$c", "'/a'\"'\"'b$c'"),
        ("/a`b`'c", "'/a`b`'\"'\"'c'"),
        ("/a!b", None),
        ("/a\nb", None),
    ],
)
def test_csh_quote(value: str, quoted: Optional[str]) -> None:
    assert launchers.csh_quote(value) == quoted


def shell_program(shell: str) -> str:
    found = shutil.which(shell)
    if found is None:
        pytest.fail(f"{shell} is not installed")  # prepare.sh installs the shells we test
    return found


def shell_output(command: List[str], environ: Dict[str, str], cwd: Path) -> List[str]:
    """The lines a shell command prints, run from ``cwd`` with only ``environ``."""
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=environ, cwd=cwd)
    return done.stdout.splitlines()


def source_and_print(shell: str, script: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Source ``script`` with ``shell`` (from its folder, by name); print CROSSENV_DIR.

    No locale is set, as in a bare environment; the path of the environment
    comes only from the file.
    """
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TERM": "dumb"}
    if shell == "fish":
        source = f"source ./{script.name}; and printenv CROSSENV_DIR"
        command = [shell_program("fish"), "-c", source]
    else:
        driver = tmp_path / "driver.csh"
        driver.write_text(f"source ./{script.name}\nprintenv CROSSENV_DIR\n", encoding="utf-8")
        command = [shell_program(shell), "-f", str(driver)]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=script.parent)


AWKWARD = [
    "crôss env/it's",
    "a'b\"c$d`e\\f",
    "$HOME *?[x] {a,b} ~x;&|<>()#%",
    "back\\slash'quote",
]


@pytest.mark.system
@pytest.mark.parametrize("name", [*AWKWARD, "bang!", "new\nline"])
def test_fish_sees_the_exact_path(tmp_path: Path, name: str) -> None:
    env = tmp_path / name
    script = tmp_path / "activate.fish"
    script.write_text(launchers.render_activate_fish(env), encoding="utf-8")
    done = source_and_print("fish", script, tmp_path)
    assert (done.stdout, done.stderr) == (f"{env}\n", "")


@pytest.mark.system
@pytest.mark.parametrize("name", AWKWARD)
def test_tcsh_sees_the_exact_path(tmp_path: Path, name: str) -> None:
    env = tmp_path / name
    script = tmp_path / "activate.csh"
    script.write_text(launchers.render_activate_csh(env), encoding="utf-8")
    done = source_and_print("tcsh", script, tmp_path)
    assert (done.stdout, done.stderr) == (f"{env}\n", "")


@pytest.mark.system
@pytest.mark.parametrize("name", ["bang!", "new\nline"])
def test_tcsh_refuses_a_path_it_cannot_quote(tmp_path: Path, name: str) -> None:
    env = tmp_path / name
    launchers.write(env, "3.11")
    text = (env / "bin" / "activate.csh").read_text(encoding="utf-8")
    assert "!" not in text  # csh would expand it even in a comment
    driver = tmp_path / "driver.csh"
    driver.write_text(
        'source ./activate.csh\necho "status $status"\nprintenv PATH\n', encoding="utf-8"
    )
    done = subprocess.run(
        [shell_program("tcsh"), "-f", str(driver)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        cwd=env / "bin",
    )
    assert done.stdout.splitlines() == ["status 1", "/usr/bin:/bin"]
    assert done.stderr.startswith("crossenv: activate.csh is unavailable here")


@pytest.mark.system
@pytest.mark.parametrize("shell", ["fish", "tcsh"])
@pytest.mark.parametrize("name", ["crôss env", "crôss env/it's"])
def test_moved_environment_activates_at_its_new_path(tmp_path: Path, shell: str, name: str) -> None:
    # Environments are built in a sibling folder; their bin/* name the final path.
    final = tmp_path / name
    staging = final.parent / f".{final.name}.new-x1_y" / "env"
    launchers.write(final, "3.11", into=staging)
    suffix = "fish" if shell == "fish" else "csh"
    done = source_and_print(shell, staging / "bin" / f"activate.{suffix}", tmp_path)
    assert (done.stdout, done.stderr) == (f"{final}\n", "")


@pytest.mark.system
@pytest.mark.parametrize(("disable", "mark"), [(None, "(it's) "), ("1", "")])
def test_fish_activate_and_deactivate(tmp_path: Path, disable: Optional[str], mark: str) -> None:
    env = tmp_path / "with space é" / "it's"
    launchers.write(env, "3.11")
    script = (
        'function fish_prompt; echo -n "status $status> "; end; '
        "string join : $PATH; source ./activate.fish; source ./activate.fish; "
        "echo $VIRTUAL_ENV; string join : $PATH; false; fish_prompt; echo; "
        "deactivate; string join : $PATH; true; fish_prompt; echo; "
        "set -q VIRTUAL_ENV CROSSENV_DIR; or echo gone; "
        "functions -q deactivate _crossenv_status _crossenv_old_fish_prompt; or echo undone"
    )
    environ = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TERM": "dumb"}
    if disable is not None:
        environ["VIRTUAL_ENV_DISABLE_PROMPT"] = disable
    out = shell_output([shell_program("fish"), "-c", script], environ, env / "bin")
    assert out == [
        "/usr/bin:/bin",
        f"{env}/cross",
        # Sourced twice: the first activation is undone, not stacked.
        f"{env}/bin:{env}/build/bin:{env}/cross/bin:/usr/bin:/bin",
        f"{mark}status 1> ",
        "/usr/bin:/bin",
        "status 0> ",
        "gone",
        "undone",
    ]


@pytest.mark.system
@pytest.mark.parametrize(("disable", "mark"), [(None, "(it's) "), ("1", "")])
def test_tcsh_activate_and_deactivate(tmp_path: Path, disable: Optional[str], mark: str) -> None:
    env = tmp_path / "with space é" / "it's"
    launchers.write(env, "3.11")
    driver = tmp_path / "driver.csh"
    driver.write_text(
        'set prompt = "%m> "\n'
        "source ./activate.csh\n"
        "source ./activate.csh\n"
        "printenv VIRTUAL_ENV\n"
        "printenv PATH\n"
        'echo "[$prompt]"\n'
        "deactivate\n"
        "printenv PATH\n"
        'echo "[$prompt]"\n'
        "if ($?VIRTUAL_ENV == 0 && $?CROSSENV_DIR == 0) echo gone\n"
        "alias deactivate\n"
        "echo end\n",
        encoding="utf-8",
    )
    environ = {"PATH": "/usr/bin:/bin"}
    if disable is not None:
        environ["VIRTUAL_ENV_DISABLE_PROMPT"] = disable
    out = shell_output([shell_program("tcsh"), "-f", str(driver)], environ, env / "bin")
    assert out == [
        f"{env}/cross",
        f"{env}/bin:{env}/build/bin:{env}/cross/bin:/usr/bin:/bin",
        f"[{mark}%m> ]",
        "/usr/bin:/bin",
        "[%m> ]",
        "gone",
        "end",
    ]


@pytest.mark.system
@pytest.mark.parametrize(("shell", "check"), [("fish", "--no-execute"), ("tcsh", "-nf")])
def test_rendered_activate_parses(tmp_path: Path, shell: str, check: str) -> None:
    env = tmp_path / "it's é"
    launchers.write(env, "3.11")
    suffix = "fish" if shell == "fish" else "csh"
    done = subprocess.run(
        [shell_program(shell), check, str(env / "bin" / f"activate.{suffix}")],
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.parametrize("name", ["crôss env", "crôss env/it's", "it's 'quoted'"])
def test_moved_environment_runs_sh_launchers_at_its_new_path(tmp_path: Path, name: str) -> None:
    final = tmp_path / name
    staging = final.parent / f".{final.name.replace('/', '_')}.new-x1_y" / "env"
    launchers.write(final, "3.11", into=staging)
    # The launcher runs a program that exists only at the final path.
    python = final / "cross" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text('#!/bin/sh\necho "ran $0"\n', encoding="utf-8")
    python.chmod(0o755)
    launcher = subprocess.run(
        [str(staging / "bin" / "cross-python")], capture_output=True, text=True, check=False
    )
    assert (launcher.stdout, launcher.returncode) == (f"ran {python}\n", 0)
    activate = subprocess.run(
        [
            "sh",
            "-c",
            '. "$1" && printf "%s\\n" "$CROSSENV_DIR"',
            "sh",
            staging / "bin" / "activate",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (activate.stdout, activate.stderr) == (f"{final}\n", "")


@pytest.mark.parametrize(
    ("cpu", "user", "seen"), [("arm926", "", "arm926"), ("arm926", "max", "max"), ("", "", "")]
)
def test_cross_run_sets_the_baseline_cpu_unless_the_user_did(
    tmp_path: Path, cpu: str, user: str, seen: str
) -> None:
    qemu = tmp_path / "qemu-arm"
    qemu.write_text('#!/bin/sh\nprintf "%s|%s\\n" "${QEMU_CPU:-}" "$*"\n', encoding="utf-8")
    qemu.chmod(0o755)
    run = host_sysroot(tmp_path / "s r")
    launchers.write(tmp_path / "env", "3.11", {**run, "qemu": "qemu-arm", "qemu_cpu": cpu})
    environ = {"PATH": f"{tmp_path}:/usr/bin:/bin", **({"QEMU_CPU": user} if user else {})}
    done = subprocess.run(
        [tmp_path / "env" / "bin" / "cross-run", "-c", "pass"],
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == f"{seen}|-L {tmp_path}/s r {tmp_path}/s r/usr/bin/python3.11 -c pass\n"


def host_sysroot(root: Path) -> Dict[str, str]:
    """``cross_run`` settings for a sysroot at ``root`` holding a (stand-in) Host-python."""
    python = root / "usr" / "bin" / "python3.11"
    python.parent.mkdir(parents=True)
    python.write_text("", encoding="utf-8")
    return {
        "qemu": "qemu-aarch64",
        "sysroot": str(root),
        "host_python": str(python),
        "site": str(root.parent / "env" / "cross" / "lib" / "python3.11" / "site-packages"),
    }


@pytest.mark.parametrize("gone", ["sysroot", "host_python", "host_python without sysroot"])
def test_cross_run_names_a_missing_sysroot_or_host_python(tmp_path: Path, gone: str) -> None:
    """One line naming what is gone and how to fix it, exit code 126; qemu is not run."""
    qemu = tmp_path / "qemu-aarch64"
    qemu.write_text('#!/bin/sh\necho "qemu ran"\n', encoding="utf-8")
    qemu.chmod(0o755)
    run = host_sysroot(tmp_path / "sys root")
    if gone == "sysroot":
        shutil.rmtree(run["sysroot"])
        line = (
            f"cross-run: sysroot {run['sysroot']} not found; fetch it again at that path "
            "(crossenv-sysroot) or recreate the environment with --clear"
        )
    else:
        if gone == "host_python without sysroot":
            run["sysroot"] = ""
        Path(run["host_python"]).unlink()
        line = (
            f"cross-run: Host-python {run['host_python']} not found; restore it (or the "
            "sysroot) at that path or recreate the environment with --clear"
        )
    launchers.write(tmp_path / "env", "3.11", run)
    done = subprocess.run(
        [tmp_path / "env" / "bin" / "cross-run", "-c", "pass"],
        env={"PATH": f"{tmp_path}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stdout, done.stderr) == (126, "", line + "\n")


def test_cross_run_puts_its_sitecustomize_first_on_the_path(tmp_path: Path) -> None:
    qemu = tmp_path / "qemu-aarch64"
    qemu.write_text('#!/bin/sh\nprintf "%s\\n" "$PYTHONPATH"\n', encoding="utf-8")
    qemu.chmod(0o755)
    env = tmp_path / "e n v"
    run = host_sysroot(tmp_path / "sys root")
    launchers.write(env, "3.11", run)
    folder = env / launchers.RUN_SITE
    assert (folder / "sitecustomize.py").is_file()
    for user in ("", "/mine"):
        done = subprocess.run(
            [env / "bin" / "cross-run", "-c", "pass"],
            env={"PATH": f"{tmp_path}:/usr/bin:/bin", **({"PYTHONPATH": user} if user else {})},
            capture_output=True,
            text=True,
            check=True,
        )
        wanted = [str(folder), run["site"], *([user] if user else [])]
        assert done.stdout == ":".join(wanted) + "\n"


def test_cross_python_start_up_is_what_cross_run_skips() -> None:
    from crossenv import runtime

    expected = f"{runtime.RUNTIME_PACKAGE}.pth"
    assert expected == launchers.CROSS_PYTHON_PTH


def test_run_sitecustomize_reads_pth_files_and_runs_the_next_sitecustomize(
    tmp_path: Path,
) -> None:
    """What the Host-python of cross-run does at start, shown with this Python.

    The site folder's ``.pth`` files run (a path and an import line, as
    editable installs write them) except Cross-python's own start-up; the
    folder of the sitecustomize leaves ``sys.path``; the sitecustomize the
    interpreter would have run without it still runs.
    """
    site = tmp_path / "site pa'ckages"
    site.mkdir()
    source = tmp_path / "source tree"
    (source / "editable_demo").mkdir(parents=True)
    (source / "editable_demo" / "__init__.py").write_text("VALUE = 42\n", encoding="utf-8")
    (site / "__editable__.editable_demo-1.pth").write_text(f"{source}\n", encoding="utf-8")
    (site / "hook.pth").write_text("import os; os.environ['HOOK'] = 'ran'\n", encoding="utf-8")
    (site / launchers.CROSS_PYTHON_PTH).write_text(
        "import sys; sys.stderr.write('Cross-python start-up ran')\n", encoding="utf-8"
    )
    folder = tmp_path / "run site"
    folder.mkdir()
    text = launchers.render_run_sitecustomize(str(site))
    (folder / "sitecustomize.py").write_text(text, encoding="utf-8")
    user = tmp_path / "user path"
    user.mkdir()
    (user / "sitecustomize.py").write_text("import builtins\nbuiltins.MARK = 1\n", "utf-8")
    code = (
        "import os, sys, sitecustomize, editable_demo\n"
        "print(editable_demo.VALUE, os.environ['HOOK'], MARK, sitecustomize.__file__)\n"
        f"print({str(folder)!r} in sys.path)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": os.pathsep.join(map(str, (folder, site, user)))},
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert (done.stderr, done.returncode) == ("", 0)
    assert done.stdout.splitlines() == [f"42 ran 1 {user / 'sitecustomize.py'}", "False"]


@pytest.mark.parametrize(
    ("name", "prompt", "mark"),
    [
        ("pi-env", None, "(pi-env) "),
        ("pi-env", "board 7", "(board 7) "),
        ("$(touch x)", None, "(_(touch x)) "),
        ("a`b`\\c!%", None, "(a_b__c__) "),
    ],
)
def test_activate_marks_the_prompt_with_the_environment(
    tmp_path: Path, name: str, prompt: Optional[str], mark: str
) -> None:
    env = tmp_path / name
    launchers.write(env, "3.11", prompt=prompt)
    done = subprocess.run(
        [
            "bash",
            "-c",
            f'PS1="$ "; . {shlex.quote(str(env / "bin" / "activate"))}; printf %s "$PS1"',
        ],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert (done.stdout, done.stderr) == (f"{mark}$ ", "")
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("exported", [False, True])
def test_the_prompt_is_exported_only_if_it_was(tmp_path: Path, exported: bool) -> None:
    # bash's prompt syntax must not reach other shells through the environment.
    env = tmp_path / "env"
    launchers.write(env, "3.11")
    show = 'env | grep -c "^PS1=" || true'
    script = (
        f'PS1="$ "; {"export PS1; " if exported else ""}'
        f". {shlex.quote(str(env / 'bin' / 'activate'))}; {show}; deactivate; {show}; "
        'printf "[%s]" "$PS1"'
    )
    done = subprocess.run(
        ["bash", "-c", script], env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True
    )
    count = "1" if exported else "0"
    assert (done.stdout, done.stderr) == (f"{count}\n{count}\n[$ ]", "")


def test_a_moved_environments_commands_say_what_is_gone(tmp_path: Path) -> None:
    env = tmp_path / "made here"
    launchers.write(env, "3.11")  # its layers are not there: as after a move
    done = subprocess.run([env / "bin" / "python", "-c", "pass"], capture_output=True, text=True)
    assert done.returncode == 127 and done.stdout == ""
    assert done.stderr == (
        f"crossenv: cannot run {env / 'cross' / 'bin' / 'python'}: it is gone (the environment "
        "was moved or removed since it was made, or the Python it was made with was); make it "
        "again where it is now with python -m crossenv --clear\n"
    )
