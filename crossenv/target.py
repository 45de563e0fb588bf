"""The Host's identity, computed from its build-time configuration (pure)."""

from __future__ import annotations

import dataclasses
import re
from typing import List, Mapping, Optional, Tuple

from ._runtime.verify import LEGACY_MANYLINUX
from .arch import ARCHES, Arch, by_triple, find
from .errors import UsageError
from .sysconfigdata import ConfigValue, text_var

#: ``uname().sysname`` for each ``MACHDEP``.
_SYSNAMES = {"linux": "Linux", "android": "Linux", "darwin": "Darwin", "ios": "Darwin"}

#: ELF ``e_machine`` for each ``uname -m`` (for checking binaries), from :mod:`crossenv.arch`.
ELF_MACHINES = {machine: arch.elf_machine for arch in ARCHES.values() for machine in arch.machines}

#: Platforms whose binaries are Mach-O, not ELF.
_NOT_ELF = ("darwin", "ios")


@dataclasses.dataclass(frozen=True)
class HostDescription:
    """What Cross-python reports about the machine it pretends to be."""

    #: ``sys.platform`` (``linux``, ``android``, ``ios``, ...).
    sys_platform: str
    #: ``os.uname().sysname``.
    sysname: str
    #: ``os.uname().machine`` and ``platform.machine()``.
    machine: str
    #: ``sysconfig.get_platform()``, e.g. ``linux-aarch64``.
    platform: str
    #: ``sys.implementation._multiarch`` (may be empty).
    multiarch: str
    #: The GNU triple the Host-python was configured for.
    triple: str
    #: ``EXT_SUFFIX`` of extension modules.
    ext_suffix: str
    #: 32 or 64.
    pointer_bits: int
    #: True for big-endian Hosts.
    big_endian: bool
    #: Module name under which sysconfig looks for the build-time variables.
    sysconfigdata_name: str
    #: Platform tags that pip accepts for wheels, most specific first.
    platform_tags: Tuple[str, ...]
    #: Platform tag given to built wheels instead of the plain one ("" = plain).
    wheel_tag: str = ""
    #: The GNU C library version of the Host, if known (``platform.libc_ver()``).
    glibc: Optional[Tuple[int, int]] = None
    #: The kernel release the Host's C library headers are for (``uname -r``), or "".
    kernel_release: str = ""
    #: Sizes in bytes of the C types that builds ask about (``struct``, ``ctypes``).
    sizes: Tuple[Tuple[str, int], ...] = ()

    @property
    def byteorder(self) -> str:
        """``sys.byteorder`` on the Host."""
        return "big" if self.big_endian else "little"

    @property
    def maxsize(self) -> int:
        """``sys.maxsize`` on the Host."""
        return (1 << (self.pointer_bits - 1)) - 1

    @property
    def arch(self) -> Optional[Arch]:
        """The Host's row of the architecture table (:func:`crossenv.arch.find`), if any."""
        return find(self.multiarch, self.triple, self.machine, self.big_endian)

    @property
    def elf_machine(self) -> Optional[int]:
        """The ELF ``e_machine`` value of this Host's binaries, if known."""
        arch = None if self.sys_platform in _NOT_ELF else self.arch
        return arch.elf_machine if arch is not None else None


def machine_from_triple(triple: str) -> str:
    """Return what ``uname -m`` prints on a machine of the GNU ``triple``."""
    cpu = triple.split("-", 1)[0]
    if "-apple-" in triple:
        return cpu  # Apple spells it arm64 everywhere
    if "-androideabi" in triple:
        return "armv7l"  # Android's one 32-bit ARM ABI is armeabi-v7a
    arch = by_triple(triple)
    return arch.machine if arch is not None else cpu


def tag_safe(text: str) -> str:
    """Turn a platform string into its wheel-tag spelling (``linux-x`` -> ``linux_x``)."""
    return re.sub(r"[^A-Za-z0-9]", "_", text)


