"""The runtime patches, as the real importable modules they are."""

from __future__ import annotations

import importlib.util
import os
import sys
import types
from pathlib import Path
from typing import Any, Iterator, cast

import pytest

from crossenv._runtime import config, hooks, identity, patch_pip, patch_sysconfig, patch_tags
from crossenv._runtime.config import Config
from crossenv._runtime.hooks import BuildSideFinder

from .conftest import fixture_vars, runtime_record


def make_config(tmp_path: Path, **changes: Any) -> Config:
    """The record crossenv writes for a bookworm arm64 Host, with ``changes``, as read."""
    fixture = "debian-bookworm-arm64-3.11.py"
    data = runtime_record(tmp_path / "env", fixture)
    data.update(changes)  # type: ignore[typeddict-item]
    config.write(str(tmp_path / config.CONFIG_FILE), data)
    config.write(str(tmp_path / config.VARS_FILE), fixture_vars(fixture))
    return config.load(str(tmp_path))


def test_environ_operators_apply_once(tmp_path: Path) -> None:
    cfg = make_config(
        tmp_path,
        environ=[
            ["A", "=", "1"],
            ["B", "?=", "2"],
            ["C", "+=", " -g"],
            ["N", "+=", "x"],
            ["P", ":=", "/x"],
            ["D", "?=", "new"],
        ],
    )
    environ = {"C": "-O2", "P": "/a", "D": "old", "N": "1"}
    config.apply_environ(cfg, environ)
    config.apply_environ(cfg, environ)  # a child process must not append again
    assert environ["A"] == "1" and environ["B"] == "2" and environ["D"] == "old"
    assert environ["C"] == "-O2 -g" and environ["N"] == "1x"  # no separator, as 1.x
    assert environ["P"] == f"/a{os.pathsep}/x"


def test_build_side_process_sees_the_build_environment(tmp_path: Path) -> None:
    user = [["C", "+=", " -mcpu=cortex-a72"], ["U", "=", "1"], ["T", "=", "mine"]]
    cfg = make_config(tmp_path, environ=user)
    cfg["defaults"] = [["CMAKE_TOOLCHAIN_FILE", "/t.cmake"], ["T", "/default"]]
    cfg["path_prepend"] = ["/rust-bin"]
    original = {"C": "-O2", "PATH": "/usr/bin"}
    environ = dict(original)
    config.apply_environ(cfg, environ)  # Cross-python (pip)
    assert environ["C"] == "-O2 -mcpu=cortex-a72" and environ["U"] == "1"
    assert environ["T"] == "mine" and environ["CMAKE_TOOLCHAIN_FILE"] == "/t.cmake"
    config.undo_environ(cfg, environ)  # a Build-side process it starts
    assert environ == original
    config.apply_environ(cfg, environ)  # a Cross-python that process starts
    assert environ["CMAKE_TOOLCHAIN_FILE"] == "/t.cmake" and environ["T"] == "mine"
    assert environ["PATH"] == f"/rust-bin{os.pathsep}/usr/bin"
    assert environ["C"] == "-O2 -mcpu=cortex-a72" and environ["U"] == "1"


def test_uname_reports_host(tmp_path: Path) -> None:
    cfg = make_config(tmp_path)
    uname = identity.host_uname(cfg, os.uname)
    assert uname().machine == "aarch64"
    assert uname().sysname == "Linux"
    assert uname().nodename == "build"  # crossenv 1.x's: not this machine's name


def test_tags_patch(tmp_path: Path) -> None:
    cfg = make_config(tmp_path)
    module = types.ModuleType("tags")
    module.platform_tags = lambda: iter(["linux_x86_64"])  # type: ignore[attr-defined]
    assert patch_tags.apply(module, cfg) is None
    assert patch_tags.apply(types.ModuleType("changed"), cfg) == "platform_tags"
    tags = list(module.platform_tags())  # glibc 2.36 down to 2.17, then the plain tag
    assert tags[0] == "manylinux_2_36_aarch64" and tags[-1] == "linux_aarch64"
    assert "manylinux_2_17_aarch64" in tags and not any("x86_64" in tag for tag in tags)


def fresh_sysconfig() -> types.ModuleType:
    """A private copy of sysconfig, so the test interpreter's stays untouched."""
    spec = importlib.util.find_spec("sysconfig")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sysconfig_patch(tmp_path: Path) -> None:
    cfg = make_config(tmp_path)
    module = fresh_sysconfig()
    module.get_config_vars()  # already initialized before the patch
    patch_sysconfig.apply(module, cfg)
    name = module._get_sysconfigdata_name()
    assert name == "_sysconfigdata__linux_aarch64-linux-gnu"
    data = types.ModuleType(name)
    data.build_time_vars = patch_sysconfig.host_vars(cfg)  # type: ignore[attr-defined]
    sys.modules[name] = data
    try:
        assert module.get_platform() == "linux-aarch64"
        assert module.get_config_var("EXT_SUFFIX") == ".cpython-311-aarch64-linux-gnu.so"
        assert module.get_config_var("MULTIARCH") == "aarch64-linux-gnu"
        assert module.get_config_vars("installed_base") == ["/sysroot/usr"]
        assert module.get_paths()["include"].startswith("/sysroot/usr/include")
    finally:
        del sys.modules[name]


@pytest.fixture
def finders() -> Iterator[None]:
    saved = list(sys.meta_path)
    yield
    sys.meta_path[:] = saved


