"""Issue 23 item 18: the one writer follows the conventions for whatever the target is.

`-` is standard output; an existing character device, FIFO or socket is written to as it
is (never replaced by a regular file); a symlink is written through to its target; only a
regular file is replaced whole, keeping its mode; a new file is private. Every test writes
inside its own temporary folder; the one that names /dev/null first makes the replacing
path (temporary file, rename) fail loudly, so a regression cannot touch the device.
"""

from __future__ import annotations

import os
import socket
import stat
import threading
from pathlib import Path

import pytest

from foi import files
from foi.files import FileWriteError, atomic_writer, write_atomic


def _forbid_replacing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any temporary file or rename an error, so nothing can be replaced."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"the writer tried to replace a special file: {args}")

    monkeypatch.setattr(files.os, "replace", refuse)
    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)


class _FifoReader(threading.Thread):
    """Read a FIFO to its end in the background (a writer blocks until a reader opens)."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.data = b""

    def run(self) -> None:
        with open(self.path, "rb") as fh:
            self.data = fh.read()


def _fifo(tmp_path: Path) -> tuple[Path, _FifoReader]:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    reader = _FifoReader(path)
    reader.start()
    return path, reader


def test_a_new_file_is_private_and_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    new = write_atomic(tmp_path / "new.csv", "a,b\n")
    assert stat.S_IMODE(new.stat().st_mode) == 0o600 and new.read_text() == "a,b\n"
    shared = tmp_path / "shared.csv"
    shared.write_text("old")
    shared.chmod(0o644)
    inode = shared.stat().st_ino
    write_atomic(shared, "new")
    assert shared.read_text() == "new"
    assert stat.S_IMODE(shared.stat().st_mode) == 0o644
    assert shared.stat().st_ino != inode  # replaced whole, not rewritten in place


def test_dash_is_standard_output(capfdbinary: pytest.CaptureFixture[bytes], tmp_path) -> None:
    os.chdir(tmp_path)
    with atomic_writer("-", text=True) as fh:
        fh.write("to stdout\n")
    assert capfdbinary.readouterr().out == b"to stdout\n"
    assert not (tmp_path / "-").exists()


def test_a_fifo_is_written_to_and_stays_a_fifo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, reader = _fifo(tmp_path)
    _forbid_replacing(monkeypatch)
    write_atomic(path, b"through the pipe")
    reader.join(10)
    assert reader.data == b"through the pipe"
    assert stat.S_ISFIFO(os.lstat(path).st_mode)


def test_a_symlink_is_written_through_to_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new" and stat.S_IMODE(real.stat().st_mode) == 0o640
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "made.csv")
    write_atomic(dangling, "made")
    assert dangling.is_symlink() and (tmp_path / "made.csv").read_text() == "made"


def test_a_socket_is_written_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    got: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            chunks = []
            while piece := conn.recv(65536):
                chunks.append(piece)
            got.append(b"".join(chunks))

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    _forbid_replacing(monkeypatch)
    write_atomic(path, b"over the socket")
    t.join(10)
    server.close()
    assert got == [b"over the socket"] and stat.S_ISSOCK(os.lstat(path).st_mode)


def test_dev_null_stays_a_device(monkeypatch: pytest.MonkeyPatch) -> None:
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    _forbid_replacing(monkeypatch)  # a regression fails here, before touching /dev/null
    write_atomic("/dev/null", b"discarded")
    with atomic_writer(Path("/dev/null"), text=True) as fh:
        fh.write("discarded")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileWriteError, match="is a folder"):
        write_atomic(tmp_path, b"x")


# -- through the commands -------------------------------------------------------------------


def _campaign(foi) -> None:  # type: ignore[no-untyped-def]
    assert foi("init").exit_code == 0
    made = foi("request", "new", "--body", "RXX", "--title", "t", "--campaign", "c")
    assert made.exit_code == 0, made.stderr


def test_report_csv_to_dash_goes_to_stdout(foi, isolated: Path) -> None:
    _campaign(foi)
    result = foi("report", "results", "--campaign", "c", "--csv", "-")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.lstrip("\ufeff").startswith("body,")
    assert not (isolated / "-").exists()


def test_report_csv_to_dev_null_a_fifo_and_a_symlink(
    foi, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _campaign(foi)
    real = isolated / "real.csv"
    real.write_text("old")
    link = isolated / "link.csv"
    link.symlink_to(real)
    assert foi("report", "results", "--campaign", "c", "--csv", str(link)).exit_code == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8-sig").startswith("body,")

    path, reader = _fifo(isolated)
    _forbid_replacing(monkeypatch)
    result = foi("report", "results", "--campaign", "c", "--csv", str(path))
    reader.join(10)
    assert result.exit_code == 0, result.stderr
    assert reader.data.decode("utf-8-sig").startswith("body,")
    assert stat.S_ISFIFO(os.lstat(path).st_mode)

    result = foi("report", "results", "--campaign", "c", "--csv", "/dev/null")
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_calendar_bundle_and_backup_to_special_targets(
    foi, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _campaign(foi)
    result = foi("calendar", "export", "-")
    assert result.exit_code == 0 and result.stdout.startswith("BEGIN:VCALENDAR")
    assert not (isolated / "-").exists()
    ref = foi("request", "list", "--json").json()[0]["reference"]
    for args, magic in (
        (("calendar", "export"), b"BEGIN:VCALENDAR"),
        (("request", "bundle", ref), b"PK"),
        (("db", "backup"), b"SQLite format 3"),
    ):
        path, reader = _fifo(isolated)
        with monkeypatch.context() as m:
            if args[0] != "db":  # the backup's private copy is made beside the database
                _forbid_replacing(m)
            result = foi(*args, str(path))
        reader.join(10)
        assert result.exit_code == 0, (args, result.stderr)
        assert reader.data.startswith(magic), args
        assert stat.S_ISFIFO(os.lstat(path).st_mode)
        path.unlink()


def test_dev_stdout_on_a_pipe_is_written_through_its_links() -> None:
    # /dev/stdout -> /proc/self/fd/1 -> "pipe:[…]", no path at all: opened by its name.
    import subprocess
    import sys

    if not os.path.exists("/dev/stdout"):
        pytest.skip("no /dev/stdout here")
    code = (
        "import os; from foi import files\n"
        "def refuse(*a, **k): raise SystemExit('tried to replace /dev/stdout')\n"
        "files.os.replace = refuse; files.tempfile.mkstemp = refuse\n"
        "files.write_atomic('/dev/stdout', 'through the links')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "through the links"
