"""Make ``numpy.get_include()`` give the Host's numpy headers in cross builds.

A build that compiles against numpy's C API gets numpy as a build
requirement, installed for the Build machine; its generated headers
(``_numpyconfig.h``) describe the Build machine.  The Host's numpy wheel of
the same version is fetched once (by the Build layer's pip, asking for the
Host's platform tags) and its headers are kept in ``ENV/cross/crossenv-cache``.
When that is not possible, the Build-side headers are used and a warning
says so on stderr.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import types
import zipfile
from typing import Callable, List, Optional

from .config import Config


def _download_command(cfg: Config, version: str, dest: str) -> List[str]:
    nodot = cfg["python_version"].replace(".", "")
    command = [
        cfg["build_python"],
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--disable-pip-version-check",
        "--only-binary=:all:",
        "--dest",
        dest,
        "--implementation",
        "cp",
        "--python-version",
        cfg["python_version"],
        "--abi",
        f"cp{nodot}",
    ]
    for tag in cfg["platform_tags"]:
        command += ["--platform", tag]
    return [*command, f"numpy=={version}"]


def host_include(cfg: Config, version: str) -> Optional[str]:
    """The Host's numpy include directory for ``version``, fetched if needed."""
    cache = os.path.join(cfg["cache_dir"], f"numpy-{version}")
    found = glob.glob(os.path.join(cache, "numpy", "*core", "include"))
    if found:
        return found[0]
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
        done = subprocess.run(
            _download_command(cfg, version, tmp),
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        wheels = glob.glob(os.path.join(tmp, "*.whl"))
        if done.returncode != 0 or not wheels:
            return None
        staging = os.path.join(tmp, "unpacked")
        with zipfile.ZipFile(wheels[0]) as archive:
            members = [m for m in archive.namelist() if "/include/" in m and "core/" in m]
            archive.extractall(staging, members)
        os.makedirs(cfg["cache_dir"], exist_ok=True)
        try:
            os.rename(staging, cache)
        except OSError:  # another build got there first
            shutil.rmtree(staging, ignore_errors=True)
    found = glob.glob(os.path.join(cache, "numpy", "*core", "include"))
    return found[0] if found else None


def apply(module: types.ModuleType, cfg: Config) -> None:
    """Wrap every public spelling of ``get_include``."""
    real: Callable[[], str] = module.get_include
    version = str(getattr(module, "__version__", ""))
    answer: List[str] = []

    def get_include() -> str:
        if not answer:
            host = host_include(cfg, version) if version else None
            if host is None:
                print(
                    f"crossenv: warning: using the Build machine's numpy {version} headers; "
                    "the Host's numpy wheel could not be fetched",
                    file=sys.stderr,
                )
            answer.append(host or real())
        return answer[0]

    module.get_include = get_include  # type: ignore[attr-defined]
    for name in ("numpy.lib", "numpy.lib._utils_impl", "numpy.lib.utils"):
        holder = sys.modules.get(name)
        if holder is not None and hasattr(holder, "get_include"):
            holder.get_include = get_include  # type: ignore[attr-defined]