def test_patching_finder_patches_on_first_import(tmp_path: Path, finders: None) -> None:
    cfg = make_config(tmp_path)
    (tmp_path / "victim_mod.py").write_text("VALUE = 1\ndef platform_tags(): return iter(())\n")
    finder = hooks.PatchingFinder(cfg, {"victim_mod": ("patch_tags", "apply")})
    sys.meta_path.insert(0, finder)
    sys.path.insert(0, str(tmp_path))
    try:
        import victim_mod  # type: ignore[import-not-found]

        assert victim_mod.VALUE == 1
        assert list(victim_mod.platform_tags()) == cfg["platform_tags"]
        data = importlib.import_module("_sysconfigdata__linux_aarch64-linux-gnu")
        assert data.build_time_vars["SOABI"] == "cpython-311-aarch64-linux-gnu"
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("victim_mod", None)
        sys.modules.pop("_sysconfigdata__linux_aarch64-linux-gnu", None)


def test_every_patch_names_a_real_function() -> None:
    for target in hooks.PATCHES:
        assert callable(hooks.patch_for(target, hooks.PATCHES)), target


def test_build_side_finder(tmp_path: Path, finders: None) -> None:
    build_site = tmp_path / "build"
    build_site.mkdir()
    (build_site / "buildtool_x.py").write_text("WHERE = 'build'\n")
    (build_site / "hidden_x.py").write_text("")
    anchor = str(tmp_path / "cross-site")
    finder = BuildSideFinder(str(build_site), anchor, ["hidden_x"])
    assert finder.find_spec("buildtool_x", None) is None  # anchor not on sys.path: isolated
    sys.path.append(anchor)
    try:
        spec = finder.find_spec("buildtool_x", None)
        assert spec is not None and spec.origin == str(build_site / "buildtool_x.py")
        assert finder.find_spec("hidden_x", None) is None
        assert finder.find_spec("buildtool_x.sub", [str(build_site)]) is None
    finally:
        sys.path.remove(anchor)


def dist_info(site: Path, name: str, version: str, entry_points: str = "") -> None:
    folder = site / f"{name}-{version}.dist-info"
    folder.mkdir(parents=True)
    (folder / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (folder / "entry_points.txt").write_text(entry_points)


def test_build_tools_metadata_is_seen_by_whole_path_queries_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """setuptools finds its commands by entry point; pip must still not count it installed."""
    from importlib import metadata

    # A name of its own: the test's interpreter has a setuptools on sys.path already.
    monkeypatch.setattr(hooks, "BUILD_TOOLS", ("demo-builder",))
    build_site, cross_site = tmp_path / "build-site", tmp_path / "cross-site"
    commands = "[demo.commands]\ndist_info = demo_builder.dist_info:dist_info\n"
    dist_info(build_site, "demo_builder", "80.0", commands)
    dist_info(build_site, "Cython", "3.1")
    cross_site.mkdir()
    finder = BuildSideFinder(str(build_site), str(cross_site), [])
    sys.meta_path.append(finder)
    sys.path.append(str(cross_site))
    try:
        group = metadata.entry_points(group="demo.commands")  # type: ignore[call-arg]
        assert [entry.value for entry in group] == ["demo_builder.dist_info:dist_info"]
        assert metadata.version("demo-builder") == "80.0"
        with pytest.raises(metadata.PackageNotFoundError):
            metadata.version("Cython")  # other Build-side packages stay hidden
        # pip asks folder by folder: nothing of the Build layer is installed there.
        assert list(metadata.distributions(path=[str(cross_site)])) == []
        dist_info(cross_site, "demo_builder", "81.0")  # Cross-python's own copy wins
        assert [dist.version for dist in metadata.distributions(name="demo-builder")] == ["81.0"]
    finally:
        sys.path.remove(str(cross_site))
        sys.meta_path.remove(finder)
    # In an isolated build (Cross-python's site-packages off sys.path): nothing.
    assert list(finder.find_distributions(metadata.DistributionFinder.Context())) == []


def test_pip_install_requirements_runs_build_side() -> None:
    class FakeBuildEnvironment:
        def install_requirements(self) -> str:
            return os.environ.get("CROSSENV_BUILD_SIDE", "unset")

    module = types.ModuleType("pip._internal.build_env")
    module.BuildEnvironment = FakeBuildEnvironment  # type: ignore[attr-defined]
    patch_pip.apply(module, cast(Config, {}))
    assert os.environ.get("CROSSENV_BUILD_SIDE") is None
    assert FakeBuildEnvironment().install_requirements() == "1"
    assert os.environ.get("CROSSENV_BUILD_SIDE") is None


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [("SIZEOF_LONG", "4", 4), ("SOABI", "123", "123"), ("NEW_NAME", "7", "7")],
)
def test_config_vars_stay_strings_unless_the_hosts_value_is_a_number(
    name: str, value: str, expected: object
) -> None:
    from crossenv import layout
    from crossenv.host import HostPython
    from crossenv.toolchain import Toolchain

    vars_ = fixture_vars("debian-bookworm-arm64-3.11.py")
    found = HostPython(Path("/s/usr/bin/python3"), Path("/s/x.py"), vars_, Path("/s/usr"), None)
    chain = Toolchain("aarch64-linux-gnu-gcc", "aarch64-linux-gnu-g++", "ar", "aarch64-linux-gnu")
    settings = layout.Settings(config_vars=((name, value),))
    assert layout.host_vars(found, chain, settings)[name] == expected
