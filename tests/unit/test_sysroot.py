"""Unit tests for crossenv.sysroot: the parts that need no network."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Callable, Iterator

import pytest

from crossenv import (
    addition,
    apt,
    aptconf,
    debian,
    fetch,
    folders,
    mirror,
    ruststd,
    staging,
    stanzas,
    sysroot,
    tree,
)
from crossenv import stamp as stamps
from crossenv.errors import SysrootError, UsageError

DEB822_SAMPLE = """\
Types: deb
# http://snapshot.debian.org/archive/debian-security/20250520T000000Z
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://src.example.org/debian
Suites: bookworm
Components: main

Types: deb
URIs: http://disabled.example.org/debian
Suites: bookworm
Components: main
Enabled: no

Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://ftp.de.debian.org/debian/
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""

ONE_LINE_SAMPLE = """\
# deb http://commented.example.org/debian bookworm main
deb-src http://src.example.org/debian bookworm main
deb http://security.debian.org/debian-security bookworm-security main
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] \
http://mirror.example.org/debian/ bookworm main contrib
deb http://later.example.org/debian bookworm main
"""


@pytest.fixture
def no_subprocess(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything tries to run apt or dpkg."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("no command may run in this test")

    monkeypatch.setattr(apt, "run", refuse)


def fake_which(present: set[str]) -> Callable[[str], str | None]:
    def which(name: str) -> str | None:
        return f"/usr/bin/{name}" if name in present else None

    return which


def write_stamp(dest: Path, arch: str, release: str) -> None:
    version = debian.SYSROOT_RELEASES[release]
    python = dest / "usr" / "bin" / f"python{version}"
    python.parent.mkdir(parents=True)
    python.write_text("")
    data = {"arch": arch, "release": release, "python_version": version}
    (dest / stamps.STAMP_NAME).write_text(json.dumps(data))


def tree_listing(root: Path) -> Iterator[str]:
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            yield os.path.relpath(os.path.join(dirpath, name), root)


# -- request validation ---------------------------------------------------


@pytest.mark.parametrize(("release", "version"), [("bookworm", "3.11"), ("trixie", "3.13")])
def test_python_version_of_each_release(release: str, version: str) -> None:
    assert debian.python_version(release) == version
    assert debian.SYSROOT_RELEASES[release] == version


@pytest.mark.parametrize("release", ["sid", "Bookworm", "", "bullseye"])
def test_unknown_release_is_a_usage_error(release: str) -> None:
    with pytest.raises(UsageError, match="unknown release") as info:
        debian.python_version(release)
    assert info.value.exit_code == 2
    assert "bookworm" in str(info.value)


@pytest.mark.parametrize("arch", sorted(debian.SYSROOT_ARCHES))
def test_supported_arches_pass(arch: str) -> None:
    assert debian.check_arch(arch) == arch


@pytest.mark.parametrize("arch", ["aarch64", "x86_64", "sparc", "ARM64", ""])
def test_unknown_arch_is_a_usage_error(arch: str) -> None:
    with pytest.raises(UsageError, match="unknown architecture"):
        debian.check_arch(arch)


def test_supported_arch_set_is_the_documented_one() -> None:
    expected = {"arm64", "armhf", "armel", "riscv64", "ppc64el", "s390x", "i386", "amd64"}
    assert set(debian.SYSROOT_ARCHES) == expected | {"mips64el"}


def test_mirror_loses_its_trailing_slash() -> None:
    assert mirror.check_mirror("http://deb.debian.org/debian/") == "http://deb.debian.org/debian"


@pytest.mark.parametrize("url", ["deb.debian.org/debian", "ssh://x/debian", "http://a b/"])
def test_bad_mirror_is_a_usage_error(url: str) -> None:
    with pytest.raises(UsageError):
        mirror.check_mirror(url)


def test_seed_packages_name_the_python_version() -> None:
    seeds = debian.seed_packages("3.13")
    assert seeds[:4] == [
        "python3.13-minimal",
        "python3.13",
        "libpython3.13-dev",
        "libpython3.13-stdlib",
    ]
    assert {"libc6-dev", "libstdc++6"} <= set(seeds)


# -- finding the mirror -----------------------------------------------------


def test_deb822_skips_security_src_and_disabled_stanzas() -> None:
    assert mirror.parse_deb822_mirror(DEB822_SAMPLE) == "http://ftp.de.debian.org/debian"


def test_deb822_continuation_lines_and_multiple_uris() -> None:
    text = "Types: deb deb-src\nURIs: http://one.example/ubuntu\n http://two.example/debian\n"
    assert mirror.parse_deb822_mirror(text) == "http://two.example/debian"


def test_deb822_without_debian_uri_gives_none() -> None:
    text = "Types: deb\nURIs: http://archive.ubuntu.com/ubuntu\nSuites: noble\n"
    assert mirror.parse_deb822_mirror(text) is None


def test_deb822_accepts_a_snapshot_uri() -> None:
    text = "Types: deb\nURIs: http://snapshot.debian.org/archive/debian/20250520T000000Z\n"
    expected = "http://snapshot.debian.org/archive/debian/20250520T000000Z"
    assert mirror.parse_deb822_mirror(text) == expected


def test_one_line_format_skips_comments_src_and_security() -> None:
    assert mirror.parse_one_line_mirror(ONE_LINE_SAMPLE) == "http://mirror.example.org/debian"


def test_one_line_format_without_debian_gives_none() -> None:
    text = "deb http://archive.ubuntu.com/ubuntu noble main\n"
    assert mirror.parse_one_line_mirror(text) is None


def test_default_mirror_prefers_deb822_sources(tmp_path: Path) -> None:
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "debian.sources").write_text(DEB822_SAMPLE)
    (tmp_path / "sources.list").write_text("deb http://other.example/debian bookworm main\n")
    assert mirror.default_mirror(tmp_path) == "http://ftp.de.debian.org/debian"


def test_default_mirror_reads_sources_list(tmp_path: Path) -> None:
    (tmp_path / "sources.list").write_text(ONE_LINE_SAMPLE)
    assert mirror.default_mirror(tmp_path) == "http://mirror.example.org/debian"


def test_default_mirror_falls_back_to_deb_debian_org(tmp_path: Path) -> None:
    assert mirror.default_mirror(tmp_path / "missing") == mirror.DEFAULT_MIRROR
    assert mirror.DEFAULT_MIRROR == "http://deb.debian.org/debian"


# -- the private apt configuration -------------------------------------------


