"""Package hints: the table, the merge, the value forms, and which project a backend builds."""

from __future__ import annotations

import configparser
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from crossenv import _runtime
from crossenv._runtime import config, hints, project
from crossenv._runtime.config import Config
from crossenv._runtime.pkgconfig import HintError, PkgConfig, check

RUNTIME = Path(__file__).resolve().parents[2] / "crossenv" / "_runtime"

# --- the built-in table -----------------------------------------------------


def builtin() -> Dict[str, Any]:
    data: Dict[str, Any] = json.loads(Path(hints.BUILTIN).read_text("utf-8"))
    return data


def test_builtin_table_is_valid_and_says_why() -> None:
    data = builtin()
    table = hints.parse(data, hints.BUILTIN)
    assert set(table) == {"h5py", "pillow"}
    for name, entry in data.items():
        assert name == project.normalize(name), "keys are normalized project names"
        assert isinstance(entry, dict) and len(entry["why"]) > 40, f"{name} must say why"


def test_builtin_table_ships_with_the_runtime() -> None:
    """The builder copies the runtime folder, and the wheel must carry the table."""
    assert Path(hints.BUILTIN).parent == RUNTIME
    text = (RUNTIME.parents[1] / "pyproject.toml").read_text("utf-8")
    assert '"crossenv._runtime" = ["hints.json"]' in text


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"wy": "typo"}, "unknown key 'wy'"),
        ({"environ": {"1BAD": "x"}}, "not an environment variable name"),
        ({"environ": {"CROSSENV_BUILD_SIDE": "1"}}, "crossenv's own"),
        ({"environ": {"DIST_EXTRA_CONFIG": "/x.cfg"}}, "crossenv's own"),
        ({"environ": {"A": "two\nlines"}}, "one line"),
        ({"environ": {"A": 1}}, "a string or an object"),
        ({"environ": {"A": {"pkg-config": ["--define-variable=prefix=/"], "modules": ["z"]}}}, ""),
        ({"environ": {"A": {"pkg-config": ["--modversion"], "modules": ["--exists"]}}}, ""),
        ({"environ": {"A": {"pkg-config": ["--modversion"], "modules": []}}}, "no module"),
        ({"environ": {"A": {"pkg-config-module": "hdf5"}}}, "list of strings"),
        ({"environ": {"A": {"run": ["sh", "-c", "id"]}}}, "unknown value form"),
        ({"environ": {"A": {"if-defined": "X", "header": "../etc/x.h", "modules": ["z"]}}}, ""),
        ({"environ": {"A": {"if-defined": "X", "header": "/usr/x.h", "modules": ["z"]}}}, ""),
        ({"environ": {"A": {"if-defined": "X()", "header": "x.h", "modules": ["z"]}}}, "C macro"),
        ({"setuptools": {"build ext": {"a": "1"}}}, "not a setuptools command"),
        ({"setuptools": {"build_ext": {"a=b": "1"}}}, "not an option name"),
        ({"setuptools": {"build_ext": ["a"]}}, "must be an object"),
        ({"unless": "HDF5_DIR"}, "list of variable names"),
        ({"environ": {"A": {"pkg-config": ["--libs"], "modules": ["z"], "host-paths": True}}}, ""),
        (
            {
                "environ": {
                    "A": {"pkg-config": ["--libs-only-L"], "modules": ["z"], "host-paths": 1}
                }
            },
            "must be true",
        ),
    ],
)
def test_malformed_hints_are_refused(entry: Dict[str, Any], problem: str) -> None:
    with pytest.raises(HintError, match=problem or "not allowed|header must be|goes with"):
        hints.parse({"pkg": entry}, "f.json")


def test_value_forms_that_are_accepted() -> None:
    for spec in (
        "literal",
        {"pkg-config": ["--modversion"], "modules": ["hdf5", "hdf5-serial"]},
        {"pkg-config": ["--variable=libdir", "--static"], "modules": ["gtk+-3.0"]},
        {"pkg-config": ["--libs-only-L"], "modules": ["hdf5"], "host-paths": True},
        {"pkg-config-module": ["hdf5", "hdf5-serial"]},
        {"if-defined": "H5_HAVE_ROS3_VFD", "header": "hdf5/H5pubconf.h", "modules": ["hdf5"]},
    ):
        check(spec, "A")


# --- merging the user's files -------------------------------------------------


