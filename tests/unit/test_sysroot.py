"""Unit tests for crossenv.sysroot: the parts that need no network."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Callable, Iterator

import pytest

from crossenv import sysroot
from crossenv.errors import SysrootError, UsageError

DATA = Path(__file__).resolve().parent.parent / "data"
DEPENDS_SAMPLE = DATA / "apt-depends-bookworm-arm64.txt"

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

# Shaped like trixie's real output, where tzdata needs "debconf | debconf-2.0"
# and the providers of debconf-2.0 would drag cdebconf and its libraries into
# the sysroot.  netbase's bare debconf-2.0 dependency is added to check that a
# virtual package one of whose providers is excluded is left out too.
TRIXIE_LIKE_DEPENDS = """\
python3.13
  Depends: libpython3.13-stdlib
  Depends: tzdata
libpython3.13-stdlib
 |Depends: media-types
  Depends: <mime-support>
  Depends: netbase
zlib1g-dev
  Depends: zlib1g
 |Depends: libc6-dev
  Depends: <libc-dev>
    libc6-dev
tzdata
 |Depends: debconf
  Depends: <debconf-2.0>
    cdebconf
    debconf
netbase
  Depends: <debconf-2.0>
    cdebconf
    debconf
media-types
cdebconf
  Depends: libnewt0.52
libnewt0.52
zlib1g
  Depends: libc6:arm64
libc6-dev
  Depends: libc6
