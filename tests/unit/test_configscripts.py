"""Unit tests for crossenv.configscripts: the shims run for real with pkg-config.

The sysroot is made of Debian's own ``.pc`` files (bookworm arm64:
``python-3.11.pc``, and ``libpq.pc`` with the OpenSSL files it requires, as
``crossenv-sysroot --add libpq-dev`` unpacks them), at a path with a space.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from crossenv import configscripts, crossfiles
from crossenv.configscripts import Answer
from crossenv.errors import UsageError

MULTIARCH = "aarch64-linux-gnu"

PYTHON_PC = """\
# See: man pkg-config
prefix=/usr
exec_prefix=${prefix}
includedir=${prefix}/include

Name: Python
Description: Build a C extension for Python
Requires:
Version: 3.11
Libs.private: -ldl
Libs:
Cflags: -I${includedir}/python3.11 -I${includedir}/aarch64-linux-gnu/python3.11
"""

LIBPQ_PC = """\
prefix=/usr
exec_prefix=${prefix}
libdir=${exec_prefix}/lib/aarch64-linux-gnu
includedir=${prefix}/include/postgresql

Name: libpq
Description: PostgreSQL libpq library
Url: https://www.postgresql.org/
Version: 15.18
Requires:
Requires.private: libssl libcrypto
Cflags: -I${includedir}
Libs: -L${libdir} -lpq
Libs.private:  -lpgcommon -lpgport -lgssapi_krb5 -lm -lldap
"""

LIBSSL_PC = """\
prefix=/usr
exec_prefix=${prefix}
libdir=${exec_prefix}/lib/aarch64-linux-gnu
includedir=${prefix}/include

Name: OpenSSL-libssl
Description: Secure Sockets Layer and cryptography libraries
Version: 3.0.20
Requires.private: libcrypto
Libs: -L${libdir} -lssl
Cflags: -I${includedir}
"""

LIBCRYPTO_PC = """\
prefix=/usr
exec_prefix=${prefix}
libdir=${exec_prefix}/lib/aarch64-linux-gnu
includedir=${prefix}/include
enginesdir=${libdir}/engines-3
modulesdir=${libdir}/ossl-modules

Name: OpenSSL-libcrypto
Description: OpenSSL cryptography library
Version: 3.0.20
Libs: -L${libdir} -lcrypto
Libs.private: -ldl -pthread
Cflags: -I${includedir}
"""

#: A script for python-3.11.pc, as a user file could add one.
PYTHON_SCRIPT = configscripts.script(
    "python-pc-config",
    "python-3.11",
    "libpython3.11-dev",
    {"--includes": "--cflags", "--prefix": "--variable=prefix", "--version": "--modversion"},
)


@pytest.fixture(autouse=True)
def tools() -> None:
    if shutil.which("pkg-config") is None:
        pytest.fail("pkg-config is not installed (apt-get install pkgconf)")


@pytest.fixture
def sysroot(tmp_path: Path) -> Path:
    root = tmp_path / "sys root"
    pc_dir = root / "usr" / "lib" / MULTIARCH / "pkgconfig"
    pc_dir.mkdir(parents=True)
    (pc_dir / "python-3.11.pc").write_text(PYTHON_PC)
    return root


def add_libpq(sysroot: Path) -> None:
    pc_dir = sysroot / "usr" / "lib" / MULTIARCH / "pkgconfig"
    for name, text in [("libpq", LIBPQ_PC), ("libssl", LIBSSL_PC), ("libcrypto", LIBCRYPTO_PC)]:
        (pc_dir / f"{name}.pc").write_text(text)


def cross_environ(sysroot: Path) -> Dict[str, str]:
    """The pkg-config variables crossenv sets for every Cross-python build."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PKG_CONFIG")}
    env["PKG_CONFIG_SYSROOT_DIR"] = str(sysroot)
    env["PKG_CONFIG_LIBDIR"] = ":".join(crossfiles.pkg_config_dirs(str(sysroot), MULTIARCH))
    return env


@pytest.fixture
def shims(tmp_path: Path) -> Path:
    folder = tmp_path / "cross env" / "crossenv-bin"
    configscripts.write(folder, configscripts.scripts([PYTHON_SCRIPT]))
    return folder


def run(
    shim: Path, *args: str, env: Dict[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(shim), *args], env=env, cwd=cwd, capture_output=True, text=True, check=False
    )


