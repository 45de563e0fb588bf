"""Package hints: Pillow and h5py from their sdists, cross-built with no flags, run on the target.

Both builds look at the Build machine from Python, where no compiler guard
sees it. Pillow's "platform guessing" adds ``/usr/include`` and
``/usr/local/include`` and turns on each optional library whose header is
there (on a Build machine with ``/usr/include/xcb``, xcb: the build then
fails, the sysroot has no libxcb); its hint switches guessing off, so every
folder comes from pkg-config, which reads the sysroot. h5py loads
``libhdf5.so`` with ctypes to learn its version (the Host's library cannot
be loaded here); its hint gives the version, the drivers and the folders,
read from the sysroot's ``hdf5-serial.pc`` and ``H5pubconf.h``.

The libraries come from Debian: ``crossenv-sysroot --add`` puts their -dev
packages into the cached bookworm arm64 sysroot (once; later runs find them).
h5py compiles about twenty large Cython modules: about five minutes on two
cores, so it is opt-in (marker ``slow``, ``tox -e slow``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, List

import pytest

from .conftest import (
    FOREIGN_RELEASE,
    Setup,
    cache_lock,
    elf_machine,
    fetch_sysroot,
    repo_env,
    require,
)

pytestmark = pytest.mark.integration

#: The sdists, as pip would pick them for Python 3.11 (Pillow 12 needs 3.10+, so 11.x
#: is the series the issue names; h5py 3.x loads libhdf5 unless told its version).
PILLOW = "pillow>=11,<12"
H5PY = "h5py>=3.10,<4"
#: Debian packages the two builds need in the sysroot (their dependencies come along).
DEV_PACKAGES = ("libjpeg62-turbo-dev", "zlib1g-dev", "libfreetype-dev", "libhdf5-dev")
#: EM_AARCH64.
AARCH64 = 183
#: What bookworm's libhdf5 is: the version, and built with the read-only S3 driver,
#: without the direct I/O one (Debian's libhdf5 1.10.8+repack1-1, H5pubconf.h).
HDF5_VERSION = "1.10.8"


#: Folders platform guessing adds (``/usr/lib/x86_64-linux-gnu`` comes from ldconfig).
GUESSED = ("/usr/include", "/usr/local/include", "/usr/local/lib", "/usr/lib", "/lib")


def build_folders(log: str) -> List[str]:
    """Build-machine include and library options in the compiler commands of a build log."""
    found = {
        word
        for word in log.split()
        if word[:2] in ("-I", "-L")
        and (word[2:] in GUESSED or word[2:].startswith("/usr/lib/x86_64-linux-gnu"))
    }
    return sorted(found)


@pytest.fixture(scope="module")
def arm64(host_setup: Callable[[str], Setup]) -> Setup:
    """The bookworm arm64 environment, its sysroot holding the libraries' -dev packages."""
    root = fetch_sysroot(FOREIGN_RELEASE, "arm64").parents[2]
    command = [sys.executable, "-m", "crossenv.sysroot", "--add", *DEV_PACKAGES, "-q", str(root)]
    with cache_lock():  # the cached sysroot is shared with other test processes
        done = subprocess.run(command, env=repo_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return host_setup("arm64")


def test_ordinary_programs_do_not_load_the_hints(arm64: Setup) -> None:
    """Start-up stays light: only a build backend reads the table."""
    code = (
        "import sys; print(sorted(m for m in sys.modules "
        "if m in ('json', 'subprocess') or m.startswith(('_crossenv.hints', '_crossenv.pkgc'))))"
    )
    assert arm64.run([arm64.bin / "python", "-c", code]).stdout == "[]\n"


JPEG_SCRIPT = """
import io, json, PIL, PIL.features
from PIL import Image
# A known picture: red rises with x, green with y, blue is constant.
image = Image.new("RGB", (64, 64))
image.putdata([(4 * x, 4 * y, 128) for y in range(64) for x in range(64)])
data = io.BytesIO()
image.save(data, "JPEG", quality=90)
jpeg = Image.open(io.BytesIO(data.getvalue()))
png = io.BytesIO()
image.save(png, "PNG")
print(json.dumps({
    "version": PIL.__version__,
    "features": {name: PIL.features.check(name) for name in ("jpg", "zlib", "freetype2", "xcb")},
    "jpeg": [jpeg.format, list(jpeg.size), list(jpeg.getpixel((32, 16)))],
    "jpeg_bytes": data.getvalue()[:3].hex(),
    "png_exact": list(Image.open(png).getdata()) == list(image.getdata()),
}))
"""


def test_pillow_cross_builds_with_defaults_and_decodes_jpeg_on_the_target(arm64: Setup) -> None:
    start = time.monotonic()
    done = arm64.run([arm64.bin / "pip", "install", "-v", "--no-binary", "pillow", PILLOW])
    minutes = (time.monotonic() - start) / 60
    log = done.stdout + done.stderr
    assert "crossenv: hint for pillow: [build_ext] disable_platform_guessing=1 via " in log
    assert build_folders(log) == [], "platform guessing gave the Build machine's folders"
    assert "dropped -I" not in log and "dropped -L" not in log
    built = sorted((arm64.cross_site / "PIL").glob("*.so"))
    assert built and all(elf_machine(path) == AARCH64 for path in built)
    answer = json.loads(arm64.on_target(JPEG_SCRIPT))
    assert answer["version"].startswith("11.")
    # What the sysroot has (jpeg, zlib, freetype from --add) and lacks (libxcb).
    assert answer["features"] == {"jpg": True, "zlib": True, "freetype2": True, "xcb": False}
    kind, size, pixel = answer["jpeg"]
    assert kind == "JPEG" and size == [64, 64] and answer["jpeg_bytes"] == "ffd8ff"
    assert all(abs(got - want) <= 4 for got, want in zip(pixel, (128, 64, 128))), pixel
    assert answer["png_exact"]
    print(f"Pillow cross-built in {minutes:.1f} min")


#: Run after ``path = ...`` (the file to write).
H5PY_SCRIPT = """
import json, h5py, numpy
with h5py.File(path, "w") as f:
    f["table"] = numpy.arange(12, dtype="int32").reshape(3, 4) * 7
    f["table"].attrs["unit"] = "m"
with h5py.File(path, "r") as f:
    table = f["table"]
    print(json.dumps({
        "hdf5": h5py.version.hdf5_version,
        "ros3": "ros3" in h5py.registered_drivers(),
        "value": int(table[2, 3]), "sum": int(table[()].sum()),
        "shape": list(table.shape), "dtype": str(table.dtype), "unit": table.attrs["unit"],
    }))
"""


def runpaths(path: Path) -> List[str]:
    """The RUNPATH/RPATH folders recorded in an ELF file (``readelf -d``)."""
    out = subprocess.run(
        ["readelf", "-d", str(path)], capture_output=True, text=True, check=True
    ).stdout
    folders: List[str] = []
    for line in out.splitlines():
        if "(RUNPATH)" in line or "(RPATH)" in line:
            folders += line.split("[", 1)[1].rstrip("]").split(":")
    return folders


@pytest.mark.slow
def test_h5py_cross_builds_with_no_flags_and_round_trips_a_dataset(
    arm64: Setup, tmp_path: Path
) -> None:
    require("readelf", "binutils")
    start = time.monotonic()
    done = arm64.run([arm64.bin / "pip", "install", "-v", "--no-binary", "h5py", H5PY])
    minutes = (time.monotonic() - start) / 60
    log = done.stdout + done.stderr
    assert (
        "crossenv: hint for h5py: HDF5_INCLUDEDIR=/usr/include/hdf5/serial, "
        "HDF5_LIBDIR=/usr/lib/aarch64-linux-gnu/hdf5/serial, "
        f"HDF5_VERSION={HDF5_VERSION}, H5PY_ROS3=1, H5PY_DIRECT_VFD=0 " in log
    )
    assert "Loading library to get build settings" not in log
    built = sorted((arm64.cross_site / "h5py").glob("*.so"))
    assert len(built) > 10 and all(elf_machine(path) == AARCH64 for path in built)
    # h5py records its library folder as the rpath: the Host's, not the sysroot's here.
    recorded = {folder for path in built for folder in runpaths(path)}
    assert recorded == {"/usr/lib/aarch64-linux-gnu/hdf5/serial"}, recorded
    data = tmp_path / "known.h5"
    answer = json.loads(arm64.on_target(f"path = {str(data)!r}\n" + H5PY_SCRIPT))
    assert answer == {
        "hdf5": HDF5_VERSION,
        "ros3": True,
        "value": 77,
        "sum": 462,
        "shape": [3, 4],
        "dtype": "int32",
        "unit": "m",
    }
    assert data.read_bytes()[:8] == b"\x89HDF\r\n\x1a\n", "an HDF5 file on disk"
    print(f"h5py cross-built in {minutes:.1f} min")
