from __future__ import annotations

import os
from pathlib import Path

import pytest

from crossenv import folders


def test_make_parents_and_remove_empty(tmp_path: Path) -> None:
    made = folders.make_parents(tmp_path / "a" / "b c" / "d")
    assert made == [tmp_path / "a" / "b c" / "d", tmp_path / "a" / "b c", tmp_path / "a"]
    (tmp_path / "a" / "keep.txt").write_text("x")
    folders.remove_empty(made)
    assert not (tmp_path / "a" / "b c").exists()
    assert (tmp_path / "a" / "keep.txt").exists()


def test_replace_tree(tmp_path: Path) -> None:
    new, dest, old = tmp_path / "new", tmp_path / "dest", tmp_path / "old"
    new.mkdir()
    (new / "n").write_text("new")
    folders.replace_tree(new, dest, old)
    assert (dest / "n").read_text() == "new" and not old.exists()
    again = tmp_path / "again"
    again.mkdir()
    (again / "a").write_text("again")
    folders.replace_tree(again, dest, old)
    assert (dest / "a").read_text() == "again" and (old / "n").read_text() == "new"


def test_replace_tree_puts_dest_back_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest, old = tmp_path / "dest", tmp_path / "old"
    dest.mkdir()
    (dest / "mine").write_text("keep")
    real = os.replace

    def failing(src: os.PathLike[str] | str, dst: os.PathLike[str] | str) -> None:
        if Path(src) == tmp_path / "missing":
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OSError):
        folders.replace_tree(tmp_path / "missing", dest, old)
    assert (dest / "mine").read_text() == "keep" and not old.exists()