def answers(shim: Path, *args: str, env: Dict[str, str]) -> List[str]:
    done = run(shim, *args, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout.splitlines()


# -- the table ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "module", "package"),
    [
        ("pg_config", "libpq", "libpq-dev"),
        ("xml2-config", "libxml-2.0", "libxml2-dev"),
        ("xslt-config", "libxslt", "libxslt1-dev"),
        ("gdal-config", "gdal", "libgdal-dev"),
        ("pcre-config", "libpcre", "libpcre3-dev"),
        ("curl-config", "libcurl", "libcurl4-openssl-dev"),
        ("freetype-config", "freetype2", "libfreetype-dev"),
        ("mysql_config", "mysqlclient", "default-libmysqlclient-dev"),
        ("ncursesw6-config", "ncursesw", "libncurses-dev"),
    ],
)
def test_table_maps_scripts_to_modules(name: str, module: str, package: str) -> None:
    entry = configscripts.DATA[name]
    assert (entry.name, entry.module, entry.package) == (name, module, package)
    options = dict(entry.options)
    assert {"--cflags", "--libs", "--version"} <= set(options)


def test_pg_config_answers() -> None:
    options = dict(configscripts.DATA["pg_config"].options)
    assert options["--cppflags"] == Answer("--cflags")
    assert options["--ldflags"] == Answer("--libs-only-L")
    assert options["--version"] == Answer("--modversion", "PostgreSQL {}")
    assert options["--includedir-server"] == Answer("--variable=includedir", "{}/{major}/server")
    assert options["--pkgincludedir"].variable == "includedir"


@pytest.mark.parametrize("query", ["", "cflags", "--cflags; rm", "--variable=$x", "--libs -lfoo"])
def test_answer_refuses_what_is_not_a_query(query: str) -> None:
    with pytest.raises(ValueError, match="not a pkg-config query"):
        Answer(query)


@pytest.mark.parametrize("template", ["{0}", "{name}", "x}", "{"])
def test_answer_refuses_other_placeholders(template: str) -> None:
    with pytest.raises(ValueError, match="may hold only"):
        Answer("--modversion", template)


@pytest.mark.parametrize(
    ("name", "module", "package", "option"),
    [
        ("../pg_config", "libpq", "libpq-dev", "--libs"),
        ("pg_config", "lib pq", "libpq-dev", "--libs"),
        ("pg_config", "libpq", "libpq-dev:arm64", "--libs"),
        ("pg_config", "libpq", "libpq-dev", "--li'bs"),
    ],
)
def test_script_refuses_unsafe_names(name: str, module: str, package: str, option: str) -> None:
    with pytest.raises(ValueError, match="not a"):
        configscripts.script(name, module, package, {option: "--libs"})


# -- writing ------------------------------------------------------------------------------


def test_write_makes_one_executable_shim_per_script(tmp_path: Path) -> None:
    folder = tmp_path / "with space" / "crossenv-bin"
    paths = configscripts.write(folder, configscripts.scripts())
    assert [path.name for path in paths] == sorted(configscripts.DATA)
    assert sorted(os.listdir(folder)) == sorted(configscripts.DATA)
    for path in paths:
        assert stat.S_IMODE(path.stat().st_mode) == 0o755
        assert path.read_text().startswith("#!/bin/sh\n")
    (folder / "pg_config").write_text("stale")
    configscripts.write(folder, [configscripts.DATA["pg_config"]])
    assert (folder / "pg_config").read_text() == configscripts.render(
        configscripts.DATA["pg_config"]
    )


