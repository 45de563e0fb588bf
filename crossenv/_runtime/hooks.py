"""Patch modules when they are first imported, and serve the Host's sysconfigdata.

Nothing heavy is imported at start-up: ``platform``, ``sysconfig``, pip and
packaging are patched only if and when a program imports them.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from typing import Callable, Dict, Optional, Sequence

from . import (
    fallback,
    patch_build,
    patch_install,
    patch_mesonpy,
    patch_numpy,
    patch_pip,
    patch_platform,
    patch_rust,
    patch_sysconfig,
    patch_tags,
    patch_wheel,
)
from .config import Config

Patch = Callable[[types.ModuleType, Config], None]

#: Which function patches which module.
PATCHES: Dict[str, Patch] = {
    "platform": patch_platform.apply,
    "sysconfig": patch_sysconfig.apply,
    "packaging.tags": patch_tags.apply,
    "pip._vendor.packaging.tags": patch_tags.apply,
    "pip._internal.build_env": patch_pip.apply,
    "setuptools.command.bdist_wheel": patch_wheel.apply,
    "wheel.bdist_wheel": patch_wheel.apply,
    "mesonpy": patch_mesonpy.apply,
    "build.env": patch_build.apply,
    "numpy": patch_numpy.apply,
    "pip._internal.operations.install.wheel": patch_install.apply,
    "pip._internal.wheel_builder": patch_install.apply_builder,
    "setuptools.command.build_ext": fallback.apply,
    "maturin": patch_rust.apply,
    "setuptools_rust": patch_rust.apply,
}


class _SysconfigdataLoader(importlib.abc.Loader):
    """Create the Host's ``_sysconfigdata_*`` module from JSON data."""

    def __init__(self, cfg: Config) -> None:
        self._cfg = cfg

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        module.build_time_vars = patch_sysconfig.host_vars(self._cfg)  # type: ignore[attr-defined]


class PatchingFinder(importlib.abc.MetaPathFinder):
    """Find modules with the other finders, then patch them after they run."""

    def __init__(self, cfg: Config, patches: Dict[str, Patch]) -> None:
        self._cfg = cfg
        self._patches = patches
        self._busy: set[str] = set()

    def find_spec(
        self,
        fullname: str,
        path: Optional[Sequence[str]],
        target: Optional[types.ModuleType] = None,
    ) -> Optional[importlib.machinery.ModuleSpec]:
        if fullname in self._cfg["sysconfigdata_names"]:
            return importlib.util.spec_from_loader(fullname, _SysconfigdataLoader(self._cfg))
        patch = self._patches.get(fullname)
        if patch is None or fullname in self._busy:
            return None
        self._busy.add(fullname)
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            self._busy.discard(fullname)
        loader = spec.loader if spec is not None else None
        if spec is None or loader is None or isinstance(loader, type):
            return spec
        original = loader.exec_module
        cfg = self._cfg

        def exec_module(module: types.ModuleType) -> None:
            original(module)
            patch(module, cfg)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install(cfg: Config) -> None:
    """Patch what is already imported; hook the rest for when it is."""
    for name, patch in PATCHES.items():
        module = sys.modules.get(name)
        if module is not None:
            patch(module, cfg)
    sys.meta_path.insert(0, PatchingFinder(cfg, PATCHES))
