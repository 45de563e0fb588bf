"""The compiler guard: path mapping, CPU flags, foreign objects, and its sh fast path."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from crossenv import launchers
from crossenv._runtime import guard

from .conftest import DATA

ELF = DATA / "elf"


@pytest.fixture
def sysroot(tmp_path: Path) -> Path:
    root = tmp_path / "sys root"
    for folder in (
        "usr/include/python3.11",
        "usr/include/aarch64-linux-gnu",
        "usr/lib/aarch64-linux-gnu",
        "usr/lib",
    ):
        (root / folder).mkdir(parents=True, exist_ok=True)
    return root


def settings(sysroot: Path, **changes: Any) -> Dict[str, Any]:
    data: Dict[str, Any] = {
        "sysroot": str(sysroot),
        "build_multiarch": "x86_64-linux-gnu",
        "host_multiarch": "aarch64-linux-gnu",
        "python_includes": ["/opt/py/include/python3.11"],
        "host_include": str(sysroot / "usr/include/python3.11"),
        "python_folders": ["/opt/py/include", "/opt/py/lib"],
        "own": ["/env", str(sysroot), "/usr/lib/gcc-cross"],
        "strict": False,
        "elf": {"machine": 183, "bits": 64, "big_endian": False},
    }
    data.update(changes)
    return data


def test_build_folders_move_into_the_sysroot(sysroot: Path) -> None:
    g = guard.Guard(settings(sysroot))
    args = [
        "-I/usr/include",
        "-isystem",
        "/usr/include/x86_64-linux-gnu",
        "-L/usr/lib/x86_64-linux-gnu",
        "-I/opt/py/include/python3.11",
        "-Wl,-rpath-link,/usr/lib/x86_64-linux-gnu",
        "-Wl,-rpath-link=/usr/lib",
        "-c",
        "x.c",
    ]
    assert g.rewrite(args) == [
        f"--sysroot={sysroot}",
        f"-I{sysroot}/usr/include",
        "-isystem",
        f"{sysroot}/usr/include/aarch64-linux-gnu",
        f"-L{sysroot}/usr/lib/aarch64-linux-gnu",
        f"-I{sysroot}/usr/include/python3.11",
        f"-Wl,-rpath-link,{sysroot}/usr/lib/aarch64-linux-gnu",
        f"-Wl,-rpath-link={sysroot}/usr/lib",
        "-c",
        "x.c",
    ]
    assert g.notes == []


def test_missing_build_folders_are_dropped_with_a_note(sysroot: Path) -> None:
    g = guard.Guard(settings(sysroot))
    args = ["--sysroot=/s", "-L/usr/local/lib", "-I", "/usr/local/include", "-L/opt/py/lib", "x.o"]
    assert g.rewrite(args) == ["--sysroot=/s", "x.o"]
    assert len(g.notes) == 3 and all("Build machine" in note for note in g.notes)
    assert "-L /usr/local/lib" in g.notes[0]


def test_strict_refuses_a_build_folder(sysroot: Path) -> None:
    g = guard.Guard(settings(sysroot, strict=True))
    with pytest.raises(guard.GuardError, match="/usr/local/include"):
        g.rewrite(["-I/usr/local/include"])


def test_own_and_other_folders_are_kept(sysroot: Path) -> None:
    g = guard.Guard(settings(sysroot))
    kept = [
        f"-I{sysroot}/usr/include",
        "-I/env/cross/include",
        "-I/tmp/pip-build-env-1/overlay/include",
        "-Iinclude",
        "-L/usr/lib/gcc-cross/aarch64-linux-gnu/12",
        "-I/usr/lib/python3/dist-packages/pybind11/include",
        "-I/opt/py/lib/python3.11/site-packages/pybind11/include",
    ]
    assert g.rewrite(["--sysroot=/s", *kept]) == ["--sysroot=/s", *kept]
    assert g.notes == []


@pytest.mark.parametrize("flag", ["-march=native", "-mcpu=native", "-mtune=native"])
def test_native_cpu_flags_are_dropped(sysroot: Path, flag: str) -> None:
    g = guard.Guard(settings(sysroot))
    assert g.rewrite(["--sysroot=/s", flag, "-O2"]) == ["--sysroot=/s", "-O2"]
    assert flag in g.notes[0]


def archive(path: Path, members: Dict[str, bytes]) -> Path:
    """An ``ar`` archive with a GNU symbol table first, as ``ar rcs`` writes it."""
    data = b"!<arch>\n"
    for name, body in {"/": b"\0\0\0\0", **members}.items():
        header = f"{name:<16}{0:<12}{0:<6}{0:<6}{644:<8}{len(body):<10}`\n".encode()
        data += header + body + (b"\n" if len(body) % 2 else b"")
    path.write_bytes(data)
    return path


def test_objects_and_archives_of_another_machine_are_refused(sysroot: Path, tmp_path: Path) -> None:
    g = guard.Guard(settings(sysroot))
    amd64 = (ELF / "libz-amd64.so.1").read_bytes()
    arm64 = (ELF / "libz-arm64.so.1").read_bytes()
    good = archive(tmp_path / "libgood.a", {"a.o/": arm64})
    bad = archive(tmp_path / "libuv.a", {"uv.o/": amd64})
    g.check_inputs(["-shared", "x.o", str(good), str(ELF / "libz-arm64.so.1"), "-o", "x.so"])
    with pytest.raises(guard.GuardError) as caught:
        g.check_inputs(["-shared", str(bad), "-o", "x.so"])
    assert str(bad) in str(caught.value) and "x86_64" in str(caught.value)
    with pytest.raises(guard.GuardError, match="s390x"):
        g.check_inputs([str(ELF / "libz-s390x.so.1")])


def test_output_named_like_an_input_is_not_checked(sysroot: Path, tmp_path: Path) -> None:
    g = guard.Guard(settings(sysroot))
    old = tmp_path / "stale.so"
    old.write_bytes((ELF / "libz-amd64.so.1").read_bytes())
    g.check_inputs(["-shared", "-o", str(old), "x.o"])  # overwritten, not read


# -- the launcher: its sh fast path and its hand-over to the guard --------------


def launcher(
    tmp_path: Path, sysroot: Path, by_name: bool = False, around: Tuple[str, str] = ("", "")
) -> Path:
    """A guard launcher whose "compiler" prints its arguments, one per line.

    With ``by_name`` the launcher names the compiler as --relative-toolchain
    records it, and is itself called ``echo-cc`` too.
    """
    compiler = tmp_path / "bin dir" / "echo-cc"
    compiler.parent.mkdir()
    compiler.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n', encoding="utf-8")
    compiler.chmod(0o755)
    prefix = tmp_path / "cross"
    prefix.mkdir()
    from crossenv._runtime import config

    (prefix / config.CONFIG_FILE).write_text(
        config.dump({"guard": settings(sysroot)}), encoding="utf-8"
    )
    repo = Path(__file__).resolve().parents[2]
    code = (
        "import sys; sys.path.insert(0, sys.argv.pop(1)); "
        "from crossenv._runtime import guard; guard.run()"
    )
    command = [sys.executable, "-I", "-S", "-c", code, str(repo), str(prefix)]
    named = compiler.name if by_name else shlex.quote(str(compiler))
    named = f"{around[0]} {named} {around[1]}".strip()  # a launcher before, flags after
    text = launchers.render_guard("echo-cc", named, str(sysroot), "/opt/py", command)
    path = tmp_path / "guard dir" / "echo-cc"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return path


def run(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(path), *args], capture_output=True, text=True, check=False)


def test_launcher_fast_path_adds_only_the_sysroot(tmp_path: Path, sysroot: Path) -> None:
    path = launcher(tmp_path, sysroot)
    args = ["-c", "a b.c", "-o", "a.o", f"-I{sysroot}/usr/include", "-Isrc", "-O2"]
    done = run(path, *args)
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.splitlines() == [f"--sysroot={sysroot}", *args]


@pytest.mark.parametrize("checked", [False, True])
def test_launcher_runs_the_compiler_launcher_and_flags_given_with_it(
    tmp_path: Path, sysroot: Path, checked: bool
) -> None:
    # --cc "ccache aarch64-linux-gnu-gcc -mcpu=cortex-a72": the launcher runs
    # the compiler with the flags, on the fast path and through the guard.
    ccache = tmp_path / "tools dir" / "ccache"
    ccache.parent.mkdir()
    ccache.write_text('#!/bin/sh\necho "ccache ran"\nexec "$@"\n', encoding="utf-8")
    ccache.chmod(0o755)
    path = launcher(tmp_path, sysroot, around=(shlex.quote(str(ccache)), "-mcpu=cortex-a72"))
    args = ["-c", "x.c", *(["-I/usr/include"] if checked else [])]
    done = run(path, *args)
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert out[0] == "ccache ran" and "-mcpu=cortex-a72" in out and "x.c" in out
    assert "-I/usr/include" not in out  # the guard saw the command (and rewrote it)


@pytest.mark.parametrize(
    "args",
    [
        ["-c", "x.c", "-I/usr/include"],
        ["-c", "x.c", "-march=native"],
        ["-c", "x.c", "-I", "/usr/include"],
        ["-shared", "x.o", "-L/usr/local/lib"],
        ["-shared", "x.o", "-Wl,-rpath-link,/usr/lib/x86_64-linux-gnu"],
        ["-c", "x.c", "-I/opt/py/include/python3.11"],
    ],
)
def test_launcher_hands_build_paths_to_the_guard(
    tmp_path: Path, sysroot: Path, args: List[str]
) -> None:
    done = run(launcher(tmp_path, sysroot), *args)
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert not any(word == "/usr/include" or "native" in word for word in out), out
    assert not any(w.startswith(("-I/usr", "-L/usr", "-I/opt")) for w in out), out
    assert not any("-rpath-link,/usr" in w for w in out), out


def test_launcher_refuses_a_foreign_archive_in_one_line(tmp_path: Path, sysroot: Path) -> None:
    bad = archive(tmp_path / "libuv.a", {"uv.o/": (ELF / "libz-amd64.so.1").read_bytes()})
    done = run(launcher(tmp_path, sysroot), "-shared", "x.o", str(bad), "-o", "x.so")
    assert done.returncode == 1 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("crossenv: error: ") and "libuv.a" in lines[0]


@pytest.mark.system
def test_launcher_passes_shellcheck() -> None:
    template = Path(guard.__file__).parents[1] / "templates" / "guard.sh"
    done = subprocess.run(["shellcheck", "-s", "sh", str(template)], capture_output=True)
    assert done.returncode == 0, done.stdout


def test_guard_report_goes_to_pips_summary(
    tmp_path: Path, sysroot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "report.txt"
    monkeypatch.setenv("CROSSENV_REPORT", str(report))
    done = subprocess.run(
        [str(launcher(tmp_path, sysroot)), "-c", "x.c", "-L/usr/local/lib"],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        check=True,
    )
    assert "dropped -L /usr/local/lib" in done.stderr
    assert "compiler guard: dropped -L /usr/local/lib" in report.read_text()


def test_the_package_tree_is_its_own_even_below_usr_local(
    sysroot: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    g = guard.Guard(settings(sysroot, own=[]))
    assert str(tmp_path) in g.own
    monkeypatch.chdir("/usr")
    assert "/usr" not in guard.Guard(settings(sysroot, own=[])).own


@pytest.mark.parametrize("args", [["-c", "x.c"], ["-c", "x.c", "-I/usr/include"]])
def test_launcher_of_a_compiler_named_on_path_finds_the_compiler_not_itself(
    tmp_path: Path, sysroot: Path, args: List[str]
) -> None:
    path = launcher(tmp_path, sysroot, by_name=True)
    folders = [str(path.parent), str(tmp_path / "bin dir"), os.environ["PATH"]]
    done = subprocess.run(
        [str(path), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": os.pathsep.join(folders)},
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"--sysroot={sysroot}"


def test_run_paths_into_the_sysroot_become_host_paths(sysroot: Path) -> None:
    g = guard.Guard(settings(sysroot))
    lib = f"{sysroot}/usr/lib/aarch64-linux-gnu/hdf5/serial"
    words = [f"-Wl,-rpath,{lib}", f"-Wl,--enable-new-dtags,-R{lib}", "-Wl,-rpath=/opt/app/lib"]
    assert g.rewrite(["--sysroot=/s", *words]) == [
        "--sysroot=/s",
        "-Wl,-rpath,/usr/lib/aarch64-linux-gnu/hdf5/serial",
        "-Wl,--enable-new-dtags,-R/usr/lib/aarch64-linux-gnu/hdf5/serial",
        "-Wl,-rpath=/opt/app/lib",
    ]
    assert g.notes == []


def test_a_compiler_removed_since_creation_is_named(tmp_path: Path, sysroot: Path) -> None:
    path = launcher(tmp_path, sysroot)
    compiler = tmp_path / "bin dir" / "echo-cc"
    compiler.unlink()  # a toolchain upgrade, a vendor SDK moved away
    report = tmp_path / "report.txt"
    done = subprocess.run(
        [str(path), "-c", "x.c"],
        env={**os.environ, "CROSSENV_REPORT": str(report)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 127
    assert done.stderr == (
        f"crossenv: error: the Host's compiler {compiler} is gone (it was there when the "
        "environment was made); install it again, or make the environment again with --clear "
        "and --cc\n"
    )
    assert f"the Host's compiler {compiler} is gone" in report.read_text()  # pip repeats it


@pytest.mark.parametrize("checked", [False, True])
def test_a_reproducible_build_maps_the_build_folder_and_the_sysroot(
    tmp_path: Path, sysroot: Path, checked: bool
) -> None:
    path = launcher(tmp_path, sysroot)
    folder = tmp_path / "pip build dir"
    folder.mkdir()
    args = ["-c", "x.c", *(["-I/usr/include"] if checked else [])]

    def words(**extra: str) -> List[str]:
        env = {"PATH": os.environ["PATH"], **extra}
        done = subprocess.run(
            [str(path), *args], capture_output=True, text=True, cwd=folder, env=env, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()

    out = words(SOURCE_DATE_EPOCH="1700000000")
    assert f"-ffile-prefix-map={folder}=." in out
    assert f"-ffile-prefix-map={sysroot}/=/" in out
    assert not any(word.startswith("-ffile-prefix-map") for word in words())
