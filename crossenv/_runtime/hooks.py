"""Cross-python's import hooks.

* :class:`PatchingFinder` (first on ``sys.meta_path``) patches modules when
  they are first imported, and serves the Host's sysconfigdata;
* :class:`BuildSideFinder` lets Cross-python import what ``build-pip``
  installed, without counting it installed;
* :class:`HostBinaryFinder` and :func:`guard_extensions` report imports of
  extension modules built for the Host.

Nothing heavy is imported at start-up: ``platform``, ``sysconfig``, pip and
packaging are patched only if and when a program imports them.
"""

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # nothing but os and sys (both loaded already) at start-up
    import importlib.machinery
    import types
    from typing import Any, Callable, Dict, Iterator, Optional, Sequence, Tuple

    from .config import Config

    #: A patch returns None when it took, else what it did not find in the module.
    Patch = Callable[[types.ModuleType, Config], Optional[str]]

#: Which module is patched by which function: (runtime module, function).
#: The runtime module is imported only when its target is.
PATCHES: "Dict[str, Tuple[str, str]]" = {
    "platform": ("patch_platform", "apply"),
    "sysconfig": ("patch_sysconfig", "apply"),
    "packaging.tags": ("patch_tags", "apply"),
    "pip._vendor.packaging.tags": ("patch_tags", "apply"),
    "pip._internal.build_env": ("patch_pip", "apply"),
    "pip._internal.resolution.resolvelib.factory": ("patch_pip", "apply_resolver"),
    "setuptools.command.bdist_wheel": ("patch_wheel", "apply"),
    "wheel.bdist_wheel": ("patch_wheel", "apply"),
    "mesonpy": ("patch_mesonpy", "apply"),
    "build.env": ("patch_build", "apply"),
    "numpy": ("patch_numpy", "apply"),
    "pip._internal.operations.install.wheel": ("patch_install", "apply"),
    "pip._internal.wheel_builder": ("patch_install", "apply_builder"),
    "setuptools.command.build_ext": ("fallback", "apply"),
    "maturin": ("patch_rust", "apply"),
    "struct": ("patch_sizes", "apply_struct"),
    "ctypes": ("patch_sizes", "apply_ctypes"),
    "re._compiler": ("identity", "native_byteorder"),
    "sre_compile": ("identity", "native_byteorder"),
    "encodings.utf_16": ("identity", "native_byteorder"),
    "encodings.utf_32": ("identity", "native_byteorder"),
    "ctypes._endian": ("identity", "native_byteorder"),
    "wave": ("identity", "native_byteorder"),
    "dis": ("identity", "native_byteorder"),
    "setuptools_rust": ("patch_rust", "apply"),
}


#: What each patch applied in this process reported, by module name: None
#: when it took, else what it did not find (the module changed shape).
#: ``crossenv-doctor`` prints it.
RESULTS: "Dict[str, Optional[str]]" = {}


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
            RESULTS[fullname] = missing = patch(module, cfg)
            if missing:
                print(
                    f"crossenv: warning: cannot patch {fullname}: no {missing} in this "
                    "version; what it builds may not be for the Host",
                    file=sys.stderr,
                )

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


#: Modules each interpreter looks for in its own site-packages only.
_OWN = frozenset({"sitecustomize", "usercustomize"})
#: Build-layer distributions whose metadata Cross-python sees (see
#: :meth:`BuildSideFinder.find_distributions`), by normalized name.
BUILD_TOOLS = ("setuptools", "wheel")