def test_user_entries_merge_per_variable_and_option() -> None:
    base = hints.merge({}, hints.parse(builtin(), "builtin"))
    user = {
        "H5PY": {"environ": {"H5PY_ROS3": "0", "HDF5_LIBDIR": None, "EXTRA": "1"}},
        "Pillow": {"setuptools": {"build_ext": {"parallel": "1"}}},
        "My_Pkg": {"environ": {"MY_FLAG": "1"}, "why": "mine"},
    }
    merged = hints.merge(base, hints.parse(user, "user"))
    h5py = merged["h5py"]
    assert h5py["environ"]["H5PY_ROS3"] == "0" and h5py["environ"]["EXTRA"] == "1"
    assert "HDF5_LIBDIR" not in h5py["environ"]
    assert "HDF5_VERSION" in h5py["environ"] and h5py["unless"] == base["h5py"]["unless"]
    assert merged["pillow"]["setuptools"]["build_ext"] == {
        "disable_platform_guessing": "1",
        "parallel": "1",
    }
    assert merged["my-pkg"] == {"why": "mine", "environ": {"MY_FLAG": "1"}}
    assert base["h5py"]["environ"]["H5PY_ROS3"] != "0", "the base table is not changed"


def test_null_removes_a_hint_a_section_or_an_option() -> None:
    base = hints.merge({}, hints.parse(builtin(), "builtin"))
    assert "pillow" not in hints.merge(base, {"pillow": None})
    no_section = hints.merge(
        base, hints.parse({"pillow": {"setuptools": {"build_ext": None}}}, "u")
    )
    assert "setuptools" not in no_section["pillow"]
    no_option = {"pillow": {"setuptools": {"build_ext": {"disable_platform_guessing": None}}}}
    assert "setuptools" not in hints.merge(base, hints.parse(no_option, "u"))["pillow"]


def make_cfg(tmp_path: Path) -> Config:
    env = tmp_path / "env"
    cfg: Config = {
        "prefix": str(env / "cross"),
        "build_python": str(env / "build" / "bin" / "python"),
        "cache_dir": str(env / "cross" / "crossenv-cache"),
    }
    return cfg


def test_user_files_merge_over_the_builtin_table_in_order(tmp_path: Path) -> None:
    cfg = make_cfg(tmp_path)
    env = Path(hints.env_dir(cfg))
    assert env == tmp_path / "env"
    env.mkdir()
    (env / hints.USER_FILE).write_text(json.dumps({"pillow": None, "a": {"environ": {"A": "1"}}}))
    named = tmp_path / "more hints.json"
    named.write_text(json.dumps({"a": {"environ": {"A": "2", "B": "3"}}}))
    table, problems = hints.load(cfg, {hints.USER_VARIABLE: str(named)})
    assert problems == []
    assert "pillow" not in table and "h5py" in table
    assert table["a"]["environ"] == {"A": "2", "B": "3"}


def test_a_broken_user_file_is_reported_and_ignored(tmp_path: Path) -> None:
    cfg = make_cfg(tmp_path)
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / hints.USER_FILE).write_text('{"pillow": null,}')
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"x": {"environ": {"A": {"run": "id"}}}}))
    missing = tmp_path / "missing.json"
    table, problems = hints.load(cfg, {hints.USER_VARIABLE: str(bad)})
    assert "pillow" in table, "the built-in table still applies"
    assert len(problems) == 2 and "cannot be read" in problems[0]
    assert "unknown value form" in problems[1] and str(bad) in problems[1]
    (tmp_path / "env" / hints.USER_FILE).unlink()  # optional: no problem when absent
    _, problems = hints.load(cfg, {hints.USER_VARIABLE: str(missing)})
    assert problems == [f"hints file {missing} does not exist; it is ignored"]


# --- values from the sysroot ----------------------------------------------------


@pytest.fixture
def sysroot(tmp_path: Path) -> Path:
    """A sysroot with Debian's HDF5 pkg-config file (only the serial name) and header."""
    pkgconfig = shutil.which("pkg-config")
    if pkgconfig is None:
        pytest.skip("pkg-config is not installed (apt-get install -y pkg-config)")
    root = tmp_path / "sys root"
    pcdir = root / "usr/lib/aarch64-linux-gnu/pkgconfig"
    pcdir.mkdir(parents=True)
    (pcdir / "hdf5-serial.pc").write_text(
        "Name: HDF5\nDescription: HDF5\nVersion: 1.10.8\n"
        "Cflags: -I/usr/include/hdf5/serial\n"
        "Libs: -L/usr/lib/aarch64-linux-gnu/hdf5/serial -lhdf5\n"
    )
    include = root / "usr/include/hdf5/serial"
    include.mkdir(parents=True)
    (include / "H5pubconf.h").write_text(
        "/* #undef H5_HAVE_DIRECT */\n#define H5_HAVE_ROS3_VFD 1\n#  define H5_HAVE_X 1\n"
    )
    (root / "usr/include/zconf.h").write_text("#define Z_HAVE_UNISTD_H\n")
    return root