def describe(
    config: Mapping[str, ConfigValue],
    *,
    machine: Optional[str] = None,
    platform: Optional[str] = None,
    manylinux: Tuple[str, ...] = (),
    platform_tags: Tuple[str, ...] = (),
    glibc: Optional[Tuple[int, int]] = None,
    kernel_release: str = "",
    musl: Optional[Tuple[int, int]] = None,
) -> HostDescription:
    """Compute the Host's identity from its ``build_time_vars``.

    ``machine`` and ``platform`` override what is derived.  When the Host's
    ``glibc`` version is known, every manylinux tag it can run is accepted,
    as pip on the Host would.  ``manylinux`` tags (crossenv 1.x's spellings,
    see :func:`manylinux_glibc`) declare the glibc instead, the newest one
    given: Cross-python reports it, and the first tag given, in its PEP 600
    spelling, tags built wheels.  ``platform_tags`` (``--platform-tag``)
    replace the accepted tags, as in crossenv 1.x (see :func:`given_tags`);
    the Host's plain tag, which wheels built here carry, always stays last.
    A Host with the ``musl`` C library accepts the musllinux tags of its
    version and older (PEP 656), and no manylinux tag.
    """
    machdep = text_var(config, "MACHDEP", "linux") or "linux"
    sys_platform = "linux" if machdep.startswith("linux") else machdep
    triple = text_var(config, "HOST_GNU_TYPE") or text_var(config, "MULTIARCH")
    multiarch = text_var(config, "MULTIARCH")
    _check_overrides(
        find(multiarch, triple, machine_from_triple(triple), _big_endian(config)), machine, platform
    )
    machine = machine or machine_from_triple(triple)
    platform = platform or _platform_of(config, sys_platform, machine)
    sizeof = config.get("SIZEOF_VOID_P", 8)
    abiflags = text_var(config, "ABIFLAGS")
    plain_tag = tag_safe(platform)
    row = find(multiarch, triple, machine, _big_endian(config))
    native = row.machines if row is not None and machine in row.machines else (machine,)
    native_tags = tuple(map(tag_safe, native))
    if musl and manylinux:
        raise UsageError(
            f"--manylinux {manylinux[0]}: the Host's C library is musl, not glibc; its wheels "
            f"are musllinux (e.g. --platform-tag musllinux_{musl[0]}_{musl[1]}_{native_tags[0]})"
        )
    declared = [manylinux_glibc(spec, native_tags) for spec in manylinux]
    given, given_glibc = given_tags(platform_tags, native_tags)
    if declared or given_glibc:
        glibc = max([version for version, _ in declared] + given_glibc)
    arches = dict.fromkeys([*(arch for _, arch in declared), tag_safe(machine)])
    auto = [tag for arch in arches for tag in manylinux_tags(arch, glibc)] if glibc else []
    if musl:
        minors = range(musl[1], -1, -1)
        auto = [f"musllinux_{musl[0]}_{minor}_{arch}" for arch in arches for minor in minors]
    if platform_tags:  # the user's list replaces what the Host's glibc would accept
        auto = [tag for version, arch in declared for tag in manylinux_tags(arch, version)]
    tags = tuple(dict.fromkeys((*given, *auto, plain_tag)))
    first = declared[0] if declared else None
    wheel_tag = f"manylinux_{first[0][0]}_{first[0][1]}_{first[1]}" if first else ""
    return HostDescription(
        sys_platform=sys_platform,
        sysname=_SYSNAMES.get(sys_platform, sys_platform.capitalize()),
        machine=machine,
        platform=platform,
        multiarch=multiarch,
        triple=triple,
        ext_suffix=text_var(config, "EXT_SUFFIX", ".so"),
        pointer_bits=8 * (sizeof if isinstance(sizeof, int) else 8),
        big_endian=_big_endian(config),
        sysconfigdata_name=f"_sysconfigdata_{abiflags}_{sys_platform}_{multiarch}",
        platform_tags=tags,
        wheel_tag=wheel_tag,
        glibc=glibc,
        kernel_release=kernel_release,
        sizes=c_sizes(config),
    )


