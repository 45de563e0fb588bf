"""Cross build cost: real PyPI sdists cross-built, built natively and built emulated.

    python benchmarks/build.py HOST_PYTHON [--runs N] [--cache DIR] [--json FILE]
                               [--no-emulated] [--zig] [--cflags FLAGS] [--sdist SPEC ...]

HOST_PYTHON is the same positional argument as ``benchmarks/run.py`` takes: a
Host-python inside a sysroot made by ``crossenv-sysroot`` (for example
``SYSROOT/usr/bin/python3.11``). Each sdist is built into a wheel with
``pip wheel --no-cache-dir --no-deps --no-index --find-links WHEELHOUSE``:

(a) cross: ``ENV/bin/cross-pip wheel`` in a crossenv environment made from
    this checkout for HOST_PYTHON;
(b) native: a plain venv of the same Build-python (``sys.executable``),
    ``pip wheel`` of the same sdist file, compiled for the Build machine;
(c) emulated: the Host's own Python and the Host's own gcc (Debian's arm64
    ``gcc``/``g++``/``binutils`` unpacked into a copy of the sysroot) run
    under qemu-user, as a build on the Host machine itself would, only
    emulated.

Printed per sdist and for all of them: the median of N runs of (a) against (b)
(goal: at most 1.05x) and of (a) against (c), then the median of the per-run
ratios, which a change in the machine's load during the run disturbs less.
``--json FILE`` writes the figures as records for ``benchmarks/plot.py``
(with every sample). Nothing here asserts.

Each side compiles with the flags its own Python records: Debian's Host-python
``-O2`` (and ``-fstack-protector-strong``, ...), a Build-python built by pyenv
``-O3``. ``--cflags FLAGS`` sets ``CFLAGS`` and ``CXXFLAGS``, which setuptools
then uses instead of the recorded flags, on every side, so that all compile
alike; (a) and (b) still differ in their compilers (the cross gcc makes arm64
code, the Build's gcc x86-64 code).

Keeping the network out of the timings: the sdists are downloaded once
(``pip download --no-binary :all: --no-deps``) and the build requirements
declared in their ``pyproject.toml`` once, as wheels, into a local wheelhouse
(for the Build machine and, for (c), for the Host); all three sides build with
``--no-index --find-links WHEELHOUSE`` and with pip's configuration files and
the ``PIP_*`` and ``PYTHON*`` variables ignored, so each side does the same work: pip makes an
isolated build environment, installs the build requirements into it from the
wheelhouse (for (a) crossenv installs them on the Build side, so (a) and (b)
install the very same x86-64 wheels) and runs the build backend. (A
requirement that a backend adds at build time is not in the wheelhouse; the
first build then stops with pip's message.) Every side
builds each sdist once untimed first (this warms the page cache and pip's
byte-code). In each run, (a) and (b) build each sdist in turn, in an order
that alternates from one run to the next; then (c) builds them all.
Downloads and the native sysroot are kept under ``--cache``
(default ``~/.cache/crossenv-bench``); environments live in a temporary
directory removed at the end.

``--zig`` adds (d): ``cross-pip wheel`` in a second environment made with
``--toolchain zig --manylinux manylinux2014`` (zig from PyPI, glibc 2.17),
timed in the same runs as (a), and reported as (d) against (a): what the
older glibc and zig's compilers cost next to Debian's cross gcc.

How (c) is set up (``--no-emulated`` skips it):

* The native sysroot ``CACHE/SYSROOT_NAME-native`` is a copy of HOST_PYTHON's
  sysroot (which is left untouched) plus Debian's ``gcc``, ``g++``,
  ``binutils``, ``libc6-dev`` and ``pythonX.Y-dev`` for the Host and their
  dependency closure, added with ``crossenv-sysroot --add``'s private apt
  (apt's own resolver, ``apt-get install --download-only`` / ``dpkg -x``, no
  root, no ``dpkg --add-architecture``), from the release and mirror recorded
  in the sysroot's stamp. It is made once, on first use (delete it to make it anew).
* Programs of the Host run under ``qemu-aarch64`` (``qemu-ARCH`` in general)
  with ``QEMU_LD_PREFIX=SYSROOT``, qemu-user's ``-L``: the Host's dynamic
  loader and libraries, and absolute paths such as ``/usr/include/stdio.h``,
  are looked up in the sysroot first. pip, setuptools and gcc start further
  Host programs (Python, ``cc1``, ``as``, ``collect2``, ``ld``), and
  qemu-user does not intercept ``execve``, so the kernel must hand them to
  qemu: that is binfmt_misc. When this machine has no binfmt_misc
  registration for the Host, every command of (c) runs inside
  ``unshare --user --map-root-user --mount`` with a *private* binfmt_misc
  instance (Linux 6.7 or newer) in which qemu is registered for the Host's
  ELF machine. Nothing system-wide is changed, and no root is needed where
  unprivileged user namespaces are allowed. Its few milliseconds are part
  of (c)'s times.
* ``PATH`` starts with ``SYSROOT/usr/bin``, so the Host's ``sysconfig`` compiler
  (``aarch64-linux-gnu-gcc``) and the ``as`` and ``ld`` that gcc looks up on
  ``PATH`` are the Host's. gcc finds ``cc1`` relative to its own location
  (``SYSROOT/usr/lib/gcc/...``), which is a real path for the kernel.
* A venv of the Host's Python (``-m venv --without-pip``) gets the same pip
  version as the Build-python's venv, installed from its wheel.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import venv
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

from run import REPO, Figure, median, quiet_environ, report, timed

sys.path.insert(0, str(REPO))

from crossenv import sysroot as debian
from crossenv.arch import ARCHES
from crossenv.errors import CrossenvError

DEFAULT_SDISTS = ("markupsafe==3.0.4", "ujson==6.1.0", "msgpack==1.2.4")
#: Cross-building may cost at most this much more than building natively.
GOAL = 1.05
DEFAULT_CACHE = Path.home() / ".cache" / "crossenv-bench"
NATIVE_STAMP = ".crossenv-bench-native.json"
NATIVE_FORMAT = 1
#: What a Host needs to build C and C++ extensions itself, for Python X.Y.
NATIVE_SEEDS = ("gcc", "g++", "binutils", "libc6-dev", "python{v}-dev", "libpython{v}-dev")
#: binfmt_misc magic and mask of an ELF executable's header, by qemu suffix
#: (used when qemu-user-binfmt's own file is not installed).
BINFMT = {
    "aarch64": (
        r"\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00",
        r"\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff",
    ),
}
BINFMT_DIR = "/proc/sys/fs/binfmt_misc"
#: Mounts a private binfmt_misc, registers qemu in it, then runs the command.
PRIVATE_BINFMT = (
    f'mount -t binfmt_misc binfmt_misc {BINFMT_DIR} && printf %s "$1" > {BINFMT_DIR}/register '
    '&& shift && exec "$@"'
)


#: Starts a child Host program from a Host program: what binfmt_misc is for.
CHILD_PROBE = "import subprocess, sys; subprocess.run([sys.executable, '-c', ''], check=True)"


class SetupError(Exception):
    """Side (c) cannot be set up on this machine."""


def log(message: str) -> None:
    print(f"build.py: {message}", file=sys.stderr, flush=True)


def clean_env(**extra: str) -> Dict[str, str]:
    """The environment for pip: no ``PIP_*``/``PYTHON*`` variables, no pip configuration files."""
    return quiet_environ(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)


def words(command: Sequence[object]) -> List[str]:
    return [str(part) for part in command]


def run(command: Sequence[object], env: Optional[Dict[str, str]] = None) -> str:
    """Run *command*; raise CalledProcessError with the end of its output if it fails."""
    proc = subprocess.run(
        words(command),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.splitlines()[-40:])
        raise subprocess.CalledProcessError(proc.returncode, words(command), tail)
    return proc.stdout


# --------------------------------------------------------------------------
# Inputs: the sdists and a wheelhouse of their build requirements
# --------------------------------------------------------------------------


def fetch_sdist(spec: str, cache: Path) -> Path:
    """Download the sdist of *spec* once; return its path."""
    where = cache / "sdists" / re.sub(r"[^A-Za-z0-9.]+", "-", spec)
    found = sorted(where.glob("*.tar.gz")) + sorted(where.glob("*.zip"))
    if not found:
        where.mkdir(parents=True, exist_ok=True)
        pip = [sys.executable, "-m", "pip", "download", "-q", "--no-binary", ":all:"]
        run([*pip, "--no-deps", "-d", where, spec], env=clean_env())
        found = sorted(where.glob("*.tar.gz")) + sorted(where.glob("*.zip"))
    if len(found) != 1:
        raise SystemExit(f"build.py: expected one sdist for {spec} in {where}, found {found}")
    return found[0]


def load_toml(text: str) -> Dict[str, object]:
    try:
        import tomllib  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # Python < 3.11: pip's vendored copy
        from pip._vendor import tomli as tomllib  # type: ignore[no-redef,unused-ignore]
    data: Dict[str, object] = tomllib.loads(text)
    return data


def build_requires(sdist: Path) -> List[str]:
    """The ``[build-system] requires`` of *sdist* (pip's default without one)."""
    with tarfile.open(sdist) as archive:
        names = [name for name in archive.getnames() if name.count("/") == 1]
        member = next((name for name in names if name.endswith("/pyproject.toml")), None)
        if member is None:
            return ["setuptools>=40.8.0", "wheel"]
        handle = archive.extractfile(member)
        assert handle is not None
        data = load_toml(handle.read().decode("utf-8"))
    system = data.get("build-system", {})
    requires = system.get("requires", []) if isinstance(system, dict) else []
    return [str(item) for item in requires] or ["setuptools>=40.8.0", "wheel"]


def fill_wheelhouse(wheelhouse: Path, requires: Sequence[str], platforms: Sequence[str]) -> None:
    """Download wheels of *requires* (and their dependencies) once.

    Without *platforms* for this machine, else for the Host with those tags.
    """
    key = json.dumps([sorted(requires), list(platforms)])
    stamp = wheelhouse / "stamps.json"
    done: List[str] = json.loads(stamp.read_text()) if stamp.is_file() else []
    if key in done:
        return
    wheelhouse.mkdir(parents=True, exist_ok=True)
    command: List[object] = [sys.executable, "-m", "pip", "download", "-q", "-d", wheelhouse]
    command += ["--only-binary", ":all:"]
    if platforms:
        version = "".join(platform.python_version_tuple()[:2])
        for tag in platforms:
            command += ["--platform", tag]
        command += ["--python-version", version, "--implementation", "cp", "--abi", f"cp{version}"]
    run([*command, *requires], env=clean_env())
    stamp.write_text(json.dumps([*done, key]))


# --------------------------------------------------------------------------
# Side (c): a native sysroot run under qemu-user
# --------------------------------------------------------------------------


def sysroot_of(host_python: Path) -> Path:
    """The crossenv-sysroot directory holding *host_python* (``ROOT/usr/bin/pythonX.Y``)."""
    root = host_python.absolute().parents[2]
    if not (root / debian.STAMP_NAME).is_file():
        raise SetupError(f"{host_python} is not in a sysroot made by crossenv-sysroot")
    return root


def native_sysroot(source: Path, cache: Path) -> Path:
    """A copy of *source* with the Host's own compilers; made once under *cache*."""
    dest = cache / f"{source.name}-native"
    if (dest / NATIVE_STAMP).is_file():
        return dest
    stamp = json.loads((source / debian.STAMP_NAME).read_text())
    version = str(stamp["python_version"])
    cache.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f"{dest.name}.partial-", dir=cache))
    partial.chmod(0o755)
    try:
        log(f"copying {source} to make {dest}")
        shutil.copytree(source, partial, symlinks=True, dirs_exist_ok=True)
        seeds = [seed.format(v=version) for seed in NATIVE_SEEDS]
        debian.add(partial, seeds, log=log)
        after = json.loads((partial / debian.STAMP_NAME).read_text())
        have = set(stamp.get("packages", []))
        packages = [name for name in after["packages"] if name not in have]
        if not any(partial.glob("usr/lib/gcc/*/*/cc1")):
            raise SetupError(f"the packages for {dest} hold no cc1")
        data = {"format": NATIVE_FORMAT, "source": str(source), "packages": packages}
        (partial / NATIVE_STAMP).write_text(json.dumps(data, indent=2) + "\n")
        if dest.exists():  # an older format
            shutil.rmtree(dest)
        os.replace(partial, dest)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return dest


