"""Fixtures for integration tests: real Host sysroots, real cross compilers, qemu-user.

These tests never skip: a missing toolchain or emulator is a failure that
names the Debian package to install (``.ci/run`` installs them).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import glob
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Literal, Optional, Sequence

import pytest

from crossenv import sysroot
from crossenv.errors import SysrootError

from ..gaps import missing

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("CROSSENV_TEST_CACHE", REPO / ".cache"))

#: The Build-python most Debian and Ubuntu users have: the distribution's
#: own, whose sysconfig and install schemes are patched (another
#: sysconfigdata name, ``local`` and ``deb_system`` schemes, an older pip).
DEBIAN_PYTHON = "/usr/bin/python3.11"


@dataclasses.dataclass(frozen=True)
class Pair:
    """A Build-python and the Debian release whose Host-python it pairs with."""

    #: Python major.minor of both.
    version: str
    release: str
    #: A fixed Build-python, or None for pyenv's (else pythonX.Y on PATH).
    python: Optional[str] = None

    @property
    def id(self) -> str:
        kind = "debian" if self.python == DEBIAN_PYTHON else "pyenv"
        return f"{self.version}-{self.release}-{kind}"


PAIRS = [Pair("3.11", "bookworm"), Pair("3.11", "bookworm", DEBIAN_PYTHON), Pair("3.13", "trixie")]

#: Hosts unlike arm64 in what extensions most often get wrong: s390x is
#: big-endian, armhf has 32-bit pointers and longs.
FOREIGN_ARCHES = ("s390x", "armhf")
#: The Debian release (and so the Python version) of the foreign Hosts.
FOREIGN_RELEASE = "bookworm"

#: Debian architecture -> GNU triple, the prefix of its cross compilers (and,
#: with ``gcc-``/``g++-`` before it, the name of their Debian packages).
GNU_TRIPLES: Dict[str, str] = {
    "arm64": "aarch64-linux-gnu",
    "armhf": "arm-linux-gnueabihf",
    "armel": "arm-linux-gnueabi",
    "i386": "i686-linux-gnu",
    "ppc64el": "powerpc64le-linux-gnu",
    "s390x": "s390x-linux-gnu",
    "mips64el": "mips64el-linux-gnuabi64",
    "riscv64": "riscv64-linux-gnu",
}


def build_python(version: str) -> str:
    """Find a Build-python of ``version`` (pyenv's, or pythonX.Y on PATH)."""
    candidates = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python")))
    found = candidates[-1] if candidates else shutil.which(f"python{version}")
    if not found:
        missing(f"no Build-python {version} on this machine (pyenv or python{version} on PATH)")
    return found


def free_port() -> int:
    """A TCP port of 127.0.0.1 nothing listens on (now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def require(program: str, package: str) -> None:
    if shutil.which(program) is None:
        pytest.fail(f"{program} not found: apt-get install -y {package}")


@dataclasses.dataclass
class Setup:
    """One Build-python + Host-python pair with a fresh environment."""

    version: str
    release: str
    python: str
    sysroot: Path
    host_python: Path
    env_dir: Path
    #: Debian architecture of the Host: picks the qemu that runs its binaries.
    arch: str = "arm64"

    @property
    def bin(self) -> Path:
        return self.env_dir / "bin"

    @property
    def cross_site(self) -> Path:
        return self.env_dir / "cross" / "lib" / f"python{self.version}" / "site-packages"

    def run(self, command: Sequence[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        """Run ``command``; fail the test with its output if it fails."""
        done = subprocess.run(
            [str(part) for part in command],
            capture_output=True,
            text=True,
            **kwargs,  # type: ignore[call-overload]
        )
        if done.returncode != 0:
            pytest.fail(
                f"{' '.join(map(str, command))} exited {done.returncode}\n"
                f"--- stdout\n{done.stdout[-6000:]}\n--- stderr\n{done.stderr[-6000:]}"
            )
        return done

    def on_target(self, code: str, *, path: Sequence[Path] = ()) -> str:
        """Run ``code`` with the real Host-python under qemu-user."""
        paths = [str(self.cross_site), *map(str, path)]
        prologue = f"import sys; sys.path[:0] = {paths!r}\n"
        command = [
            *sysroot.qemu_command(self.arch, self.sysroot),
            str(self.host_python),
            "-c",
            prologue + code,
        ]
        return self.run(command).stdout


def copy_project(name: str, tmp_path: Path) -> Path:
    """A fresh copy of a fixture project: builds write into the source tree."""
    target = tmp_path / "projects" / name
    if not target.exists():
        shutil.copytree(REPO / "tests" / "data" / "projects" / name, target)
    return target


def crossenv_command(python: str, *args: object) -> List[str]:
    return [python, "-m", "crossenv", *map(str, args)]


#: Where crossenv's own run-time dependencies are installed for the test
#: Build-pythons, which run crossenv from the source tree (``PYTHONPATH``).
DEPENDENCIES = CACHE / "crossenv-dependencies"


@contextlib.contextmanager
def cache_lock() -> Iterator[None]:
    """Hold the lock of :data:`CACHE` while filling it.

    Test processes (``pytest -n``) share the cache: one fetches a sysroot or
    installs the dependencies while the others wait, then find it done.
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def install_dependencies() -> None:
    """Install the ``[project] dependencies`` (pure-Python wheels) for every test Python."""
    with cache_lock():
        _install_dependencies()


def _install_dependencies() -> None:
    import sys

    import tomllib

    wanted = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    stamp = DEPENDENCIES / "requirements.txt"
    text = "\n".join(wanted["dependencies"]) + "\n"
    if stamp.is_file() and stamp.read_text("utf-8") == text:
        return
    shutil.rmtree(DEPENDENCIES, ignore_errors=True)
    command = [sys.executable, "-m", "pip", "install", "-q", "--target", str(DEPENDENCIES)]
    subprocess.run([*command, "--only-binary", ":all:", *wanted["dependencies"]], check=True)
    stamp.write_text(text, "utf-8")


def repo_env() -> Dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(DEPENDENCIES)])
    return env