@pytest.mark.system
def test_shims_pass_shellcheck(shims: Path) -> None:
    if shutil.which("shellcheck") is None:
        pytest.fail("shellcheck is not installed (apt-get install shellcheck)")
    files = sorted(str(path) for path in shims.iterdir())
    done = subprocess.run(["shellcheck", "-s", "sh", *files], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_template_literals_are_quoted_for_the_shell() -> None:
    entry = configscripts.script(
        "odd-config", "odd", "libodd-dev", {"--x": Answer("--modversion", 'a"$HOME`x\\ {}')}
    )
    assert 'printf \'%s\\n\' "a\\"\\$HOME\\`x\\\\ ${answer}"' in configscripts.render(entry)


# -- running the shims ------------------------------------------------------------------------


def test_python_pc_flags_are_in_the_sysroot(shims: Path, sysroot: Path) -> None:
    env = cross_environ(sysroot)
    escaped = str(sysroot).replace(" ", "\\ ")
    assert answers(shims / "python-pc-config", "--includes", env=env) == [
        f"-I{escaped}/usr/include/python3.11 -I{escaped}/usr/include/{MULTIARCH}/python3.11"
    ]
    assert answers(shims / "python-pc-config", "--prefix", "--version", env=env) == [
        f"{sysroot}/usr",
        "3.11",
    ]


def test_pg_config_answers_for_the_host(shims: Path, sysroot: Path) -> None:
    add_libpq(sysroot)
    env = cross_environ(sysroot)
    libdir = f"{sysroot}/usr/lib/{MULTIARCH}"
    escaped = str(sysroot).replace(" ", "\\ ")
    options = ["--includedir", "--includedir-server", "--pkgincludedir", "--libdir", "--version"]
    assert answers(shims / "pg_config", *options, env=env) == [
        f"{sysroot}/usr/include/postgresql",
        f"{sysroot}/usr/include/postgresql/15/server",
        f"{sysroot}/usr/include/postgresql",
        libdir,
        "PostgreSQL 15.18",
    ]
    assert answers(shims / "pg_config", "--cppflags", "--ldflags", "--libs", env=env) == [
        f"-I{escaped}/usr/include/postgresql",
        f"-L{escaped}/usr/lib/{MULTIARCH}",
        f"-L{escaped}/usr/lib/{MULTIARCH} -lpq",
    ]


def test_a_sysroot_without_spaces_gets_no_escapes(shims: Path, tmp_path: Path) -> None:
    root = tmp_path / "plain"
    (root / "usr" / "lib" / MULTIARCH / "pkgconfig").mkdir(parents=True)
    add_libpq(root)
    env = cross_environ(root)
    env["PKG_CONFIG_SYSROOT_DIR"] += "/"
    assert answers(shims / "pg_config", "--cflags", "--libdir", env=env) == [
        f"-I{root}/usr/include/postgresql",
        f"{root}/usr/lib/{MULTIARCH}",
    ]


def test_missing_pc_names_the_package_to_add(shims: Path, sysroot: Path) -> None:
    done = run(shims / "pg_config", "--libdir", env=cross_environ(sysroot))
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        f"pg_config (crossenv): the sysroot {sysroot} has no libpq.pc; add it with: "
        f"crossenv-sysroot --add libpq-dev '{sysroot}'\n"
    )


def test_unknown_option_is_one_line(shims: Path, sysroot: Path) -> None:
    add_libpq(sysroot)
    done = run(shims / "pg_config", "--libdir", "--bindir", env=cross_environ(sysroot))
    assert done.returncode == 1
    assert done.stdout == f"{sysroot}/usr/lib/{MULTIARCH}\n"
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("pg_config (crossenv): unknown option --bindir (options: ")


def test_usage_and_help(shims: Path, sysroot: Path) -> None:
    add_libpq(sysroot)
    env = cross_environ(sysroot)
    done = run(shims / "pg_config", env=env)
    assert done.returncode == 1
    assert done.stderr.startswith("pg_config (crossenv): usage: pg_config OPTION...")
    assert done.stderr.count("\n") == 1
    lines = answers(shims / "pg_config", "--help", env=env)
    assert lines[0] == "usage: pg_config OPTION..."
    assert "--includedir-server" in lines[1]


def test_outside_a_cross_build_the_shims_refuse(shims: Path, sysroot: Path) -> None:
    env = cross_environ(sysroot)
    del env["PKG_CONFIG_SYSROOT_DIR"]
    done = run(shims / "xml2-config", "--cflags", env=env)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        "xml2-config (crossenv): answers for the Host only in a Cross-python build "
        "(PKG_CONFIG_SYSROOT_DIR and PKG_CONFIG_LIBDIR are not set)\n"
    )


def test_a_failing_query_fails_the_shim(shims: Path, sysroot: Path) -> None:
    add_libpq(sysroot)
    (sysroot / "usr" / "lib" / MULTIARCH / "pkgconfig" / "libssl.pc").unlink()
    done = run(shims / "pg_config", "--cflags", "--libdir", env=cross_environ(sysroot))
    assert done.returncode == 1
    assert done.stdout == ""
    assert "libssl" in done.stderr