def _check_overrides(row: Optional[Arch], machine: Optional[str], platform: Optional[str]) -> None:
    """Refuse a ``--machine`` or Linux ``--sysconfig-platform`` of a CPU the Host cannot run.

    Cross-python would report it, wheels would be tagged with it, and every
    build would be refused by the checks on what is built (exit 2 instead).
    """
    if row is None:
        return
    for option, value, named in (
        ("--machine", machine, machine),
        ("--sysconfig-platform", platform, (platform or "").partition("-")[2]),
    ):
        if value is None or (option == "--sysconfig-platform" and not value.startswith("linux-")):
            continue
        if named not in row.machines:
            raise UsageError(
                f"{option} {value}: the Host's {row.debian} code does not run on {named} "
                f"(it runs on {', '.join(row.machines)})"
            )


#: The C types whose size a build may ask about, and the ``SIZEOF_*``
#: variable of sysconfig that records it on the Host.
_SIZEOF_VARS = {
    "short": "SIZEOF_SHORT",
    "int": "SIZEOF_INT",
    "long": "SIZEOF_LONG",
    "long long": "SIZEOF_LONG_LONG",
    "size_t": "SIZEOF_SIZE_T",
    "void *": "SIZEOF_VOID_P",
    "float": "SIZEOF_FLOAT",
    "double": "SIZEOF_DOUBLE",
    "long double": "SIZEOF_LONG_DOUBLE",
    "wchar_t": "SIZEOF_WCHAR_T",
    "_Bool": "SIZEOF__BOOL",
}


def c_sizes(config: Mapping[str, ConfigValue]) -> Tuple[Tuple[str, int], ...]:
    """The Host's C type sizes that its sysconfigdata records, e.g. ``("long", 4)``."""
    found = ((name, config.get(var)) for name, var in _SIZEOF_VARS.items())
    return tuple((name, size) for name, size in found if isinstance(size, int) and size > 0)


#: Legacy manylinux names and the glibc they stand for.
_LEGACY = {glibc: name for name, glibc in LEGACY_MANYLINUX.items()}
_MANYLINUX = re.compile(
    r"manylinux(?:(?P<legacy>1|2010|2014)|_(?P<major>[0-9]+)_(?P<minor>[0-9]+))(?:_(?P<arch>.+))?"
)


def manylinux_glibc(
    spec: str, native: Tuple[str, ...], option: str = "--manylinux"
) -> Tuple[Tuple[int, int], str]:
    """The glibc a ``--manylinux`` spelling stands for, and its architecture.

    crossenv 1.x's spellings: ``manylinux1``, ``manylinux2010``,
    ``manylinux2014`` (glibc 2.5, 2.12, 2.17) and ``manylinux_X_Y``, each with
    or without the architecture, which must be one the Host runs natively
    (``native``, its own machine first, the default).  A tag for another CPU,
    or anything else, is refused (exit 2): a wheel tagged so would hold the
    Host's code under a name that installs elsewhere.
    """
    found = _MANYLINUX.fullmatch(spec)
    if found is None:
        raise UsageError(
            f"{option} {spec!r}: not a manylinux tag "
            "(manylinux2014, manylinux_2_28, or either with the architecture)"
        )
    arch = found.group("arch") or native[0]
    if arch not in native:
        raise UsageError(f"{option} {spec!r} is a tag for {arch}, not for the Host ({native[0]})")
    legacy = found.group("legacy")
    if legacy:
        version = LEGACY_MANYLINUX[f"manylinux{legacy}"]
    else:
        version = int(found.group("major")), int(found.group("minor"))
    oldest = (2, 5) if arch in ("x86_64", "i686") else (2, 17)
    if version < oldest:
        raise UsageError(
            f"{option} {spec!r}: manylinux has {arch} wheels from glibc "
            f"{oldest[0]}.{oldest[1]} (manylinux2014) on"
        )
    return version, arch


