"""Requests: references under concurrency, the timeline through the CLI, derived state."""

from __future__ import annotations

import multiprocessing

from tests.workers import create_requests


def test_two_processes_creating_50_requests_each_get_100_distinct_references(
    foi, db_url: str
) -> None:
    assert foi("init", db=db_url).exit_code == 0
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(2)
        with ctx.Pool(2) as pool:
            results = pool.starmap(
                create_requests, [(db_url, "RXX", 50, barrier), (db_url, "RW4", 50, barrier)]
            )
    refs = results[0] + results[1]
    assert len(refs) == 100
    assert len(set(refs)) == 100
    assert sorted(refs) == [f"FOI-2026-{n:04d}" for n in range(1, 101)]
    listed = foi("request", "list", "--json", db=db_url, today="2026-11-27").json()
    assert sorted(r["reference"] for r in listed) == sorted(refs)


def test_timeline_every_event_kind_through_the_cli(foi, db_url: str) -> None:
    run = lambda *a, today="2026-11-27": foi(*a, db=db_url, today=today)  # noqa: E731
    run("init")
    new = run(
        "request",
        "new",
        "--body",
        "Surrey and Borders Partnership NHS Foundation Trust",
        "--title",
        "SIM use",
        "--campaign",
        "sim-2026",
        "--json",
        today="2026-01-05",
    )
    ref = new.json()["reference"]
    assert new.json()["status"] == "draft"
    steps = [
        ("sent", "2026-01-06", [], "awaiting-response"),
        ("acknowledged", "2026-01-07", ["--authority-ref", "FOI 2026/0457"], "awaiting-response"),
        ("delivery-failed", "2026-01-07", [], "delivery-failed"),
        ("resent", "2026-01-08", [], "awaiting-response"),
        ("clarification-requested", "2026-01-12", [], "awaiting-clarification"),
        ("clarification-sent", "2026-01-13", [], "awaiting-response"),
        ("fee-notice", "2026-01-20", [], "awaiting-fee"),
        ("fee-paid", "2026-01-22", [], "awaiting-response"),
        ("extension", "2026-02-10", ["--promised", "2026-03-10"], "awaiting-response"),
        ("chased", "2026-03-12", [], "awaiting-response"),
        ("response-received", "2026-03-13", [], "needs-classification"),
        ("response", "2026-03-13", ["--outcome", "refused"], "closed"),
        ("internal-review-requested", "2026-03-20", [], "in-internal-review"),
        ("internal-review-response", "2026-04-20", ["--outcome", "partially-successful"], "closed"),
        ("ico-complaint", "2026-05-01", [], "with-ico"),
        ("ico-decision", "2026-09-01", ["--outcome", "upheld"], "closed"),
        ("note", "2026-09-02", ["--note", "published"], "closed"),
    ]
    for kind, on, extra, status in steps:
        result = run("request", "log", ref, kind, "--on", on, *extra)
        assert result.exit_code == 0, (kind, result.stderr)
        shown = run("request", "show", ref, "--json").json()
        assert shown["status"] == status, kind
    shown = run("request", "show", ref, "--json").json()
    assert shown["resolution"] == "partially-successful"
    assert shown["authority_ref"] == "FOI 2026/0457"
    assert [e["kind"] for e in shown["events"]] == ["drafted"] + [s[0] for s in steps]
    # A back-dated event slots in by date; one before sending is refused.
    late = run("request", "log", ref, "note", "--on", "2026-01-06", "--note", "posted too")
    assert late.exit_code == 0
    early = run("request", "log", ref, "acknowledged", "--on", "2026-01-05")
    assert early.exit_code == 4
    assert "before the request was sent (2026-01-06)" in early.stderr
    # Withdrawal closes a request with its own resolution.
    other = run(
        "request", "new", "--body", "RXX", "--title", "t", "--sent-on", "2026-11-02", "--json"
    ).json()["reference"]
    assert run("request", "log", other, "withdrawn", "--on", "2026-11-03").exit_code == 0
    after = run("request", "show", other, "--json").json()
    assert (after["status"], after["resolution"]) == ("closed", "withdrawn")
    refused = run(
        "request", "log", other, "response", "--on", "2026-11-04", "--outcome", "successful"
    )
    assert refused.exit_code == 4 and "withdrawn" in refused.stderr


def test_list_filters_and_assignment(foi, db_url: str) -> None:
    run = lambda *a: foi(*a, db=db_url, today="2026-11-27")  # noqa: E731
    run("init")
    a = run(
        "request",
        "new",
        "--body",
        "RXX",
        "--title",
        "a",
        "--campaign",
        "c1",
        "--sent-on",
        "2026-10-01",
        "--json",
    ).json()["reference"]
    b = run(
        "request",
        "new",
        "--body",
        "RW4",
        "--title",
        "b",
        "--campaign",
        "c2",
        "--sent-on",
        "2026-11-20",
        "--json",
    ).json()["reference"]
    c = run("request", "new", "--body", "RW4", "--title", "c", "--json").json()["reference"]
    assert run("request", "assign", a, "Sam", "--email", "sam@example.org").exit_code == 0

    def refs(*args: str) -> list[str]:
        return [r["reference"] for r in run("request", "list", *args, "--json").json()]

    assert refs("--campaign", "c1") == [a]
    assert refs("--assignee", "Sam") == [a]
    assert refs("--status", "draft") == [c]
    assert sorted(refs("--body", "RW4")) == sorted([b, c])
    assert refs("--overdue") == [a]
    assert set(refs("--status", "open")) == {a, b}
    rows = {r["reference"]: r for r in run("request", "list", "--json").json()}
    assert rows[a]["overdue"] and rows[a]["working_days_left"] < 0
    assert rows[b]["working_days_left"] > 0
    assert run("request", "list", "--campaign", "nope").exit_code == 3
    assert run("request", "list", "--status", "bogus").exit_code == 2


def test_due_within_counts_working_days(foi) -> None:
    foi("init")
    # Sent 2 Nov 2026: due Tue 1 Dec (St Andrew's Day, Mon 30 Nov, is skipped).
    ref = foi(
        "request",
        "new",
        "--body",
        "RXX",
        "--title",
        "a",
        "--sent-on",
        "2026-11-02",
        "--json",
        today="2026-11-02",
    ).json()["reference"]

    # On Wed 25 Nov: 26, 27 Nov and 1 Dec lie in (today, due] -> 3 working days.
    def within(n: int) -> list[str]:
        listed = foi("request", "list", "--due-within", str(n), "--json", today="2026-11-25")
        return [r["reference"] for r in listed.json()]

    assert within(3) == [ref]
    assert within(2) == []
    assert foi("request", "list", "--due-within", "-1", today="2026-11-25").exit_code == 2


def test_a_whatdotheyknow_request_is_recorded_not_sent(foi) -> None:
    foi("init")
    url = "https://www.whatdotheyknow.com/request/sim_use_surrey"
    new = foi(
        "request",
        "new",
        "--body",
        "RXX",
        "--title",
        "SIM use",
        "--text",
        "Please...",
        "--sent-on",
        "2026-11-02",
        "--wdtk-url",
        url,
        "--json",
        today="2026-11-02",
    )
    assert new.exit_code == 0, new.stderr
    ref = new.json()["reference"]
    shown = foi("request", "show", ref, "--json").json()
    assert shown["wdtk_url"] == url and shown["status"] == "awaiting-response"
    assert shown["letters"][0]["route"] == "whatdotheyknow"
    assert foi("send", ref, "--json").json()["ready"] == 0  # nothing for foi to send