def test_apt_options_keep_apt_private(tmp_path: Path) -> None:
    root = tmp_path / "with space" / ".crossenv-apt"
    state = apt.AptState(root, "armhf", "bookworm", "http://m.example/debian")
    options = state.options()
    settings = options[1::2]
    assert options[::2] == ["-o"] * len(settings)
    assert f"Dir::Etc::sourcelist={root / 'sources.list'}" in settings
    assert f"Dir::State::status={root / 'status'}" in settings
    assert f"Dir::Etc::sourceparts={root / 'parts'}" in settings
    assert f"Dir::Cache::archives={root / 'cache' / 'archives'}" in settings
    assert "APT::Architecture=armhf" in settings
    assert "APT::Architectures::=armhf" in settings
    assert "Debug::NoLocking=1" in settings
    assert "APT::Get::AllowUnauthenticated=false" in settings
    assert "Acquire::AllowInsecureRepositories=false" in settings
    assert state.environ()["APT_CONFIG"] == str(root / "apt.conf")


def test_apt_prepare_writes_sources_and_status(tmp_path: Path) -> None:
    state = apt.AptState(tmp_path / "apt", "arm64", "trixie", "http://m.example/debian")
    state.prepare()
    keyring = "/usr/share/keyrings/debian-archive-keyring.gpg"
    options = f"[arch=arm64 signed-by={keyring} target=Packages]"
    assert state.sources.read_text() == f"deb {options} http://m.example/debian trixie main\n"
    assert (tmp_path / "apt" / "status").read_text() == ""
    assert (tmp_path / "apt" / "preferences").read_text() == ""
    assert (tmp_path / "apt" / "lists" / "partial").is_dir()
    assert (tmp_path / "apt" / "cache" / "archives" / "partial").is_dir()
    assert "#clear APT::Update::Post-Invoke-Success;" in state.config.read_text()


def test_machine_config_keeps_the_machine_settings_but_drops_hooks(tmp_path: Path) -> None:
    (tmp_path / "apt.conf.d").mkdir()
    (tmp_path / "apt.conf").write_text("")
    user = tmp_path / "user.conf"
    user.write_text("")
    text = apt.machine_config(tmp_path, {"APT_CONFIG": str(user)})
    lines = text.splitlines()
    includes = [line for line in lines if line.startswith("#include")]
    assert includes == [
        f'#include "{user}";',
        f'#include "{tmp_path / "apt.conf.d"}/";',
        f'#include "{tmp_path / "apt.conf"}";',
    ]
    assert {f"#clear {hook};" for hook in aptconf.HOOKS} <= set(lines)
    assert lines[-2:] == ['Dir::Etc::parts "/dev/null";', 'Dir::Etc::main "/dev/null";']
    bare = apt.machine_config(tmp_path / "missing", {})
    assert "#include" not in bare


def test_apt_error_line_prefers_errors_then_failed_fetches() -> None:
    stderr = (
        "W: Failed to fetch http://x/debian/dists/bookworm/InRelease  Could not resolve 'x'\n"
        "W: Some index files failed to download.\n"
    )
    line = apt.error_line(stderr)
    assert (
        line == "W: Failed to fetch http://x/debian/dists/bookworm/InRelease Could not resolve 'x'"
    )
    assert apt.error_line("Err:1 foo\nE: broken\nE: later\n") == "E: broken"
    assert apt.error_line("") == "(no output)"


# -- status records ------------------------------------------------------------

CONTROL = """\
Package: libpq5
Source: postgresql-15
Version: 15.18-0+deb12u1
Architecture: arm64
Maintainer: Debian PostgreSQL Maintainers <team+postgresql@tracker.debian.org>
Installed-Size: 836
Depends: libc6 (>= 2.34), libgssapi-krb5-2 (>= 1.17), libldap-2.5-0 (>= 2.5.4)
Multi-Arch: same
Section: libs
Priority: optional
Description: PostgreSQL C client library
 libpq is a C library that enables user programs to communicate with
 the PostgreSQL database server.
 .
 More text.
"""

DEBCONF = """\
Package: debconf
Version: 1.5.82
Installed-Size: 523
Depends: perl-base (>= 5.20.1-3~)
Pre-Depends: perl-base (>= 5.20.1-3~)
Provides: debconf-2.0
Architecture: all
Multi-Arch: foreign
Filename: pool/main/d/debconf/debconf_1.5.82_all.deb
"""


def test_parse_and_format_stanzas_round_trip() -> None:
    (stanza,) = apt.parse_stanzas(CONTROL)
    assert stanza["Package"] == "libpq5"
    assert stanza["Description"].splitlines()[1:] == [
        " libpq is a C library that enables user programs to communicate with",
        " the PostgreSQL database server.",
        " .",
        " More text.",
    ]
    assert apt.format_stanzas([stanza]) == CONTROL + "\n"
    assert len(apt.parse_stanzas(CONTROL + "\n\n" + DEBCONF)) == 2
    assert apt.format_stanzas([{"Conffiles": "\n /etc/x 0123"}]) == "Conffiles:\n /etc/x 0123\n\n"


def test_status_stanza_keeps_what_the_resolver_reads() -> None:
    (stanza,) = apt.parse_stanzas(CONTROL)
    record = apt.status_stanza(stanza)
    kept = {"Package", "Status", "Priority", "Section", "Installed-Size", "Architecture"}
    kept |= {"Multi-Arch", "Source", "Version", "Depends"}
    assert set(record) == kept
    assert list(record) == sorted(record, key=stanzas.STATUS_FIELDS.index)
    assert record["Status"] == "install ok installed"
    assert record["Depends"] == stanza["Depends"]


def test_stand_in_has_no_dependencies_but_provides() -> None:
    (stanza,) = apt.parse_stanzas(DEBCONF)
    assert apt.stand_in(stanza) == {
        "Package": "debconf",
        "Status": "install ok installed",
        "Architecture": "all",
        "Multi-Arch": "foreign",
        "Version": "1.5.82",
        "Provides": "debconf-2.0",
    }