def sysroot_environ(root: Path) -> Dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "PKG_CONFIG_SYSROOT_DIR": str(root),
        "PKG_CONFIG_LIBDIR": str(root / "usr/lib/aarch64-linux-gnu/pkgconfig"),
    }


def test_pkg_config_values_come_from_the_sysroot(sysroot: Path) -> None:
    values = PkgConfig(sysroot_environ(sysroot))
    modules = ["hdf5", "hdf5-serial"]
    assert values.value({"pkg-config-module": modules}) == "hdf5-serial"
    assert values.value({"pkg-config": ["--modversion"], "modules": modules}) == "1.10.8"
    flags = values.value({"pkg-config": ["--cflags"], "modules": modules})
    escaped = str(sysroot).replace(" ", "\\ ")  # pkg-config quotes its output for a shell
    assert flags == f"-I{escaped}/usr/include/hdf5/serial"
    host = {"modules": modules, "host-paths": True}
    assert values.value({"pkg-config": ["--cflags-only-I"], **host}) == "/usr/include/hdf5/serial"
    libdir = values.value({"pkg-config": ["--libs-only-L"], **host})
    assert libdir == "/usr/lib/aarch64-linux-gnu/hdf5/serial", "the Host's path: an rpath"
    header = {"header": "H5pubconf.h", "modules": modules}
    assert values.value({"if-defined": "H5_HAVE_ROS3_VFD", **header}) == "1"
    assert values.value({"if-defined": "H5_HAVE_X", **header}) == "1"
    assert values.value({"if-defined": "H5_HAVE_DIRECT", **header}) == "0", "#undef in a comment"
    assert values.value({"if-defined": "H5_HAVE_ROS3", **header}) == "0", "a whole name only"
    plain = {"if-defined": "Z_HAVE_UNISTD_H", "header": "zconf.h", "modules": modules}
    assert values.value(plain) == "1", "the sysroot's usr/include is searched too"


def test_pkg_config_values_that_cannot_be_computed(sysroot: Path) -> None:
    values = PkgConfig(sysroot_environ(sysroot))
    with pytest.raises(HintError, match="knows none of hdf5, hdf5-openmpi in the sysroot"):
        values.value({"pkg-config-module": ["hdf5", "hdf5-openmpi"]})
    missing = {"if-defined": "X", "header": "nothere.h", "modules": ["hdf5-serial"]}
    with pytest.raises(HintError, match=r"nothere\.h is not in the include folders"):
        values.value(missing)
    build_machine = {k: v for k, v in sysroot_environ(sysroot).items() if k != "PKG_CONFIG_LIBDIR"}
    with pytest.raises(HintError, match="answer for the Build machine"):
        PkgConfig(build_machine).value({"pkg-config-module": ["zlib"]})
    absent = {**sysroot_environ(sysroot), "PKG_CONFIG": str(sysroot / "no-pkg-config")}
    with pytest.raises(HintError, match="cannot run"):
        PkgConfig(absent).value({"pkg-config-module": ["zlib"]})


# --- which project a backend builds ----------------------------------------------


def test_normalize() -> None:
    assert project.normalize("Pillow") == "pillow"
    assert project.normalize("My__Pkg.name-x") == "my-pkg-name-x"


def test_name_from_pkg_info_first(tmp_path: Path) -> None:
    (tmp_path / "PKG-INFO").write_text(
        "Metadata-Version: 2.1\nName: Pillow\nVersion: 11.3.0\n\nName: not-this\n"
    )
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "other"\n')
    assert project.name_in(str(tmp_path)) == "Pillow"


def test_name_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[build-system]\nname = 'not-this'\n"
        "[project] # the project\n"
        "description = 'x'\n"
        "name = 'h5py'  # comment\n"
        "[project.urls]\nname = 'nor-this'\n"
    )
    assert project.name_in(str(tmp_path)) == "h5py"