#: Debian's rustc on this machine comes from bookworm: only that sysroot gets its std.
RUST_RELEASE = "bookworm"


def fetch_sysroot(release: str, arch: str = "arm64") -> Path:
    """Host-python of Debian ``release`` for ``arch``, fetched once into the cache.

    Only the arm64 sysroot of :data:`RUST_RELEASE` gets the Rust standard
    library: the Rust tests use no other, and it is a large download.
    """
    dest = CACHE / f"sysroot-{release}-{arch}"
    rust = arch == "arm64" and release == RUST_RELEASE
    with cache_lock():
        return sysroot.fetch(arch, release, dest, rust=rust)


#: The Debian release whose Python (3.14) no pyenv here has: its amd64
#: interpreter serves as Build-python through its own dynamic loader.
FORKY = "forky"


def forky_build_python() -> str:
    """Debian forky's python3.14 for amd64, runnable here; made once in the cache.

    Its ``python3.14`` needs forky's glibc, newer than this machine's, so it
    runs through forky's own dynamic loader and libraries (a two-line
    wrapper); nothing of the machine's system changes. Its standard library
    is forky's, seen through symbolic links, except for the sysconfigdata,
    whose copy names forky's ``/usr/share/python-wheels`` (where its
    ensurepip finds pip) inside the fetched tree instead of this machine's.
    """
    home = CACHE / "python-forky-amd64"
    python = home / "bin" / "python3.14"
    with cache_lock():
        if python.is_file():
            return str(python)
        root = CACHE / "sysroot-forky-amd64"
        sysroot.fetch("amd64", FORKY, root, rust=False)
        subprocess.run(
            [sys.executable, "-m", "crossenv.sysroot", "-q", "--add", "python3.14-venv", str(root)],
            check=True,
            env=repo_env(),
        )
        work = home.with_name(home.name + ".partial")
        shutil.rmtree(work, ignore_errors=True)
        stdlib = root / "usr" / "lib" / "python3.14"
        view = work / "lib" / "python3.14"
        view.mkdir(parents=True)
        wheels = f"{root}/usr/share/python-wheels/"
        for entry in stdlib.iterdir():
            if entry.name.startswith("_sysconfigdata_"):
                text = entry.read_text(encoding="utf-8")
                text = text.replace("'/usr/share/python-wheels/'", repr(wheels))
                (view / entry.name).write_text(text, encoding="utf-8")
            else:
                (view / entry.name).symlink_to(entry)
        loader = root / "lib64" / "ld-linux-x86-64.so.2"
        libraries = f"{root}/usr/lib/x86_64-linux-gnu:{root}/lib/x86_64-linux-gnu"
        wrapper = work / "bin" / "python3.14"
        wrapper.parent.mkdir()
        wrapper.write_text(
            "#!/bin/sh\n"
            f"exec {shlex.quote(str(loader))} --library-path {shlex.quote(libraries)} "
            f'--argv0 "$0" {shlex.quote(str(root / "usr" / "bin" / "python3.14"))} "$@"\n',
            encoding="utf-8",
        )
        wrapper.chmod(0o755)
        work.rename(home)
    return str(python)


