"""Every Debian architecture: built with defaults, marked for the Host, right on the target.

For each Host a Debian Host-python comes from ``crossenv-sysroot``, an
environment is made with defaults and real sdists are cross-built with the
real cross gcc; every ``.so`` must carry the Host's ELF machine, class and
byte order, and code run on the target under qemu-user must give the known
answer. armel runs under qemu's ``arm926`` (an ARMv5TE, Debian armel's
baseline), so an instruction of a newer ARM fails there instead of passing
under qemu's default CPU.

CI builds one C sdist per architecture; ``tox -e arches`` adds a C++
project (scikit-build-core) and a Cython one.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Callable, Dict, List, NamedTuple

import pytest

from crossenv.debian import python_version

from .conftest import (
    FOREIGN_RELEASE,
    REPO,
    ElfHeader,
    Setup,
    copy_project,
    elf_header,
    make_setup,
    require_toolchain,
)

pytestmark = pytest.mark.integration


class Host(NamedTuple):
    """A Debian architecture, with what its binaries and wheels must say."""

    release: str
    #: ELF class, data encoding and ``e_machine``, from the ELF specification
    #: and its processor supplements (written here, not taken from crossenv).
    elf: ElfHeader
    #: ``uname -m`` of the Host, as pip on the Host tags wheels ``linux_<machine>``.
    machine: str


HOSTS: Dict[str, Host] = {
    "arm64": Host("bookworm", ElfHeader(64, "little", 183), "aarch64"),
    "armhf": Host("bookworm", ElfHeader(32, "little", 40), "armv7l"),
    "armel": Host("bookworm", ElfHeader(32, "little", 40), "armv5tel"),
    "i386": Host("bookworm", ElfHeader(32, "little", 3), "i686"),
    "ppc64el": Host("bookworm", ElfHeader(64, "little", 21), "ppc64le"),
    "s390x": Host("bookworm", ElfHeader(64, "big", 22), "s390x"),
    "mips64el": Host("bookworm", ElfHeader(64, "little", 8), "mips64"),
    "riscv64": Host("trixie", ElfHeader(64, "little", 243), "riscv64"),
}

#: A C sdist that builds in seconds, and what its C code answers: one
#: character of each width CPython stores strings in (1, 2 and 4 bytes), so
#: a wrong word size or byte order in the extension gives another string.
C_SDIST = "markupsafe==2.1.5"
C_CODE = 'import markupsafe._speedups as s; print(s.__file__); print(s.escape("<é€😀&\'\\">"))'
C_ANSWER = "&lt;é€😀&amp;&#39;&#34;&gt;"


@pytest.fixture(scope="module", params=list(HOSTS))
def arch_setup(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    host_setup: Callable[[str], Setup],
) -> Setup:
    """An environment made with defaults for each Debian architecture in turn.

    Hosts of the foreign release share the session's environment (see
    ``host_setup``); another release gets its own.
    """
    arch: str = request.param
    release = HOSTS[arch].release
    if release == FOREIGN_RELEASE:
        return host_setup(arch)
    require_toolchain(arch)
    return make_setup(tmp_path_factory, python_version(release), release, arch)


def check_binaries(setup: Setup, built: List[Path]) -> None:
    expected = HOSTS[setup.arch].elf
    assert elf_header(setup.host_python) == expected  # the table is the sysroot's truth
    assert built, "no extension module was built"
    wrong = {str(path): elf_header(path) for path in built if elf_header(path) != expected}
    assert not wrong, f"not for {setup.arch} ({expected}): {wrong}"


def test_c_sdist(arch_setup: Setup, tmp_path: Path) -> None:
    setup = arch_setup
    wheels = tmp_path / "wheels"
    setup.run([setup.bin / "pip", "wheel", "--no-binary", ":all:", "-w", wheels, C_SDIST])
    (wheel,) = wheels.glob("*.whl")
    tag = wheel.name[: -len(".whl")].rsplit("-", 1)[1]
    assert tag == f"linux_{HOSTS[setup.arch].machine}", wheel.name
    setup.run([setup.bin / "pip", "install", "--no-index", wheel])
    check_binaries(setup, sorted((setup.cross_site / "markupsafe").glob("*.so")))
    where, answer = setup.on_target(C_CODE).splitlines()
    assert where.startswith(str(setup.cross_site)), where
    assert answer == C_ANSWER


@pytest.mark.arches
def test_cpp_project(arch_setup: Setup, tmp_path: Path) -> None:
    setup = arch_setup
    setup.run([setup.bin / "pip", "install", copy_project("cmake_ext", tmp_path)])
    check_binaries(setup, sorted(setup.cross_site.glob("cmake_cpp*.so")))
    assert setup.on_target("import cmake_cpp; print(cmake_cpp.total(10))").strip() == "45"


@pytest.mark.arches
def test_cython_project(arch_setup: Setup, tmp_path: Path) -> None:
    setup = arch_setup
    # The README's build without isolation, with the Build layer's setuptools
    # (its commands are entry points, whose metadata Cross-python must see).
    setup.run([setup.bin / "build-pip", "install", "-U", "setuptools", "Cython"])
    where = setup.run([setup.bin / "python", "-c", "import setuptools; print(setuptools.__file__)"])
    assert str(setup.env_dir / "build") in where.stdout, where.stdout
    setup.run([setup.bin / "cross-expose", "Cython"])
    project = tmp_path / "cy project"
    shutil.copytree(REPO / "tests" / "data" / "projects" / "cython_ext", project)
    setup.run([setup.bin / "pip", "install", "--no-build-isolation", project])
    check_binaries(setup, sorted((setup.cross_site / "cyext").glob("fast*.so")))
    code = "from cyext.fast import triangle; import json; print(json.dumps(triangle(10)))"
    assert json.loads(setup.on_target(code)) == 45