_MUSLLINUX = re.compile(r"musllinux_(?P<major>[0-9]+)_(?P<minor>[0-9]+)(?:_(?P<arch>.+))?")
_TAG = re.compile(r"[a-z0-9_]+")


def given_tags(
    specs: Tuple[str, ...], native: Tuple[str, ...]
) -> Tuple[List[str], List[Tuple[int, int]]]:
    """The accepted platform tags a ``--platform-tag`` list stands for, and its glibcs.

    A manylinux tag is spelled as :func:`manylinux_glibc` takes it and
    stands for the older manylinux tags too (pip on the Host accepts them);
    ``musllinux_X_Y`` and ``linux`` tags get or must name one of the Host's
    ``native`` architectures; other tags (``android_24_arm64_v8a``) must be
    well-formed.  ``linux-armv7l`` is sysconfig's spelling, for
    ``--sysconfig-platform``.
    """
    tags: List[str] = []
    versions: List[Tuple[int, int]] = []
    for spec in specs:
        option = f"--platform-tag {spec!r}"
        if "-" in spec:
            raise UsageError(
                f"{option}: a wheel platform tag has no '-' (linux_armv7l); "
                "sysconfig.get_platform() is set with --sysconfig-platform"
            )
        if _MANYLINUX.fullmatch(spec):
            version, arch = manylinux_glibc(spec, native, "--platform-tag")
            versions.append(version)
            tags += manylinux_tags(arch, version)
            continue
        musl = _MUSLLINUX.fullmatch(spec)
        linux = spec.startswith("linux_")
        arch = (musl.group("arch") if musl else spec[6:] if linux else None) or native[0]
        if (musl or linux) and arch not in native:
            raise UsageError(f"{option} is a tag for {arch}, not for the Host ({native[0]})")
        if musl:
            spec = f"musllinux_{musl.group('major')}_{musl.group('minor')}_{arch}"
        elif linux:
            spec = f"linux_{arch}"
        elif not _TAG.fullmatch(spec):
            raise UsageError(f"{option}: not a wheel platform tag (e.g. manylinux2014_aarch64)")
        tags.append(spec)
    return tags, versions


def manylinux_tags(machine: str, glibc: Tuple[int, int]) -> Tuple[str, ...]:
    """The manylinux tags a Host with ``glibc`` runs, newest first (PEP 600)."""
    oldest = 5 if machine in ("x86_64", "i686") else 17
    tags = []
    for minor in range(glibc[1], oldest - 1, -1):
        tags.append(f"manylinux_{glibc[0]}_{minor}_{machine}")
        legacy = _LEGACY.get((glibc[0], minor))
        if legacy and (minor == 17 or machine in ("x86_64", "i686")):
            tags.append(f"{legacy}_{machine}")
    return tuple(tags)


def _big_endian(config: Mapping[str, ConfigValue]) -> bool:
    # WORDS_BIGENDIAN is often only in pyconfig.h; the float layout is recorded.
    keys = ("WORDS_BIGENDIAN", "DOUBLE_IS_BIG_ENDIAN_IEEE754", "FLOAT_WORDS_BIGENDIAN")
    return any(config.get(key) == 1 for key in keys)


def _platform_of(config: Mapping[str, ConfigValue], sys_platform: str, machine: str) -> str:
    if sys_platform == "android":
        api = config.get("ANDROID_API_LEVEL", 21)
        abi = {"aarch64": "arm64_v8a", "x86_64": "x86_64", "i686": "x86"}.get(
            machine, "armeabi_v7a"
        )
        return f"android-{api}-{abi}"
    if sys_platform == "ios":
        release = text_var(config, "IPHONEOS_DEPLOYMENT_TARGET", "13.0")
        multiarch = text_var(config, "MULTIARCH", "arm64-iphoneos")
        arch, _, sdk = multiarch.partition("-")
        return f"ios-{release}-{arch}-{sdk}"
    return f"{sys_platform}-{machine}"