libc6
<debconf-2.0>
"""


@pytest.fixture
def no_subprocess(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything tries to run apt or dpkg."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("no command may run in this test")

    monkeypatch.setattr(sysroot, "_run", refuse)


def fake_which(present: set[str]) -> Callable[[str], str | None]:
    def which(name: str) -> str | None:
        return f"/usr/bin/{name}" if name in present else None

    return which


def write_stamp(dest: Path, arch: str, release: str) -> None:
    version = sysroot.SYSROOT_RELEASES[release]
    python = dest / "usr" / "bin" / f"python{version}"
    python.parent.mkdir(parents=True)
    python.write_text("")
    data = {"arch": arch, "release": release, "python_version": version}
    (dest / sysroot.STAMP_NAME).write_text(json.dumps(data))


def tree_listing(root: Path) -> Iterator[str]:
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            yield os.path.relpath(os.path.join(dirpath, name), root)


# -- request validation ---------------------------------------------------


@pytest.mark.parametrize(("release", "version"), [("bookworm", "3.11"), ("trixie", "3.13")])
def test_python_version_of_each_release(release: str, version: str) -> None:
    assert sysroot.python_version(release) == version
    assert sysroot.SYSROOT_RELEASES[release] == version


@pytest.mark.parametrize("release", ["sid", "Bookworm", "", "bullseye"])
def test_unknown_release_is_a_usage_error(release: str) -> None:
    with pytest.raises(UsageError, match="unknown release") as info:
        sysroot.python_version(release)
    assert info.value.exit_code == 2
    assert "bookworm" in str(info.value)


@pytest.mark.parametrize("arch", sorted(sysroot.QEMU_SUFFIXES))
def test_supported_arches_pass(arch: str) -> None:
    assert sysroot.check_arch(arch) == arch


@pytest.mark.parametrize("arch", ["aarch64", "x86_64", "sparc", "ARM64", ""])
def test_unknown_arch_is_a_usage_error(arch: str) -> None:
    with pytest.raises(UsageError, match="unknown architecture"):
        sysroot.check_arch(arch)


def test_supported_arch_set_is_the_documented_one() -> None:
    expected = {"arm64", "armhf", "armel", "riscv64", "ppc64el", "s390x", "i386", "amd64"}
    assert set(sysroot.SYSROOT_ARCHES) == expected | {"mips64el"}


def test_mirror_loses_its_trailing_slash() -> None:
    assert sysroot.check_mirror("http://deb.debian.org/debian/") == "http://deb.debian.org/debian"


@pytest.mark.parametrize("mirror", ["deb.debian.org/debian", "ssh://x/debian", "http://a b/"])
def test_bad_mirror_is_a_usage_error(mirror: str) -> None:
    with pytest.raises(UsageError):
        sysroot.check_mirror(mirror)


def test_seed_packages_name_the_python_version() -> None:
    seeds = sysroot.seed_packages("3.13")
    assert seeds[:4] == [
        "python3.13-minimal",
        "python3.13",
        "libpython3.13-dev",
        "libpython3.13-stdlib",
    ]
    assert {"libc6-dev", "libstdc++6"} <= set(seeds)


# -- finding the mirror -----------------------------------------------------


def test_deb822_skips_security_src_and_disabled_stanzas() -> None:
    assert sysroot.parse_deb822_mirror(DEB822_SAMPLE) == "http://ftp.de.debian.org/debian"


def test_deb822_continuation_lines_and_multiple_uris() -> None:
    text = "Types: deb deb-src\nURIs: http://one.example/ubuntu\n http://two.example/debian\n"
    assert sysroot.parse_deb822_mirror(text) == "http://two.example/debian"


def test_deb822_without_debian_uri_gives_none() -> None:
    text = "Types: deb\nURIs: http://archive.ubuntu.com/ubuntu\nSuites: noble\n"
    assert sysroot.parse_deb822_mirror(text) is None


def test_deb822_accepts_a_snapshot_uri() -> None:
    text = "Types: deb\nURIs: http://snapshot.debian.org/archive/debian/20250520T000000Z\n"
    expected = "http://snapshot.debian.org/archive/debian/20250520T000000Z"
    assert sysroot.parse_deb822_mirror(text) == expected


def test_one_line_format_skips_comments_src_and_security() -> None:
    assert sysroot.parse_one_line_mirror(ONE_LINE_SAMPLE) == "http://mirror.example.org/debian"


def test_one_line_format_without_debian_gives_none() -> None:
    text = "deb http://archive.ubuntu.com/ubuntu noble main\n"
    assert sysroot.parse_one_line_mirror(text) is None


def test_default_mirror_prefers_deb822_sources(tmp_path: Path) -> None:
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "debian.sources").write_text(DEB822_SAMPLE)
    (tmp_path / "sources.list").write_text("deb http://other.example/debian bookworm main\n")
    assert sysroot.default_mirror(tmp_path) == "http://ftp.de.debian.org/debian"


def test_default_mirror_reads_sources_list(tmp_path: Path) -> None:
    (tmp_path / "sources.list").write_text(ONE_LINE_SAMPLE)
    assert sysroot.default_mirror(tmp_path) == "http://mirror.example.org/debian"


def test_default_mirror_falls_back_to_deb_debian_org(tmp_path: Path) -> None:
    assert sysroot.default_mirror(tmp_path / "missing") == sysroot.DEFAULT_MIRROR
    assert sysroot.DEFAULT_MIRROR == "http://deb.debian.org/debian"


# -- the private apt configuration -------------------------------------------


def test_apt_options_keep_apt_private(tmp_path: Path) -> None:
    root = tmp_path / "with space" / ".crossenv-apt"
    apt = sysroot.AptState(root, "armhf", "bookworm", "http://m.example/debian")
    options = apt.options()
    settings = options[1::2]
    assert options[::2] == ["-o"] * len(settings)
    assert f"Dir::Etc::sourcelist={root / 'sources.list'}" in settings
    assert f"Dir::State::status={root / 'status'}" in settings
    assert "Dir::Etc::sourceparts=-" in settings
    assert "APT::Architecture=armhf" in settings
    assert "APT::Architectures::=armhf" in settings
    assert "Debug::NoLocking=1" in settings


def test_apt_prepare_writes_sources_and_status(tmp_path: Path) -> None:
    apt = sysroot.AptState(tmp_path / "apt", "arm64", "trixie", "http://m.example/debian")
    apt.prepare()
    keyring = "/usr/share/keyrings/debian-archive-keyring.gpg"
    expected = f"deb [arch=arm64 signed-by={keyring}] http://m.example/debian trixie main\n"
    assert apt.sources.read_text() == expected
    assert (tmp_path / "apt" / "status").read_text() == ""
    assert (tmp_path / "apt" / "lists" / "partial").is_dir()
    assert (tmp_path / "apt" / "cache" / "archives" / "partial").is_dir()


def test_apt_error_line_prefers_errors_then_failed_fetches() -> None:
    stderr = (
        "W: Failed to fetch http://x/debian/dists/bookworm/InRelease  Could not resolve 'x'\n"
        "W: Some index files failed to download.\n"
    )
    line = sysroot.apt_error_line(stderr)
    assert (
        line == "W: Failed to fetch http://x/debian/dists/bookworm/InRelease Could not resolve 'x'"
    )
    assert sysroot.apt_error_line("Err:1 foo\nE: broken\nE: later\n") == "E: broken"
    assert sysroot.apt_error_line("") == "(no output)"


# -- apt-cache depends output ---------------------------------------------------


def test_filter_depends_on_captured_bookworm_output() -> None:
    seeds = sysroot.seed_packages("3.11")
    packages = sysroot.filter_depends(DEPENDS_SAMPLE.read_text(), seeds)
    assert packages == sorted(set(packages))
    assert set(seeds) <= set(packages)
    assert {"libc6", "libssl3", "libffi8", "zlib1g-dev", "libexpat1-dev"} <= set(packages)
    unwanted = {"perl", "perl-base", "perl-modules-5.36", "libperl5.36", "dpkg", "tar"}
    unwanted |= {"mime-support", "media-types", "mailcap", "readline-common", "install-info"}
    assert not unwanted & set(packages)
    assert not [name for name in packages if name.startswith("<")]


def test_filter_depends_drops_what_only_excluded_packages_need() -> None:
    packages = sysroot.filter_depends(DEPENDS_SAMPLE.read_text(), sysroot.seed_packages("3.11"))
    # In bookworm only libperl5.36 needs the gdbm libraries.
    assert "libgdbm6" not in packages
    assert "libgdbm-compat4" not in packages


def test_filter_depends_prunes_the_debconf_alternative() -> None:
    packages = sysroot.filter_depends(TRIXIE_LIKE_DEPENDS, ["python3.13", "zlib1g-dev"])
    assert packages == [
        "libc6",
        "libc6-dev",
        "libpython3.13-stdlib",
        "netbase",
        "python3.13",
        "zlib1g",
        "zlib1g-dev",
    ]


def test_parse_depends_records_alternatives_and_providers() -> None:
    graph = sysroot.parse_depends(TRIXIE_LIKE_DEPENDS)
    assert graph["tzdata"] == [[["debconf"], ["<debconf-2.0>", "cdebconf", "debconf"]]]
    assert graph["zlib1g-dev"] == [[["zlib1g"]], [["libc6-dev"], ["<libc-dev>", "libc6-dev"]]]
    assert graph["zlib1g"] == [[["libc6"]]]
    assert graph["netbase"] == [[["<debconf-2.0>", "cdebconf", "debconf"]]]
    assert graph["media-types"] == []


@pytest.mark.parametrize(
    "name", ["perl", "perl-base", "perl-modules-5.40", "libperl5.36", "tzdata", "debconf"]
)
def test_is_excluded(name: str) -> None:
    assert sysroot.is_excluded(name)


@pytest.mark.parametrize("name", ["libc6", "libpython3.11-stdlib", "zlib1g", "libtirpc3"])
def test_is_not_excluded(name: str) -> None:
    assert not sysroot.is_excluded(name)


# -- DEST safety -----------------------------------------------------------------


def test_refuses_non_empty_directory_without_stamp(tmp_path: Path, no_subprocess: None) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    before = list(tree_listing(tmp_path))
    with pytest.raises(SysrootError, match="refusing to write") as info:
        sysroot.fetch("arm64", "bookworm", tmp_path, mirror="http://m.example/debian")
    assert info.value.exit_code == 7
    assert list(tree_listing(tmp_path)) == before
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_refuses_a_file_as_dest(tmp_path: Path, no_subprocess: None) -> None:
    dest = tmp_path / "file"
    dest.write_text("x")
    with pytest.raises(SysrootError, match="not a directory"):
        sysroot.fetch("arm64", "bookworm", dest, mirror="http://m.example/debian")
    assert dest.read_text() == "x"


def test_refuses_a_sysroot_of_another_release(tmp_path: Path, no_subprocess: None) -> None:
    write_stamp(tmp_path, "arm64", "bookworm")
    with pytest.raises(SysrootError, match="already holds a bookworm/arm64"):
        sysroot.fetch("arm64", "trixie", tmp_path, mirror="http://m.example/debian")


def test_finished_sysroot_is_reused_without_running_anything(
    tmp_path: Path, no_subprocess: None
) -> None:
    write_stamp(tmp_path, "arm64", "trixie")
    messages: list[str] = []
    python = sysroot.fetch(
        "arm64", "trixie", tmp_path, mirror="http://m.example/debian", log=messages.append
    )
    assert python == tmp_path / "usr" / "bin" / "python3.13"
    assert len(messages) == 1
    assert "already holds" in messages[0]


def test_dest_states(tmp_path: Path) -> None:
    def state(dest: Path) -> str:
        request = sysroot.Request("arm64", "bookworm", "3.11", "http://m/debian", dest)
        return sysroot.inspect_dest(request)

    assert state(tmp_path / "absent") == sysroot.ABSENT
    (tmp_path / "empty").mkdir()
    assert state(tmp_path / "empty") == sysroot.EMPTY
    stale = tmp_path / "stale"
    stale.mkdir()
    (stale / sysroot.STAMP_NAME).write_text("{not json")
    assert state(stale) == sysroot.STALE
    done = tmp_path / "done"
    done.mkdir()
    write_stamp(done, "arm64", "bookworm")
    assert state(done) == sysroot.DONE
    (done / "usr" / "bin" / "python3.11").unlink()
    assert state(done) == sysroot.STALE


# -- fixing up the unpacked tree ---------------------------------------------------


def make_usr(root: Path, *names: str) -> None:
    for name in names:
        (root / "usr" / name).mkdir(parents=True)


def test_merge_usr_links_top_level_dirs(tmp_path: Path) -> None:
    make_usr(tmp_path, "lib", "bin", "sbin")
    (tmp_path / "usr" / "lib" / "ld-linux-aarch64.so.1").write_text("loader")
    made = sysroot.merge_usr(tmp_path)
    assert sorted(link.name for link in made) == ["bin", "lib", "sbin"]
    for name in ("lib", "bin", "sbin"):
        assert os.readlink(tmp_path / name) == f"usr/{name}"
    assert (tmp_path / "lib" / "ld-linux-aarch64.so.1").read_text() == "loader"
    assert not os.path.lexists(tmp_path / "lib64")


def test_merge_usr_adds_lib64_only_when_usr_lib64_exists(tmp_path: Path) -> None:
    make_usr(tmp_path, "lib", "lib64", "bin", "sbin")
    sysroot.merge_usr(tmp_path)
    assert os.readlink(tmp_path / "lib64") == "usr/lib64"


def test_merge_usr_leaves_an_unmerged_tree_alone(tmp_path: Path) -> None:
    make_usr(tmp_path, "lib", "bin")
    (tmp_path / "lib").mkdir()
    assert sysroot.merge_usr(tmp_path) == []
    assert not (tmp_path / "lib").is_symlink()
    assert not os.path.lexists(tmp_path / "bin")


def test_merge_usr_keeps_an_existing_bin(tmp_path: Path) -> None:
    make_usr(tmp_path, "lib", "bin", "sbin")
    (tmp_path / "bin").mkdir()
    made = sysroot.merge_usr(tmp_path)
    assert sorted(link.name for link in made) == ["lib", "sbin"]
    assert not (tmp_path / "bin").is_symlink()


def test_relativize_symlinks_keeps_links_inside_the_root(tmp_path: Path) -> None:
    libdir = tmp_path / "usr" / "lib" / "aarch64-linux-gnu"
    libdir.mkdir(parents=True)
    (tmp_path / "lib").symlink_to("usr/lib")
    (libdir / "libz.so.1.2.13").write_text("real")
    (libdir / "libz.so").symlink_to("/lib/aarch64-linux-gnu/libz.so.1.2.13")
    (libdir / "libm.so.6").symlink_to("libm-2.36.so")
    assert sysroot.relativize_symlinks(tmp_path) == 1
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
    assert sysroot.qemu_command(arch, tmp_path) == [binary, "-L", str(tmp_path)]


def test_qemu_command_falls_back_to_static_binary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", fake_which({"qemu-aarch64-static"}))
    assert sysroot.qemu_command("arm64", tmp_path)[0] == "qemu-aarch64-static"


def test_qemu_command_names_the_package_when_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", fake_which(set()))
    with pytest.raises(SysrootError, match="qemu-user") as info:
        sysroot.qemu_command("riscv64", tmp_path)
    assert "qemu-riscv64" in str(info.value)


def test_qemu_command_rejects_unknown_arch(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        sysroot.qemu_command("sparc64", tmp_path)


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
    data = json.loads((dest / sysroot.STAMP_NAME).read_text())
    assert isinstance(data, dict)
    return data


def set_stamp(dest: Path, **fields: object) -> None:
    (dest / sysroot.STAMP_NAME).write_text(json.dumps({**stamp_of(dest), **fields}))


def rust_request(dest: Path, rust: str | None = RUSTC_BOOKWORM) -> sysroot.Request:
    return sysroot.Request("arm64", "bookworm", "3.11", "http://m/debian", dest, rust)


def test_rust_triples_cover_every_arch() -> None:
    assert set(sysroot.RUST_TRIPLES) == set(sysroot.SYSROOT_ARCHES)
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
    assert sysroot.installed_version(output) == version


def test_debian_rustc_version_without_usr_bin_rustc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_subprocess: None
) -> None:
    monkeypatch.setattr(sysroot, "RUSTC", tmp_path / "rustc")
    assert sysroot.debian_rustc_version() is None


def test_parse_madison() -> None:
    output = MADISON_TRIXIE + MADISON_TRIXIE.replace("trixie/main", "trixie-updates/main")
    output += "libstd-rust-1.85 | 1.85.1 | http://x trixie/main arm64 Packages\n"
    output += "N: Unable to locate package nothing\n"
    assert sysroot.parse_madison(output, "libstd-rust-dev") == ["1.85.1+dfsg1-1+deb13u1"]
    assert sysroot.parse_madison("", "libstd-rust-dev") == []


def test_rust_std_mismatch_names_both_versions() -> None:
    available = sysroot.parse_madison(MADISON_TRIXIE, "libstd-rust-dev")
    message = sysroot.rust_std_mismatch(RUSTC_BOOKWORM, available, "trixie", "arm64")
    assert message.startswith(
        "Debian's rustc is 1.63.0+dfsg1-2 but trixie has libstd-rust-dev "
        "1.85.1+dfsg1-1+deb13u1 for arm64; "
    )
    assert "\n" not in message
    none = sysroot.rust_std_mismatch(RUSTC_BOOKWORM, [], "trixie", "mips64el")
    assert "but trixie has no libstd-rust-dev for mips64el;" in none


def test_check_rust_std_raises_the_mismatch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def apt(_apt: object, tool: str, args: list[str], cwd: object = None) -> str:
        assert (tool, args) == ("apt-cache", ["madison", "libstd-rust-dev"])
        return MADISON_TRIXIE

    monkeypatch.setattr(sysroot, "_apt", apt)
    state = sysroot.AptState(tmp_path, "arm64", "trixie", "http://m/debian")
    with pytest.raises(SysrootError, match=r"rustc is 1\.63\.0\+dfsg1-2 but trixie has"):
        sysroot.check_rust_std(state, RUSTC_BOOKWORM)
    sysroot.check_rust_std(state, "1.85.1+dfsg1-1+deb13u1")


def test_rust_without_debian_rustc_is_one_clear_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    no_subprocess: None,
) -> None:
    monkeypatch.setattr(sysroot, "debian_rustc_version", lambda: None)
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
    assert sysroot.inspect_dest(rust_request(tmp_path, None)) == sysroot.DONE
    assert sysroot.inspect_dest(rust_request(tmp_path)) == sysroot.NO_RUST
    add_rust_std(tmp_path)
    assert sysroot.inspect_dest(rust_request(tmp_path)) == sysroot.NO_RUST  # not in the stamp
    set_stamp(tmp_path, rust=RUSTC_BOOKWORM)
    assert sysroot.inspect_dest(rust_request(tmp_path)) == sysroot.DONE
    assert sysroot.inspect_dest(rust_request(tmp_path, "1.70.0+dfsg1-1")) == sysroot.NO_RUST
    shutil.rmtree(tmp_path / "usr" / "lib" / "rustlib")
    assert sysroot.inspect_dest(rust_request(tmp_path)) == sysroot.NO_RUST
    (tmp_path / "usr" / "bin" / "python3.11").unlink()
    assert sysroot.inspect_dest(rust_request(tmp_path)) == sysroot.STALE


def test_sysroot_with_rust_is_reused_without_running_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_subprocess: None
) -> None:
    monkeypatch.setattr(sysroot, "debian_rustc_version", lambda: RUSTC_BOOKWORM)
    write_stamp(tmp_path, "arm64", "bookworm")
    add_rust_std(tmp_path)
    set_stamp(tmp_path, rust=RUSTC_BOOKWORM)
    python = sysroot.fetch("arm64", "bookworm", tmp_path, mirror="http://m/debian", rust=True)
    assert python == tmp_path / "usr" / "bin" / "python3.11"


def test_with_rust_keeps_the_stamp_and_adds_the_std() -> None:
    stamp = {"arch": "arm64", "release": "bookworm", "packages": ["libc6"]}
    data = sysroot.with_rust(stamp, RUSTC_BOOKWORM, "arm64")
    assert data == {**stamp, "rust": RUSTC_BOOKWORM, "rust_triple": AARCH64}
    assert "rust" not in stamp
    assert sysroot.with_rust(stamp, None, "arm64") == stamp


def test_new_stamp_records_rust_only_when_asked(tmp_path: Path) -> None:
    assert "rust" not in sysroot._new_stamp(rust_request(tmp_path, None), ["libc6"])
    data = sysroot._new_stamp(rust_request(tmp_path), ["libc6"])
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
    sysroot.merge_tree(src, dest, unit, tmp_path / "trash")
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
    sysroot.merge_tree(src, dest, unit, tmp_path / "trash")
    assert sysroot.rust_std_dir(dest, AARCH64) is not None
    assert not os.path.lexists(tmp_path / "trash")


def test_failed_rust_addition_leaves_the_sysroot_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_subprocess: None
) -> None:
    dest = tmp_path / "sysroot"
    write_stamp(dest, "arm64", "trixie")
    lists = dest / sysroot.APT_DIR_NAME / "lists"
    lists.mkdir(parents=True)
    (lists / "deb.debian.org_debian_dists_trixie_InRelease").write_text("index")
    before = list(tree_listing(dest))
    stamp = (dest / sysroot.STAMP_NAME).read_text()
    seen: list[Path] = []

    def check(apt: sysroot.AptState, rustc: str) -> None:
        seen.extend(apt.lists.iterdir())
        raise SysrootError(sysroot.rust_std_mismatch(rustc, ["1.85.1"], "trixie", "arm64"))

    monkeypatch.setattr(sysroot, "debian_rustc_version", lambda: RUSTC_BOOKWORM)
    monkeypatch.setattr(sysroot, "_check_tools", lambda: None)
    monkeypatch.setattr(sysroot, "apt_update", lambda apt: None)
    monkeypatch.setattr(sysroot, "check_rust_std", check)
    with pytest.raises(SysrootError, match=r"Debian's rustc is 1\.63\.0"):
        sysroot.fetch("arm64", "trixie", dest, mirror="http://m/debian", rust=True)
    assert "deb.debian.org_debian_dists_trixie_InRelease" in {p.name for p in seen}
    assert list(tree_listing(dest)) == before
    assert (dest / sysroot.STAMP_NAME).read_text() == stamp
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sysroot"]


def test_main_help_mentions_rust(capsys: pytest.CaptureFixture[str]) -> None:
    assert sysroot.main(["--help"]) == 0
    assert "--rust" in capsys.readouterr().out