def test_status_file_is_written_sorted_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "status"
    assert apt.read_status(path) == []
    records = [apt.status_stanza(s) for s in apt.parse_stanzas(DEBCONF + "\n" + CONTROL)]
    apt.write_status(path, records)
    assert [s["Package"] for s in apt.read_status(path)] == ["debconf", "libpq5"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["status"]


def test_pin_out_forbids_archive_versions() -> None:
    assert apt.pin_out(["perl", "libperl*"]) == (
        "Package: perl libperl*\nPin: release o=Debian\nPin-Priority: -1\n"
    )


def test_exclusions_as_queries_and_pins() -> None:
    queries, pins = debian.EXCLUDED.queries(), debian.EXCLUDED.pins()
    assert "debconf" in queries and "debconf" in pins
    assert "^perl-modules-" in queries and "perl-modules-*" in pins
    assert "^libperl" in queries and "libperl*" in pins


@pytest.mark.parametrize(
    "name", ["perl", "perl-base", "perl-modules-5.40", "libperl5.36", "tzdata", "debconf"]
)
def test_is_excluded(name: str) -> None:
    assert debian.is_excluded(name)


@pytest.mark.parametrize("name", ["libc6", "libpython3.11-stdlib", "zlib1g", "libtirpc3"])
def test_is_not_excluded(name: str) -> None:
    assert not debian.is_excluded(name)


# -- resolving with apt (apt itself faked) ----------------------------------------


def fake_show(stanzas: str) -> Callable[[apt.AptState, list[str]], list[dict[str, str]]]:
    def show(_state: apt.AptState, names: list[str]) -> list[dict[str, str]]:
        found = apt.parse_stanzas(stanzas)
        return [s for s in found if s["Package"] in names or debian.is_excluded(s["Package"])]

    return show


def test_resolve_poses_the_record_and_stand_ins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = apt.AptState(tmp_path, "arm64", "bookworm", "http://m/debian")
    state.prepare()
    zlib = "Package: zlib1g\nVersion: 1:1.2.13\nArchitecture: arm64\nFilename: pool/z.deb\n"
    monkeypatch.setattr(apt, "show", fake_show(DEBCONF + "\n" + zlib))
    asked: list[list[str]] = []

    def install(_state: apt.AptState, names: list[str]) -> list[Path]:
        asked.append(names)
        status = {s["Package"]: s for s in apt.read_status(state.status)}
        assert set(status) == {"debconf", "libpq5", "zlib1g"}
        assert "Depends" not in status["debconf"]  # a stand-in
        assert "Filename" not in status["zlib1g"]  # assumed from the index
        assert "debconf" in state.preferences.read_text()
        return [tmp_path / "x.deb"]

    monkeypatch.setattr(apt, "install", install)
    record = [apt.status_stanza(apt.parse_stanzas(CONTROL)[0])]
    wanted = ["libpq-dev"]
    base, debs = apt.resolve(state, record, wanted, debian.EXCLUDED, ["zlib1g", "libpq5"])
    assert asked == [["libpq-dev"]]
    assert [s["Package"] for s in base] == ["libpq5", "zlib1g"]
    assert debs == [tmp_path / "x.deb"]


def fake_run(
    returncode: int, stdout: str = "", stderr: str = ""
) -> Callable[..., subprocess.CompletedProcess[str]]:
    def run(cmd: list[str], *_args: object, **_kwargs: object) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(cmd, returncode, stdout, stderr)

    return run


@pytest.mark.parametrize(
    "stderr",
    [
        "E: Unable to locate package nosuch-dev\n",
        "E: Package 'nosuch-dev' has no installation candidate\n",
        "E: Version '1.0' for 'nosuch-dev' was not found\n",
    ],
)
def test_install_names_an_unknown_package(
    stderr: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = apt.AptState(
        tmp_path, "arm64", "bookworm", "http://m/debian", fake_run(100, stderr=stderr)
    )
    with pytest.raises(UsageError, match=r"^bookworm/arm64 has no package nosuch-dev \(at "):
        apt.install(state, ["nosuch-dev"])


def test_install_explains_a_conflict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stdout = (
        "Reading package lists...\n"
        "The following packages will be REMOVED:\n"
        "  libcurl4-gnutls-dev\n"
        "The following NEW packages will be installed:\n"
        "  libcurl4-openssl-dev\n"
    )
    stderr = "E: Packages need to be removed but remove is disabled.\n"
    state = apt.AptState(
        tmp_path, "arm64", "bookworm", "http://m/debian", fake_run(100, stdout, stderr)
    )
    with pytest.raises(SysrootError) as info:
        apt.install(state, ["libcurl4-openssl-dev"])
    assert str(info.value) == (
        "apt-get cannot add libcurl4-openssl-dev: "
        "it conflicts with libcurl4-gnutls-dev, which the sysroot holds"
    )


def test_install_reports_the_first_unmet_dependency(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stdout = (
        "The following packages have unmet dependencies:\n"
        " libfoo-dev : Depends: libbar (= 2) but 1 is to be installed\n"
        " libbaz : Depends: x\n"
    )
    stderr = "E: Unable to correct problems, you have held broken packages.\n"
    state = apt.AptState(
        tmp_path, "arm64", "bookworm", "http://m/debian", fake_run(100, stdout, stderr)
    )
    with pytest.raises(SysrootError, match=r"libfoo-dev : Depends: libbar \(= 2\) but 1 is"):
        apt.install(state, ["libfoo-dev"])


def test_unpack_skips_excluded_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    controls = {"a.deb": CONTROL, "b.deb": DEBCONF}
    extracted: list[str] = []
    runs: list[list[str]] = []

    def run(cmd: list[str], *_args: object, **_kwargs: object) -> subprocess.CompletedProcess[str]:
        runs.append(list(cmd))
        if cmd[0] == "dpkg-deb":
            return subprocess.CompletedProcess(cmd, 0, controls[Path(cmd[-1]).name], "")
        extracted.append(Path(cmd[2]).name)
        return subprocess.CompletedProcess(cmd, 0, "", "")

    debs = [tmp_path / "a.deb", tmp_path / "b.deb"]
    records = apt.unpack(debs, tmp_path, debian.EXCLUDED, run)
    assert [cmd[:2] for cmd in runs] == [
        ["dpkg-deb", "--field"],
        ["dpkg", "-x"],
        ["dpkg-deb", "--field"],
    ]
    assert extracted == ["a.deb"]
    assert [r["Package"] for r in records] == ["libpq5"]


def test_merged_record_prefers_the_new_version() -> None:
    old = [{"Package": "b", "Version": "1"}, {"Package": "a", "Version": "1"}]
    new = [{"Package": "b", "Version": "2"}, {"Package": "c", "Version": "1"}]
    merged = apt.merged(old, new)
    assert [(s["Package"], s["Version"]) for s in merged] == [("a", "1"), ("b", "2"), ("c", "1")]


# -- DEST safety -----------------------------------------------------------------


def test_refuses_non_empty_directory_without_stamp(tmp_path: Path, no_subprocess: None) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    before = list(tree_listing(tmp_path))
    with pytest.raises(SysrootError, match="refusing to write") as info:
        fetch.fetch("arm64", "bookworm", tmp_path, mirror="http://m.example/debian")
    assert info.value.exit_code == 7
    assert list(tree_listing(tmp_path)) == before
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_refuses_a_file_as_dest(tmp_path: Path, no_subprocess: None) -> None:
    dest = tmp_path / "file"
    dest.write_text("x")
    with pytest.raises(SysrootError, match="not a directory"):
        fetch.fetch("arm64", "bookworm", dest, mirror="http://m.example/debian")
    assert dest.read_text() == "x"


def test_refuses_a_sysroot_of_another_release(tmp_path: Path, no_subprocess: None) -> None:
    write_stamp(tmp_path, "arm64", "bookworm")
    with pytest.raises(SysrootError, match="already holds a bookworm/arm64"):
        fetch.fetch("arm64", "trixie", tmp_path, mirror="http://m.example/debian")


def test_finished_sysroot_is_reused_without_running_anything(
    tmp_path: Path, no_subprocess: None
) -> None:
    write_stamp(tmp_path, "arm64", "trixie")
    messages: list[str] = []
    python = fetch.fetch(
        "arm64", "trixie", tmp_path, mirror="http://m.example/debian", log=messages.append
    )
    assert python == tmp_path / "usr" / "bin" / "python3.13"
    assert len(messages) == 1
    assert "already holds" in messages[0]


def test_dest_states(tmp_path: Path) -> None:
    def state(dest: Path) -> str:
        request = debian.Request("arm64", "bookworm", "3.11", "http://m/debian", dest)
        return stamps.inspect_dest(request)

    assert state(tmp_path / "absent") == stamps.ABSENT
    (tmp_path / "empty").mkdir()
    assert state(tmp_path / "empty") == stamps.EMPTY
    stale = tmp_path / "stale"
    stale.mkdir()
    (stale / stamps.STAMP_NAME).write_text("{not json")
    assert state(stale) == stamps.STALE
    done = tmp_path / "done"
    done.mkdir()
    write_stamp(done, "arm64", "bookworm")
    assert state(done) == stamps.DONE
    (done / "usr" / "bin" / "python3.11").unlink()
    assert state(done) == stamps.STALE


# -- fixing up the unpacked tree ---------------------------------------------------


def make_usr(root: Path, *names: str) -> None:
    for name in names:
        (root / "usr" / name).mkdir(parents=True)


def test_merge_usr_links_top_level_dirs(tmp_path: Path) -> None:
    make_usr(tmp_path, "lib", "bin", "sbin")
    (tmp_path / "usr" / "lib" / "ld-linux-aarch64.so.1").write_text("loader")
    made = tree.merge_usr(tmp_path)
    assert sorted(link.name for link in made) == ["bin", "lib", "sbin"]
    for name in ("lib", "bin", "sbin"):
        assert os.readlink(tmp_path / name) == f"usr/{name}"
    assert (tmp_path / "lib" / "ld-linux-aarch64.so.1").read_text() == "loader"
    assert not os.path.lexists(tmp_path / "lib64")


def test_merge_usr_adds_lib64_only_when_usr_lib64_exists(tmp_path: Path) -> None:
    make_usr(tmp_path, "lib", "lib64", "bin", "sbin")
    tree.merge_usr(tmp_path)
    assert os.readlink(tmp_path / "lib64") == "usr/lib64"


def test_merge_usr_leaves_an_unmerged_tree_alone(tmp_path: Path) -> None:
    make_usr(tmp_path, "lib", "bin")
    (tmp_path / "lib").mkdir()
    assert tree.merge_usr(tmp_path) == []
    assert not (tmp_path / "lib").is_symlink()
    assert not os.path.lexists(tmp_path / "bin")


def test_merge_usr_keeps_an_existing_bin(tmp_path: Path) -> None:
    make_usr(tmp_path, "lib", "bin", "sbin")
    (tmp_path / "bin").mkdir()
    made = tree.merge_usr(tmp_path)
    assert sorted(link.name for link in made) == ["lib", "sbin"]
    assert not (tmp_path / "bin").is_symlink()


def test_relativize_symlinks_keeps_links_inside_the_root(tmp_path: Path) -> None:
    libdir = tmp_path / "usr" / "lib" / "aarch64-linux-gnu"
    libdir.mkdir(parents=True)
    (tmp_path / "lib").symlink_to("usr/lib")
    (libdir / "libz.so.1.2.13").write_text("real")
    (libdir / "libz.so").symlink_to("/lib/aarch64-linux-gnu/libz.so.1.2.13")
    (libdir / "libm.so.6").symlink_to("libm-2.36.so")
    assert tree.relativize_symlinks(tmp_path) == 1
    assert os.readlink(libdir / "libz.so") == "../../../lib/aarch64-linux-gnu/libz.so.1.2.13"
    assert (libdir / "libz.so").read_text() == "real"
    assert os.readlink(libdir / "libm.so.6") == "libm-2.36.so"


# -- qemu ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arch", "binary"),
    [
        ("arm64", "qemu-aarch64"),
        ("armhf", "qemu-arm"),
        ("armel", "qemu-arm"),
        ("riscv64", "qemu-riscv64"),
        ("ppc64el", "qemu-ppc64le"),
        ("s390x", "qemu-s390x"),
        ("i386", "qemu-i386"),
        ("amd64", "qemu-x86_64"),
        ("mips64el", "qemu-mips64el"),
    ],
)
def test_qemu_command_maps_debian_arch(
    arch: str, binary: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", fake_which({binary}))
    cpu = ["-cpu", "arm926"] if arch == "armel" else []  # Debian armel's ARMv5TE baseline
    assert debian.qemu_command(arch, tmp_path) == [binary, *cpu, "-L", str(tmp_path)]


def test_qemu_command_falls_back_to_static_binary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", fake_which({"qemu-aarch64-static"}))
    assert debian.qemu_command("arm64", tmp_path)[0] == "qemu-aarch64-static"


def test_qemu_command_names_the_package_when_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", fake_which(set()))
    with pytest.raises(SysrootError, match="qemu-user") as info:
        debian.qemu_command("riscv64", tmp_path)
    assert "qemu-riscv64" in str(info.value)


def test_qemu_command_rejects_unknown_arch(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        debian.qemu_command("sparc64", tmp_path)


# -- command line ----------------------------------------------------------------------


def test_main_reports_bad_arch_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert sysroot.main(["--arch", "sparc", "/nonexistent/dest"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("crossenv-sysroot: error: unknown architecture 'sparc'")


def test_main_reports_missing_dest_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert sysroot.main([]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "DEST" in err


def test_main_refuses_foreign_dest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_subprocess: None
) -> None:
    (tmp_path / "keep").write_text("")
    code = sysroot.main(["-q", "--mirror", "http://m.example/debian", str(tmp_path)])
    assert code == 7
    out, err = capsys.readouterr()
    assert out == ""
    assert "refusing to write" in err


def test_main_prints_only_the_python_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_subprocess: None
) -> None:
    write_stamp(tmp_path, "arm64", "bookworm")
    assert sysroot.main(["--mirror", "http://m.example/debian", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{tmp_path / 'usr' / 'bin' / 'python3.11'}\n"
    assert "already holds" in err


def test_main_help_returns_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert sysroot.main(["--help"]) == 0
    assert "--release" in capsys.readouterr().out


# -- the Rust standard library -------------------------------------------------------------

RUSTC_BOOKWORM = "1.63.0+dfsg1-2"
MADISON_TRIXIE = (
    "libstd-rust-dev | 1.85.1+dfsg1-1+deb13u1 | "
    "http://deb.debian.org/debian trixie/main arm64 Packages\n"
)
AARCH64 = "aarch64-unknown-linux-gnu"


def add_rust_std(root: Path, triple: str = AARCH64, tag: str = "4e83e61126e325db") -> Path:
    lib = root / "usr" / "lib" / "rustlib" / triple / "lib"
    lib.mkdir(parents=True, exist_ok=True)
    (lib / f"libstd-{tag}.rlib").write_text("rlib")
    (lib / f"libcore-{tag}.rlib").write_text("rlib")
    return lib


def stamp_of(dest: Path) -> dict[str, object]:
    data = json.loads((dest / stamps.STAMP_NAME).read_text())
    assert isinstance(data, dict)
    return data


def set_stamp(dest: Path, **fields: object) -> None:
    (dest / stamps.STAMP_NAME).write_text(json.dumps({**stamp_of(dest), **fields}))


def rust_request(dest: Path, rust: str | None = RUSTC_BOOKWORM) -> debian.Request:
    return debian.Request("arm64", "bookworm", "3.11", "http://m/debian", dest, rust)


def test_rust_triples_cover_every_arch() -> None:
    assert set(sysroot.RUST_TRIPLES) == set(debian.SYSROOT_ARCHES)
    assert sysroot.RUST_TRIPLES["arm64"] == AARCH64
    assert sysroot.RUST_TRIPLES["armhf"] == "armv7-unknown-linux-gnueabihf"
    assert sysroot.RUST_TRIPLES["riscv64"] == "riscv64gc-unknown-linux-gnu"


def test_rust_std_dir_needs_a_libstd_rlib(tmp_path: Path) -> None:
    assert sysroot.rust_std_dir(tmp_path, AARCH64) is None
    lib = tmp_path / "usr" / "lib" / "rustlib" / AARCH64 / "lib"
    lib.mkdir(parents=True)
    (lib / "libstd-4e83e61126e325db.so").symlink_to("../../../aarch64-linux-gnu/libstd.so")
    (lib / "libcore-b44f001c1cf81c71.rlib").write_text("")
    assert sysroot.rust_std_dir(tmp_path, AARCH64) is None
    add_rust_std(tmp_path)
    assert sysroot.rust_std_dir(tmp_path, AARCH64) == lib
    assert sysroot.rust_std_dir(tmp_path, "armv7-unknown-linux-gnueabihf") is None


@pytest.mark.parametrize(
    ("output", "version"),
    [
        ("ii |1.63.0+dfsg1-2", "1.63.0+dfsg1-2"),
        ("ii |1:2.0-1\n", "1:2.0-1"),
        ("rc |1.63.0+dfsg1-2", None),
        ("un |", None),
        ("", None),
    ],
)
def test_installed_version(output: str, version: str | None) -> None:
    assert ruststd.installed_version(output) == version


def test_debian_rustc_version_without_usr_bin_rustc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_subprocess: None
) -> None:
    monkeypatch.setattr(ruststd, "RUSTC", tmp_path / "rustc")
    assert ruststd.debian_rustc_version() is None


def test_parse_madison() -> None:
    output = MADISON_TRIXIE + MADISON_TRIXIE.replace("trixie/main", "trixie-updates/main")
    output += "libstd-rust-1.85 | 1.85.1 | http://x trixie/main arm64 Packages\n"
    output += "N: Unable to locate package nothing\n"
    assert ruststd.parse_madison(output, "libstd-rust-dev") == ["1.85.1+dfsg1-1+deb13u1"]
    assert ruststd.parse_madison("", "libstd-rust-dev") == []


def test_rust_std_mismatch_names_both_versions() -> None:
    available = ruststd.parse_madison(MADISON_TRIXIE, "libstd-rust-dev")
    message = ruststd.rust_std_mismatch(RUSTC_BOOKWORM, available, "trixie", "arm64")
    assert message.startswith(
        "Debian's rustc is 1.63.0+dfsg1-2 but trixie has libstd-rust-dev "
        "1.85.1+dfsg1-1+deb13u1 for arm64; "
    )
    assert "\n" not in message
    none = ruststd.rust_std_mismatch(RUSTC_BOOKWORM, [], "trixie", "mips64el")
    assert "but trixie has no libstd-rust-dev for mips64el;" in none


def test_check_rust_std_raises_the_mismatch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def call(_state: object, tool: str, args: list[str], cwd: object = None) -> str:
        assert (tool, args) == ("apt-cache", ["madison", "libstd-rust-dev"])
        return MADISON_TRIXIE

    monkeypatch.setattr(apt, "call", call)
    state = apt.AptState(tmp_path, "arm64", "trixie", "http://m/debian")
    with pytest.raises(SysrootError, match=r"rustc is 1\.63\.0\+dfsg1-2 but trixie has"):
        ruststd.check_rust_std(state, RUSTC_BOOKWORM)
    ruststd.check_rust_std(state, "1.85.1+dfsg1-1+deb13u1")


def test_rust_without_debian_rustc_is_one_clear_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_subprocess: None,
) -> None:
    monkeypatch.setattr(ruststd, "debian_rustc_version", lambda: None)
    write_stamp(tmp_path, "arm64", "bookworm")
    before = list(tree_listing(tmp_path))
    argv = ["--rust", "--mirror", "http://m.example/debian", str(tmp_path)]
    assert sysroot.main(argv) == 7
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "crossenv-sysroot: error: --rust needs Debian's rustc and cargo on this machine: "
        "apt-get install -y rustc cargo\n"
    )
    assert list(tree_listing(tmp_path)) == before


def test_dest_states_with_rust(tmp_path: Path) -> None:
    write_stamp(tmp_path, "arm64", "bookworm")
    assert stamps.inspect_dest(rust_request(tmp_path, None)) == stamps.DONE
    assert stamps.inspect_dest(rust_request(tmp_path)) == stamps.NO_RUST
    add_rust_std(tmp_path)
    assert stamps.inspect_dest(rust_request(tmp_path)) == stamps.NO_RUST  # not in the stamp
    set_stamp(tmp_path, rust=RUSTC_BOOKWORM)
    assert stamps.inspect_dest(rust_request(tmp_path)) == stamps.DONE
    assert stamps.inspect_dest(rust_request(tmp_path, "1.70.0+dfsg1-1")) == stamps.NO_RUST
    shutil.rmtree(tmp_path / "usr" / "lib" / "rustlib")
    assert stamps.inspect_dest(rust_request(tmp_path)) == stamps.NO_RUST
    (tmp_path / "usr" / "bin" / "python3.11").unlink()
    assert stamps.inspect_dest(rust_request(tmp_path)) == stamps.STALE


def test_sysroot_with_rust_is_reused_without_running_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_subprocess: None
) -> None:
    monkeypatch.setattr(ruststd, "debian_rustc_version", lambda: RUSTC_BOOKWORM)
    write_stamp(tmp_path, "arm64", "bookworm")
    add_rust_std(tmp_path)
    set_stamp(tmp_path, rust=RUSTC_BOOKWORM)
    python = fetch.fetch("arm64", "bookworm", tmp_path, mirror="http://m/debian", rust=True)
    assert python == tmp_path / "usr" / "bin" / "python3.11"


def test_with_rust_keeps_the_stamp_and_adds_the_std() -> None:
    stamp = {"arch": "arm64", "release": "bookworm", "packages": ["libc6"]}
    data = stamps.with_rust(stamp, RUSTC_BOOKWORM, "arm64")
    assert data == {**stamp, "rust": RUSTC_BOOKWORM, "rust_triple": AARCH64}
    assert "rust" not in stamp
    assert stamps.with_rust(stamp, None, "arm64") == stamp


def test_new_stamp_records_rust_only_when_asked(tmp_path: Path) -> None:
    assert "rust" not in stamps.new_stamp(rust_request(tmp_path, None), ["libc6"])
    data = stamps.new_stamp(rust_request(tmp_path), ["libc6"])
    assert data["rust"] == RUSTC_BOOKWORM
    assert data["rust_triple"] == AARCH64
    assert data["packages"] == ["libc6"]


def test_merge_tree_replaces_the_old_std_and_keeps_the_rest(tmp_path: Path) -> None:
    dest, src = tmp_path / "dest", tmp_path / "src"
    write_stamp(dest, "arm64", "bookworm")
    (dest / "usr" / "lib" / "aarch64-linux-gnu").mkdir(parents=True)
    (dest / "lib").symlink_to("usr/lib")
    old = add_rust_std(dest, tag="0000000000000000")
    other = add_rust_std(dest, triple="armv7-unknown-linux-gnueabihf")
    add_rust_std(src, tag="4e83e61126e325db")
    doc = src / "usr" / "share" / "doc" / "libstd-rust-dev"
    doc.mkdir(parents=True)
    (doc / "copyright").write_text("new")
    unit = Path("usr", "lib", "rustlib", AARCH64)
    tree.merge_tree(src, dest, unit, tmp_path / "trash")
    assert not os.path.lexists(src / "usr" / "lib" / "rustlib" / AARCH64)
    assert sorted(p.name for p in old.iterdir()) == [
        "libcore-4e83e61126e325db.rlib",
        "libstd-4e83e61126e325db.rlib",
    ]
    assert (dest / "usr" / "share" / "doc" / "libstd-rust-dev" / "copyright").read_text() == "new"
    assert sysroot.rust_std_dir(dest, "armv7-unknown-linux-gnueabihf") == other
    assert (dest / "usr" / "bin" / "python3.11").is_file()
    assert os.readlink(dest / "lib") == "usr/lib"


def test_merge_tree_moves_a_missing_rustlib_whole(tmp_path: Path) -> None:
    dest, src = tmp_path / "dest", tmp_path / "src"
    write_stamp(dest, "arm64", "bookworm")
    add_rust_std(src)
    unit = Path("usr", "lib", "rustlib", AARCH64)
    tree.merge_tree(src, dest, unit, tmp_path / "trash")
    assert sysroot.rust_std_dir(dest, AARCH64) is not None
    assert not os.path.lexists(tmp_path / "trash")


def test_failed_rust_addition_leaves_the_sysroot_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_subprocess: None
) -> None:
    dest = tmp_path / "sysroot"
    write_stamp(dest, "arm64", "trixie")
    lists = dest / stamps.APT_DIR_NAME / "lists"
    lists.mkdir(parents=True)
    (lists / "deb.debian.org_debian_dists_trixie_InRelease").write_text("index")
    before = list(tree_listing(dest))
    stamp = (dest / stamps.STAMP_NAME).read_text()
    seen: list[Path] = []

    def check(state: apt.AptState, rustc: str) -> None:
        seen.extend(state.lists.iterdir())
        raise SysrootError(ruststd.rust_std_mismatch(rustc, ["1.85.1"], "trixie", "arm64"))

    monkeypatch.setattr(ruststd, "debian_rustc_version", lambda: RUSTC_BOOKWORM)
    monkeypatch.setattr(staging, "check_tools", lambda: None)
    monkeypatch.setattr(apt, "update", lambda state: None)
    monkeypatch.setattr(ruststd, "check_rust_std", check)
    with pytest.raises(SysrootError, match=r"Debian's rustc is 1\.63\.0"):
        fetch.fetch("arm64", "trixie", dest, mirror="http://m/debian", rust=True)
    assert "deb.debian.org_debian_dists_trixie_InRelease" in {p.name for p in seen}
    assert list(tree_listing(dest)) == before
    assert (dest / stamps.STAMP_NAME).read_text() == stamp
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sysroot"]


def test_main_help_mentions_rust(capsys: pytest.CaptureFixture[str]) -> None:
    assert sysroot.main(["--help"]) == 0
    assert "--rust" in capsys.readouterr().out


# -- adding packages ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["libpq-dev", "libstdc++-12-dev", "libfoo=1:2.0-1~deb12u1"])
def test_check_packages_accepts_debian_names(name: str) -> None:
    assert debian.check_packages([name]) == [name]


@pytest.mark.parametrize("name", ["libpq-dev:arm64", "LibPQ", "-x", "a", "lib foo", "../x"])
def test_check_packages_refuses_other_words(name: str) -> None:
    with pytest.raises(UsageError, match="is not a Debian package name"):
        debian.check_packages([name])


@pytest.mark.parametrize("name", ["perl", "perl-modules-5.36", "tzdata=2024a-0+deb12u1"])
def test_check_packages_refuses_excluded_packages(name: str) -> None:
    with pytest.raises(UsageError, match="is left out of every sysroot"):
        debian.check_packages([name])


def make_sysroot(dest: Path, release: str = "bookworm", merged: bool = False) -> None:
    """A finished sysroot as crossenv-sysroot leaves it (without the packages)."""
    write_stamp(dest, "arm64", release)
    set_stamp(dest, mirror="http://m.example/debian", packages=["libc6"])
    lists = dest / stamps.APT_DIR_NAME / "lists"
    lists.mkdir(parents=True)
    (lists / "m.example_debian_dists_bookworm_InRelease").write_text("old index")
    libc = apt.status_stanza({"Package": "libc6", "Version": "2.36-9", "Architecture": "arm64"})
    apt.write_status(dest / stamps.APT_DIR_NAME / "status", [libc])
    (dest / "usr" / "lib" / "aarch64-linux-gnu").mkdir(parents=True)
    (dest / "usr" / "lib" / "aarch64-linux-gnu" / "libc.so.6").write_text("libc")
    if merged:
        (dest / "lib").symlink_to("usr/lib")
    else:
        (dest / "lib" / "aarch64-linux-gnu").mkdir(parents=True)


def test_open_sysroot_reads_stamp_and_status(tmp_path: Path) -> None:
    make_sysroot(tmp_path)
    found = addition.open_sysroot(tmp_path)
    assert (found.arch, found.release, found.mirror) == (
        "arm64",
        "bookworm",
        "http://m.example/debian",
    )
    assert [s["Package"] for s in found.record] == ["libc6"]
    assert found.unrecorded == []
    assert found.python == tmp_path / "usr" / "bin" / "python3.11"
    assert found.holds("libc6") and found.holds("libc6=2.36-9")
    assert not found.holds("libc6=2.36-10") and not found.holds("libpq-dev")
    assert addition.open_sysroot(tmp_path, "http://other/debian/").mirror == "http://other/debian"


def test_open_sysroot_of_an_older_version_uses_the_stamp(tmp_path: Path) -> None:
    make_sysroot(tmp_path)
    (tmp_path / stamps.APT_DIR_NAME / "status").write_text("")
    found = addition.open_sysroot(tmp_path)
    assert found.record == []
    assert found.unrecorded == ["libc6"]
    assert found.holds("libc6")


def test_open_sysroot_refuses_what_is_not_one(tmp_path: Path) -> None:
    with pytest.raises(SysrootError, match="no such directory") as info:
        addition.open_sysroot(tmp_path / "missing")
    assert info.value.exit_code == 7
    with pytest.raises(SysrootError, match=r"no readable \.crossenv-sysroot\.json"):
        addition.open_sysroot(tmp_path)
    (tmp_path / stamps.STAMP_NAME).write_text('{"arch": "sparc", "release": "bookworm"}')
    with pytest.raises(SysrootError, match="names no known architecture"):
        addition.open_sysroot(tmp_path)
    (tmp_path / stamps.STAMP_NAME).write_text('{"arch": "arm64", "release": "bookworm"}')
    with pytest.raises(SysrootError, match="unfinished") as info:
        addition.open_sysroot(tmp_path)
    assert "crossenv-sysroot --arch ARCH --release RELEASE" in str(info.value)


def test_add_of_held_packages_runs_nothing(tmp_path: Path, no_subprocess: None) -> None:
    make_sysroot(tmp_path)
    messages: list[str] = []
    python = addition.add(tmp_path, ["libc6"], log=messages.append)
    assert python == tmp_path / "usr" / "bin" / "python3.11"
    assert messages == [f"{tmp_path} already holds libc6"]


def fake_resolution(
    monkeypatch: pytest.MonkeyPatch, files: dict[str, str], links: dict[str, str]
) -> list[list[str]]:
    """Make resolve() and unpack() pretend apt fetched libpq5 with *files* and *links*."""
    asked: list[list[str]] = []

    def resolve(
        state: apt.AptState,
        record: list[dict[str, str]],
        wanted: list[str],
        excluded: apt.Exclusions,
        unrecorded: list[str],
    ) -> tuple[list[dict[str, str]], list[Path]]:
        assert excluded is debian.EXCLUDED
        assert state.lists.joinpath("m.example_debian_dists_bookworm_InRelease").is_file()
        state.lists.joinpath("m.example_debian_dists_bookworm_InRelease").write_text("new index")
        asked.append(list(wanted))
        return list(record), [state.archives / "libpq5.deb"]

    def unpack(
        debs: list[Path], root: Path, excluded: apt.Exclusions, runner: object = None
    ) -> list[dict[str, str]]:
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        for name, target in links.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).symlink_to(target)
        return [apt.status_stanza(apt.parse_stanzas(CONTROL)[0])]

    monkeypatch.setattr(staging, "check_tools", lambda: None)
    monkeypatch.setattr(apt, "update", lambda state: None)
    monkeypatch.setattr(apt, "resolve", resolve)
    monkeypatch.setattr(apt, "unpack", unpack)
    return asked


@pytest.mark.parametrize("merged", [False, True])
def test_add_moves_the_packages_in_and_records_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, merged: bool
) -> None:
    dest = tmp_path / "sys root"
    make_sysroot(dest, merged=merged)
    files = {
        "lib/aarch64-linux-gnu/libpq.so.5.15": "libpq",
        "usr/include/postgresql/libpq-fe.h": "header",
        "usr/lib/aarch64-linux-gnu/pkgconfig/libpq.pc": "pc",
    }
    links = {"usr/lib/aarch64-linux-gnu/libpq.so": "/lib/aarch64-linux-gnu/libpq.so.5.15"}
    asked = fake_resolution(monkeypatch, files, links)
    messages: list[str] = []
    python = addition.add(dest, ["libc6", "libpq-dev"], log=messages.append)
    assert python == dest / "usr" / "bin" / "python3.11"
    assert asked == [["libpq-dev"]]
    assert (dest / "usr" / "lib" / "aarch64-linux-gnu" / "libpq.so").read_text() == "libpq"
    assert not os.path.isabs(os.readlink(dest / "usr" / "lib" / "aarch64-linux-gnu" / "libpq.so"))
    assert (dest / "usr" / "include" / "postgresql" / "libpq-fe.h").read_text() == "header"
    assert (dest / "lib").is_symlink() == merged
    record = apt.read_status(dest / stamps.APT_DIR_NAME / "status")
    assert [s["Package"] for s in record] == ["libc6", "libpq5"]
    stamp = stamp_of(dest)
    assert stamp["packages"] == ["libc6", "libpq5"]
    assert stamp["added"] == ["libpq-dev"]
    lists = dest / stamps.APT_DIR_NAME / "lists"
    assert (lists / "m.example_debian_dists_bookworm_InRelease").read_text() == "new index"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sys root"]
    assert messages[-1] == f"added libpq-dev to {dest}"


