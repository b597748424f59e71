"""A real IMAP server for tests: Dovecot on 127.0.0.1, on a free port, with a throwaway config.

Everything lives in one private temporary folder (config, base_dir, passwd-file, Maildir, log),
so tests running at once never share a path or a port. Dovecot is started in the foreground
(`dovecot -F -c CONFIG`, no system config) and stopped afterwards. When the tests run as root
(as in CI), Dovecot's own processes run as the existing system users `dovecot` (internal, and
owner of the mail) and `dovenull` (login), so the folder is made traversable and the mail
folder is owned by the mail user.
"""

from __future__ import annotations

import contextlib
import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.smtpserver import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "replies@campaign.test"
PASSWORD = "s3cret-imap-pass"

CONFIG = """\
instance_name = {instance}
base_dir = {root}/run
state_dir = {root}/state
listen = 127.0.0.1
protocols = imap
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = 0
auth_mechanisms = plain login
disable_plaintext_auth = no
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/home/%n
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
protocol imap {{
  mail_max_userip_connections = 50
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
{ssl}
"""


def available() -> bool:
    """Whether Dovecot is installed here."""
    return Path(DOVECOT).is_file() and os.access(DOVECOT, os.X_OK)


def _make_cert(root: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1 (openssl)."""
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@dataclass
class Dovecot:
    """A running Dovecot: where it listens and how to put mail into it."""

    root: Path
    port: int
    ssl_port: int
    cert: Path | None
    proc: subprocess.Popen[bytes]
    user: str = USER
    password: str = PASSWORD
    host: str = "127.0.0.1"

    def env(self, security: str = "none", folder: str | None = None) -> dict[str, str]:
        """The FOI_IMAP_* variables that point foi at this server."""
        port = self.ssl_port if security == "ssl" else self.port
        found = {
            "FOI_IMAP_HOST": self.host,
            "FOI_IMAP_PORT": str(port),
            "FOI_IMAP_USER": self.user,
            "FOI_IMAP_PASSWORD": self.password,
            "FOI_IMAP_SECURITY": security,
        }
        if folder:
            found["FOI_IMAP_FOLDER"] = folder
        return found

    def log(self) -> str:
        """Dovecot's log so far."""
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    @contextlib.contextmanager
    def client(self) -> Iterator[imaplib.IMAP4]:
        """A logged-in IMAP connection for the test's own use."""
        conn = imaplib.IMAP4(self.host, self.port, timeout=30)
        try:
            conn.login(self.user, self.password)
            yield conn
        finally:
            with contextlib.suppress(Exception):
                conn.logout()

    def append(self, messages: Iterable[bytes], folder: str = "INBOX") -> int:
        """Deliver messages by APPEND; returns how many."""
        n = 0
        with self.client() as c:
            for raw in messages:
                typ, data = c.append(folder, "", imaplib.Time2Internaldate(time.time()), raw)
                assert typ == "OK", data
                n += 1
        return n

    def create(self, folder: str) -> None:
        """Create a folder."""
        with self.client() as c:
            typ, data = c.create(folder)
            assert typ == "OK", data

    def delete(self, folder: str) -> None:
        """Delete a folder and everything in it."""
        with self.client() as c:
            typ, data = c.delete(folder)
            assert typ == "OK", data

    def count(self, folder: str = "INBOX") -> int:
        """How many messages a folder holds."""
        with self.client() as c:
            typ, data = c.select(folder, readonly=True)
            assert typ == "OK", data
            return int(data[0])

    def uidvalidity(self, folder: str = "INBOX") -> int:
        """The folder's UIDVALIDITY."""
        with self.client() as c:
            typ, data = c.status(folder, "(UIDVALIDITY)")
            assert typ == "OK", data
            text = data[0].decode()
            return int(text.rsplit("UIDVALIDITY", 1)[1].strip(" )"))

    def stop(self) -> None:
        """Stop Dovecot and wait for it."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _start_once(root: Path, with_ssl: bool) -> Dovecot:
    port, ssl_port = free_port(), free_port()
    as_root = os.geteuid() == 0
    if as_root:
        mail_user, login_user = pwd.getpwnam("dovecot"), "dovenull"
        internal = "dovecot"
    else:
        mail_user = pwd.getpwuid(os.getuid())
        internal = login_user = mail_user.pw_name
    cert = key = None
    ssl = "ssl = no"
    if with_ssl:
        cert, key = _make_cert(root)
        ssl = f"ssl = yes\nssl_cert = <{cert}\nssl_key = <{key}"
    (root / "foi-dovecot.conf").write_text(
        CONFIG.format(
            instance=f"foi-test-{root.name}",
            root=root,
            port=port,
            ssl_port=ssl_port if with_ssl else 0,
            internal=internal,
            login=login_user,
            mail_uid=mail_user.pw_uid,
            mail_gid=mail_user.pw_gid,
            ssl=ssl,
        )
    )
    log = (root / "dovecot-stderr.log").open("wb")
    proc = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(root / "foi-dovecot.conf")],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    server = Dovecot(root, port, ssl_port, cert, proc)
    deadline = time.monotonic() + 20
    while not (_listening(port) and (not with_ssl or _listening(ssl_port))):
        if proc.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(
                "Dovecot did not start:\n"
                + (root / "dovecot-stderr.log").read_text(errors="replace")
                + server.log()
            )
        time.sleep(0.05)
    return server


@contextlib.contextmanager
def running_dovecot(with_ssl: bool = False) -> Iterator[Dovecot]:
    """Start a private Dovecot, yield it, stop it and remove its folder."""
    # Not under pytest's tmp_path: that tree is private to the test user (mode 700), and
    # Dovecot's own users must reach the config, the sockets and the mail.
    root = Path(tempfile.mkdtemp(prefix="foi-dovecot-"))
    root.chmod(0o755)
    for sub in ("run", "state", "home"):
        (root / sub).mkdir(mode=0o755)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    if os.geteuid() == 0:
        user = pwd.getpwnam("dovecot")
        os.chown(root / "home", user.pw_uid, user.pw_gid)
    server = None
    try:
        for attempt in range(3):  # a free port can be taken by another test in between
            try:
                server = _start_once(root, with_ssl)
                break
            except RuntimeError:
                if attempt == 2:
                    raise
        assert server is not None
        yield server
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(root, ignore_errors=True)