class BuildSideFinder:
    """Find top-level modules in Build-python's site-packages (what ``build-pip`` installed).

    Build-python's site-packages is not on ``sys.path``, so distribution metadata
    there stays invisible (see ``cross-expose``); this finder, last on
    ``sys.meta_path``, imports top-level modules from it when nothing else can.
    It stands aside inside pip's isolated builds (where Cross-python's own
    site-packages has been taken off ``sys.path``), so those builds see only
    their declared requirements.
    """

    def __init__(self, build_site: str, cross_site: str, hidden: "Sequence[str]") -> None:
        self.build_site = build_site
        self.cross_site = cross_site
        self.hidden = frozenset(hidden)

    def find_spec(
        self,
        fullname: str,
        path: "Optional[Sequence[str]]",
        target: "Optional[types.ModuleType]" = None,
    ) -> "Optional[importlib.machinery.ModuleSpec]":
        if path is not None or fullname in self.hidden or fullname in _OWN:
            return None
        if self.cross_site not in sys.path:
            return None
        from importlib.machinery import PathFinder

        return PathFinder.find_spec(fullname, [self.build_site])

    def find_distributions(self, context: "Any" = None) -> "Iterator[Any]":
        """The metadata of the Build layer's :data:`BUILD_TOOLS`, for whole-path queries.

        setuptools and wheel find their own commands (``dist_info``,
        ``bdist_wheel``) through their entry points; a build without
        isolation that imports them from the Build layer needs that metadata.
        Queries of given folders (pip's check of what is installed) and
        isolated builds still see none, and a copy in Cross-python's own
        site-packages comes first.
        """
        if context is None or self.cross_site not in sys.path or context.path is not sys.path:
            return iter(())
        from importlib import metadata

        from .project import normalize

        name = context.name
        wanted = [tool for tool in BUILD_TOOLS if name is None or normalize(name) == tool]
        found = [
            dist
            for tool in wanted
            if not any(True for _ in metadata.distributions(name=tool, path=list(sys.path)))
            for dist in metadata.distributions(name=tool, path=[self.build_site])
        ]
        return iter(found)


#: Host binaries already reported: one warning each per process.
_reported: "set[str]" = set()


def report_host_binary(path: str, problem: str, module: str) -> None:
    """Say on stderr that Build-side code reached for a Host binary."""
    if path in _reported:
        return
    _reported.add(path)
    cross_run = os.path.join(os.path.dirname(sys.prefix), "bin", "cross-run")
    print(
        f"crossenv: warning: {problem}: {path} is built for the Host, and Cross-python "
        "runs on the Build machine; code run during a build cannot import what is built "
        f"for the Host (on the target: {cross_run} -c 'import {module}')",
        file=sys.stderr,
    )


class HostBinaryFinder:
    """Last on ``sys.meta_path``: report a module missing here but built for the Host.

    Host extension modules carry the Host's suffix (``.cpython-311-aarch64-...``)
    that this interpreter does not look for, so their import fails as plainly
    "not found"; this finder names the file instead.  It never finds anything.
    """

    def __init__(self, ext_suffix: str) -> None:
        self._suffix = ext_suffix

    def find_spec(
        self,
        fullname: str,
        path: "Optional[Sequence[str]]",
        target: "Optional[types.ModuleType]" = None,
    ) -> None:
        name = fullname.rpartition(".")[2] + self._suffix
        for folder in sys.path if path is None else path:
            candidate = os.path.join(folder or os.curdir, name)
            if os.path.isfile(candidate):
                problem = f"no module named {fullname!r} for the Build machine"
                report_host_binary(candidate, problem, fullname)
                break
        return None


def _host_binary(path: str, elf: "Dict[str, Any]") -> "Optional[str]":
    """What ``path`` is (e.g. ``ELF 64-bit little-endian aarch64``) if it is a Host binary."""
    from .elf import describe, mismatch, read_file

    try:
        found, own = read_file(path), read_file(sys.executable)
    except OSError:
        return None
    if found is None or own is None or found.machine == own.machine:
        return None
    return describe(found) if mismatch(found, **elf) is None else None


def guard_extensions(cfg: "Config") -> None:
    """Name the Host binary when loading an extension module fails because of it."""
    elf = cfg.get("elf")
    if not elf:
        return
    loader = sys.modules["_frozen_importlib_external"].ExtensionFileLoader
    original = loader.create_module

    def create_module(self: "Any", spec: "importlib.machinery.ModuleSpec") -> "Any":
        try:
            return original(self, spec)
        except ImportError:
            what = _host_binary(self.path, elf)
            if what is not None:
                report_host_binary(self.path, f"cannot load {what}", spec.name)
            raise

    loader.create_module = create_module


def install(cfg: "Config") -> None:
    """Patch what is already imported; hook the rest for when it is."""
    for name in PATCHES:
        module = sys.modules.get(name)
        if module is not None:
            patch = patch_for(name, PATCHES)
            assert patch is not None  # every name of PATCHES has one
            patch(module, cfg)
    sys.meta_path.insert(0, PatchingFinder(cfg, PATCHES))
    guard_extensions(cfg)
