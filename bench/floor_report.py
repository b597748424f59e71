"""Floor for `foi report results` / `report stats`: the standard library reading the same rows.

Run:  python bench/floor_report.py DATABASE.db CAMPAIGN

sqlite3 reads what findings read for the campaign's sent, non-SAR requests (the requests with
their bodies, their events, answers and exemptions cited, and the bodies' evidence), groups
them by body and prints one JSON line per body with its counts: start-up, the queries and
the output, none of foi's rules.
"""

from __future__ import annotations

import json
import sqlite3
import sys

WHERE = "r.campaign_id = ? AND r.regime != 'sar' AND r.sent_on IS NOT NULL"
ORDER = "r.body_id, r.sent_on, r.id"


def main(path: str, campaign: str) -> None:
    """Read the rows and print one line per body."""
    conn = sqlite3.connect(path)
    (camp,) = conn.execute("SELECT id FROM campaigns WHERE name = ?", (campaign,)).fetchone()
    per_body: dict[int, dict[str, int]] = {}
    for body_id, name, *_ in conn.execute(
        "SELECT r.body_id, b.name, r.id, r.reference, r.regime, r.status, r.resolution, "
        f"r.sent_on, r.wdtk_url, r.template FROM requests r JOIN bodies b ON b.id = r.body_id "
        f"WHERE {WHERE} ORDER BY {ORDER}",
        (camp,),
    ):
        per_body.setdefault(body_id, {"requests": 0, "events": 0, "answers": 0, "name": name})
        per_body[body_id]["requests"] += 1
    for table, cols, key in (
        ("events", 'e.id, e.kind, e."on", e.outcome, e.promised_on, e.data', "events"),
        ("answers", "e.question, e.status, e.text", "answers"),
        ("exemptions", "e.section", "answers"),
    ):
        for body_id, *_ in conn.execute(
            f"SELECT r.body_id, {cols} FROM requests r JOIN {table} e ON e.request_id = r.id "
            f"WHERE {WHERE} ORDER BY {ORDER}, e.id",
            (camp,),
        ):
            per_body[body_id][key] += 1
    for _row in conn.execute(
        'SELECT body_id, id, status, "on", source, local_name, recorded_at FROM evidence '
        f"WHERE body_id IN (SELECT r.body_id FROM requests r WHERE {WHERE}) ORDER BY body_id, id",
        (camp,),
    ):
        pass
    out = sys.stdout
    out.write(json.dumps(sorted(per_body.values(), key=lambda b: str(b["name"]))) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
