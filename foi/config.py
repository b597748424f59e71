"""Settings: defaults < config file < FOI_* environment < command-line flags.

The config file is TOML, found at ``$FOI_CONFIG`` or ``./foi.toml`` or
``~/.config/foi/config.toml``. A file that holds a secret (the SMTP or IMAP password) must
be private (mode 600): it is refused otherwise. Secrets are never written anywhere by foi.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
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
    mail_spool_bytes: int = 32 * 1024 * 1024
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_security: str = "starttls"  # none | starttls | ssl
    smtp_timeout: float = 30.0
    from_addr: str | None = None
    reply_to: str | None = None
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


def _coerce(name: str, value: Any) -> Any:
    """Convert a raw setting to the field's type, or raise ConfigError naming it."""
    kinds: dict[str, type] = {
        "attachment_max_bytes": int,
        "mail_spool_bytes": int,
        "smtp_port": int,
        "due_soon_days": int,
        "chase_interval_days": int,
        "postal_delay_days": int,
        "smtp_timeout": float,
        "send_throttle_seconds": float,
        "imap_port": int,
        "imap_poll_minutes": float,
    }
    if value is None or value == "":
        return {"smtp_security": "starttls", "imap_security": "ssl"}.get(name)
    kind = kinds.get(name, str)
    try:
        out = kind(value)
    except (TypeError, ValueError):
        what = {int: "a whole number", float: "a number"}.get(kind, "text")
        raise ConfigError(
            f"setting {name} must be {what}, got {value!r}: fix it in the config "
            "file or the environment"
        ) from None
    if name == "postal_delay_days" and not 0 <= out <= 30:
        raise ConfigError(f"setting postal_delay_days must be 0 to 30 working days, got {out}")
    if name == "smtp_security" and out not in SECURITY_CHOICES:
        raise ConfigError(
            f"smtp security must be one of {', '.join(SECURITY_CHOICES)}, got {out!r}"
        )
    if name == "imap_security" and out not in SECURITY_CHOICES:
        raise ConfigError(
            f"imap security (FOI_IMAP_SECURITY or [imap] security) must be one of "
            f"{', '.join(SECURITY_CHOICES)}, got {out!r}"
        )
    if name == "imap_poll_minutes" and not out > 0:
        raise ConfigError(
            f"imap poll minutes (FOI_IMAP_POLL_MINUTES or [imap] poll_minutes) must be "
            f"above 0, got {value!r}"
        )
    return out


def find_config_file(env: Mapping[str, str]) -> Path | None:
    """The config file in use: $FOI_CONFIG, ./foi.toml, or ~/.config/foi/config.toml."""
    explicit = env.get("FOI_CONFIG")
    if explicit:
        path = Path(explicit).expanduser()
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