def test_failed_add_leaves_the_sysroot_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "sysroot"
    make_sysroot(dest)
    (dest / "usr" / "include").write_text("a file where a package has a directory")
    before = list(tree_listing(dest))
    stamp = (dest / stamps.STAMP_NAME).read_text()
    fake_resolution(
        monkeypatch,
        {"lib/aarch64-linux-gnu/libpq.so.5": "x", "usr/include/libpq-fe.h": "header"},
        {},
    )
    with pytest.raises(SysrootError, match="is a file, but a package has a directory there"):
        addition.add(dest, ["libpq-dev"])
    assert list(tree_listing(dest)) == before
    assert (dest / stamps.STAMP_NAME).read_text() == stamp
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sysroot"]


def test_interrupted_add_leaves_the_sysroot_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "sysroot"
    make_sysroot(dest)
    before = list(tree_listing(dest))

    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(staging, "check_tools", lambda: None)
    monkeypatch.setattr(apt, "update", lambda state: None)
    monkeypatch.setattr(apt, "resolve", interrupted)
    with pytest.raises(KeyboardInterrupt):
        addition.add(dest, ["libpq-dev"])
    assert list(tree_listing(dest)) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sysroot"]


def test_ctrl_c_is_held_back_until_the_block_ends() -> None:
    # A run started in the background inherits SIGINT ignored: give it Python's own.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        done: list[str] = []
        with pytest.raises(KeyboardInterrupt), folders.interrupts_held():
            os.kill(os.getpid(), signal.SIGINT)
            done.append("finished")
        assert done == ["finished"]
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, previous)