def fake_pkg_config(folder: Path, sysroot: Path, *, prefixed: bool) -> Path:
    """A pkg-config that answers like freedesktop's (no sysroot) or pkgconf (sysroot)."""
    root = str(sysroot).replace(" ", "\\ ") if prefixed else ""
    plain = str(sysroot) if prefixed else ""
    script = folder / "fake pkg-config"
    script.write_text(
        "#!/bin/sh\n"
        "case $1 in\n"
        f"--variable=*) echo '{plain}/usr/include/x' ;;\n"
        f"*) echo '-I{root}/usr/include/x -L{root}/usr/lib -lx -Wl,-rpath,/opt/x ' ;;\n"
        "esac\n"
    )
    script.chmod(0o755)
    return script


@pytest.mark.parametrize("prefixed", [False, True])
def test_sysroot_is_put_before_paths_once(
    shims: Path, sysroot: Path, tmp_path: Path, prefixed: bool
) -> None:
    add_libpq(sysroot)
    env = cross_environ(sysroot)
    env["PKG_CONFIG"] = str(fake_pkg_config(tmp_path, sysroot, prefixed=prefixed))
    escaped = str(sysroot).replace(" ", "\\ ")
    assert answers(shims / "pg_config", "--includedir", "--libs", env=env) == [
        f"{sysroot}/usr/include/x",
        f"-I{escaped}/usr/include/x -L{escaped}/usr/lib -lx -Wl,-rpath,/opt/x",
    ]


def test_missing_pkg_config_is_named(shims: Path, sysroot: Path) -> None:
    add_libpq(sysroot)
    env = cross_environ(sysroot)
    env["PKG_CONFIG"] = str(sysroot / "no-such-pkg-config")
    done = run(shims / "pg_config", "--libdir", env=env)
    assert done.returncode == 1
    assert "needs pkg-config on this machine" in done.stderr


# -- the user file ----------------------------------------------------------------------------

USER_FILE = """\
[sdl2-config]
module = sdl2
package = libsdl2-dev
--cflags = --cflags
--static-libs = --static --libs

[pg_config]
module = libpq
package = libpq-dev
--includedir-server = --variable=includedir | {}/server
"""


def test_user_file_location(tmp_path: Path) -> None:
    named = tmp_path / "mine.ini"
    assert configscripts.user_file({"CROSSENV_CONFIG_SCRIPTS": str(named)}) == named
    expected = tmp_path / "crossenv" / "config-scripts.ini"
    assert configscripts.user_file({"XDG_CONFIG_HOME": str(tmp_path)}) == expected
    home = {"HOME": str(tmp_path)}
    assert configscripts.user_file(home) == tmp_path / ".config" / "crossenv" / "config-scripts.ini"


def test_user_file_adds_and_replaces_scripts(tmp_path: Path) -> None:
    path = tmp_path / "config-scripts.ini"
    assert configscripts.read_user_file(path) == []
    path.write_text(USER_FILE)
    found = configscripts.read_user_file(path)
    assert [entry.name for entry in found] == ["sdl2-config", "pg_config"]
    assert dict(found[0].options)["--static-libs"] == Answer("--static --libs")
    assert dict(found[1].options) == {
        "--includedir-server": Answer("--variable=includedir", "{}/server")
    }
    merged = {entry.name: entry for entry in configscripts.scripts(found)}
    assert merged["pg_config"] == found[1]
    assert set(merged) == set(configscripts.DATA) | {"sdl2-config"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[x-config]\npackage = libx-dev\n", r"\[x-config\] has no module ="),
        ("[x-config]\nmodule = x\npackage = libx-dev\n--a = cflags\n", "not a pkg-config query"),
        ("no section\n", "cannot read"),
        ("[x config]\nmodule = x\npackage = libx-dev\n", "not a script name"),
    ],
)
def test_bad_user_file_is_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config-scripts.ini"
    path.write_text(text)
    with pytest.raises(UsageError, match=message) as info:
        configscripts.read_user_file(path)
    assert "\n" not in str(info.value)
    assert info.value.exit_code == 2


@pytest.fixture
def user_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "user.ini"
    monkeypatch.setenv("CROSSENV_CONFIG_SCRIPTS", str(path))
    yield path


def test_write_reads_the_user_file(tmp_path: Path, user_env: Path, sysroot: Path) -> None:
    user_env.write_text(USER_FILE)
    folder = tmp_path / "bin"
    names = [path.name for path in configscripts.write(folder)]
    assert "sdl2-config" in names and "pg_config" in names
    add_libpq(sysroot)
    assert answers(folder / "pg_config", "--includedir-server", env=cross_environ(sysroot)) == [
        f"{sysroot}/usr/include/postgresql/server"
    ]
