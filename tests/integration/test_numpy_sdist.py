"""numpy itself cross-built from its sdist (meson-python); minutes on two cores.

Opt-in: ``tox -e numpy`` (marker ``slow``), not part of the default run.
"""

from __future__ import annotations

import time

import pytest

from .conftest import Setup, elf_machine

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_numpy_from_sdist(setup: Setup) -> None:
    start = time.monotonic()
    setup.run([setup.bin / "pip", "install", "--no-binary", "numpy", "numpy"])
    minutes = (time.monotonic() - start) / 60
    built = sorted((setup.cross_site / "numpy").rglob("*.so"))
    assert built and all(elf_machine(path) == 183 for path in built)
    assert setup.on_target("import numpy; print(numpy.arange(10).sum())").strip() == "45"
    print(f"numpy cross-built in {minutes:.1f} min, {len(built)} extension modules")