def binfmt_line(suffix: str, qemu: str) -> str:
    """A binfmt_misc registration that hands the Host's ELF files to *qemu*."""
    conf = Path(f"/usr/lib/binfmt.d/qemu-{suffix}.conf")
    if conf.is_file():
        fields = conf.read_text().strip().split(":")
        magic, mask = fields[4], fields[5]
    elif suffix in BINFMT:
        magic, mask = BINFMT[suffix]
    else:
        raise SetupError(f"no binfmt_misc magic known for qemu-{suffix}")
    return f":crossenv-bench-{suffix}:M::{magic}:{mask}:{qemu}:"


class Emulated:
    """Runs the Host's programs of *root* under qemu-user, children included."""

    def __init__(self, root: Path, arch: str) -> None:
        self.root = root
        qemu_name = debian.qemu_command(arch, root)[0]
        qemu = shutil.which(qemu_name)
        assert qemu is not None
        suffix = ARCHES[arch].qemu[len("qemu-") :]
        self.env = clean_env(
            QEMU_LD_PREFIX=str(root),
            PATH=f"{root / 'usr' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        )
        # 32-bit Hosts' gcc needs qemu to map statx's file names: nostatx.py
        self.prefix: List[str] = [sys.executable, str(Path(__file__).with_name("nostatx.py"))]
        python = next(root.glob("usr/bin/python3.[0-9]*[0-9]"))
        probe = [str(python), "-c", CHILD_PROBE]
        if self._works(probe):
            return  # binfmt_misc of this machine already runs them
        unshare = shutil.which("unshare")
        if unshare is None:
            raise SetupError("no binfmt_misc registration for the Host and no unshare")
        self.prefix += [
            unshare,
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-c",
            PRIVATE_BINFMT,
            "sh",
            binfmt_line(suffix, qemu),
        ]
        if not self._works(probe):
            raise SetupError(
                "cannot run the Host's programs: no binfmt_misc registration for "
                f"qemu-{suffix} and no private binfmt_misc (needs Linux 6.7+ and user namespaces)"
            )

    def _works(self, command: Sequence[str]) -> bool:
        try:
            subprocess.run(
                [*self.prefix, *command],
                env=self.env,
                check=True,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except (OSError, subprocess.CalledProcessError):
            return False
        return True

    def command(self, command: Sequence[object]) -> List[str]:
        return [*self.prefix, *words(command)]


def emulated_venv(emu: Emulated, where: Path, wheelhouse: Path, pip_version: str) -> Path:
    """A venv of the Host's python under *emu*, with pip *pip_version*; its python."""
    python = next(emu.root.glob("usr/bin/python3.[0-9]*[0-9]"))
    run(emu.command([python, "-m", "venv", "--without-pip", where]), env=emu.env)
    (wheel,) = wheelhouse.glob(f"pip-{pip_version}-*.whl")
    pip = [where / "bin" / "python", f"{wheel}/pip", "install", "-q", "--no-index"]
    run(emu.command([*pip, "--find-links", wheelhouse, f"pip=={pip_version}"]), env=emu.env)
    return where / "bin" / "python"


# --------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------


class Side:
    """One way of building a wheel from an sdist."""

    def __init__(
        self,
        name: str,
        description: str,
        pip: Sequence[object],
        env: Dict[str, str],
        wrap: Optional[Callable[[Sequence[object]], List[str]]] = None,
    ) -> None:
        self.name = name
        self.description = description
        self.pip = list(pip)
        self.env = env
        self.wrap = wrap or words
        self.samples: Dict[str, List[float]] = {}

    def command(self, sdist: Path, wheelhouse: Path, out: Path) -> List[str]:
        return self.wrap(
            [
                *self.pip,
                "wheel",
                "--no-cache-dir",
                "--no-deps",
                "--no-index",
                "--find-links",
                wheelhouse,
                "-w",
                out,
                sdist,
            ]
        )

    def warm_up(self, sdist: Path, wheelhouse: Path, out: Path) -> None:
        """Build *sdist* once, untimed; raise CalledProcessError with its output if that fails."""
        run(self.command(sdist, wheelhouse, out), env=self.env)

    def measure(self, sdist: Path, wheelhouse: Path, out: Path) -> float:
        seconds = timed(self.command(sdist, wheelhouse, out), env=self.env)
        self.samples.setdefault(sdist.name, []).append(seconds)
        return seconds

    def totals(self) -> List[float]:
        """Per run, the time of all sdists."""
        return [sum(run) for run in zip(*self.samples.values())]


def figure(
    name: str, ours: Sequence[float], theirs: Side, baseline: Sequence[float], goal: Optional[float]
) -> Figure:
    """Report the medians of *ours* and *baseline*; the record with its samples."""
    record = report(
        name,
        median(len(ours), lambda index: ours[index]),
        median(len(baseline), lambda index: baseline[index]),
        "s",
        theirs.description,
    )
    paired = statistics.median(value / base for value, base in zip(ours, baseline))
    record.update(samples=list(ours), baseline_samples=list(baseline), paired_ratio=paired)
    if goal is not None:
        record["goal"] = goal
    return record


def compare(
    label: str, ours: Side, theirs: Side, sdists: Sequence[Path], goal: Optional[float] = None
) -> List[Figure]:
    """Figures for each sdist and for all of them together."""
    figures = [
        figure(
            f"{label} {sdist.name.replace('.tar.gz', '')}",
            ours.samples[sdist.name],
            theirs,
            theirs.samples[sdist.name],
            goal,
        )
        for sdist in sdists
    ]
    figures.append(
        figure(f"{label} all {len(sdists)}", ours.totals(), theirs, theirs.totals(), goal)
    )
    print(f"{'':<40} median of the per-run ratios: {figures[-1]['paired_ratio']:.2f}x")
    return figures


def pip_version(python: Path) -> str:
    out = run([python, "-m", "pip", "--version"], env=clean_env())
    return out.split()[1]


def load_average() -> List[float]:
    return [round(value, 2) for value in os.getloadavg()]


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("host_python", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help=f"downloads and the native sysroot (default {DEFAULT_CACHE})",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument("--no-emulated", action="store_true", help="skip side (c)")
    parser.add_argument(
        "--zig", action="store_true", help="add side (d): --toolchain zig against (a)"
    )
    parser.add_argument(
        "--cflags",
        metavar="FLAGS",
        help="set CFLAGS and CXXFLAGS to FLAGS on every side, so that all compile with the "
        "same flags (by default each Python's recorded flags are used)",
    )
    parser.add_argument(
        "--sdist",
        action="append",
        metavar="SPEC",
        help="a requirement to build from its sdist (repeatable; default: "
        + " ".join(DEFAULT_SDISTS)
        + ")",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    args.host_python = args.host_python.absolute()  # crossenv runs in REPO
    return args


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    cache: Path = args.cache.expanduser().absolute()
    flags = {} if args.cflags is None else {"CFLAGS": args.cflags, "CXXFLAGS": args.cflags}
    load_start = load_average()
    log(f"load average {load_start} on {os.cpu_count()} CPUs")
    sdists = [fetch_sdist(spec, cache) for spec in args.sdist or DEFAULT_SDISTS]
    requires = sorted({item for sdist in sdists for item in build_requires(sdist)})
    wheelhouse = cache / "wheelhouse"
    fill_wheelhouse(wheelhouse, requires, ())
    work = Path(tempfile.mkdtemp(prefix="crossenv-bench-build-"))
    try:
        figures = measure(args, cache, sdists, requires, wheelhouse, work, flags)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_end = load_average()
    print(
        f"runs {args.runs}; load average {load_start} at start, {load_end} at end, "
        f"{os.cpu_count()} CPUs"
        + ("" if args.cflags is None else f"; CFLAGS=CXXFLAGS={args.cflags!r}")
    )
    if args.json is not None:
        context = {
            "runs": args.runs,
            "cflags": args.cflags,
            "cpus": os.cpu_count(),
            "load_average_start": load_start,
            "load_average_end": load_end,
            "build_python_version": platform.python_version(),
            "host_python": str(args.host_python),
        }
        records = [{**record, **context} for record in figures]
        args.json.write_text(json.dumps(records, indent=1) + "\n", encoding="utf-8")
    return 0


def measure(
    args: argparse.Namespace,
    cache: Path,
    sdists: Sequence[Path],
    requires: Sequence[str],
    wheelhouse: Path,
    work: Path,
    flags: Dict[str, str],
) -> List[Figure]:
    """Set the sides up in *work*, time them and report the figures."""
    log("creating the environments")
    cross_env = work / "cross-env"
    command = [sys.executable, "-m", "crossenv", "-q", args.host_python, cross_env]
    subprocess.run(command, check=True, cwd=REPO)
    plain = work / "plain"
    venv.EnvBuilder(with_pip=True).create(str(plain))
    cross = Side("cross", "cross-pip", [cross_env / "bin" / "cross-pip"], clean_env(**flags))
    native_pip = [plain / "bin" / "python", "-m", "pip"]
    native = Side("native", "native pip", native_pip, clean_env(**flags))
    sides = [cross, native]
    if args.zig:
        zig_env = work / "zig-env"
        options = ["--toolchain", "zig", "--manylinux", "manylinux2014"]
        subprocess.run([*command[:-1], zig_env, *options], check=True, cwd=REPO)
        zig_pip = [zig_env / "bin" / "cross-pip"]
        sides.append(Side("zig", "cross-pip, zig", zig_pip, clean_env(**flags)))
    log("warming up: one untimed build of each sdist on each side")
    for side in sides:
        for sdist in sdists:
            side.warm_up(sdist, wheelhouse, work / "out" / f"{side.name}-warm-up")
    emulated: Optional[Side] = None
    if not args.no_emulated:
        try:
            pip = pip_version(plain / "bin" / "python")
            emulated = setup_emulated(args.host_python, cache, wheelhouse, requires, work, pip)
            emulated.env.update(flags)
            for sdist in sdists:
                emulated.warm_up(sdist, wheelhouse, work / "out" / "emulated-warm-up")
        except (SetupError, CrossenvError, OSError, subprocess.CalledProcessError) as exc:
            emulated = None
            output = getattr(exc, "output", None)
            log(f"side (c) skipped: {exc}" + (f"\n{output}" if output else ""))
    for index in range(args.runs):
        log(f"run {index + 1} of {args.runs}")
        pair = sides if index % 2 == 0 else sides[::-1]
        for sdist in sdists:
            for side in pair:
                side.measure(sdist, wheelhouse, work / "out" / f"{side.name}-{index}")
        if emulated is not None:
            for sdist in sdists:
                emulated.measure(sdist, wheelhouse, work / "out" / f"emulated-{index}")
    figures = compare("cross/native", cross, native, sdists, GOAL)
    if args.zig:
        figures += compare("zig/gcc", sides[2], cross, sdists)
    if emulated is not None:
        figures += compare("cross/emulated", cross, emulated, sdists)
    return figures


def setup_emulated(
    host_python: Path,
    cache: Path,
    wheelhouse: Path,
    requires: Sequence[str],
    work: Path,
    pip: str,
) -> Side:
    """Side (c), with pip version *pip*; raises SetupError when it cannot run here."""
    source = sysroot_of(host_python)
    arch = str(json.loads((source / debian.STAMP_NAME).read_text())["arch"])
    root = native_sysroot(source, cache)
    emu = Emulated(root, arch)
    machine = ARCHES[arch].machine
    tags = [f"manylinux2014_{machine}", f"manylinux_2_28_{machine}", f"linux_{machine}"]
    fill_wheelhouse(wheelhouse, [*requires, f"pip=={pip}"], tags)
    log("creating the Host's venv under qemu")
    python = emulated_venv(emu, work / "emulated-venv", wheelhouse, pip)
    return Side("emulated", "pip under qemu", [python, "-m", "pip"], emu.env, emu.command)


if __name__ == "__main__":
    started = time.perf_counter()
    status = main()
    log(f"done in {time.perf_counter() - started:.0f} s")
    raise SystemExit(status)
