"""cross-repair's view of the Host's libraries: the sysroot's dynamic linker folders."""

from __future__ import annotations

from pathlib import Path

from crossenv._runtime import repair


def test_ld_paths_follow_the_sysroots_ld_so_conf(tmp_path: Path) -> None:
    root = tmp_path / "sys root"
    conf = root / "etc" / "ld.so.conf.d"
    conf.mkdir(parents=True)
    (root / "etc" / "ld.so.conf").write_text("include /etc/ld.so.conf.d/*.conf\n\n")
    (conf / "aarch64-linux-gnu.conf").write_text(
        "# Multiarch support\n/usr/local/lib/aarch64-linux-gnu\n/lib/aarch64-linux-gnu\n"
        "/usr/lib/aarch64-linux-gnu\n"
    )
    (conf / "libc.conf").write_text("/usr/local/lib  # the local ones\ninclude extra.d/*.conf\n")
    (root / "etc" / "extra.d").mkdir()
    (root / "etc" / "extra.d" / "vendor.conf").write_text("/opt/vendor/lib\n")
    (conf / "loop.conf").write_text("include /etc/ld.so.conf\n")  # followed once only
    for folder in (
        "usr/lib/aarch64-linux-gnu",
        "lib/aarch64-linux-gnu",
        "opt/vendor/lib",
        "usr/lib",
    ):
        (root / folder).mkdir(parents=True, exist_ok=True)
    found = repair.ld_paths(str(root), "aarch64-linux-gnu")
    # In the dynamic linker's order; only folders that exist; each once.
    assert found == [
        str(root / "lib" / "aarch64-linux-gnu"),
        str(root / "usr" / "lib" / "aarch64-linux-gnu"),
        str(root / "opt" / "vendor" / "lib"),
        str(root / "lib"),
        str(root / "usr" / "lib"),
    ]


def test_ld_paths_without_ld_so_conf(tmp_path: Path) -> None:
    (tmp_path / "usr" / "lib" / "riscv64-linux-gnu").mkdir(parents=True)
    assert repair.ld_paths(str(tmp_path), "riscv64-linux-gnu") == [
        str(tmp_path / "usr" / "lib" / "riscv64-linux-gnu"),
        str(tmp_path / "usr" / "lib"),
    ]