def test_name_from_setup_cfg_when_pyproject_leaves_it_dynamic(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\ndynamic = ["name"]\n')
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = from-cfg\n")
    assert project.name_in(str(tmp_path)) == "from-cfg"


def test_no_name_without_metadata_files(tmp_path: Path) -> None:
    (tmp_path / "setup.py").write_text("from setuptools import setup\nsetup(name='x')\n")
    (tmp_path / "setup.cfg").write_text("[[broken\n")
    assert project.name_in(str(tmp_path)) is None
    assert project.name_in(str(tmp_path / "absent")) is None


def test_only_backend_scripts_are_backends(monkeypatch: pytest.MonkeyPatch) -> None:
    hook = "/tmp/env/lib/pip/_vendor/pyproject_hooks/_in_process/_in_process.py"
    for argv, expected in (
        ([hook, "build_wheel", "/tmp/x"], True),
        (["/src/pkg/setup.py", "bdist_wheel"], True),
        (["-c", "pass"], False),
        (["/env/bin/pip", "install", "x"], False),
        ([], False),
    ):
        monkeypatch.setattr(sys, "argv", argv)
        assert _runtime.backend() is expected, argv


# --- applying a hint in a backend -------------------------------------------------


@pytest.fixture
def backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A pip hook process in a project's source tree."""
    source = tmp_path / "src"
    source.mkdir()
    monkeypatch.chdir(source)
    monkeypatch.setattr(sys, "argv", ["/x/_in_process/_in_process.py", "build_wheel", "/t"])
    yield source


def read_config(path: str) -> Dict[str, Dict[str, str]]:
    parser = configparser.RawConfigParser()
    parser.read(path, encoding="utf-8")
    return {section: dict(parser.items(section)) for section in parser.sections()}


def stderr_lines(capsys: pytest.CaptureFixture[str]) -> List[str]:
    return capsys.readouterr().err.splitlines()


def test_setuptools_options_through_dist_extra_config(
    tmp_path: Path, backend: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (backend / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: Pillow\n")
    cfg = make_cfg(tmp_path)
    environ: Dict[str, str] = {}
    hints.apply(cfg, environ)
    path = environ["DIST_EXTRA_CONFIG"]
    assert Path(path).parent == Path(cfg["cache_dir"]) / "hints"
    assert read_config(path) == {"build_ext": {"disable_platform_guessing": "1"}}
    assert environ[config.HINTED] == "pillow DIST_EXTRA_CONFIG"
    (line,) = stderr_lines(capsys)
    assert line == (
        "crossenv: hint for pillow: [build_ext] disable_platform_guessing=1 "
        f'via DIST_EXTRA_CONFIG={path} (see "Package hints" in docs/usage.rst)'
    )
    again: Dict[str, str] = {}
    hints.apply(cfg, again)
    assert again["DIST_EXTRA_CONFIG"] == path, "the same settings reuse one file"
    hints.undo(environ)
    assert environ == {}


def test_the_users_dist_extra_config_is_kept_and_wins(
    tmp_path: Path, backend: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (backend / "PKG-INFO").write_text("Name: pillow\n")
    own = tmp_path / "own.cfg"
    own.write_text("[build_ext]\nparallel = 2\n[egg_info]\ntag_build = .dev\n")
    environ = {"DIST_EXTRA_CONFIG": str(own)}
    hints.apply(make_cfg(tmp_path), environ)
    assert read_config(environ["DIST_EXTRA_CONFIG"]) == {
        "build_ext": {"parallel": "2", "disable_platform_guessing": "1"},
        "egg_info": {"tag_build": ".dev"},
    }
    own.write_text("[build_ext]\ndisable_platform_guessing = 0\n")
    hints.undo(environ)
    assert environ == {"DIST_EXTRA_CONFIG": str(own)}
    hints.apply(make_cfg(tmp_path), environ)
    assert read_config(environ["DIST_EXTRA_CONFIG"])["build_ext"] == {
        "disable_platform_guessing": "0"
    }


def test_a_broken_dist_extra_config_of_the_user_is_reported(
    tmp_path: Path, backend: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (backend / "PKG-INFO").write_text("Name: pillow\n")
    own = tmp_path / "own.cfg"
    own.write_text("no section header\n")
    environ = {"DIST_EXTRA_CONFIG": str(own)}
    hints.apply(make_cfg(tmp_path), environ)
    assert environ == {"DIST_EXTRA_CONFIG": str(own)}
    (line,) = stderr_lines(capsys)
    assert line.startswith("crossenv: warning: hint for pillow: setuptools options not set: ")
    assert f"cannot read your DIST_EXTRA_CONFIG file {own}" in line


def test_environment_hint_leaves_the_users_variables_alone(
    tmp_path: Path, backend: Path, sysroot: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (backend / "pyproject.toml").write_text('[project]\nname = "h5py"\n')
    environ = {**sysroot_environ(sysroot), "HDF5_VERSION": "1.10.7"}
    before = dict(environ)
    hints.apply(make_cfg(tmp_path), environ)
    assert environ["HDF5_VERSION"] == "1.10.7"
    assert environ["HDF5_INCLUDEDIR"] == "/usr/include/hdf5/serial"
    assert environ["H5PY_ROS3"] == "1" and environ["H5PY_DIRECT_VFD"] == "0"
    (line,) = stderr_lines(capsys)
    assert line == (
        "crossenv: hint for h5py: HDF5_INCLUDEDIR=/usr/include/hdf5/serial, "
        "HDF5_LIBDIR=/usr/lib/aarch64-linux-gnu/hdf5/serial, H5PY_ROS3=1, H5PY_DIRECT_VFD=0 "
        '(see "Package hints" in docs/usage.rst)'
    )
    hints.undo(environ)
    assert environ == before


def test_a_hint_is_skipped_when_the_user_configured_the_package(
    tmp_path: Path, backend: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (backend / "PKG-INFO").write_text("Name: h5py\n")
    environ = {"HDF5_DIR": "/opt/hdf5"}
    hints.apply(make_cfg(tmp_path), environ)
    assert environ == {"HDF5_DIR": "/opt/hdf5"}
    (line,) = stderr_lines(capsys)
    assert line.startswith("crossenv: hint for h5py not applied: HDF5_DIR set ")


def test_values_that_cannot_be_computed_are_warned_about(
    tmp_path: Path,
    backend: Path,
    sysroot: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (backend / "PKG-INFO").write_text("Name: h5py\n")
    for pc in sysroot.glob("usr/lib/*/pkgconfig/*.pc"):
        pc.unlink()
    summary = tmp_path / "report.txt"
    monkeypatch.setenv(config.REPORT, str(summary))
    environ = sysroot_environ(sysroot)
    hints.apply(make_cfg(tmp_path), environ)
    assert "HDF5_VERSION" not in environ and config.HINTED not in environ
    lines = stderr_lines(capsys)
    assert len(lines) == 5
    assert all(line.startswith("crossenv: warning: hint for h5py: ") for line in lines)
    assert "HDF5_VERSION not set: pkg-config knows none of hdf5, hdf5-serial" in lines[2]
    assert len(summary.read_text().splitlines()) == 5, "pip's summary repeats the warnings"


def test_another_projects_backend_drops_inherited_hints(
    tmp_path: Path, backend: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (backend / "PKG-INFO").write_text("Name: pillow\n")
    environ: Dict[str, str] = {}
    hints.apply(make_cfg(tmp_path), environ)
    assert "DIST_EXTRA_CONFIG" in environ
    (backend / "PKG-INFO").write_text("Name: markupsafe\n")
    hints.apply(make_cfg(tmp_path), environ)  # a backend started below the first one
    assert environ == {}


def test_projects_without_hints_and_folders_without_metadata(
    tmp_path: Path, backend: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    environ: Dict[str, str] = {}
    hints.apply(make_cfg(tmp_path), environ)
    (backend / "PKG-INFO").write_text("Name: markupsafe\n")
    hints.apply(make_cfg(tmp_path), environ)
    assert environ == {} and capsys.readouterr().err == ""


def test_setup_py_builds_use_the_folder_of_setup_py(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "Pillow-11.3.0"
    source.mkdir()
    monkeypatch.setattr(sys, "argv", [str(source / "setup.py"), "bdist_wheel"])
    assert hints.project_folder() == str(source)


@pytest.mark.system
def test_runtime_modules_of_hints_import_under_the_oldest_python(tmp_path: Path) -> None:
    """The runtime must work under Python 3.8: run the detection and the table with it."""
    python = sorted(Path(os.path.expanduser("~/.pyenv/versions")).glob("3.8.*/bin/python"))
    if not python:
        pytest.skip("no Python 3.8 here (pyenv)")
    (tmp_path / "PKG-INFO").write_text("Name: Pillow\n")
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from crossenv._runtime import hints, project; "
        "table, problems = hints.load({'prefix': '/e/cross'}, {}); "
        "print(project.normalize(project.name_in(sys.argv[2])) in table, problems)"
    )
    done = subprocess.run(
        [str(python[-1]), "-I", "-c", code, str(RUNTIME.parents[1]), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == "True []\n"
