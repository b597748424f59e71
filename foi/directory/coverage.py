"""`foi body coverage`: how many open bodies of each kind and nation a letter can reach, and how.

Counts, per kind and nation, the open bodies subject to FOI: by email, by web form, by post
only, with no route at all, and how many of those routes use an address that is
unconfirmed, undated or not confirmed within a year (`foi.directory.shapes.contact_doubt`).
Reads the records `foi.directory.listing` gives; never prints, never commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from foi.directory.kinds import NATIONS
from foi.directory.shapes import body_status, contact_doubt, route_contact


@dataclass
class CoverageRow:
    """One kind in one nation (or the total, with kind and nation None)."""

    kind: str | None
    nation: str | None
    bodies: int = 0
    email: int = 0
    web_form: int = 0
    post_only: int = 0
    no_route: int = 0
    doubtful: int = 0  # the address in use is unconfirmed, undated or over a year old

    def add(self, route: str, doubtful: bool) -> None:
        """Count one body reached by `route`."""
        self.bodies += 1
        field = {"email": "email", "web-form": "web_form", "post": "post_only"}.get(
            route, "no_route"
        )
        setattr(self, field, getattr(self, field) + 1)
        self.doubtful += int(doubtful)

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape of a row."""
        return asdict(self)


def coverage(records: Iterable[Any], today: date) -> tuple[list[CoverageRow], CoverageRow]:
    """Rows per (kind, nation) of the open FOI bodies among `records`, and their total."""
    rows: dict[tuple[str, str], CoverageRow] = {}
    total = CoverageRow(kind=None, nation=None)
    for body in records:
        if body_status(body, today) != "open" or not body.foi_subject:
            continue
        route, contact, _address = route_contact(body)
        doubtful = contact is not None and contact_doubt(contact, today) is not None
        nation = body.nation or "unknown"
        row = rows.setdefault((body.kind, nation), CoverageRow(kind=body.kind, nation=nation))
        row.add(route, doubtful)
        total.add(route, doubtful)
    order = {n: i for i, n in enumerate((*NATIONS, "unknown"))}
    ordered = sorted(rows.values(), key=lambda r: (r.kind or "", order.get(r.nation or "", 9)))
    return ordered, total
