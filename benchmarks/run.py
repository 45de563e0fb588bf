"""Figures for crossenv against baselines measured in the same run.

    python benchmarks/run.py HOST_PYTHON [--runs N] [--json FILE]

Prints, for each figure, the median of N runs, its baseline and the ratio:
- environment creation: crossenv vs crossenv 1.6.2 from PyPI (installed into a
  temporary venv), on the same Host-python; once with crossenv's per-user
  seed cache filled (every creation after the first) and once with an empty
  cache (the first creation on a machine);
- start-up: ``cross-python -c pass`` vs a plain venv's ``python -c pass``
  (through the ``ENV/bin`` launcher and directly), and ``cross-pip --version``
  vs plain ``pip --version``;
- peak RSS of Cross-python start-up vs plain Python.
Measurement and baseline alternate run by run, so a change in the machine's
load touches both.  Nothing here asserts; the goals are in the docs.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple

REPO = Path(__file__).resolve().parents[1]
#: The release the creation figure is compared with.
BASELINE = "crossenv==1.6.2"

Figure = Dict[str, object]


def timed(
    command: Sequence[object], env: Optional[Mapping[str, str]] = None, cwd: Optional[Path] = None
) -> float:
    """Wall time of one run of ``command``, in seconds; stops with its errors if it fails."""
    start = time.perf_counter()
    done = subprocess.run(
        [str(word) for word in command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=None if env is None else dict(env),
        cwd=cwd,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.stderr.buffer.write(done.stderr[-4000:])
        raise SystemExit(f"benchmark command failed ({done.returncode}): {command}")
    return elapsed


def median(runs: int, measure: Callable[[int], float]) -> float:
    """Median of ``runs`` measurements."""
    return statistics.median(measure(index) for index in range(runs))


def runner(command: Sequence[object], env: Mapping[str, str]) -> Callable[[int], float]:
    """A measurement that runs ``command`` once."""
    return lambda _: timed(command, env)


def paired(
    runs: int, ours: Callable[[int], float], theirs: Callable[[int], float]
) -> Tuple[float, float]:
    """Medians of ``runs`` alternating measurements of both sides."""
    mine: List[float] = []
    base: List[float] = []
    for index in range(runs):
        mine.append(ours(index))
        base.append(theirs(index))
    return statistics.median(mine), statistics.median(base)


def peak_rss_kib(command: Sequence[object]) -> int:
    """Peak RSS of one child process, in KiB (Linux ru_maxrss)."""
    script = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, *map(str, command)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out.split()[-1])


def report(
    name: str, value: float, baseline: float, unit: str, against: str = "baseline"
) -> Figure:
    """Print one figure and return it as a record."""
    ratio = value / baseline
    print(
        f"{name:<40} {value:9.3f} {unit:<4} {against:<26} {baseline:9.3f} {unit:<4} "
        f"ratio {ratio:5.2f}x",
        flush=True,
    )
    return {"figure": name, "value": value, "baseline": baseline, "unit": unit, "against": against}


def quiet_environ(**extra: str) -> Dict[str, str]:
    """The environment for measured runs: no user bytecode or pip settings leaking in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    env.update(extra)
    return env


def creation(work: Path, host_python: str, runs: int) -> List[Figure]:
    old = work / "baseline"
    venv.EnvBuilder(with_pip=True).create(str(old))
    old_python = old / "bin" / "python"
    subprocess.run([old_python, "-m", "pip", "install", "-q", BASELINE], check=True)
    cache = work / "seed-cache"
    warm = quiet_environ(CROSSENV_CACHE_DIR=str(cache))
    command = [sys.executable, "-m", "crossenv", "-q", host_python]
    timed([*command, work / "warm-up"], env=warm, cwd=REPO)  # fills the seed cache

    def ours(index: int) -> float:
        return timed([*command, work / f"new{index}"], env=warm, cwd=REPO)

    def cold(index: int) -> float:
        empty = quiet_environ(CROSSENV_CACHE_DIR=str(work / f"empty-cache{index}"))
        return timed([*command, work / f"cold{index}"], env=empty, cwd=REPO)

    def theirs(index: int) -> float:
        # cwd=work: from the source tree, ``-m crossenv`` would find this checkout.
        command = [old_python, "-m", "crossenv", host_python, work / f"old{index}"]
        return timed(command, quiet_environ(), cwd=work)

    value, baseline = paired(runs, ours, theirs)
    cold_value = median(runs, cold)
    against = BASELINE.replace("==", " ")
    return [
        report("create environment", value, baseline, "s", against),
        report("create environment, empty seed cache", cold_value, baseline, "s", against),
    ]


def startup(work: Path, runs: int) -> List[Figure]:
    plain = work / "plain"
    venv.EnvBuilder(with_pip=True).create(str(plain))
    env = work / "new0"
    environ = quiet_environ()
    figures: List[Figure] = []
    python = plain / "bin" / "python"
    for name, command, base, against in (
        ("cross-python -c pass", [env / "bin" / "cross-python"], [python], "plain venv python"),
        (
            "cross/bin/python -c pass",
            [env / "cross" / "bin" / "python"],
            [python],
            "plain venv python",
        ),
        (
            "cross-pip --version",
            [env / "bin" / "cross-pip", "--version"],
            [python, "-m", "pip", "--version"],
            "plain venv pip",
        ),
    ):
        if "pip" not in name:
            command, base = [*command, "-c", "pass"], [*base, "-c", "pass"]
        timed(command, environ)  # warms the page cache
        value, baseline = paired(runs * 10, runner(command, environ), runner(base, environ))
        figures.append(report(name, value * 1000, baseline * 1000, "ms", against))
    figures.append(
        report(
            "peak RSS of start-up",
            peak_rss_kib([env / "cross" / "bin" / "python", "-c", "pass"]) / 1024,
            peak_rss_kib([python, "-c", "pass"]) / 1024,
            "MiB",
            "plain venv python",
        )
    )
    return figures


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("host_python")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("installer") is None:
        parser.error("crossenv's dependencies are missing: pip install -e . (or tox -e bench)")
    work = Path(tempfile.mkdtemp(prefix="crossenv-bench-"))
    try:
        figures = creation(work, args.host_python, args.runs) + startup(work, args.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
