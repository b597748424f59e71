"""Settings: defaults < config file < FOI_* environment < command-line flags.

The config file is TOML, found at ``$FOI_CONFIG`` or ``./foi.toml`` or
``~/.config/foi/config.toml``. A file that holds a secret (the SMTP or IMAP password) must
be private (mode 600): it is refused otherwise. Secrets are never written anywhere by foi.
"""

from __future__ import annotations

import math
import os
import re
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from foi.errors import ConfigError

DEFAULT_DATABASE = "requests.db"


@dataclass(frozen=True)
class Settings:
    """Every setting foi reads, resolved from all sources."""

    database: str = DEFAULT_DATABASE
    attachments_dir: str | None = None  # default: "<database stem>-files" next to a SQLite file
    attachment_max_bytes: int = 25 * 1024 * 1024
    # A raw message larger than this is kept in a temporary file while it is imported.
    mail_spool_bytes: int = 4 * 1024 * 1024  # peak memory flat in message size (issue 24)
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_security: str = "starttls"  # none | starttls | ssl
    smtp_timeout: float = 30.0
    from_addr: str | None = None
    reply_to: str | None = None
    # A per-request reply address, e.g. "replies+{reference}@campaign.org" (sub-addressing).
    reply_address_pattern: str | None = None
    bcc: str | None = None
    send_throttle_seconds: float = 2.0
    requester_name: str | None = None
    requester_email: str | None = None
    requester_address: str | None = None
    templates_dir: str = "templates"
    reminder_time: str = "08:00"  # Europe/London, daily run of the reminder daemon
    due_soon_days: int = 3
    chase_interval_days: int = 10
    default_assignee: str | None = None
    postal_delay_days: int = 2  # working days a posted letter takes to reach the body
    imap_host: str | None = None
    imap_port: int | None = None  # default: 993 for ssl, 143 otherwise
    imap_user: str | None = None
    imap_password: str | None = field(default=None, repr=False)
    imap_security: str = "ssl"  # none (loopback only) | starttls | ssl
    imap_folder: str = "INBOX"
    imap_poll_minutes: float = 10.0  # how often the daemon reads the mailbox
    config_path: str | None = None

    def own_addresses(self) -> list[str]:
        """The campaign's own addresses: mail from them is not a reply.

        Only the sending address: a volunteer may forward a body's reply from their own.
        """
        from email.utils import parseaddr

        return [parseaddr(self.from_addr)[1] or self.from_addr] if self.from_addr else []

    def __repr__(self) -> str:  # never show a password, even in a debugger or traceback
        secret = ("smtp_password", "imap_password")
        shown = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in secret}
        return (
            f"Settings({shown}, smtp_password={'***' if self.smtp_password else None}, "
            f"imap_password={'***' if self.imap_password else None})"
        )


_ENV = {
    "FOI_DATABASE_URL": "database",
    "FOI_ATTACHMENTS_DIR": "attachments_dir",
    "FOI_ATTACHMENT_MAX_BYTES": "attachment_max_bytes",
    "FOI_MAIL_SPOOL_BYTES": "mail_spool_bytes",
    "FOI_SMTP_HOST": "smtp_host",
    "FOI_SMTP_PORT": "smtp_port",
    "FOI_SMTP_USER": "smtp_user",
    "FOI_SMTP_PASSWORD": "smtp_password",
    "FOI_SMTP_SECURITY": "smtp_security",
    "FOI_SMTP_TIMEOUT": "smtp_timeout",
    "FOI_FROM": "from_addr",
    "FOI_REPLY_TO": "reply_to",
    "FOI_REPLY_ADDRESS": "reply_address_pattern",
    "FOI_BCC": "bcc",
    "FOI_SEND_THROTTLE": "send_throttle_seconds",
    "FOI_REQUESTER_NAME": "requester_name",
    "FOI_REQUESTER_EMAIL": "requester_email",
    "FOI_REQUESTER_ADDRESS": "requester_address",
    "FOI_TEMPLATES_DIR": "templates_dir",
    "FOI_REMINDER_TIME": "reminder_time",
    "FOI_DUE_SOON_DAYS": "due_soon_days",
    "FOI_CHASE_INTERVAL_DAYS": "chase_interval_days",
    "FOI_DEFAULT_ASSIGNEE": "default_assignee",
    "FOI_POSTAL_DELAY_DAYS": "postal_delay_days",
    "FOI_IMAP_HOST": "imap_host",
    "FOI_IMAP_PORT": "imap_port",
    "FOI_IMAP_USER": "imap_user",
    "FOI_IMAP_PASSWORD": "imap_password",
    "FOI_IMAP_SECURITY": "imap_security",
    "FOI_IMAP_FOLDER": "imap_folder",
    "FOI_IMAP_POLL_MINUTES": "imap_poll_minutes",
}

