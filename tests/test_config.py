"""Settings: defaults < config file < FOI_* environment < flags; secrets kept private."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from foi.config import load_settings
from foi.errors import ConfigError


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)
    return path


def test_precedence_defaults_file_environment_flags(isolated: Path) -> None:
    write(
        isolated / "foi.toml",
        'database = "file.db"\n[smtp]\nhost = "smtp.file.example"\n'
        'port = 2525\n[requester]\nname = "From File"\n',
    )
    s = load_settings(env={})
    assert (s.database, s.smtp_host, s.smtp_port, s.requester_name) == (
        "file.db",
        "smtp.file.example",
        2525,
        "From File",
    )
    assert s.smtp_security == "starttls" and s.due_soon_days == 3  # defaults
    s = load_settings(env={"FOI_SMTP_HOST": "smtp.env.example", "FOI_DATABASE_URL": "env.db"})
    assert (s.database, s.smtp_host, s.smtp_port) == ("env.db", "smtp.env.example", 2525)
    s = load_settings(env={"FOI_DATABASE_URL": "env.db"}, overrides={"database": "flag.db"})
    assert s.database == "flag.db"


def test_foi_config_points_at_a_file(isolated: Path) -> None:
    path = write(isolated / "elsewhere.toml", "due_soon_days = 5\n")
    assert load_settings(env={"FOI_CONFIG": str(path)}).due_soon_days == 5
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(env={"FOI_CONFIG": str(isolated / "missing.toml")})


def test_password_in_a_readable_config_file_is_refused(isolated: Path) -> None:
    write(isolated / "foi.toml", '[smtp]\nhost = "h"\npassword = "s3cret"\n', mode=0o644)
    with pytest.raises(ConfigError, match="chmod 600") as err:
        load_settings(env={})
    assert "s3cret" not in str(err.value)
    os.chmod(isolated / "foi.toml", 0o600)
    s = load_settings(env={})
    assert s.smtp_password == "s3cret"
    assert "s3cret" not in repr(s)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("database = \n", "not valid TOML"),
        ("colour = 'blue'\n", "unknown setting 'colour'"),
        ("[smtp]\nhots = 'x'\n", "unknown setting [smtp] hots"),
        ("[smtp]\nport = 'abc'\n", "smtp_port must be a whole number"),
        ("[smtp]\nsecurity = 'tls'\n", "smtp_security must be one of none, starttls, ssl"),
    ],
)
def test_bad_config_files_name_the_problem(isolated: Path, text: str, message: str) -> None:
    write(isolated / "foi.toml", text)
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(env={})


def test_bad_config_through_the_cli_is_one_line(foi, isolated: Path) -> None:
    write(isolated / "foi.toml", "[smtp]\nport = 'abc'\n")
    result = foi("body", "list")
    assert result.exit_code == 6
    assert result.stderr.strip().splitlines() == [
        "foi: error: setting smtp_port must be a whole number from 1 to 65535, got 'abc': fix it "
        "in the config file "
        "or the environment"
    ]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "FOI_ATTACHMENT_MAX_BYTES",
            "-1",
            "attachment_max_bytes must be a whole number of at least 1",
        ),
        ("FOI_REMINDER_TIME", "25:99", "reminder_time must be a time HH:MM (24-hour, UK time)"),
        ("FOI_REMINDER_TIME", "8.30", "reminder_time must be a time HH:MM"),
        ("FOI_SMTP_PORT", "70000", "smtp_port must be a whole number from 1 to 65535"),
        ("FOI_SEND_THROTTLE", "-2", "send_throttle_seconds must be a number of at least 0"),
        ("FOI_SEND_THROTTLE", "nan", "send_throttle_seconds must be a number of at least 0"),
        ("FOI_DUE_SOON_DAYS", "-3", "due_soon_days must be a whole number of at least 0"),
        ("FOI_FROM", "a@b.example\r\nBcc: x@y.example", "from_addr must be one line of text"),
    ],
)
@pytest.mark.parametrize(
    "command", [("remind", "run"), ("inbox", "list"), ("deadline", "2026-12-01")]
)
def test_every_command_refuses_a_bad_setting_the_same_way(
    foi, variable: str, value: str, message: str, command: tuple[str, ...]
) -> None:
    result = foi(*command, env={variable: value})
    assert result.exit_code == 6, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("foi: error: setting ")
    assert message in lines[0]


def test_a_good_reminder_time_is_normalised_for_the_daemon_and_remind_run(isolated: Path) -> None:
    assert load_settings(env={"FOI_REMINDER_TIME": "8:05"}).reminder_time == "08:05"
    assert load_settings(env={"FOI_ATTACHMENT_MAX_BYTES": "1000"}).attachment_max_bytes == 1000


def test_foi_config_pointing_at_a_folder_says_so(foi, isolated: Path) -> None:
    result = foi("body", "list", env={"FOI_CONFIG": str(isolated)})
    assert result.exit_code == 6
    assert result.stderr.strip().splitlines() == [
        f"foi: error: FOI_CONFIG is {isolated}, a folder: point it at the config file (a .toml file)"
    ]


def test_the_password_is_never_echoed_by_a_check(isolated: Path) -> None:
    s = load_settings(env={"FOI_SMTP_PASSWORD": "pa\x01ss"})
    assert s.smtp_password == "pa\x01ss"
