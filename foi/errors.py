"""The FoiError family: every failure a user can cause, with an exit code and a next step.

The CLI catches these in one place and prints one line on stderr; nothing here prints.
Exit codes are documented in the README.
"""

from __future__ import annotations


class FoiError(Exception):
    """A failure the user can act on; the message says what was wrong and what to do."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(FoiError):
    """Bad input: a malformed date, an unknown choice, a value out of range."""

    exit_code = 2


class NotFoundError(FoiError):
    """A body, request, template or message that does not exist."""

    exit_code = 3


class ConflictError(FoiError):
    """The action contradicts what is stored (an impossible transition, a duplicate)."""

    exit_code = 4


class DatabaseError(FoiError):
    """The database cannot be used as it is (old revision, read-only, unreachable)."""

    exit_code = 5


class ConfigError(FoiError):
    """A setting is missing or wrong (SMTP host, unsafe config file permissions)."""

    exit_code = 6


class DeliveryError(FoiError):
    """Mail could not be sent or written."""

    exit_code = 7


class MailboxError(FoiError):
    """The mailbox could not be read: server unreachable, certificate refused, connection lost."""

    exit_code = 8
