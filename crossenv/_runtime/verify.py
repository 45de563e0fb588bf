"""Check what a cross build produced: every binary and the wheel's tags are the Host's."""

from __future__ import annotations

import os
import re
import zipfile
from typing import List, Optional, Tuple

from .config import Config
from .elf import glibc_needs, mismatch, read_header

_WHEEL_NAME = re.compile(r"^(?P<rest>.+)-(?P<py>[^-]+)-(?P<abi>[^-]+)-(?P<plat>[^-]+)\.whl$")


def is_binary(name: str) -> bool:
    """Shared objects, including versioned ones (``libfoo.so.1``)."""
    base = os.path.basename(name)
    return base.endswith(".so") or ".so." in base


def check_binary(name: str, head: bytes, cfg: Config) -> Optional[str]:
    """One line about what is wrong with the binary ``name``, or None."""
    expected = cfg.get("elf")
    if not expected:
        return None
    problem = mismatch(
        read_header(head),
        machine=expected["machine"],
        bits=expected["bits"],
        big_endian=expected["big_endian"],
    )
    if problem:
        return f"{name}: {problem}"
    base = os.path.basename(name)
    suffix = cfg["ext_suffix"]
    if ".cpython-" in base and base.endswith(".so") and not base.endswith(suffix):
        return f"{name}: extension suffix is not the Host's {suffix}"
    return None


def check_tags(filename: str, cfg: Config) -> Optional[str]:
    """One line when a wheel's platform tag is not one the Host accepts."""
    match = _WHEEL_NAME.match(os.path.basename(filename))
    if match is None:
        return f"{filename}: not a wheel file name"
    accepted = {"any", *cfg["platform_tags"]}
    if cfg.get("wheel_tag"):
        accepted.add(cfg["wheel_tag"])
    wrong = [tag for tag in match.group("plat").split(".") if tag not in accepted]
    if wrong:
        host = cfg["platform_tags"][-1]
        return f"{filename}: platform tag {'.'.join(wrong)} is not the Host's ({host})"
    return None


_MANYLINUX = re.compile(r"manylinux_(\d+)_(\d+)_(.+)")
#: The manylinux tags named before PEP 600, and the glibc each stands for.
LEGACY_MANYLINUX = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}


def promised_glibc(filename: str) -> Optional[Tuple[str, Tuple[int, int]]]:
    """The manylinux tag of a wheel's name and the newest glibc it lets binaries use."""
    match = _WHEEL_NAME.match(os.path.basename(filename))
    promises = []
    for tag in match.group("plat").split(".") if match else ():
        found = _MANYLINUX.fullmatch(tag)
        legacy = LEGACY_MANYLINUX.get(tag.partition("_")[0])
        if found:
            promises.append((tag, (int(found.group(1)), int(found.group(2)))))
        elif legacy is not None:
            promises.append((tag, legacy))
    return min(promises, key=lambda promise: promise[1]) if promises else None


def check_glibc(name: str, data: bytes, promise: Tuple[str, Tuple[int, int]]) -> Optional[str]:
    """One line when the binary ``name`` needs a newer glibc than the wheel's tag promises."""
    tag, allowed = promise
    needs = glibc_needs(data)
    if not needs:
        return None
    symbol, newest = max(needs.items(), key=lambda item: (item[1], item[0]))
    if newest <= allowed:
        return None
    arch = tag.split("_", 3)[3] if tag.startswith("manylinux_") else tag.partition("_")[2]
    version = f"{newest[0]}.{newest[1]}"
    return (
        f"{name} needs glibc {version} ({symbol}@GLIBC_{version}), newer than its tag {tag} "
        f"allows; it is a manylinux_{newest[0]}_{newest[1]}_{arch} wheel"
    )


def check_wheel(path: str, cfg: Config) -> List[str]:
    """Every problem of the wheel at ``path``: its tags and each binary inside.

    A manylinux tag is a promise about glibc: each binary's symbol versions
    are checked against it.
    """
    problems = []
    tag_problem = check_tags(path, cfg)
    if tag_problem:
        problems.append(tag_problem)
    promise = promised_glibc(path)
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if is_binary(info.filename):
                with archive.open(info) as stream:  # all of it only to check a promise
                    data = stream.read() if promise is not None else stream.read(64)
                problem = check_binary(info.filename, data[:64], cfg)
                if problem is None and promise is not None:
                    problem = check_glibc(info.filename, data, promise)
                if problem:
                    problems.append(problem)
    return problems


def summary(path: str, problems: List[str]) -> str:
    """The one line a user reads when a wheel is refused."""
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"crossenv: {os.path.basename(path)} was not built for the Host: {problems[0]}{more}"
