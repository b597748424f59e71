"""One reminder delivery pass, shared by `foi remind run` and the daemon.

For each recipient, in its own transaction: claim the reminders (foi.reminders.store.claim),
deliver the digest (email through the SMTP settings, or printed when no email is
configured), then commit. Delivery fails -> the transaction rolls back and the claims
are released for the next pass. A crash after the mail server accepted a digest but
before the commit can repeat that one digest on the next pass: a repeated reminder is
preferred to a lost one. Two passes at once never both deliver the same reminder.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from foi.casework.user_holidays import holiday_set, sync
from foi.config import Settings
from foi.reminders.due import group_digest, render_digest
from foi.reminders.quiet import nothing_due
from foi.store.engine import connection_scope, session_scope

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


@dataclass
class PassReport:
    """What one pass delivered."""

    delivered: list[dict[str, Any]] = field(default_factory=list)
    emailed: list[str] = field(default_factory=list)
    printed: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape."""
        return {
            "delivered": len(self.delivered),
            "emailed": self.emailed,
            "printed": self.printed,
            "errors": self.errors,
            "reminders": self.delivered,
        }


def _smtp_ready(settings: Settings) -> bool:
    return bool(settings.smtp_host and settings.from_addr)


def _email_digest(settings: Settings, to: str, subject: str, text: str, when: datetime) -> None:
    from foi.letters.transport import (
        Envelope,
        SmtpTransport,
        addr_spec,
        build_message,
        check_smtp_settings,
        envelope_recipients,
        make_message_id,
    )

    smtp = check_smtp_settings(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_user,
        settings.smtp_password,
        settings.smtp_security,
        settings.from_addr,
        timeout=settings.smtp_timeout,
    )
    env = Envelope(
        from_addr=settings.from_addr or "",
        to_addr=to,
        subject=subject,
        text=text,
        message_id=make_message_id("reminders", settings.from_addr or "", uuid.uuid4().hex),
        date=when,
        extra_headers={"Auto-Submitted": "auto-generated"},
    )
    with SmtpTransport(smtp) as transport:
        result = transport.send(
            build_message(env), addr_spec(env.from_addr), envelope_recipients(env)
        )
    if result.refused:
        from foi.errors import DeliveryError

        raise DeliveryError(
            f"reminder digest to {to} refused: " + "; ".join(result.refused.values())
        )


def deliver_due(
    engine: Engine,
    settings: Settings,
    *,
    today: date,
    now: datetime,
    printer: Callable[[str], None],
) -> PassReport:
    """Deliver every reminder that is due and not yet delivered; return what went."""
    report = PassReport()
    with connection_scope(engine) as conn:
        sync(conn)  # a changed holiday set moves open requests before anything is decided
        if nothing_due(conn, today=today, due_soon_days=settings.due_soon_days):
            return report  # the usual pass: answered from the tables, the ORM never loaded
    from foi.reminders.store import claim, pending

    with session_scope(engine) as s:
        sync(s)  # a changed holiday set moves open requests before anything is decided
        due = pending(
            s,
            holiday_set(s),
            today=today,
            now=now,
            due_soon_days=settings.due_soon_days,
            default_assignee=settings.default_assignee,
        )
    for recipient, group in group_digest(due).items():
        channel = "email" if recipient and _smtp_ready(settings) else "print"
        try:
            with session_scope(engine) as s:
                won = claim(s, group, channel=channel, now=now)
                if not won:
                    continue
                subject, text = render_digest(recipient, won, today)
                if channel == "email":
                    assert recipient is not None
                    _email_digest(settings, recipient, subject, text, now)
                    report.emailed.append(recipient)
                else:
                    printer(f"{subject}\n\n{text}")
                    report.printed += 1
                report.delivered.extend(
                    {
                        "reference": r.reference,
                        "kind": r.kind,
                        "fires_on": r.fires_on.isoformat(),
                        "recipient": recipient,
                        "channel": channel,
                        "message": r.message,
                    }
                    for r in won
                )
        except Exception as exc:  # one recipient's failure must not stop the others
            from foi.errors import FoiError

            if not isinstance(exc, FoiError) and not type(exc).__module__.startswith(
                ("smtplib", "foi")
            ):
                raise
            report.errors.append(f"{recipient or 'printed digest'}: {exc}")
    return report
