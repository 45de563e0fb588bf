"""Patch modules when they are first imported, and serve the Host's sysconfigdata.

Nothing heavy is imported at start-up: ``platform``, ``sysconfig``, pip and
packaging are patched only if and when a program imports them.
"""

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # nothing but sys is imported at start-up
    import importlib.machinery
    import types
    from typing import Callable, Dict, Optional, Sequence, Tuple

    from .config import Config

    Patch = Callable[[types.ModuleType, Config], None]

#: Which module is patched by which function: (runtime module, function).
#: The runtime module is imported only when its target is.
PATCHES: "Dict[str, Tuple[str, str]]" = {
    "platform": ("patch_platform", "apply"),
    "sysconfig": ("patch_sysconfig", "apply"),
    "packaging.tags": ("patch_tags", "apply"),
    "pip._vendor.packaging.tags": ("patch_tags", "apply"),
    "pip._internal.build_env": ("patch_pip", "apply"),
    "setuptools.command.bdist_wheel": ("patch_wheel", "apply"),
    "wheel.bdist_wheel": ("patch_wheel", "apply"),
    "mesonpy": ("patch_mesonpy", "apply"),
    "build.env": ("patch_build", "apply"),
    "numpy": ("patch_numpy", "apply"),
    "pip._internal.operations.install.wheel": ("patch_install", "apply"),
    "pip._internal.wheel_builder": ("patch_install", "apply_builder"),
    "setuptools.command.build_ext": ("fallback", "apply"),
    "maturin": ("patch_rust", "apply"),
    "setuptools_rust": ("patch_rust", "apply"),
}


def patch_for(target: str, patches: "Dict[str, Tuple[str, str]]") -> "Optional[Patch]":
    """The function that patches module ``target``, importing it now."""
    entry = patches.get(target)
    if entry is None:
        return None
    # Found through this package's __path__, so it works even after pip's
    # build isolation has taken site-packages off sys.path.
    from importlib import import_module

    module = import_module(f"{__package__}.{entry[0]}")
    patch: Patch = getattr(module, entry[1])
    return patch


class _SysconfigdataLoader:
    """Create the Host's ``_sysconfigdata_*`` module from JSON data."""

    def __init__(self, cfg: "Config") -> None:
        self._cfg = cfg

    def create_module(self, spec: "importlib.machinery.ModuleSpec") -> None:
        return None

    def exec_module(self, module: "types.ModuleType") -> None:
        from .patch_sysconfig import host_vars

        module.build_time_vars = host_vars(self._cfg)  # type: ignore[attr-defined]


class PatchingFinder:
    """Find modules with the other finders, then patch them after they run."""

    def __init__(self, cfg: "Config", patches: "Dict[str, Tuple[str, str]]") -> None:
        self._cfg = cfg
        self._patches = patches
        self._busy: set[str] = set()

    def find_spec(
        self,
        fullname: str,
        path: "Optional[Sequence[str]]",
        target: "Optional[types.ModuleType]" = None,
    ) -> "Optional[importlib.machinery.ModuleSpec]":
        if fullname in self._cfg["sysconfigdata_names"]:
            from importlib.machinery import ModuleSpec

            data_loader = _SysconfigdataLoader(self._cfg)
            return ModuleSpec(fullname, data_loader)  # type: ignore[arg-type]
        if fullname not in self._patches or fullname in self._busy:
            return None
        from importlib.util import find_spec

        self._busy.add(fullname)
        try:
            spec = find_spec(fullname)
            patch = patch_for(fullname, self._patches)
        finally:
            self._busy.discard(fullname)
        assert patch is not None
        loader = spec.loader if spec is not None else None
        if spec is None or loader is None or isinstance(loader, type):
            return spec
        original = loader.exec_module
        cfg = self._cfg

        def exec_module(module: "types.ModuleType") -> None:
            original(module)
            patch(module, cfg)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install(cfg: "Config") -> None:
    """Patch what is already imported; hook the rest for when it is."""
    for name in PATCHES:
        module = sys.modules.get(name)
        patch = patch_for(name, PATCHES) if module is not None else None
        if module is not None and patch is not None:
            patch(module, cfg)
    sys.meta_path.insert(0, PatchingFinder(cfg, PATCHES))
