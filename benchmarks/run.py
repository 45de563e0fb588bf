"""Figures for crossenv against baselines measured in the same run.

    python benchmarks/run.py HOST_PYTHON [--runs N]

Prints, for each figure, the median of N runs, its baseline and the ratio:
- environment creation: crossenv vs crossenv 1.6.2 from PyPI (installed into a
  temporary venv), on the same Host-python;
- start-up: ``cross-python -c pass`` vs a plain venv's ``python -c pass``, and
  ``cross-pip --version`` vs plain ``pip --version``;
- peak RSS of Cross-python start-up vs plain Python.
Nothing here asserts; the goals are in the issue tracker and the docs.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path
from typing import Callable, List, Optional, Sequence

REPO = Path(__file__).resolve().parents[1]


def timed(command: Sequence[str], **kwargs: object) -> float:
    start = time.perf_counter()
    subprocess.run(
        list(command), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs
    )  # type: ignore[call-overload]
    return time.perf_counter() - start


def median(runs: int, measure: Callable[[int], float]) -> float:
    return statistics.median(measure(index) for index in range(runs))


def peak_rss_kib(command: Sequence[str]) -> int:
    """Peak RSS of one child process, in KiB (Linux ru_maxrss)."""
    script = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, *command], check=True, capture_output=True, text=True
    ).stdout
    return int(out.split()[-1])


def report(name: str, value: float, baseline: float, unit: str) -> None:
    print(
        f"{name:<34} {value:9.3f} {unit:<4} baseline {baseline:9.3f} {unit:<4} "
        f"ratio {value / baseline:6.2f}x"
    )


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("host_python")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="crossenv-bench-"))
    try:
        baseline_venv = work / "baseline"
        venv.EnvBuilder(with_pip=True).create(str(baseline_venv))
        old_python = str(baseline_venv / "bin" / "python")
        subprocess.run([old_python, "-m", "pip", "install", "-q", "crossenv==1.6.2"], check=True)

        def ours(index: int) -> float:
            return timed(
                [sys.executable, "-m", "crossenv", "-q", args.host_python, work / f"new{index}"],
                cwd=REPO,
            )

        def theirs(index: int) -> float:
            return timed([old_python, "-m", "crossenv", args.host_python, work / f"old{index}"])

        report("create environment", median(args.runs, ours), median(args.runs, theirs), "s")
        plain = work / "plain"
        venv.EnvBuilder(with_pip=True).create(str(plain))
        cross = work / "new0" / "bin"
        for name, command, base in (
            (
                "cross-python -c pass",
                [cross / "cross-python", "-c", "pass"],
                [plain / "bin" / "python", "-c", "pass"],
            ),
            (
                "cross-pip --version",
                [cross / "cross-pip", "--version"],
                [plain / "bin" / "python", "-m", "pip", "--version"],
            ),
        ):
            value = statistics.median(timed(command) for _ in range(args.runs * 4))
            baseline = statistics.median(timed(base) for _ in range(args.runs * 4))
            report(name, value * 1000, baseline * 1000, "ms")
        cross_python = str(work / "new0" / "cross" / "bin" / "python")
        report(
            "peak RSS, start-up",
            peak_rss_kib([cross_python, "-c", "pass"]) / 1024,
            peak_rss_kib([str(plain / "bin" / "python"), "-c", "pass"]) / 1024,
            "MiB",
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
