"""Scale: ccache in a new environment, the compiler guard's cost, a wheelhouse for several Hosts.

    python benchmarks/scale.py HOST_PYTHON [HOST_PYTHON ...] [--runs N] [--emulated-runs N]
                               [--cache DIR] [--json FILE] [--no-emulated] [--sdist SPEC ...]

Every HOST_PYTHON is a Host-python in a sysroot made by ``crossenv-sysroot``,
of the running Python's version. The sdists are downloaded once and built
offline as ``build.py`` builds them (``pip wheel --no-cache-dir --no-deps
--no-index --find-links WHEELHOUSE``), each once untimed first. Printed, for
each figure, the medians of N runs and their ratio; nothing here asserts.

(1) ccache (goal at most 0.3x): two environments of the first HOST_PYTHON,
    A and B, made alike with ``--compiler-launcher ccache``. Each run starts
    with an empty ``CCACHE_DIR``: A builds every sdist (cold), then B, a new
    environment, builds them again (warm): warm against cold.
(2) the compiler guard (goal at most 1.03x): G, an environment without
    launcher, against U, an environment made alike whose guard launchers are replaced
    by symbolic links to the compilers themselves (no guard, no shell), the
    sysroot given in ``CFLAGS`` (after the recorded flags, which a ``CFLAGS``
    replaces) and ``LDFLAGS``; runs alternate.
(3) a wheelhouse for every HOST_PYTHON (goal at least 8x faster, at most
    0.125x): ``build.py``'s sdists cross-built for each Host against built
    under qemu-user by that Host's own Python and gcc (``build.py``'s side
    (c), with its native sysroot kept under ``--cache``), summed over the
    Hosts; ``--emulated-runs`` runs (default 1: emulated builds are slow).
    ``--no-emulated`` skips it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import build
from build import (
    DEFAULT_CACHE,
    Side,
    build_requires,
    clean_env,
    compare,
    fetch_sdist,
    figure,
    fill_wheelhouse,
    log,
    pip_version,
    setup_emulated,
)
from run import REPO, Figure

#: Sdists with a good deal of C to compile (a cache saves compiling, not pip's work).
DEFAULT_SDISTS = ("brotli==1.1.0", "ujson==5.10.0", "msgpack==1.1.0")
GOALS = {"ccache": 0.3, "guard": 1.03, "wheelhouse": 0.125}


def make_env(host_python: Path, where: Path, *options: str) -> Path:
    command = [sys.executable, "-m", "crossenv", "-q", *options, str(host_python), str(where)]
    subprocess.run(command, check=True, cwd=REPO)
    return where


def unguarded(env_dir: Path) -> Path:
    """Replace the guard launchers of ``env_dir`` by links to the compilers they guard."""
    for guard in (env_dir / "cross" / "crossenv-bin").iterdir():
        if guard.name.endswith(("-gcc", "-g++")):
            compiler = shutil.which(guard.name, path=os.defpath + ":/usr/bin")
            if compiler is None:
                raise SystemExit(f"scale.py: {guard.name} not found")
            guard.unlink()
            guard.symlink_to(compiler)
    return env_dir


def cross_side(name: str, env_dir: Path, **extra: str) -> Side:
    return Side(name, f"cross-pip, {name}", [env_dir / "bin" / "cross-pip"], clean_env(**extra))


def each_run(
    runs: int, sides: Sequence[Side], sdists: Sequence[Path], wheelhouse: Path, work: Path
) -> None:
    """Time ``sides`` in turn, in an order that alternates from run to run."""
    for index in range(runs):
        for side in sides if index % 2 == 0 else sides[::-1]:
            for sdist in sdists:
                side.measure(sdist, wheelhouse, work / "out" / f"{side.name}-{index}")


def ccache_figures(
    host_python: Path, sdists: Sequence[Path], wheelhouse: Path, work: Path, runs: int
) -> List[Figure]:
    first = make_env(host_python, work / "env a", "--compiler-launcher", "ccache")
    second = make_env(host_python, work / "env b", "--compiler-launcher", "ccache")
    cold = cross_side("cold", first)
    warm = cross_side("warm", second)
    for sdist in sdists:  # pip's byte-code and the page cache, not ccache's
        cold.warm_up(sdist, wheelhouse, work / "out" / "warm-up")
    for index in range(runs):
        cache = work / f"ccache {index}"
        for side in (cold, warm):  # cold fills the empty cache, warm reads it
            side.env["CCACHE_DIR"] = str(cache)
            for sdist in sdists:
                side.measure(sdist, wheelhouse, work / "out" / f"{side.name}-{index}")
        shutil.rmtree(cache)
    return compare("ccache warm/cold", warm, cold, sdists, GOALS["ccache"])


def guard_figures(
    host_python: Path, sdists: Sequence[Path], wheelhouse: Path, work: Path, runs: int
) -> List[Figure]:
    guarded = cross_side("guarded", make_env(host_python, work / "env g"))
    # The one thing the guard adds to a plain compile: the sysroot. A CFLAGS
    # in the environment replaces the recorded flags, so it repeats them.
    flag = f"--sysroot={build.sysroot_of(host_python)}"
    bare_env = unguarded(make_env(host_python, work / "env u"))
    python = bare_env / "bin" / "cross-python"
    code = "import sysconfig; print(sysconfig.get_config_var('CFLAGS'))"
    recorded = subprocess.run(
        [python, "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()
    bare = cross_side("unguarded", bare_env, CFLAGS=f"{recorded} {flag}", LDFLAGS=flag)
    for side in (guarded, bare):
        for sdist in sdists:
            side.warm_up(sdist, wheelhouse, work / "out" / "warm-up")
    each_run(runs, [guarded, bare], sdists, wheelhouse, work)
    return compare("guard", guarded, bare, sdists, GOALS["guard"])


def wheelhouse_figures(
    args: argparse.Namespace,
    sdists: Sequence[Path],
    requires: Sequence[str],
    wheelhouse: Path,
    work: Path,
) -> List[Figure]:
    pip = pip_version(Path(sys.executable))
    crossed: List[Side] = []
    emulated: List[Side] = []
    for number, host_python in enumerate(args.host_python):
        log(f"Host {number + 1} of {len(args.host_python)}: {host_python}")
        cross = cross_side(f"host {number}", make_env(host_python, work / f"env h{number}"))
        own = work / f"host {number}"  # each Host's emulated venv has its own folder
        own.mkdir()
        native = setup_emulated(host_python, args.cache, wheelhouse, requires, own, pip)
        native.name = f"emulated {number}"
        for side in (cross, native):
            for sdist in sdists:
                side.warm_up(sdist, wheelhouse, work / "out" / "warm-up")
        each_run(args.emulated_runs, [cross, native], sdists, wheelhouse, work)
        crossed.append(cross)
        emulated.append(native)
    ours = [sum(run) for run in zip(*(side.totals() for side in crossed))]
    theirs = [sum(run) for run in zip(*(side.totals() for side in emulated))]
    name = f"wheelhouse {len(crossed)} Hosts x {len(sdists)}"
    return [figure(name, ours, emulated[0], theirs, GOALS["wheelhouse"])]


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("host_python", type=Path, nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument("--no-emulated", action="store_true", help="skip figure (3)")
    parser.add_argument("--emulated-runs", type=int, default=1, metavar="N")
    parser.add_argument("--sdist", action="append", metavar="SPEC")
    parser.add_argument(
        "--figures",
        nargs="+",
        choices=("ccache", "guard", "wheelhouse"),
        default=["ccache", "guard", "wheelhouse"],
        help="which figures to measure (default: all three)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.emulated_runs < 1:
        parser.error("--runs and --emulated-runs must be at least 1")
    args.host_python = [path.absolute() for path in args.host_python]
    args.cache = args.cache.expanduser().absolute()
    return args


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    if shutil.which("ccache") is None:
        raise SystemExit("scale.py: ccache is needed (apt-get install ccache)")
    load_start = build.load_average()
    sdists = [fetch_sdist(spec, args.cache) for spec in args.sdist or DEFAULT_SDISTS]
    requires = sorted({item for sdist in sdists for item in build_requires(sdist)})
    wheelhouse = args.cache / "wheelhouse"
    fill_wheelhouse(wheelhouse, requires, ())
    work = Path(tempfile.mkdtemp(prefix="crossenv-bench-scale-"))
    try:
        first = args.host_python[0]
        figures: List[Figure] = []
        if "ccache" in args.figures:
            figures += ccache_figures(first, sdists, wheelhouse, work, args.runs)
        if "guard" in args.figures:
            figures += guard_figures(first, sdists, wheelhouse, work, args.runs)
        if "wheelhouse" in args.figures and not args.no_emulated:
            small = [fetch_sdist(spec, args.cache) for spec in build.DEFAULT_SDISTS]
            needs = sorted({item for sdist in small for item in build_requires(sdist)})
            fill_wheelhouse(wheelhouse, needs, ())
            figures += wheelhouse_figures(args, small, needs, wheelhouse, work)
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"scale.py: {exc}\n{exc.output}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_end = build.load_average()
    print(f"runs {args.runs}; load average {load_start} at start, {load_end} at end")
    if args.json is not None:
        context: Dict[str, object] = {
            "runs": args.runs,
            "emulated_runs": args.emulated_runs,
            "cpus": os.cpu_count(),
            "load_average_start": load_start,
            "load_average_end": load_end,
            "host_pythons": [str(path) for path in args.host_python],
        }
        records = [{**record, **context} for record in figures]
        args.json.write_text(json.dumps(records, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    status = main()
    log(f"done in {time.perf_counter() - started:.0f} s")
    raise SystemExit(status)
