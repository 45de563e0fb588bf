"""One requirements file, several Hosts, one wheelhouse.

:data:`SCRIPT` is the shell loop of the section "A wheelhouse for several
Hosts" in the documentation, word for word: it fetches each Host's sysroot
with ``crossenv-sysroot``, creates each environment with the Build-python
of the Host-python's version and runs ``pip wheel -r requirements.txt -w
wheelhouse`` in it. It runs here as a user runs it, with ``sh`` in a folder
whose path has spaces; ``crossenv-sysroot``, ``python3.11`` and
``python3.13`` on ``PATH`` are the source tree's crossenv and pyenv's
Pythons, and the sysroots are the cached ones (``crossenv-sysroot`` reuses a
finished sysroot).

The wheelhouse is then checked without crossenv: the wheel names and tags,
and the ELF machine of every shared object in them. Last, a fresh
environment of each Host installs from the shared wheelhouse alone: pip must
take that Host's wheels and no other, and the code must give the known
answers on the target under qemu-user.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Sequence, Set

import pytest
from packaging.utils import parse_wheel_filename

from .conftest import (
    DEPENDENCIES,
    REPO,
    build_python,
    elf_machine,
    fetch_sysroot,
    make_setup,
    require_toolchain,
)

pytestmark = pytest.mark.integration

#: The documented loop: the code block of docs/howto-scale.rst's section
#: "A wheelhouse for several Hosts" (checked below).
SCRIPT = """\
set -eu
for host in arm64:bookworm armhf:bookworm riscv64:trixie; do
    arch="${host%%:*}"
    release="${host#*:}"
    host_python="$(crossenv-sysroot --arch "$arch" --release "$release" "sysroots/$release-$arch")"
    build_python="$(basename "$host_python")"
    "$build_python" -m crossenv "$host_python" "envs/$release-$arch"
    "envs/$release-$arch/bin/pip" wheel -r requirements.txt -w wheelhouse
done
"""


class Host(NamedTuple):
    """What the wheels of one Host must say, written here from the ELF and wheel specs."""

    arch: str
    release: str
    #: Python major.minor of the release.
    version: str
    #: ``linux_<uname -m>``, the tag pip on the Host gives the wheels it builds.
    platform: str
    #: ELF ``e_machine``: 183 EM_AARCH64, 40 EM_ARM, 243 EM_RISCV.
    machine: int
    #: What the C code reports on the target: ``uname().machine`` and ``sizeof(void *)``.
    uname: str
    pointer_size: int

    @property
    def tag(self) -> str:
        """The one tag of the wheels built for this Host, e.g. ``cp311-cp311-linux_armv7l``."""
        python = "cp" + self.version.replace(".", "")
        return f"{python}-{python}-{self.platform}"

    def wheel(self, project: str, version: str) -> str:
        return f"{project}-{version}-{self.tag}.whl"


HOSTS = [
    Host("arm64", "bookworm", "3.11", "linux_aarch64", 183, "aarch64", 8),
    Host("armhf", "bookworm", "3.11", "linux_armv7l", 40, "armv7l", 4),
    Host("riscv64", "trixie", "3.13", "linux_riscv64", 243, "riscv64", 8),
]

#: The compiled projects, as their wheels name them, and their versions.
COMPILED = {"markupsafe": "3.0.2", "cext_demo": "1.0"}
#: A pure-Python requirement: one wheel for all Hosts.
PURE_WHEEL = "six-1.17.0-py2.py3-none-any.whl"

#: markupsafe from its sdist, a local C project (in a folder with a space),
#: and a pure-Python wheel from the index.
REQUIREMENTS = """\
--no-binary markupsafe
markupsafe==3.0.2
six==1.17.0
./my projects/cext
"""

#: Run on each target: markupsafe's escape must be its C ``_speedups``.
TARGET_CODE = (
    "import markupsafe, markupsafe._speedups as s, cext_demo, six\n"
    "assert markupsafe._escape_inner is s._escape_inner, markupsafe._escape_inner\n"
    "print(markupsafe.escape('<a>'), cext_demo.machine(), cext_demo.pointer_size(), six.PY3)\n"
)

#: What pip's markers see in an environment: ``platform_machine`` and ``python_version``.
MARKERS = (
    "from pip._vendor.packaging.markers import default_environment as env; "
    "print(env()['platform_machine'], env()['python_version'])"
)


def wrapper(path: Path, command: List[str]) -> None:
    """An executable ``path`` that runs ``command`` with the source tree's crossenv importable."""
    pythonpath = os.pathsep.join([str(REPO), str(DEPENDENCIES)])
    path.write_text(
        f'#!/bin/sh\nPYTHONPATH={shlex.quote(pythonpath)} exec {shlex.join(command)} "$@"\n',
        encoding="utf-8",
    )
    path.chmod(0o755)


def run(command: Sequence[object], cwd: Path, env: Optional[Dict[str, str]] = None) -> str:
    """Run ``command`` in ``cwd``; what it printed, or the test fails with all of it."""
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.fail(
            f"{shlex.join(map(str, command))} exited {done.returncode} in {cwd}\n"
            f"--- stdout\n{done.stdout[-8000:]}\n--- stderr\n{done.stderr[-8000:]}"
        )
    return done.stdout + done.stderr