def test_plan_merge_lists_moves_and_keeps_directories(tmp_path: Path) -> None:
    src, dest = tmp_path / "src", tmp_path / "dest"
    (src / "usr" / "lib").mkdir(parents=True)
    (src / "usr" / "lib" / "new.so").write_text("")
    (src / "usr" / "share").mkdir()
    (src / "usr" / "lib" / "keep").write_text("a file where dest has a directory")
    (dest / "usr" / "lib" / "keep").mkdir(parents=True)
    moves = tree.plan_merge(src, dest)
    assert moves == [
        (src / "usr" / "lib" / "new.so", dest / "usr" / "lib" / "new.so"),
        (src / "usr" / "share", dest / "usr" / "share"),
    ]


def test_follow_merged_usr_moves_lib_under_usr(tmp_path: Path) -> None:
    unpacked, like = tmp_path / "tree", tmp_path / "like"
    (like / "usr" / "lib").mkdir(parents=True)
    (like / "lib").symlink_to("usr/lib")
    (like / "bin").mkdir()
    (unpacked / "lib" / "aarch64-linux-gnu").mkdir(parents=True)
    (unpacked / "lib" / "aarch64-linux-gnu" / "libz.so.1").write_text("z")
    (unpacked / "usr" / "lib" / "aarch64-linux-gnu").mkdir(parents=True)
    (unpacked / "usr" / "lib" / "aarch64-linux-gnu" / "libz.a").write_text("a")
    (unpacked / "bin").mkdir()
    tree.follow_merged_usr(unpacked, like)
    assert sorted(tree_listing(unpacked)) == [
        "bin",
        "usr",
        "usr/lib",
        "usr/lib/aarch64-linux-gnu",
        "usr/lib/aarch64-linux-gnu/libz.a",
        "usr/lib/aarch64-linux-gnu/libz.so.1",
    ]


