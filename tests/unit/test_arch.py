"""The architecture table, checked against real data, and every lookup that derives from it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Dict, List

import pytest

from crossenv import arch, crossfiles, debian, launchers, rust, sysroot, target, toolchain
from crossenv._runtime import elf
from crossenv.arch import ARCHES, Arch

from ..gaps import missing
from .conftest import DATA, fixture_vars

ALL = sorted(ARCHES)
RUST_ARCHITECTURE_MK = Path("/usr/share/rustc/architecture.mk")


def dpkg_architecture(name: str) -> Dict[str, str]:
    """What ``dpkg-architecture -a NAME`` says of the Debian architecture *name*."""
    if shutil.which("dpkg-architecture") is None:
        missing("dpkg-architecture (the dpkg-dev package)")
    done = subprocess.run(
        ["dpkg-architecture", "-a", name], capture_output=True, text=True, check=True
    )
    pairs = (line.partition("=") for line in done.stdout.splitlines())
    return {key: value for key, _, value in pairs}


@pytest.mark.parametrize("name", ALL)
def test_the_table_agrees_with_dpkg(name: str) -> None:
    row = ARCHES[name]
    found = dpkg_architecture(name)
    assert row.debian == found["DEB_HOST_ARCH"]
    assert row.multiarch == found["DEB_HOST_MULTIARCH"]
    assert row.gnu_cpu == found["DEB_HOST_GNU_CPU"]
    assert row.gnu_type == found["DEB_HOST_GNU_TYPE"]
    assert row.system == found["DEB_HOST_GNU_SYSTEM"]
    assert row.bits == int(found["DEB_HOST_ARCH_BITS"])
    assert row.big_endian == (found["DEB_HOST_ARCH_ENDIAN"] == "big")


@pytest.mark.parametrize("name", ALL)
def test_the_rust_triple_is_debian_rustcs(name: str, tmp_path: Path) -> None:
    if not RUST_ARCHITECTURE_MK.is_file() or shutil.which("make") is None:
        missing(f"{RUST_ARCHITECTURE_MK} (Debian's rustc package) and make")
    makefile = tmp_path / "rust.mk"
    makefile.write_text(f"include {RUST_ARCHITECTURE_MK}\nall:\n\t@echo $(DEB_HOST_RUST_TYPE)\n")
    command = ["dpkg-architecture", "-a", name, "-c", "make", "-s", "-f", str(makefile)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ARCHES[name].rust_triple


@pytest.mark.system
@pytest.mark.parametrize("name", ALL)
def test_the_qemu_program_is_qemu_users(name: str) -> None:
    if shutil.which("qemu-aarch64") is None:
        missing("qemu-user")
    assert shutil.which(ARCHES[name].qemu) is not None, ARCHES[name].qemu
    cpu = ARCHES[name].qemu_cpu
    if cpu:  # a CPU qemu-user knows for this program
        done = subprocess.run([ARCHES[name].qemu, "-cpu", "help"], capture_output=True, text=True)
        assert cpu in done.stdout.split(), f"{ARCHES[name].qemu} has no CPU {cpu}"


def test_armel_runs_on_an_armv5te() -> None:
    """Debian armel's baseline is ARMv5TE: qemu's default CPU would run ARMv7 code."""
    assert ARCHES["armel"].qemu_cpu == "arm926"
    assert not any(row.qemu_cpu for name, row in ARCHES.items() if name != "armel")


#: meson's reference table of ``cpu_family`` values (the ones for Linux CPUs).
MESON_CPU_FAMILIES = {
    "aarch64", "arm", "loongarch64", "mips", "mips64", "ppc", "ppc64", "riscv32", "riscv64",
    "s390", "s390x", "sparc", "sparc64", "x86", "x86_64",
}  # fmt: skip


@pytest.mark.parametrize("name", ALL)
def test_names_of_other_tables(name: str) -> None:
    row = ARCHES[name]
    assert row.meson_cpu_family in MESON_CPU_FAMILIES
    assert row.elf_machine in elf.MACHINE_NAMES
    assert row.qemu.startswith("qemu-")
    assert row.rust_triple.endswith(row.system.replace("linux-", "unknown-linux-", 1))


def elf_fixtures() -> List[str]:
    return sorted(path.name for path in (DATA / "elf").glob("libz-*"))


@pytest.mark.parametrize("name", elf_fixtures())
def test_the_elf_facts_match_real_binaries(name: str) -> None:
    row = ARCHES[name.split("-")[1].split(".")[0]]
    info = elf.read_file(DATA / "elf" / name)
    assert info is not None
    assert (info.machine, info.bits, info.big_endian) == (
        row.elf_machine,
        row.bits,
        row.big_endian,
    )


@pytest.mark.parametrize("name", ALL)
def test_every_name_finds_its_row(name: str) -> None:
    row = ARCHES[name]
    assert arch.by_multiarch(row.multiarch) is row
    assert arch.by_triple(row.gnu_type, exact=True) is row
    vendor = row.gnu_type.replace("-", "-unknown-", 1)
    assert arch.by_triple(vendor, exact=True) is row
    assert arch.by_triple(row.rust_triple, exact=True) is row
    assert arch.by_machine(row.machine, row.big_endian) is row
    assert arch.find(machine=row.machine, big_endian=row.big_endian) is row
    for spelling in (row.gnu_cpu, row.rust_cpu, *row.cpu_aliases):
        assert arch.canonical_cpu(spelling) == row.gnu_cpu


def test_a_machine_runs_its_own_arch_first() -> None:
    assert arch.by_machine("armv7l") is ARCHES["armhf"]
    assert arch.by_machine("armv6l") is ARCHES["armel"]
    assert arch.by_machine("mips64", big_endian=True) is None
    assert arch.by_triple("arm-linux-musleabihf") is ARCHES["armhf"]
    assert arch.by_triple("arm-linux-musleabihf", exact=True) is None
    assert arch.by_triple("sparc64-linux-gnu") is None


def host_of(row: Arch) -> target.HostDescription:
    """The HostDescription of a Debian Host-python of *row*, from the variables that tell."""
    config: Dict[str, object] = {
        "MACHDEP": "linux",
        "MULTIARCH": row.multiarch,
        "HOST_GNU_TYPE": row.gnu_type.replace("-", "-unknown-", 1),
        "SIZEOF_VOID_P": row.bits // 8,
        "WORDS_BIGENDIAN": int(row.big_endian),
        "EXT_SUFFIX": f".cpython-311-{row.multiarch}.so",
    }
    return target.describe(config)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ALL)
def test_every_module_answers_from_the_table(name: str) -> None:
    row = ARCHES[name]
    host = host_of(row)
    assert host.arch is row
    assert host.machine == row.machine
    assert host.platform == f"linux-{row.machine}"
    assert host.elf_machine == row.elf_machine == target.ELF_MACHINES[row.machine]
    assert crossfiles.qemu_name(host) == row.qemu
    assert rust.triple(host) == row.rust_triple
    assert toolchain.same_target(row.gnu_type, row.multiarch)
    assert toolchain.same_target(row.rust_triple, host.triple)
    others = [other for other in ARCHES.values() if other is not row]
    assert not any(toolchain.same_target(other.gnu_type, host.triple) for other in others)
    tools = crossfiles.BuildTools("cc", "c++", "ar", "strip", "ranlib", "python", "include")
    cross_file = crossfiles.meson_cross_file(host, tools)
    assert f"cpu_family = '{row.meson_cpu_family}'" in cross_file
    assert f"cpu = '{row.machine}'" in cross_file
    assert f"endian = '{'big' if row.big_endian else 'little'}'" in cross_file


@pytest.mark.parametrize("name", debian.SYSROOT_ARCHES)
def test_the_sysroot_answers_from_the_table(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = ARCHES[name]
    assert sysroot.RUST_TRIPLES[name] == row.rust_triple
    monkeypatch.setattr(shutil, "which", lambda program: f"/usr/bin/{program}")
    cpu = ["-cpu", row.qemu_cpu] if row.qemu_cpu else []
    assert debian.qemu_command(name, tmp_path) == [row.qemu, *cpu, "-L", str(tmp_path)]


def test_machines_of_other_hosts_keep_their_table_row() -> None:
    armhf = host_of(ARCHES["armhf"])
    on_armv8 = target.describe(
        {"MULTIARCH": armhf.multiarch, "HOST_GNU_TYPE": armhf.triple, "SIZEOF_VOID_P": 4},
        machine="armv8l",
    )
    assert on_armv8.arch is ARCHES["armhf"]
    assert crossfiles.qemu_name(on_armv8) == "qemu-arm"
    assert rust.triple(on_armv8) == "armv7-unknown-linux-gnueabihf"
    musl = target.describe({"MULTIARCH": "aarch64-linux-musl", "SIZEOF_VOID_P": 8})
    assert rust.triple(musl) == "aarch64-unknown-linux-musl"
    assert musl.elf_machine == elf.EM_AARCH64


@pytest.mark.parametrize("name", ALL)
def test_every_runner_of_host_programs_takes_the_qemu_cpu(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """cross-run, CMake's emulator and meson's exe_wrapper run on the same CPU."""
    row = ARCHES[name]
    host = host_of(row)
    monkeypatch.setattr(shutil, "which", lambda program: f"/usr/bin/{program}")
    cpu = ["-cpu", row.qemu_cpu] if row.qemu_cpu else []
    assert crossfiles.emulator(host, "/s") == [f"/usr/bin/{row.qemu}", *cpu, "-L", "/s"]
    assert crossfiles.qemu_cpu(host) == row.qemu_cpu
    tools = crossfiles.BuildTools(
        cc="cc", cxx="c++", ar="ar", strip="strip", ranlib="ranlib", python="/e/bin/python",
        include_dir="/s/usr/include", sysroot="/s", emulator=[], pkg_config_root="/s",
        pkg_config_dirs=(),
    )  # fmt: skip
    script = crossfiles.emulator_script(host, tools)
    assert f"qemu_cpu={launchers.sh_quoted(row.qemu_cpu)}\n" in script


#: numpy's long double formats, by (``__LDBL_MANT_DIG__``, ``__SIZEOF_LONG_DOUBLE__``).
_LONG_DOUBLES = {
    (53, 8): "IEEE_DOUBLE",
    (64, 12): "INTEL_EXTENDED_12_BYTES",
    (64, 16): "INTEL_EXTENDED_16_BYTES",
    (106, 16): "IBM_DOUBLE_DOUBLE",
    (113, 16): "IEEE_QUAD",
}
#: The architectures whose cross compilers the tests install (tests/prepare.sh).
COMPILED = ["amd64", "arm64", "armhf", "armel", "i386", "ppc64el", "s390x", "mips64el", "riscv64"]


@pytest.mark.system
@pytest.mark.parametrize("name", COMPILED)
def test_long_double_format_is_the_compilers(name: str) -> None:
    """The cross compiler's predefined macros name the format numpy asks for."""
    row = ARCHES[name]
    compiler = f"{row.gnu_type}-gcc"
    if shutil.which(compiler) is None:
        missing(f"{compiler} (apt-get install gcc-{row.gnu_type})")
    done = subprocess.run(
        [compiler, "-dM", "-E", "-"], input="", capture_output=True, text=True, check=True
    )
    words = [line.split(None, 2) for line in done.stdout.splitlines()]
    macros = {parts[1]: parts[2] for parts in words if len(parts) == 3}
    kind = (int(macros["__LDBL_MANT_DIG__"]), int(macros["__SIZEOF_LONG_DOUBLE__"]))
    order = "BE" if macros["__BYTE_ORDER__"] == "__ORDER_BIG_ENDIAN__" else "LE"
    assert row.longdouble_format == f"{_LONG_DOUBLES[kind]}_{order}"


