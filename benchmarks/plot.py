"""Draw the benchmark ratios as an SVG bar chart (no plotting library needed).

    python benchmarks/plot.py FIGURES.json [MORE.json ...] -o docs/performance.svg

Each JSON file is a list of records as ``run.py --json`` and ``build.py
--json`` write them (``figure``, ``value``, ``baseline``, ``unit``,
``against``; an optional ``goal`` ratio).  One horizontal bar per figure
shows ``value / baseline`` on a logarithmic axis, with 1x marked, and the
goal as a tick where there is one.
"""

from __future__ import annotations

import argparse
import json
import math
from html import escape
from pathlib import Path
from typing import Dict, List, Optional, Sequence

#: Goals (ratio to the baseline) by figure name; a figure may also carry its own.
GOALS: Dict[str, float] = {
    "create environment": 0.1,
    "cross-python -c pass": 1.15,
    "cross/bin/python -c pass": 1.15,
    "cross-pip --version": 1.15,
    "peak RSS of start-up": 1.1,
}

WIDTH, LEFT, RIGHT, ROW, TOP = 960, 400, 40, 30, 40
LOW, HIGH = 0.01, 20.0  # the axis, as ratios


def x_of(ratio: float) -> float:
    span = math.log10(HIGH) - math.log10(LOW)
    clamped = min(max(ratio, LOW), HIGH)
    return LEFT + (WIDTH - LEFT - RIGHT) * (math.log10(clamped) - math.log10(LOW)) / span


def render(records: Sequence[Dict[str, object]], title: str) -> str:
    """The SVG text for ``records``."""
    height = TOP + ROW * len(records) + 50
    parts: List[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
        f'<text x="10" y="20" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    bottom = TOP + ROW * len(records)
    for tick in (0.01, 0.1, 1, 10):
        x = x_of(tick)
        colour = "#444" if tick == 1 else "#ccc"
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 5}" x2="{x:.1f}" y2="{bottom}" stroke="{colour}"/>'
        )
        parts.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle">{tick:g}x</text>')
    for row, record in enumerate(records):
        name = str(record["figure"])
        value, baseline = float(str(record["value"])), float(str(record["baseline"]))
        ratio = value / baseline
        goal_value = record.get("goal", GOALS.get(name))
        goal: Optional[float] = None if goal_value is None else float(str(goal_value))
        y = TOP + ROW * row
        colour = "#4a6fa5" if goal is None else "#2a7f3f" if ratio <= goal else "#b03a2e"
        start, end = x_of(min(ratio, 1.0)), x_of(max(ratio, 1.0))
        label = f"{name} (vs {record.get('against', 'baseline')})"
        parts.append(f'<text x="{LEFT - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        parts.append(
            f'<rect x="{start:.1f}" y="{y + 4}" width="{max(end - start, 1.5):.1f}" '
            f'height="{ROW - 10}" fill="{colour}"/>'
        )
        parts.append(f'<text x="{end + 4:.1f}" y="{y + 15}">{ratio:.2f}x</text>')
        if goal is not None:
            gx = x_of(goal)
            parts.append(
                f'<line x1="{gx:.1f}" y1="{y + 1}" x2="{gx:.1f}" y2="{y + ROW - 3}" '
                'stroke="black" stroke-width="2" stroke-dasharray="3,2"/>'
            )
    parts.append(
        f'<text x="{LEFT}" y="{bottom + 36}">ratio to the baseline, log scale; '
        "dashed tick: goal (green: met, red: not met; blue: no goal)</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("figures", nargs="+", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--title", default="crossenv against its baselines")
    args = parser.parse_args(argv)
    records: List[Dict[str, object]] = []
    for path in args.figures:
        records.extend(json.loads(path.read_text(encoding="utf-8")))
    args.output.write_text(render(records, args.title), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
