"""`foi chase` (bulk chasers for overdue requests) and `foi escalate REF` (the next step)."""

from __future__ import annotations

from pathlib import Path

import typer

from foi.cli._common import Env, emit_json, env, info, open_engine, out, table


def _requester(e: Env, s, name: str | None):  # type: ignore[no-untyped-def]
    from foi.casework.requests import get_requester

    name = name or e.settings.requester_name
    if not name:
        return None
    return get_requester(
        s,
        name,
        e.now,
        email=e.settings.requester_email or None,
        address=e.settings.requester_address or None,
    )


def register(app: typer.Typer) -> None:
    """Add `foi chase` and `foi escalate`."""

    @app.command("chase")
    def chase(
        ctx: typer.Context,
        campaign: str | None = typer.Option(None, "--campaign", help="Only this campaign."),
        per_body: bool = typer.Option(
            False,
            "--per-body",
            help="One summary chaser per body listing all its overdue requests.",
        ),
        interval: int | None = typer.Option(
            None,
            "--interval",
            metavar="N",
            help="Skip requests chased within N working days "
            "(default: FOI_CHASE_INTERVAL_DAYS or 10).",
        ),
        yes: bool = typer.Option(False, "--yes", help="Draft and send; without it, a dry run."),
        draft_only: bool = typer.Option(
            False, "--draft-only", help="With --yes: draft the chasers but do not send them yet."
        ),
        outbox: Path | None = typer.Option(
            None, "--outbox", metavar="DIR", help="Write the chasers to a folder instead of SMTP."
        ),
        requester: str | None = typer.Option(None, "--requester", help="Name to sign with."),
        json_out: bool = typer.Option(False, "--json"),
    ) -> None:
        """Chase every overdue request not chased recently: a dry run first, then --yes.

        A sent chaser records 'chased' on the request, so the next run leaves it alone
        until the interval has passed. Requests with a reply waiting, a chaser already
        drafted, or a bouncing address are listed with the reason and left alone.

        Example:  foi chase --campaign sim-2026 --per-body --yes --outbox chasers
        """
        from foi.casework.user_holidays import holiday_set
        from foi.cli.letters_cmd import library
        from foi.cli.send_cmd import check_delivery, deliver, report
        from foi.letters.sending import plan_letters
        from foi.reminders.escalation import chase_plan, draft_chasers
        from foi.store.engine import session_scope

        e = env(ctx)
        gap = interval if interval is not None else e.settings.chase_interval_days
        with open_engine(e) as engine:
            with session_scope(engine) as s:
                cp = chase_plan(
                    s, holiday_set(s), today=e.today, campaign=campaign, interval=gap, now=e.now
                )
            if not yes:
                if json_out:
                    emit_json(
                        {
                            "dry_run": True,
                            "chase": [i.__dict__ for i in cp.chase],
                            "skip": [i.__dict__ for i in cp.skip],
                        }
                    )
                    return
                if cp.chase:
                    table(
                        ("ref", "body", "due", "working days late", "last chased"),
                        [
                            (i.reference, i.body, i.due_on, i.days_late, i.last_chased_on)
                            for i in cp.chase
                        ],
                        title=f"{len(cp.chase)} request(s) to chase",
                    )
                for i in cp.skip:
                    info(f"  {i.reference} {i.body}: left alone: {i.reason}")
                info(
                    "dry run: nothing drafted or sent; add --yes"
                    if cp.chase
                    else "nothing to chase"
                )
                return
            if not cp.chase:
                info("nothing to chase")
                return
            if not draft_only:
                check_delivery(e, outbox)  # before drafting: a bad setting saves nothing
            with session_scope(engine) as s:
                letters = draft_chasers(
                    s,
                    library(e),
                    cp.chase,
                    per_body=per_body,
                    requester=_requester(e, s, requester),
                    today=e.today,
                    now=e.now,
                    holidays=holiday_set(s),
                )
                ids = [lt.id for lt in letters]
            if draft_only:
                out(
                    f"{len(ids)} chaser(s) drafted for {len(cp.chase)} request(s): "
                    "'foi draft preview' to read them, 'foi send' to send them"
                )
                return
            with session_scope(engine) as s:
                p = plan_letters(s, ids, outbox=outbox is not None, today=e.today)
            for i in p.by_hand + p.blocked:
                info(f"  {i.reference}: not sent: {i.problem}")
            result = deliver(e, engine, p, outbox)
        report({"chasers": len(ids), **result}, json_out)

    @app.command("escalate")
    def escalate(
        ctx: typer.Context,
        reference: str = typer.Argument(..., help="e.g. FOI-2026-0001"),
        yes: bool = typer.Option(False, "--yes", help="Draft the letter for the next step."),
        var: list[str] = typer.Option(
            [], "--var", help="KEY=VALUE for the letter, e.g. grounds=… or reasons=…"
        ),
        requester: str | None = typer.Option(None, "--requester", help="Name to sign with."),
        to_address: str | None = typer.Option(
            None,
            "--to-address",
            metavar="EMAIL",
            help="Send the letter here instead of where the body last wrote from.",
        ),
        json_out: bool = typer.Option(False, "--json"),
    ) -> None:
        """Propose the next step (internal review, complaint to the regulator) and its dates.

        With --yes the letter is drafted: an internal review request goes out with
        'foi send REF'; a complaint is written for the regulator's web form (send it with
        'foi send REF --outbox DIR', then log 'ico-complaint').

        Example:  foi escalate FOI-2026-0001 --yes
        """
        from foi.casework.requests import clocks, find_request
        from foi.casework.user_holidays import holiday_set
        from foi.cli._common import session
        from foi.cli.letters_cmd import _parse_vars, library
        from foi.reminders.escalation import draft_step, propose

        e = env(ctx)
        user_vars = _parse_vars(var)
        with session(e) as s:
            hs = holiday_set(s)
            req = find_request(s, reference)
            prop = propose(req, clocks(req, hs), e.today)
            data = {
                "reference": prop.reference,
                "step": prop.step,
                "reason": prop.reason,
                "by": prop.by.isoformat() if prop.by else None,
                "template": prop.template,
                "notes": prop.notes,
                "drafted": None,
            }
            if yes and prop.template:
                lt = draft_step(
                    s,
                    library(e),
                    req,
                    prop,
                    requester=_requester(e, s, requester),
                    user_vars=user_vars,
                    today=e.today,
                    now=e.now,
                    holidays=hs,
                )
                if to_address:
                    from foi.letters.records import address_by_hand

                    address_by_hand(lt, to_address)
                data["drafted"] = {"letter": lt.id, "route": lt.route, "to": lt.to_addr}
        if json_out:
            emit_json(data)
            return
        by = f" (by {data['by']})" if data["by"] else ""
        out(f"{data['reference']}: next step: {data['step']}{by}: {data['reason']}")
        for note in data["notes"]:
            out(f"  note: {note}")
        if data["drafted"]:
            d = data["drafted"]
            if d["route"] == "web-form":
                form = "the regulator's form" if prop.step == "ico-complaint" else "the web form"
                out(
                    f"  drafted for {form} at {d['to']}: 'foi send "
                    f"{data['reference']} --outbox DIR --yes' writes it out; after submitting "
                    f"it, log it with 'foi request log {data['reference']} {prop.step} --on DATE'"
                )
            else:
                out(
                    f"  drafted (email to {d['to']}): 'foi draft preview {data['reference']}', "
                    f"then 'foi send {data['reference']} --yes'"
                )
            if prop.step == "ico-complaint":
                out(
                    f"  the complaint encloses the correspondence: 'foi request bundle "
                    f"{data['reference']}' writes {data['reference']}-correspondence.zip to attach"
                )

        elif prop.template and not yes:
            info("add --yes to draft the letter")
