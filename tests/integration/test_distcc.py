"""Distributed compiles: ``--cc "distcc aarch64-linux-gnu-gcc"`` with a farm of two distccd.

A build farm is two real distccd daemons on this machine, each on its own
127.0.0.1 port (distcc takes the name ``localhost`` to mean "compile here"),
each allowed to run the two cross compilers and nothing else
(``DISTCC_CMDLIST``). The environment is made with distcc in front of the
cross compilers; ``DISTCC_HOSTS`` names the farm, and ``DISTCC_FALLBACK=0``
with ``DISTCC_SKIP_LOCAL_RETRY=1`` make a compile the farm does not do fail
instead of running here.

setuptools (C), meson (C and C++) and CMake (C++) reach the farm with no
option of their own: every compile to an object the client made ran on a
daemon (distcc's client log says where each command ran, and the daemons'
logs hold the same jobs), the extensions are aarch64 code, and they compute
known answers on the target. With the farm gone the same build fails.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest

from .conftest import (
    Setup,
    copy_project,
    elf_machine,
    free_port,
    make_setup,
    require,
    require_toolchain,
)

pytestmark = pytest.mark.integration

AARCH64 = 183
TRIPLE = "aarch64-linux-gnu"
OPTIONS = ("--cc", f"distcc {TRIPLE}-gcc", "--cxx", f"distcc {TRIPLE}-g++")
#: The source of each extension module the three projects compile.
SOURCES = {"cext_demo.c", "meson_c.c", "meson_cpp.cpp", "cmake_cpp.cpp"}
#: The line distccd logs for each job: its outcome, then the compiler and input file
#: (none if it refused the job).
SUMMARY = re.compile(r"\(dcc_job_summary\) client: \S+ (\S+) .* time:\d+ms ?(.*)$", re.M)
#: distccd in the foreground, for this machine only, two jobs at a time.
DAEMON = (
    *("distccd", "--daemon", "--no-detach", "--listen", "127.0.0.1", "--allow", "127.0.0.1"),
    *("--jobs", "2", "--log-stderr", "--log-level", "info"),
)


@dataclasses.dataclass
class Daemon:
    """One distccd of the farm and the log it writes."""

    port: int
    log: Path
    process: subprocess.Popen[bytes]

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def jobs(self) -> List[Tuple[str, str]]:
        """The outcome (``COMPILE_OK``...) and the input file of each job it ran."""
        text = self.log.read_text(errors="replace")
        return [(status, command.partition(" ")[2]) for status, command in SUMMARY.findall(text)]


def start_daemon(folder: Path, cmdlist: Path) -> Daemon:
    """Start distccd in the foreground of a session of its own; wait until it listens.

    ``--log-stderr`` into a file opened here, not ``--log-file``: distccd
    started by root runs as the ``distccd`` user, which cannot write into
    pytest's private temporary folders.
    """
    port = free_port()
    log = folder / f"distccd-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*DAEMON, "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            env={**os.environ, "DISTCC_CMDLIST": str(cmdlist)},
            start_new_session=True,  # it stops its whole process group when told to
        )
    daemon = Daemon(port, log, process)
    deadline = time.monotonic() + 10
    while "daemon started" not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            stop_daemon(daemon)
            pytest.fail(f"distccd on port {port} did not start:\n{log.read_text()}")
        time.sleep(0.05)
    return daemon


def stop_daemon(daemon: Daemon) -> None:
    daemon.process.terminate()
    try:
        daemon.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(daemon.process.pid, signal.SIGKILL)  # its session: the daemon's children
        daemon.process.wait()


def require_distcc() -> None:
    require("distcc", "distcc")
    require("distccd", "distcc")
    require_toolchain("arm64")


@pytest.fixture(scope="module")
def farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[List[Daemon]]:
    """Two distccd that run the aarch64 cross compilers and no other program.

    The allow-list (``DISTCC_CMDLIST``: a compiler whose base name matches a
    line runs as that line says) lives in a folder of its own that every
    user can read: distccd reads it after it has stopped being root, and
    distccd 3.4 that cannot read it runs any compiler it is sent.
    """
    require_distcc()
    folder = tmp_path_factory.mktemp("distcc farm")
    shared = Path(tempfile.mkdtemp(prefix="crossenv-distcc-"))
    daemons: List[Daemon] = []
    try:
        shared.chmod(0o755)
        cmdlist = shared / "cmdlist"
        compilers = [shutil.which(f"{TRIPLE}-{name}") for name in ("gcc", "g++")]
        cmdlist.write_text("".join(f"{compiler}\n" for compiler in compilers))
        cmdlist.chmod(0o644)
        for _ in range(2):
            daemons.append(start_daemon(folder, cmdlist))
        yield daemons
    finally:
        for daemon in daemons:
            stop_daemon(daemon)
        shutil.rmtree(shared, ignore_errors=True)


@pytest.fixture(scope="module")
def distcc_env(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    require_distcc()
    return make_setup(tmp_path_factory, "3.11", "bookworm", "arm64", options=OPTIONS)


def distcc_environ(hosts: str, state: Path, log: Path) -> Dict[str, str]:
    """The environment of a build with the farm ``hosts``.

    ``DISTCC_DIR`` (slot locks, hosts to back off from) is the test's own;
    ``DISTCC_LOG`` records where distcc ran each command, and gets distcc's
    error messages too (a compiler's standard error no longer has them).
    """
    state.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "DISTCC_HOSTS": hosts,
        "DISTCC_FALLBACK": "0",
        "DISTCC_SKIP_LOCAL_RETRY": "1",
        "DISTCC_DIR": str(state),
        "DISTCC_LOG": str(log),
    }


def client_runs(log: Path) -> List[Tuple[str, List[str]]]:
    """Where distcc ran each command (``localhost`` or ``HOST:PORT/SLOTS``) and its words."""
    runs = []
    text = log.read_text(errors="replace") if log.exists() else ""  # no log: distcc never ran
    for line in text.splitlines():
        _, found, rest = line.partition(" exec on ")
        if found:
            where, _, command = rest.partition(": ")
            runs.append((where, command.split()))
    return runs


def pip_wheel(
    setup: Setup, project: Path, wheels: Path, env: Dict[str, str]
) -> subprocess.Popen[str]:
    """Start ``pip wheel`` of ``project`` in a session of its own (see :func:`finish`)."""
    command = [setup.bin / "pip", "wheel", "--no-deps", "-w", wheels, project]
    return subprocess.Popen(
        [str(part) for part in command],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )


def finish(build: subprocess.Popen[str]) -> str:
    """Wait for ``build`` and return its output.

    A build that hangs (distcc with ``DISTCC_BACKOFF_PERIOD=0`` asks a
    daemon that refuses it again and again) is killed with its processes.
    """
    try:
        output, _ = build.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        os.killpg(build.pid, signal.SIGKILL)
        output, _ = build.communicate()
        pytest.fail(f"{build.args!r} did not finish in 10 minutes:\n{output[-6000:]}")
    return output


def test_every_compile_of_setuptools_meson_and_cmake_runs_on_the_farm(
    distcc_env: Setup, farm: List[Daemon], tmp_path: Path
) -> None:
    setup = distcc_env
    hosts = " ".join(f"{daemon.host}/2" for daemon in farm)
    wheels = tmp_path / "wheels"
    logs = []
    builds = []
    # The three builds run at once, as a farm is meant to be used; they
    # share distcc's slots (DISTCC_DIR), each has its own log.
    for name in ("cext", "meson_ext", "cmake_ext"):
        logs.append(tmp_path / f"distcc-{name}.log")
        env = distcc_environ(hosts, tmp_path / "distcc", logs[-1])
        builds.append(pip_wheel(setup, copy_project(name, tmp_path), wheels, env))
    for build in builds:
        output = finish(build)
        assert build.returncode == 0, output[-6000:]

    runs = [run for log in logs for run in client_runs(log)]
    here = [words for where, words in runs if where == "localhost"]
    # Links, -E and compile-and-link checks run here (distcc sends compiles only);
    # every compile to an object went to the farm.
    assert not [words for words in here if "-c" in words and "-E" not in words], here
    sent = [where for where, _ in runs if where != "localhost"]
    # distccd logs a job after the client has its object: wait for the logs.
    deadline = time.monotonic() + 10
    while sum(len(daemon.jobs()) for daemon in farm) < len(sent):
        assert time.monotonic() < deadline, [daemon.jobs() for daemon in farm]
        time.sleep(0.1)
    for daemon in farm:
        # No complaint: the allow-list was read (see farm), no job refused.
        text = daemon.log.read_text()
        assert "ERROR" not in text and "CRITICAL" not in text, text
        jobs = daemon.jobs()
        # Each daemon ran exactly the commands the client sent it, and all built.
        assert len(jobs) == sent.count(f"{daemon.host}/2"), (daemon.host, jobs, sent)
        assert {status for status, _ in jobs} <= {"COMPILE_OK"}, jobs
        # distcc gives a job the first free slot, the first slot of every
        # host before the second of any: compiles one after the other go to
        # the first daemon, two at once (ninja's meson_c.c and
        # meson_cpp.cpp, or two builds') to one each.
        assert jobs, f"{daemon.host} got no work: {sent}"
    ran = {Path(source).name for daemon in farm for _, source in daemon.jobs()}
    assert ran >= SOURCES, ran

    built = sorted(wheels.glob("*.whl"))
    assert len(built) == 3, built
    modules = []
    for wheel in built:
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                if name.endswith(".so"):
                    modules.append(Path(archive.extract(name, tmp_path / "unpacked")))
    assert len(modules) == len(SOURCES), modules
    for module in modules:
        assert elf_machine(module) == AARCH64, module
    setup.run([str(setup.bin / "pip"), "install", "--no-deps", *map(str, built)])
    code = (
        "import cext_demo, meson_c, meson_cpp, cmake_cpp\n"
        "print(cext_demo.machine(), cext_demo.pointer_size(), meson_c.machine(),"
        " meson_cpp.total(10), cmake_cpp.total(100))"
    )
    assert setup.on_target(code).split() == ["aarch64", "8", "aarch64", "45", "4950"]


def test_a_build_fails_when_the_farm_is_unreachable(distcc_env: Setup, tmp_path: Path) -> None:
    """Nothing listens on the port: with no fallback the compile, and the build, fail."""
    setup = distcc_env
    dead = f"127.0.0.1:{free_port()}/2"
    log = tmp_path / "distcc.log"
    env = distcc_environ(dead, tmp_path / "distcc", log)
    wheels = tmp_path / "wheels"
    build = pip_wheel(setup, copy_project("cext", tmp_path), wheels, env)
    output = finish(build)
    assert build.returncode != 0, output
    assert "cext_demo.c" in output and "exit status 116" in output, output
    assert not list(wheels.glob("*.whl"))
    # The one compile was sent to the dead port, and distcc gave up there.
    assert [where for where, _ in client_runs(log)] == [dead], log.read_text()
    assert "failed to distribute and fallbacks are disabled" in log.read_text()
