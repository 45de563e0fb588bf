"""PEP 739's ``build-details.json``, read as data and checked against sysconfigdata.

Python 3.14 installs a static description of itself beside the standard
library: CPython as ``build-details.json``, Debian under a name that adds the
ABI flags and the multiarch triple (``build-details..aarch64-linux-gnu.json``,
the flags empty), leaving out what it does not ship (the shared libpython).
crossenv takes the Host's values from sysconfigdata, as every build backend
does; where a ``build-details`` file is there too, the two must agree on
what decides an extension module's name and ABI.  Cross-built Pythons have
been seen to write the Build machine's suffix into one of them, or to drop
the free-threading ``t`` from it: a build for such a Host would be named or
compiled for another interpreter, so a disagreement stops creation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

from .errors import HostPythonError
from .sysconfigdata import ConfigVars, text_var


def find(stdlib: Path, config: ConfigVars) -> Optional[Path]:
    """The ``build-details`` file of the Host-python whose stdlib folder is ``stdlib``.

    CPython's name first, then Debian's for this ABI and multiarch triple.
    """
    abiflags = text_var(config, "ABIFLAGS")
    multiarch = text_var(config, "MULTIARCH")
    for name in ("build-details.json", f"build-details.{abiflags}.{multiarch}.json"):
        path = stdlib / name
        if path.is_file():
            return path
    return None


def read(path: Path) -> Dict[str, Any]:
    """The data of ``path``; a file that is not a JSON object is refused (exit 3)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise HostPythonError(f"cannot read {path}: {' '.join(str(exc).split())}") from None
    if not isinstance(data, dict):
        raise HostPythonError(f"{path} is not a PEP 739 build-details file")
    return data


def _get(data: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, Mapping) or key not in data:
            return None
        data = data[key]
    return data


def facts(details: Mapping[str, Any], config: ConfigVars) -> List[Tuple[str, object, object]]:
    """Each fact both describe: (name, from build-details, from sysconfigdata).

    Facts the build-details file leaves out are not listed.
    """
    flags = _get(details, "abi", "flags")
    extensions = _get(details, "suffixes", "extensions")
    pairs: List[Tuple[str, object, object]] = [
        ("version", _get(details, "language", "version"), text_var(config, "VERSION")),
        (
            "multiarch",
            _get(details, "implementation", "_multiarch"),
            text_var(config, "MULTIARCH"),
        ),
        (
            "ABI flags",
            "".join(flags) if isinstance(flags, list) else None,
            text_var(config, "ABIFLAGS"),
        ),
        (
            "free-threading",
            "t" in flags if isinstance(flags, list) else None,
            str(config.get("Py_GIL_DISABLED", 0)) == "1",
        ),
        (
            "extension suffix",
            _get(details, "abi", "extension_suffix")
            or (extensions[0] if isinstance(extensions, list) and extensions else None),
            text_var(config, "EXT_SUFFIX"),
        ),
    ]
    return [(name, theirs, ours) for name, theirs, ours in pairs if theirs is not None]


def check(path: Path, config: ConfigVars, sysconfigdata_file: Path) -> None:
    """Refuse (exit 3) when ``path`` and the sysconfigdata disagree, naming each fact."""
    wrong = [
        f"{name} {theirs!r} there, {ours!r} in sysconfigdata"
        for name, theirs, ours in facts(read(path), config)
        if theirs != ours
    ]
    if wrong:
        raise HostPythonError(
            f"Host-python's {path.name} and {sysconfigdata_file.name} disagree ("
            + "; ".join(wrong)
            + "): one of them was written for another interpreter; fix it, or name the "
            "sysconfigdata to trust with --sysconfigdata-file"
        )
