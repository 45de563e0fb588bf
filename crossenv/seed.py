"""Seed a layer with the pip (and setuptools) that Build-python's ensurepip bundles.

Running ``ensurepip`` starts pip, which resolves, unpacks and byte-compiles
its own wheel: seconds per layer.  The same wheels are installed once, with
pypa/installer, into a per-user cache; every new layer gets hard links to
that read-only tree (a copy across file systems), ``.pyc`` files included,
and console scripts written by pypa/installer for its own interpreter.  When
Build-python bundles no wheels (some distributions strip them), or crossenv
runs from a source checkout without its dependencies, the layer falls back to
``python -m ensurepip``.
"""

from __future__ import annotations

import base64
import compileall
import csv
import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Callable, Dict, List, Optional

from . import folders, process
from .errors import CreationError, from_os_error
from .layout import site_packages

#: The interpreter named in the cached console scripts (each layer writes its own).
PLACEHOLDER = "/__crossenv_seed__/bin/python"
#: Where a warning goes (one line).
Warn = Callable[[str], None]


def bundled_wheels() -> List[Path]:
    """The wheels ``ensurepip`` would install, newest last; empty if none."""
    try:
        import ensurepip
    except ImportError:
        return []
    here = Path(ensurepip.__file__).parent
    folders = [getattr(ensurepip, "_WHEEL_PKG_DIR", None), here / "_bundled"]
    for folder in folders:
        if folder and Path(folder).is_dir():
            wheels = sorted(Path(folder).glob("*.whl"))
            if any(wheel.name.startswith("pip-") for wheel in wheels):
                return wheels
    return []


def _key(wheels: List[Path]) -> str:
    names = "\n".join(wheel.name for wheel in wheels)
    digest = hashlib.sha256(f"{sys.version}\n{names}".encode()).hexdigest()[:16]
    return f"seed-{sys.implementation.cache_tag}-{digest}"


def _site(root: Path) -> Path:
    """site-packages of the venv-shaped tree ``root`` for this Python."""
    return site_packages(root, f"{sys.version_info[0]}.{sys.version_info[1]}")


def _install(wheels: List[Path], root: Path) -> None:
    """Install ``wheels`` into the venv-shaped tree ``root`` with pypa/installer."""
    from installer import install
    from installer.destinations import SchemeDictionaryDestination
    from installer.sources import WheelFile

    site = str(_site(root))
    scheme = {"purelib": site, "platlib": site, "scripts": str(root / "bin")}
    scheme.update(headers=str(root / "include"), data=str(root))
    destination = SchemeDictionaryDestination(
        scheme,
        interpreter=PLACEHOLDER,
        script_kind="posix",
    )
    for wheel in wheels:
        with WheelFile.open(wheel) as source:
            install(source, destination, {"INSTALLER": b"crossenv\n"})
    # Byte-compiled on every core at once (installer compiles file by file).
    compileall.compile_dir(site, quiet=2, workers=0)


#: The cached tree's list of its files and their SHA-256, written when it is made.
MANIFEST = "crossenv-seed.json"


def _untrusted(path: Path) -> Optional[str]:
    """Why the cache folder ``path`` must not be used, or None.

    As pip treats its cache: it must belong to this user (or to root), and
    no one else may write to it; code from it runs in every environment.
    """
    info = os.stat(path)
    if info.st_uid not in (os.geteuid(), 0):
        try:
            import pwd

            owner = pwd.getpwuid(info.st_uid).pw_name
        except (ImportError, KeyError):
            owner = f"user {info.st_uid}"
        return f"it belongs to {owner}"
    if info.st_mode & 0o002:
        return "anyone can write to it"
    return None


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(site: Path) -> Dict[str, str]:
    """Every file of the tree ``site``, with its SHA-256."""
    return {
        str(path.relative_to(site)): _digest(path)
        for path in sorted(site.rglob("*"))
        if path.is_file() or path.is_symlink()
    }


def _record_hashes(site: Path) -> Dict[str, str]:
    """What the wheels' ``RECORD`` files say each installed file hashes to (hex SHA-256)."""
    hashes: Dict[str, str] = {}
    for record in site.glob("*.dist-info/RECORD"):
        for row in csv.reader(record.read_text("utf-8").splitlines()):
            if len(row) >= 2 and row[1].startswith("sha256="):
                raw = base64.urlsafe_b64decode(row[1][7:] + "=" * (-len(row[1][7:]) % 4))
                hashes[os.path.normpath(row[0])] = raw.hex()
    return hashes


