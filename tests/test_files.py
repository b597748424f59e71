"""foi.files.staged_folder: a folder's own entries replaced whole, or not at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from foi.files import FileWriteError, staged_folder

OWNED = (".marker", "data", "index.html")


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _old_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "data").mkdir(parents=True)
    (site / "data" / "old.csv").write_text("old")
    (site / "index.html").write_text("old index")
    (site / ".marker").write_text("")
    (site / "CNAME").write_text("mine")
    return site


def test_owned_entries_are_replaced_and_others_left(tmp_path: Path) -> None:
    site = _old_site(tmp_path)
    with staged_folder(site, OWNED) as staging:
        (staging / "index.html").write_text("new index")
        (staging / ".marker").write_text("")
    # What the build wrote replaced its namesake; an owned entry it did not write is gone;
    # the user's file stayed; nothing of foi's working folders is left.
    assert _tree(site) == {"index.html": b"new index", ".marker": b"", "CNAME": b"mine"}
    assert sorted(p.name for p in site.iterdir()) == [".marker", "CNAME", "index.html"]


def test_a_failed_build_changes_nothing_and_a_new_folder_goes(tmp_path: Path) -> None:
    site = _old_site(tmp_path)
    before = _tree(site)
    with pytest.raises(RuntimeError), staged_folder(site, OWNED) as staging:
        (staging / "index.html").write_text("half")
        raise RuntimeError("disk full")
    assert _tree(site) == before and sorted(os.listdir(site)) == sorted(
        [".marker", "CNAME", "data", "index.html"]
    )
    fresh = tmp_path / "fresh"
    with pytest.raises(RuntimeError), staged_folder(fresh, OWNED):
        raise RuntimeError("disk full")
    assert not fresh.exists()


def test_a_failed_swap_is_undone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = _old_site(tmp_path)
    before = _tree(site)
    real = os.replace
    failed: list[str] = []

    def failing(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == site / "index.html" and not failed:  # the new entry page, once
            failed.append(str(src))
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    kept = "No space left on device; the old ones are kept"
    with pytest.raises(FileWriteError, match=kept), staged_folder(site, OWNED) as staging:
        (staging / "data").mkdir()
        (staging / "data" / "new.csv").write_text("new")
        (staging / "index.html").write_text("new index")
    assert _tree(site) == before
    assert sorted(os.listdir(site)) == [".marker", "CNAME", "data", "index.html"]