# Keys accepted in the config file: the field names, plus a few sectioned spellings.
_FILE_SECTIONS = {
    "smtp": {
        "host": "smtp_host",
        "port": "smtp_port",
        "user": "smtp_user",
        "password": "smtp_password",
        "security": "smtp_security",
        "timeout": "smtp_timeout",
        "from": "from_addr",
        "reply_to": "reply_to",
        "reply_address": "reply_address_pattern",
        "bcc": "bcc",
        "throttle_seconds": "send_throttle_seconds",
    },
    "requester": {
        "name": "requester_name",
        "email": "requester_email",
        "address": "requester_address",
    },
    "reminders": {
        "time": "reminder_time",
        "due_soon_days": "due_soon_days",
        "chase_interval_days": "chase_interval_days",
        "default_assignee": "default_assignee",
    },
    "imap": {
        "host": "imap_host",
        "port": "imap_port",
        "user": "imap_user",
        "password": "imap_password",
        "security": "imap_security",
        "folder": "imap_folder",
        "poll_minutes": "imap_poll_minutes",
    },
}

SECURITY_CHOICES = ("none", "starttls", "ssl")


def parse_hhmm(text: str) -> tuple[int, int]:
    """Hour and minute of an HH:MM time (24-hour, 00:00 to 23:59), or ValueError."""
    m = re.match(r"^\s*(\d{1,2}):(\d{2})\s*$", text or "")
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError("a time HH:MM (24-hour, UK time), e.g. 08:00")
    return int(m.group(1)), int(m.group(2))


def _whole(minimum: int | None = None, maximum: int | None = None) -> Callable[[Any], int]:
    """A check for a whole number within bounds."""
    what = "a whole number" + (
        f" from {minimum} to {maximum}"
        if minimum is not None and maximum is not None
        else f" of at least {minimum}"
        if minimum is not None
        else ""
    )

    def check(value: Any) -> int:
        if isinstance(value, bool | float):
            raise ValueError(what)
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError(what) from None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            raise ValueError(what)
        return number

    return check


def _number(minimum: float = 0.0, above: bool = False) -> Callable[[Any], float]:
    """A check for a finite number at least (or above) `minimum`."""
    what = f"a number {'above' if above else 'of at least'} {minimum:g}"

    def check(value: Any) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(what) from None
        if not math.isfinite(number) or number < minimum or (above and number == minimum):
            raise ValueError(what)
        return number

    return check


def _one_of(*choices: str) -> Callable[[Any], str]:
    """A check for one of a few words."""

    def check(value: Any) -> str:
        if str(value) not in choices:
            raise ValueError(f"one of {', '.join(choices)}")
        return str(value)

    return check


def _hhmm(value: Any) -> str:
    hh, mm = parse_hhmm(str(value))
    return f"{hh:02d}:{mm:02d}"


def reply_address(pattern: str, reference: str) -> str:
    """The reply address of one request from the pattern ("replies+{reference}@x.org")."""
    return pattern.replace("{reference}", reference)


def _reply_pattern(value: Any) -> str:
    text = _text(value).strip()
    local, at, domain = text.rpartition("@")
    if text.count("{reference}") != 1 or not at or "{reference}" not in local or "." not in domain:
        raise ValueError(
            "an address with {reference} once in the part before the @, e.g. "
            "replies+{reference}@campaign.org"
        )
    return text