def test_main_add_takes_dest_as_the_last_word(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_subprocess: None
) -> None:
    make_sysroot(tmp_path)
    assert sysroot.main(["--add", "libc6", str(tmp_path)]) == 0
    assert sysroot.main([str(tmp_path), "--add", "libc6"]) == 0
    assert sysroot.main(["-q", "--add", "libc6", "--add", "libc6", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{tmp_path / 'usr' / 'bin' / 'python3.11'}\n" * 3
    assert err == f"crossenv-sysroot: {tmp_path} already holds libc6\n" * 2


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["--add", "libpq-dev"], 2, "the following arguments are required: DEST"),
        (["--add", "libpq-dev", "--rust", "D"], 2, "--add cannot be combined with --rust"),
        (["--add", "libpq-dev", "--arch", "armhf", "D"], 2, "--add takes no --arch"),
        (["--add", "perl", "D"], 2, "perl is left out of every sysroot"),
        (["--add", "libpq-dev", "D"], 7, "is not a crossenv-sysroot sysroot"),
    ],
)
def test_main_add_refusals_are_one_line(
    argv: list[str],
    code: int,
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    no_subprocess: None,
) -> None:
    dest = tmp_path / "not a sysroot"
    dest.mkdir()
    (dest / "mine").write_text("")
    argv = [str(dest) if word == "D" else word for word in argv]
    assert sysroot.main(argv) == code
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("crossenv-sysroot: error: ")
    assert message in err
    assert sorted(p.name for p in dest.iterdir()) == ["mine"]


