"""``crossenv-doctor ENV_DIR``: what an environment has, what it lacks, and the fix.

Reads the environment's configuration (nothing is built or changed) and
checks the toolchain and its target, the sysroot, the Host's Python
headers, pkg-config, the emulator, the build systems' cross files and the
Rust standard library.  Exit code 0 when everything is present, 1 otherwise.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shlex
import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from . import cli, process
from ._runtime import config
from ._runtime.config import Config
from .arch import by_multiarch, compiler_package
from .envdir import RECORD_FILE, is_crossenv
from .errors import CrossenvError, EnvDirError
from .toolchain import same_target


@dataclasses.dataclass(frozen=True)
class Finding:
    """One line of the report."""

    ok: bool
    what: str
    detail: str
    fix: str = ""

    def line(self) -> str:
        mark = "ok     " if self.ok else "MISSING"
        text = f"{mark} {self.what}: {self.detail}"
        return text if self.ok or not self.fix else f"{text}\n        fix: {self.fix}"


def _load(env_dir: Path) -> Tuple[Config, Dict[str, Any], Dict[str, Any]]:
    """The runtime record, the Host's variables and the creation record."""
    if not is_crossenv(env_dir):
        raise EnvDirError(f"{env_dir} is not a crossenv environment")
    cfg = config.load(str(env_dir / "cross"))
    host_vars: Dict[str, Any] = config.load_vars(cfg)
    with open(env_dir / RECORD_FILE, encoding="utf-8") as stream:
        record: Dict[str, Any] = json.load(stream)
    return cfg, host_vars, record


#: The Host's tools the doctor looks at: sysconfig variable, what it is, its option.
_TOOLS = (
    ("CC", "C compiler", "--cc"),
    ("CXX", "C++ compiler", "--cxx"),
    ("AR", "archiver", "--ar"),
)


def _compiler(host_vars: Dict[str, Any], triple: str, var: str, what: str, option: str) -> Finding:
    words = shlex.split(str(host_vars.get(var, "")))
    program = shutil.which(words[0]) if words else None
    if program is None:
        name = words[0] if words else "(none)"
        package = compiler_package(str(host_vars.get("MULTIARCH", "")))
        if var == "CXX" and package:
            package = package.replace("gcc-", "g++-", 1)
        fix = f"apt-get install {package}" if package else f"install the Host's {what}"
        return Finding(False, what, f"{name} not found", fix)
    if var == "AR":
        return Finding(True, what, program)
    done = process.capture([program, "-dumpmachine"])
    target = done.stdout.strip()
    if target and not same_target(target, triple):
        return Finding(
            False,
            what,
            f"{program} builds for {target}, not {triple}",
            f"recreate the environment with {option} for the Host",
        )
    return Finding(True, what, f"{program} ({target or 'cannot tell'})")


def _file(path: Optional[str], what: str, fix: str) -> Finding:
    if path and Path(path).exists():
        return Finding(True, what, path)
    return Finding(False, what, f"{path or '(none)'} not found", fix)


def check(env_dir: Path) -> List[Finding]:
    """Every finding for the environment at ``env_dir``."""
    cfg, host_vars, record = _load(env_dir)
    triple = str(host_vars.get("HOST_GNU_TYPE") or host_vars.get("MULTIARCH") or "")
    sysroot = record.get("sysroot") or ""
    include = str(host_vars.get("INCLUDEPY", ""))
    recreate = "recreate the environment with --clear"
    findings = [_compiler(host_vars, triple, *tool) for tool in _TOOLS]
    multiarch = str(host_vars.get("MULTIARCH", ""))
    version = str(host_vars.get("VERSION", ""))
    debian = by_multiarch(multiarch)
    if sysroot:
        where = shlex.quote(sysroot)
        arch = debian.debian if debian else "ARCH"
        fetch = f"crossenv-sysroot --arch {arch} --release RELEASE {where}"
        findings.append(_file(sysroot, "sysroot", f"fetch it again: {fetch}"))
        headers = f"crossenv-sysroot --add libpython{version}-dev {where}"
    else:
        headers = f"install libpython{version}-dev of the Host where its files are"
    findings.append(_file(str(Path(include) / "Python.h"), "Python headers", headers))
    if sysroot and multiarch:
        config_h = Path(sysroot) / "usr" / "include" / multiarch / f"python{version}" / "pyconfig.h"
        findings.append(_file(str(config_h), "pyconfig.h (multiarch)", headers))
    pkg_config = shutil.which("pkg-config")
    findings.append(
        Finding(
            pkg_config is not None,
            "pkg-config",
            pkg_config or "not found",
            "apt-get install pkg-config",
        )
    )
    qemu = str(cfg.get("qemu", ""))
    emulator = shutil.which(qemu)
    findings.append(
        Finding(
            emulator is not None,
            "emulator (cross-run, meson exe_wrapper)",
            emulator or f"{qemu} not found",
            "apt-get install qemu-user",
        )
    )
    findings.append(_file(cfg.get("meson_cross_file"), "meson cross file", recreate))
    cmake = next(
        (value for name, value in cfg.get("defaults", []) if name == "CMAKE_TOOLCHAIN_FILE"), None
    )
    findings.append(_file(cmake, "CMake toolchain file", recreate))
    missing = cfg.get("rust_missing", "")
    findings.append(
        Finding(
            not missing,
            "Rust standard library for the Host",
            "found" if not missing else "not found",
            missing,
        )
    )
    findings.append(
        _file(str(env_dir / "build" / "bin" / "python"), "Build-python layer", recreate)
    )
    findings.append(_patches(env_dir))
    return findings


def _patches(env_dir: Path) -> Finding:
    """Whether every patch takes on the pip, setuptools, ... installed there."""
    what = "patches of the installed pip, setuptools, ..."
    # -I: no module of the current folder (or PYTHONPATH) stands in for a real one.
    command = [str(env_dir / "bin" / "python"), "-I", "-m", "_crossenv.selfcheck"]
    done = process.capture(command)
    try:
        reported: Dict[str, Optional[str]] = json.loads(done.stdout)
    except ValueError:
        reported = {}
    if done.returncode != 0 or not reported:
        detail = process.last_line(done.stderr, "no answer")
        return Finding(
            False, what, f"Cross-python cannot check them: {detail}", "recreate it with --clear"
        )
    missed = [f"{name} (no {thing})" for name, thing in sorted(reported.items()) if thing]
    if missed:
        fix = "use a pip and setuptools this crossenv knows (build-pip install 'pip<NEXT')"
        return Finding(False, what, "changed: " + ", ".join(missed), fix)
    return Finding(True, what, f"{len(reported)} modules patched")


def main_parser() -> argparse.ArgumentParser:
    """The command line of ``crossenv-doctor`` (the docs show its help)."""
    parser = cli.Parser(prog="crossenv-doctor", description=__doc__.split("\n")[0])
    parser.add_argument("env_dir", type=Path, metavar="ENV_DIR")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    """Print the report; 0 when nothing is missing."""

    def command() -> int:
        env_dir = main_parser().parse_args(argv).env_dir
        try:
            findings = check(env_dir)
        except (OSError, ValueError) as exc:
            raise CrossenvError(f"{env_dir} is damaged (recreate it with --clear): {exc}") from None
        for finding in findings:
            print(finding.line())
        missing = sum(not finding.ok for finding in findings)
        print(f"{len(findings) - missing} present, {missing} missing")
        return 1 if missing else 0

    return cli.run("crossenv-doctor", command)


def entrypoint() -> None:
    """Console-script entry point."""
    cli.entrypoint(main)


if __name__ == "__main__":
    entrypoint()