def _text(value: Any) -> str:
    text = str(value)
    if any(ord(ch) < 32 and ch != "\t" for ch in text):
        raise ValueError("one line of text (no control characters)")
    return text


# One check per setting, run whenever settings are loaded, so every command refuses the same
# bad value the same way. Adding a checked setting is one line here. Settings not listed are
# one line of text.
CHECKS: dict[str, Callable[[Any], Any]] = {
    "attachment_max_bytes": _whole(minimum=1),
    "smtp_port": _whole(1, 65535),
    "smtp_security": _one_of(*SECURITY_CHOICES),
    "smtp_timeout": _number(0, above=True),
    "send_throttle_seconds": _number(0),
    "reminder_time": _hhmm,
    "due_soon_days": _whole(minimum=0),
    "chase_interval_days": _whole(minimum=1),
    "mail_spool_bytes": _whole(minimum=1),
    "postal_delay_days": _whole(0, 30),
    "imap_port": _whole(1, 65535),
    "imap_security": _one_of(*SECURITY_CHOICES),
    "imap_poll_minutes": _number(0, above=True),
    "reply_address_pattern": _reply_pattern,
}


def _coerce(name: str, value: Any) -> Any:
    """Check a raw setting and convert it to the field's type, or raise ConfigError naming it."""
    if value is None or value == "":
        return None
    if name == "requester_address" or "password" in name:  # several lines; a secret unshown
        check: Callable[[Any], Any] = str
    else:
        check = CHECKS.get(name, _text)
    try:
        return check(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"setting {name} must be {exc}, got {value!r}: fix it in the config "
            "file or the environment"
        ) from None


def find_config_file(env: Mapping[str, str]) -> Path | None:
    """The config file in use: $FOI_CONFIG, ./foi.toml, or ~/.config/foi/config.toml."""
    explicit = env.get("FOI_CONFIG")
    if explicit:
        path = Path(explicit).expanduser()
        if path.is_dir():
            raise ConfigError(
                f"FOI_CONFIG is {path}, a folder: point it at the config file (a .toml file)"
            )
        if not path.is_file():
            raise ConfigError(f"config file {path} (from FOI_CONFIG) does not exist")
        return path
    for candidate in (
        Path("foi.toml"),
        Path(env.get("HOME", "~")).expanduser() / ".config/foi/config.toml",
    ):
        if candidate.is_file():
            return candidate
    return None


def read_config_file(path: Path) -> dict[str, Any]:
    """Parse a TOML config file into setting names; refuse a secret in a non-private file."""
    import tomllib  # only when there is a config file (~8 ms to import)

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    known = {f.name for f in fields(Settings)}
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in _FILE_SECTIONS and isinstance(value, dict):
            for sub, sub_value in value.items():
                target = _FILE_SECTIONS[key].get(sub)
                if target is None:
                    raise ConfigError(f"config file {path}: unknown setting [{key}] {sub}")
                out[target] = sub_value
        elif key in known and key != "config_path":
            out[key] = value
        else:
            raise ConfigError(f"config file {path}: unknown setting {key!r}")
    for secret, what in (("smtp_password", "SMTP"), ("imap_password", "IMAP")):
        if not out.get(secret):
            continue
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigError(
                f"config file {path} holds the {what} password but others can read it: "
                f"run 'chmod 600 {path}'"
            )
    return out


def load_settings(
    env: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> Settings:
    """Resolve settings from defaults, the config file, FOI_* variables and flags."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    path = find_config_file(env)
    if path is not None:
        values.update(read_config_file(path))
        values["config_path"] = str(path)
    for var, name in _ENV.items():
        if var in env and env[var] != "":
            values[name] = env[var]
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = value
    settings = Settings()
    coerced = {k: (v if k == "config_path" else _coerce(k, v)) for k, v in values.items()}
    return replace(settings, **{k: v for k, v in coerced.items() if v is not None})
