"""Sphinx configuration."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE / "_ext"), str(HERE.parent)]

project = "crossenv"
extensions: list[str] = ["commandhelp"]
exclude_patterns = ["_build"]
html_theme = "alabaster"
nitpicky = True
