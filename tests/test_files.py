"""foi.files.staged_folder: a folder's own files updated whole, only where they changed, and
never left half swapped: a failure is undone at once, a kill by the next run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from foi.files import JOURNAL, FileWriteError, staged_folder

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
    with staged_folder(site, OWNED) as update:
        update.put("index.html", "new index")
        update.put(".marker", "")
    # What the build wrote replaced its namesake; an owned file it did not write is gone
    # (and its emptied folder); the user's file stayed; nothing of foi's working files is left.
    assert _tree(site) == {"index.html": b"new index", ".marker": b"", "CNAME": b"mine"}
    assert sorted(p.name for p in site.iterdir()) == [".marker", "CNAME", "index.html"]
    assert update.changed == ["index.html"] and update.unchanged == 1
    assert update.removed == ["data/old.csv"]


def test_an_unchanged_rebuild_writes_nothing(tmp_path: Path) -> None:
    site = _old_site(tmp_path)
    stamp = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in [site, *site.rglob("*")]}
    with staged_folder(site, OWNED) as update:
        update.put(".marker", "")
        update.put("data/old.csv", b"old")
        update.put("index.html", "old index")
    # Not a file replaced, not a folder entry made or removed (the folder's own time too).
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in stamp} == stamp
    assert update.changed == [] and update.removed == [] and update.unchanged == 3


def test_a_failed_build_changes_nothing_and_a_new_folder_goes(tmp_path: Path) -> None:
    site = _old_site(tmp_path)
    before = _tree(site)
    with pytest.raises(RuntimeError), staged_folder(site, OWNED) as update:
        update.put("index.html", "half")
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
    with pytest.raises(FileWriteError, match=kept), staged_folder(site, OWNED) as update:
        update.put("data/new.csv", "new")
        update.put("data/old.csv", "changed")
        update.put("index.html", "new index")
    assert _tree(site) == before
    assert sorted(os.listdir(site)) == [".marker", "CNAME", "data", "index.html"]


# A real kill (SIGKILL: no cleanup runs) in the middle of the swap: after the first file is
# replaced, before the entry page is.
_KILLED_RUN = """
import os, signal, sys
from pathlib import Path
from foi.files import staged_folder

site = Path(sys.argv[1])
real = os.replace
done = []

def replace(src, dst):
    if Path(dst).parent.parent == site or Path(dst).parent == site:
        done.append(dst)
        if len(done) == 3:  # the journal and the first new file are in place, the rest not
            os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst)

os.replace = replace
with staged_folder(site, (".marker", "data", "index.html")) as update:
    update.put(".marker", "")
    update.put("data/new.csv", "new")
    update.put("data/old.csv", "changed")
    update.put("index.html", "new index")
"""


def test_a_run_killed_mid_swap_is_undone_by_the_next(tmp_path: Path) -> None:
    site = _old_site(tmp_path)
    before = _tree(site)
    script = tmp_path / "killed.py"
    script.write_text(textwrap.dedent(_KILLED_RUN))
    run = subprocess.run(
        [sys.executable, str(script), str(site)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == -signal.SIGKILL, run.stderr
    # Killed part-way: the entry page is still there (every file is replaced by one rename),
    # one file is new, and the journal says what to undo.
    assert (site / "index.html").read_text() == "old index"
    assert (site / JOURNAL).exists()
    assert (site / "data" / "new.csv").read_text() == "new"
    assert (site / "data" / "old.csv").read_text() == "old"

    # The next run puts the previous site back before it builds (here, a build that fails,
    # so what is left is exactly the previous site).
    with pytest.raises(RuntimeError), staged_folder(site, OWNED):
        raise RuntimeError("stop after the recovery")
    assert _tree(site) == before
    assert sorted(os.listdir(site)) == [".marker", "CNAME", "data", "index.html"]


def test_every_changed_file_is_on_disk_before_the_first_swap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files are flushed on a worker thread while the build goes on; none is swapped in
    before all of them are flushed (and closed)."""
    import time

    import foi.files as files

    target = tmp_path / "site"
    synced: list[str] = []
    swapped: list[tuple[str, int]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        name = Path(os.readlink(f"/proc/self/fd/{fd}")).name
        if name.endswith(".html"):  # not the journal or a folder
            time.sleep(0.05)  # a slow disk: the last files are still flushing at the end
            synced.append(name)
        real_fsync(fd)

    def replace(src: object, dst: object) -> None:
        swapped.append((Path(str(dst)).name, len(synced)))
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(files.os, "fsync", fsync)
    monkeypatch.setattr(files.os, "replace", replace)
    monkeypatch.setattr(files, "_SYNCS_PENDING", 2)  # the bound on open files exercised
    names = [f"p{i}.html" for i in range(7)]
    with staged_folder(target, ["pages"]) as update:
        for name in names:
            update.put(f"pages/{name}", name * 1000)
    assert sorted(synced) == sorted(names)
    pages = [(n, count) for n, count in swapped if n in names]
    assert sorted(n for n, _ in pages) == sorted(names)
    assert all(count == len(names) for _, count in pages)
    assert (target / "pages" / "p3.html").read_text() == "p3.html" * 1000


def test_a_file_that_cannot_be_flushed_fails_the_build_and_keeps_the_old(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import foi.files as files

    target = tmp_path / "site"
    with staged_folder(target, ["pages"]) as update:
        update.put("pages/a.html", "old")

    def fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(files.os, "fsync", fsync)
    with (
        pytest.raises(FileWriteError, match=r"a\.html"),
        staged_folder(target, ["pages"]) as update,
    ):
        update.put("pages/a.html", "new")
    assert (target / "pages" / "a.html").read_text() == "old"
    assert [p.name for p in target.iterdir() if p.name.startswith(".foi-building")] == []