def test_main_help_mentions_add(capsys: pytest.CaptureFixture[str]) -> None:
    assert sysroot.main(["--help"]) == 0
    assert "--add PKG [PKG ...]" in capsys.readouterr().out


def test_fetch_lets_apt_resolve_and_records_what_it_unpacked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_subprocess: None
) -> None:
    asked: list[tuple[list[str], list[str]]] = []

    def resolve(
        state: apt.AptState,
        record: list[dict[str, str]],
        wanted: list[str],
        excluded: apt.Exclusions,
        unrecorded: tuple[str, ...] = (),
    ) -> tuple[list[dict[str, str]], list[Path]]:
        asked.append((list(wanted), [s["Package"] for s in record]))
        assert excluded is debian.EXCLUDED
        return [], [state.archives / "python3.11.deb"]

    def unpack(
        debs: list[Path], root: Path, excluded: apt.Exclusions, runner: object = None
    ) -> list[dict[str, str]]:
        (root / "usr" / "bin").mkdir(parents=True)
        (root / "usr" / "bin" / "python3.11").write_text("")
        (root / "usr" / "lib").mkdir()
        return [apt.status_stanza({"Package": "python3.11", "Version": "3.11.2-6"})]

    monkeypatch.setattr(staging, "check_tools", lambda: None)
    monkeypatch.setattr(apt, "update", lambda state: None)
    monkeypatch.setattr(apt, "resolve", resolve)
    monkeypatch.setattr(apt, "unpack", unpack)
    dest = tmp_path / "sysroot"
    python = fetch.fetch("arm64", "bookworm", dest, mirror="http://m/debian")
    assert python == dest / "usr" / "bin" / "python3.11"
    assert asked == [(debian.seed_packages("3.11"), [])]
    assert stamp_of(dest)["packages"] == ["python3.11"]
    record = apt.read_status(dest / stamps.APT_DIR_NAME / "status")
    assert [(s["Package"], s["Version"]) for s in record] == [("python3.11", "3.11.2-6")]
    assert (dest / stamps.APT_DIR_NAME / "preferences").read_text() == ""
    assert os.readlink(dest / "lib") == "usr/lib"


def test_add_of_what_the_sysroot_provides_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "sysroot"
    make_sysroot(dest)
    before = list(tree_listing(dest))
    monkeypatch.setattr(staging, "check_tools", lambda: None)
    monkeypatch.setattr(apt, "update", lambda state: None)
    monkeypatch.setattr(apt, "resolve", lambda *args: ([], []))
    messages: list[str] = []
    addition.add(dest, ["libc-dev"], log=messages.append)
    assert messages[-1] == f"{dest} already holds what libc-dev needs"
    assert list(tree_listing(dest)) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sysroot"]