#: Captured Debian sysconfigdata fixtures, by the architecture they are of.
DEBIAN_FIXTURES = {
    "debian-bookworm-arm64-3.11.py": "arm64",
    "debian-bookworm-armhf-3.11.py": "armhf",
    "debian-bookworm-s390x-3.11.py": "s390x",
    "debian-trixie-arm64-3.13.py": "arm64",
    "debian-trixie-riscv64-3.13.py": "riscv64",
    "debian-forky-arm64-3.14.py": "arm64",
}
#: ``SIZEOF_LONG_DOUBLE`` of each long double format.
_LONG_DOUBLE_SIZES = {
    "IEEE_DOUBLE": 8,
    "INTEL_EXTENDED_12_BYTES": 12,
    "INTEL_EXTENDED_16_BYTES": 16,
    "IBM_DOUBLE_DOUBLE": 16,
    "IEEE_QUAD": 16,
}


@pytest.mark.parametrize(("fixture", "name"), sorted(DEBIAN_FIXTURES.items()))
def test_the_table_agrees_with_captured_host_pythons(fixture: str, name: str) -> None:
    config = fixture_vars(fixture)
    row = ARCHES[name]
    assert config["MULTIARCH"] == row.multiarch
    assert int(config["SIZEOF_VOID_P"]) * 8 == row.bits
    assert bool(int(config.get("DOUBLE_IS_BIG_ENDIAN_IEEE754", 0))) == row.big_endian
    assert str(config["EXT_SUFFIX"]).endswith(f"-{row.multiarch}.so")
    size = _LONG_DOUBLE_SIZES[row.longdouble_format.rsplit("_", 1)[0]]
    assert int(config["SIZEOF_LONG_DOUBLE"]) == size
    described = target.describe(config)
    assert described.arch is row
    assert described.platform == f"linux-{row.machine}"