def _changed(tree: Path) -> Optional[str]:
    """Which file of the cached ``tree`` differs from what was installed, or None.

    Each file must hash as its wheel's ``RECORD`` says, and every file (the
    compiled ones too) as the tree's manifest says; a file more (a ``.pth``
    would run at every start) or less is a change too.
    """
    site = _site(tree)
    try:
        expected: Dict[str, str] = json.loads((tree / MANIFEST).read_text("utf-8"))
        found = _files(site)
        recorded = _record_hashes(site)
    except (OSError, ValueError) as exc:
        return f"cannot read it: {exc}"
    for name in sorted(set(expected) | set(found)):
        digest = found.get(name)
        if digest is None:
            return f"{name} is missing"
        if expected.get(name) != digest or recorded.get(name, digest) != digest:
            return f"{name} was changed" if name in expected else f"{name} was added"
    return None


def _discard(tree: Path) -> bool:
    """Remove a cached tree that failed its check; False if this user cannot."""
    trash = tree.with_name(f".{tree.name}.bad-{os.getpid()}")
    try:
        os.rename(tree, trash)
    except OSError:
        return False
    shutil.rmtree(trash, ignore_errors=True)  # read-only files go with their folder
    return True


def _cached(wheels: List[Path], warn: Warn) -> Optional[Path]:
    """The cached tree for ``wheels``, made now if missing; None if it cannot be used."""
    root = folders.cache_root()
    final = root / _key(wheels)
    try:
        problem = _untrusted(root) if root.exists() else None
        if problem is None and _site(final).is_dir():
            problem = _untrusted(final)
            changed = None if problem else _changed(final)
            if problem is None and changed is None:
                return final
            if changed is not None:
                warn(f"the cached pip in {final} failed its check ({changed}); made again")
                if not _discard(final):
                    problem = "it cannot be replaced"
    except OSError as exc:
        problem = exc.strerror or str(exc)
    if problem is not None:
        warn(f"not using the cache {root}: {problem}; pip is installed privately")
        return None
    try:
        root.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".seed-", dir=root))
    except OSError:
        return None
    try:
        _install(wheels, work)
        manifest = json.dumps(_files(_site(work)), indent=0, sort_keys=True)
        (work / MANIFEST).write_text(manifest, encoding="utf-8")
        _make_read_only(work)
        work.chmod(0o755)  # readable by all, as the wheels it comes from; writable by none else
        os.rename(work, final)
    except OSError:
        shutil.rmtree(work, ignore_errors=True)
        # Another process may have filled the same entry meanwhile.
        return final if _site(final).is_dir() else None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final


def _link_or_copy(source: str, target: str) -> None:
    """Hard-link a cached file (it is read-only); copy it across file systems.

    A copy keeps the modification time, so the cached ``.pyc`` files stay valid.
    """
    try:
        os.link(source, target)
    except OSError:
        try:
            shutil.copyfile(source, target)
        except OSError as exc:  # raised past copytree, which would bundle it
            raise from_os_error(exc, f"cannot copy pip to {target}") from None
        stat = os.stat(source)
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _make_read_only(root: Path) -> None:
    """Make the files of a cached tree read-only: layers share them as hard links."""
    for folder, _, files in os.walk(root):
        for name in files:
            os.chmod(os.path.join(folder, name), 0o444)


def _write_scripts(layer: Path) -> None:
    """Write the seeded distributions' console scripts for the layer's python."""
    from installer.scripts import Script
    from installer.utils import parse_entrypoints

    python = str(layer / "bin" / "python")
    for entry_points in sorted(_site(layer).glob("*.dist-info/entry_points.txt")):
        for name, module, attr, section in parse_entrypoints(entry_points.read_text("utf-8")):
            filename, data = Script(name, module, attr, section).generate(python, "posix")
            target = layer / "bin" / filename
            target.write_bytes(data)
            os.chmod(target, 0o755)


def _copy(tree: Path, layer: Path) -> None:
    """Give the venv ``layer`` the seeded ``tree``'s packages and scripts."""
    shutil.copytree(_site(tree), _site(layer), copy_function=_link_or_copy, dirs_exist_ok=True)
    _write_scripts(layer)


def have_installer() -> bool:
    """Whether pypa/installer is importable (not so when run from a bare checkout)."""
    return importlib.util.find_spec("installer") is not None


def _warn(message: str) -> None:
    print(f"crossenv: warning: {message}", file=sys.stderr)


def install(layer: Path, warn: Warn = _warn) -> None:
    """Give the venv ``layer`` the pip ensurepip would give it."""
    wheels = bundled_wheels()
    if not wheels or not have_installer():
        _ensurepip(layer)
        return
    tree = _cached(wheels, warn)
    if tree is not None:
        _copy(tree, layer)
        return
    # No usable cache: install into a scratch tree inside the layer.
    with tempfile.TemporaryDirectory(prefix=".seed-", dir=layer) as work:
        _install(wheels, Path(work))
        _copy(Path(work), layer)


def _ensurepip(layer: Path) -> None:
    command = [str(layer / "bin" / "python"), "-Im", "ensurepip", "--upgrade", "--default-pip"]
    done = process.capture(command, cannot_start=CreationError)
    if done.returncode != 0:
        last = process.last_line(done.stderr)
        raise CreationError(f"installing pip into {layer} failed: {last}")
