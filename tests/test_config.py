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
        ("[smtp]\nsecurity = 'tls'\n", "smtp security must be one of"),
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
        "foi: error: setting smtp_port must be a whole number, got 'abc': fix it in the config file "
        "or the environment"
    ]
