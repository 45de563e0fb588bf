"""numpy configures for the Host without running anything on it.

numpy's meson build needs the format of C's ``long double``; when the meson
cross file does not say (``longdouble_format``), it runs a test program for
the Host, which needs qemu-user. With qemu absent its ``meson setup`` stopped
("Can not run test applications in this cross environment"). Here numpy's
own ``meson setup`` (its vendored meson, as its build backend runs it) is run
in Cross-python with the environment's cross file minus its emulator, for a
32-bit and a big-endian Host, whose formats differ from the Build machine's.
"""

from __future__ import annotations

import os
import re
import tarfile
import urllib.request
from pathlib import Path
from typing import Callable

import pytest

from .conftest import CACHE, Setup, cache_lock

pytestmark = pytest.mark.integration

NUMPY = "numpy-2.2.6"
INDEX = "https://pypi.org/simple/numpy/"


def numpy_sdist() -> Path:
    """numpy's sdist, downloaded once into the cache (pip would build it to read its metadata)."""
    path = CACHE / f"{NUMPY}.tar.gz"
    with cache_lock():
        if not path.is_file():
            page = urllib.request.urlopen(INDEX, timeout=60).read().decode()
            found = re.search(rf'href="([^"#]*/{NUMPY}\.tar\.gz)', page)
            assert found, f"{NUMPY}.tar.gz is not on {INDEX}"
            partial = path.with_suffix(".partial")
            urllib.request.urlretrieve(found.group(1), partial)
            partial.rename(path)
    return path


@pytest.mark.parametrize("arch", ["armhf", "s390x"])
def test_numpy_meson_setup_needs_no_emulator(
    arch: str, host_setup: Callable[[str], Setup], tmp_path: Path
) -> None:
    setup = host_setup(arch)
    setup.run([setup.bin / "build-pip", "install", "meson", "ninja", "Cython"])
    with tarfile.open(numpy_sdist()) as archive:
        if hasattr(tarfile, "data_filter"):  # Pythons with extraction filters
            archive.extraction_filter = tarfile.data_filter
        archive.extractall(tmp_path)
    source = tmp_path / NUMPY
    cross_file = setup.env_dir / "cross" / "crossenv-meson.ini"
    text = cross_file.read_text(encoding="utf-8")
    assert "\nexe_wrapper = " in text  # qemu is installed here: take it away
    no_emulator = tmp_path / "no emulator.ini"
    no_emulator.write_text(re.sub(r"(?m)^exe_wrapper = .*\n", "", text), encoding="utf-8")
    done = setup.run(
        [
            setup.bin / "python",
            source / "vendored-meson" / "meson" / "meson.py",
            "setup",
            tmp_path / "build",
            "--cross-file",
            no_emulator,
            "-Dallow-noblas=true",
        ],
        cwd=source,
        env={**os.environ, "PATH": f"{setup.env_dir / 'build' / 'bin'}:/usr/bin:/bin"},
    )
    assert "Build targets in project:" in done.stdout
    assert "Can not run test applications" not in done.stdout + done.stderr