def run_script(work: Path, tools: Path) -> str:
    """Run :data:`SCRIPT` with ``sh`` in ``work`` as a user would; what it printed."""
    script = work / "build-wheelhouse.sh"
    script.write_text(SCRIPT, encoding="utf-8")
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)  # a user's shell: crossenv comes from the wrappers only
    env["PATH"] = f"{tools}{os.pathsep}{env['PATH']}"
    return run(["sh", script.name], work, env)


def expected_wheels(host: Host) -> Set[str]:
    return {host.wheel(name, version) for name, version in COMPILED.items()}


def check_wheel_file(wheel: Path, host: Host, scratch: Path) -> None:
    """The tags of the name and of ``WHEEL``, and ``e_machine`` of every shared object."""
    *_, tags = parse_wheel_filename(wheel.name)
    assert {str(tag) for tag in tags} == {host.tag}, wheel.name
    unpacked = scratch / wheel.stem
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)
    (metadata,) = unpacked.glob("*.dist-info/WHEEL")
    assert re.findall(r"^Tag: (.+)$", metadata.read_text("utf-8"), re.M) == [
        str(tag) for tag in tags
    ]
    binaries = [path for path in unpacked.rglob("*") if path.suffix == ".so"]
    assert binaries, f"{wheel.name} holds no shared object"
    for binary in binaries:
        assert elf_machine(binary) == host.machine, f"{wheel.name}: {binary.name}"


def test_one_requirements_file_for_three_hosts_into_one_wheelhouse(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    root = tmp_path_factory.mktemp("wheelhouse")
    work = root / "wheel house"
    tools = root / "tools"
    tools.mkdir()
    wrapper(tools / "crossenv-sysroot", [sys.executable, "-m", "crossenv.sysroot"])
    host_pythons: Dict[str, Path] = {}
    for host in HOSTS:
        require_toolchain(host.arch)
        host_pythons[host.arch] = fetch_sysroot(host.release, host.arch)
        sysroots = work / "sysroots"
        sysroots.mkdir(parents=True, exist_ok=True)
        # The cached sysroot where the script expects it: crossenv-sysroot reuses it.
        (sysroots / f"{host.release}-{host.arch}").symlink_to(host_pythons[host.arch].parents[2])
        wrapper(tools / f"python{host.version}", [build_python(host.version)])
    shutil.copytree(REPO / "tests" / "data" / "projects" / "cext", work / "my projects" / "cext")
    (work / "requirements.txt").write_text(REQUIREMENTS, encoding="utf-8")

    printed = run_script(work, tools)
    for host in HOSTS:  # the cached sysroots were reused, nothing fetched
        assert f"already holds the {host.release}/{host.arch} sysroot" in printed

    wheelhouse = work / "wheelhouse"
    expected = {PURE_WHEEL}.union(*(expected_wheels(host) for host in HOSTS))
    found = sorted(path.name for path in wheelhouse.iterdir())
    assert found == sorted(expected), printed[-4000:]
    for host in HOSTS:
        for name in expected_wheels(host):
            check_wheel_file(wheelhouse / name, host, root / "unpacked")

    # Markers in requirements.txt are evaluated for each Host, as the docs say.
    for host in HOSTS:
        python = work / "envs" / f"{host.release}-{host.arch}" / "bin" / "python"
        markers = run([python, "-c", MARKERS], work).split()
        assert markers == [host.uname, host.version], markers

    # The check of the documentation, in the script's armhf environment.
    armhf = work / "envs" / "bookworm-armhf" / "bin"
    run([armhf / "pip", "install", "--no-index", "--find-links", "wheelhouse", "markupsafe"], work)
    code = 'import markupsafe._speedups; print(markupsafe.escape("<a>"))'
    answer = subprocess.run(
        [armhf / "cross-run", "-c", code], cwd=work, capture_output=True, text=True
    )
    assert (answer.returncode, answer.stdout) == (0, "&lt;a&gt;\n"), answer.stderr

    for host in HOSTS:
        setup = make_setup(
            tmp_path_factory,
            host.version,
            host.release,
            host.arch,
            host_python=host_pythons[host.arch],
        )
        installed = setup.run(
            [
                setup.bin / "pip",
                "install",
                "--no-index",
                "--find-links",
                wheelhouse,
                "markupsafe",
                "cext-demo",
                "six",
            ]
        ).stdout
        taken = set(re.findall(r"^Processing .*/([^/\s]+\.whl)$", installed, re.M))
        assert taken == expected_wheels(host) | {PURE_WHEEL}, installed
        tags = {
            line.partition(": ")[2]
            for metadata in setup.cross_site.glob("*.dist-info/WHEEL")
            for line in metadata.read_text("utf-8").splitlines()
            if line.startswith("Tag: ")
        }
        assert host.tag in tags
        assert tags <= {host.tag, "py2-none-any", "py3-none-any"}, tags
        binaries = list(setup.cross_site.rglob("*.so"))
        assert {path.name.partition(".")[0] for path in binaries} == {"_speedups", "cext_demo"}
        for binary in binaries:
            assert elf_machine(binary) == host.machine, binary
        out = setup.on_target(TARGET_CODE).split()
        assert out == ["&lt;a&gt;", host.uname, str(host.pointer_size), "True"], out


def test_the_script_is_the_documented_one() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "howto-scale.rst").read_text()
    block = text.split(":name: wheelhouse-script\n\n", 1)[1].split("\n\n", 1)[0]
    assert "\n".join(line[3:] for line in block.splitlines()) + "\n" == SCRIPT
