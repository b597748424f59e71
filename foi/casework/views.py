"""Rows and JSON shapes for requests: the stable contract of `--json` output."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from foi.law.clocks import Clocks

if TYPE_CHECKING:  # list_row serves `foi request list`, which never imports the ORM
    from foi.store.models import Request


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def request_row(req: Request, days_left: int | None) -> dict[str, Any]:
    """A request in lists."""
    return {
        "reference": req.reference,
        "title": req.title,
        "body": req.body.name,
        "body_kind": req.body.kind,
        "regime": req.regime,
        "status": req.status,
        "resolution": req.resolution,
        "campaign": req.campaign.name if req.campaign else None,
        "assignee": req.assignee.name if req.assignee else None,
        "sent_on": _d(req.sent_on),
        "due_on": _d(req.due_on),
        "due_clock": req.due_clock,
        "working_days_left": days_left,
        "overdue": days_left is not None and days_left < 0,
        "authority_ref": req.authority_ref,
    }


def list_row(row: Mapping[str, Any], days_left: int | None) -> dict[str, Any]:
    """A request in lists, from foi.casework.listing.LIST_COLUMNS by name: as request_row."""
    sent_on, due_on = row["sent_on"], row["due_on"]
    return {
        "reference": row["reference"],
        "title": row["title"],
        "body": row["body"],
        "body_kind": row["body_kind"],
        "regime": row["regime"],
        "status": row["status"],
        "resolution": row["resolution"],
        "campaign": row["campaign"],
        "assignee": row["assignee"],
        "sent_on": sent_on.isoformat() if sent_on else None,
        "due_on": due_on.isoformat() if due_on else None,
        "due_clock": row["due_clock"],
        "working_days_left": days_left,
        "overdue": days_left is not None and days_left < 0,
        "authority_ref": row["authority_ref"],
    }


def clocks_dict(c: Clocks) -> dict[str, Any]:
    """Every clock of a request as JSON."""
    out: dict[str, Any] = {}
    for name in (
        "regime",
        "received",
        "due",
        "effective_due",
        "extended_due",
        "very_overdue",
        "extension_beyond_limit",
        "clarification_pending",
        "fee_pending",
        "fee_lapses_on",
        "responded_on",
        "review_requested_on",
        "review_due",
        "review_due_max",
        "review_request_deadline",
        "ico_window_closes",
        "stopped",
        "delivery_failed",
    ):
        value = getattr(c, name, None)
        out[name] = (
            value.isoformat()
            if isinstance(value, date)
            else (str(value) if name == "regime" else value)
        )
    return out


def event_dict(e: Any) -> dict[str, Any]:
    """One timeline event as JSON."""
    return {
        "id": e.id,
        "kind": e.kind,
        "on": _d(e.on),
        "outcome": e.outcome,
        "promised_on": _d(e.promised_on),
        "note": e.note,
        "data": e.data or {},
        "recorded_at": e.recorded_at.isoformat() if e.recorded_at else None,
        "recorded_by": e.recorded_by,
    }
