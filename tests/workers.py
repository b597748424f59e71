"""Functions run in separate processes by concurrency tests (importable by spawn)."""

from __future__ import annotations

from datetime import UTC, date, datetime


def create_requests(url: str, body_code: str, count: int, start_barrier: object) -> list[str]:
    """Create `count` requests, each in its own transaction, as one volunteer's process."""
    from foi.casework.requests import NewRequest, create_request
    from foi.directory.bodies import find_body
    from foi.law.holidays import load_default
    from foi.store.engine import make_engine, resolve_url, session_scope

    engine = make_engine(resolve_url(url))
    hs = load_default()
    refs = []
    start_barrier.wait()  # type: ignore[attr-defined]
    try:
        for i in range(count):
            with session_scope(engine) as s:
                body = find_body(s, body_code)
                req = create_request(
                    s,
                    NewRequest(body=body, title=f"request {i}"),
                    today=date(2026, 11, 27),
                    now=datetime.now(UTC),
                    holidays=hs,
                )
                refs.append(req.reference)
    finally:
        engine.dispose()
    return refs