def require_toolchain(arch: str) -> None:
    """Fail, naming the Debian packages, unless ``arch``'s C and C++ cross compilers exist."""
    triple = GNU_TRIPLES[arch]
    require(f"{triple}-gcc", f"gcc-{triple}")
    require(f"{triple}-g++", f"g++-{triple}")


def make_setup(
    tmp_path_factory: pytest.TempPathFactory,
    version: str,
    release: str,
    arch: str,
    host_python: Optional[Path] = None,
    python: Optional[str] = None,
    options: Sequence[str] = (),
) -> Setup:
    """Create a cross environment for Debian ``release``'s Host-python on ``arch``.

    The Host-python is that of the cached sysroot unless ``host_python`` names
    another; the Build-python is pyenv's ``version`` unless ``python`` is given.
    """
    if host_python is None:
        host_python = fetch_sysroot(release, arch)
    root = host_python.parents[2]
    try:  # Fail here, once, rather than in every test that runs on the target.
        sysroot.qemu_command(arch, root)
    except SysrootError as error:
        pytest.fail(str(error))
    # A path with a space and a non-ASCII letter, as users have them.
    label = f"env {version}" if arch == "arm64" else f"env {version} {arch}"
    env_dir = tmp_path_factory.mktemp(label) / "crôss env"
    python = python or build_python(version)
    done = subprocess.run(
        crossenv_command(python, host_python, env_dir, *options),
        env=repo_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    for layer in ("build", "cross"):  # see fresh_caches; the file ends in [global]
        with open(env_dir / layer / "pip.conf", "a", encoding="utf-8") as conf:
            conf.write(f"cache-dir = {env_dir.parent / 'pip cache'}\n")
    return Setup(version, release, python, root, host_python, env_dir, arch)


#: The pair whose Build-python most users have: the one CI builds real recipes with.
CI_RECIPE_PAIR = Pair("3.11", "bookworm", DEBIAN_PYTHON)
#: Tests of the ``setup`` fixture that CI runs with :data:`CI_RECIPE_PAIR` only:
#: what they check does not depend on the Build-python.
ONE_PAIR_IN_CI = frozenset(
    {
        "test_recipe",
        "test_cross_expose_lets_build_no_isolation_see_only_what_it_needs",
        "test_fortran_through_the_meson_cross_file",
    }
)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    """Mark the heavy matrix ``slow``: docs/recipes.rst's real sdists on every pair.

    CI builds each recipe (and runs the other :data:`ONE_PAIR_IN_CI` tests)
    with :data:`CI_RECIPE_PAIR`; ``tox -e recipes`` builds them with the
    other pairs, ``tox -e slow`` runs the rest. The Rust recipe where the Host has no
    Rust std (a one-line error, seconds) stays in CI on every pair.
    """
    for item in items:
        params = getattr(item, "callspec", None)
        if params is None or item.name.split("[")[0] not in ONE_PAIR_IN_CI:
            continue
        pair = params.params.get("setup")
        if pair == CI_RECIPE_PAIR:
            continue
        if params.params.get("recipe") == "rust" and pair.release != RUST_RELEASE:
            continue
        item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def dependencies() -> None:
    install_dependencies()


@pytest.fixture(scope="session", autouse=True)
def fresh_caches(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every session builds for real: no wheel built by an earlier run is reused.

    pip's cache (and crossenv's own) go to a folder of this session; each
    environment of :func:`make_setup` has a pip cache of its own besides,
    since pip's cache key would let two Build-pythons of one version share
    the wheels one of them built.
    """
    os.environ.pop("PIP_CACHE_DIR", None)  # it would outrank the environments' own
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session", params=PAIRS, ids=[pair.id for pair in PAIRS])
def setup(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Setup]:
    pair: Pair = request.param
    require_toolchain("arm64")
    require("/usr/bin/rustc", "rustc cargo")
    if pair.python is not None and not os.path.isfile(pair.python):
        missing(f"{pair.python} not found: apt-get install -y python3 python3-venv python3-dev")
    python = pair.python or build_python(pair.version)
    if pair.python is None and os.path.realpath(python) == os.path.realpath(DEBIAN_PYTHON):
        # No pyenv here: python3.X on PATH is Debian's, which its own pair tests.
        missing(f"no pyenv Python {pair.version} here (python{pair.version} is Debian's)")
    yield make_setup(tmp_path_factory, pair.version, pair.release, "arm64", python=python)


@pytest.fixture(scope="session")
def host_setup(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Setup]:
    """A factory: ``host_setup(arch)`` is the session's one environment for that Host.

    The Host-python is Debian :data:`FOREIGN_RELEASE`'s, with a Build-python of
    the same version. Each environment is made on first use only, so a test
    module asks for just the Hosts it needs, and two modules asking for the
    same Host share one environment.
    """
    version = sysroot.python_version(FOREIGN_RELEASE)
    made: Dict[str, Setup] = {}

    def get(arch: str) -> Setup:
        if arch not in made:
            require_toolchain(arch)
            made[arch] = make_setup(tmp_path_factory, version, FOREIGN_RELEASE, arch)
        return made[arch]

    return get


@pytest.fixture(scope="session", params=FOREIGN_ARCHES)
def foreign_setup(request: pytest.FixtureRequest, host_setup: Callable[[str], Setup]) -> Setup:
    """An environment for each of :data:`FOREIGN_ARCHES` in turn."""
    arch: str = request.param
    return host_setup(arch)


@dataclasses.dataclass(frozen=True)
class ElfHeader:
    """What an ELF header says about the machine a binary is for."""

    #: 32 or 64 (``EI_CLASS``).
    bits: int
    #: "little" or "big" (``EI_DATA``), spelled as :data:`sys.byteorder` is.
    byteorder: Literal["little", "big"]
    #: ``e_machine``, e.g. 183 for aarch64, 40 for ARM, 22 for s390.
    machine: int


#: ``EI_CLASS`` and ``EI_DATA`` values (ELF specification, "e_ident").
_ELF_CLASSES = {1: 32, 2: 64}
_ELF_ORDERS: Dict[int, Literal["little", "big"]] = {1: "little", 2: "big"}


def elf_header(path: Path) -> ElfHeader:
    """Read ``path``'s ELF identification and ``e_machine``.

    ``e_machine`` is stored in the file's own byte order, so that order is
    read from the header first: a big-endian (s390x) binary read as
    little-endian would give 5632 instead of 22.
    """
    with path.open("rb") as file:
        header = file.read(20)
    assert header[:4] == b"\x7fELF", f"{path} is not ELF"
    assert header[4] in _ELF_CLASSES, f"{path}: unknown ELF class {header[4]}"
    assert header[5] in _ELF_ORDERS, f"{path}: unknown ELF byte order {header[5]}"
    order = _ELF_ORDERS[header[5]]
    machine = int.from_bytes(header[18:20], order)
    return ElfHeader(_ELF_CLASSES[header[4]], order, machine)


def elf_machine(path: Path) -> int:
    """``e_machine`` of an ELF file, in whatever byte order the file has."""
    return elf_header(path).machine


def identity_script() -> str:
    return (
        "import json, os, platform, sys, sysconfig\n"
        "print(json.dumps({'sys.platform': sys.platform, 'machine': os.uname().machine,"
        " 'platform.machine': platform.machine(), 'platform': sysconfig.get_platform(),"
        " 'EXT_SUFFIX': sysconfig.get_config_var('EXT_SUFFIX'),"
        " 'SOABI': sysconfig.get_config_var('SOABI'),"
        " 'multiarch': sys.implementation._multiarch,"
        " 'sysname': os.uname().sysname, 'architecture': platform.architecture()[0]}))\n"
    )


def load(text: str) -> Dict[str, object]:
    result: Dict[str, object] = json.loads(text)
    return result
