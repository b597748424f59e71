"""`foi init`: create the database and load the bundled body directory."""

from __future__ import annotations

import typer

from foi.cli._common import emit_json, env, info, open_engine, out


def register(app: typer.Typer) -> None:
    """Add the top-level set-up command."""

    @app.command("init")
    def init(
        ctx: typer.Context,
        json_out: bool = typer.Option(False, "--json", help="Print what was loaded as JSON."),
    ) -> None:
        """Create the database (mode 600) and load the bundled, sourced body directory.

        Safe to run again: it only adds what is missing and never overwrites your edits.

        Example:  foi init && foi body list --missing-email
        """
        from foi.directory.bodies import load_bundled
        from foi.store.engine import describe, session_scope

        e = env(ctx)
        from foi.casework.user_holidays import sync

        with open_engine(e, create=True) as engine, session_scope(engine) as s:
            report = load_bundled(s, e.now)
            sync(s)  # remember the holiday set, so later changes move open requests
        from foi.cli._common import database_url

        where = describe(database_url(e))
        if json_out:
            emit_json({"database": where, **report.__dict__})
            return
        out(f"database: {where}")
        out(
            f"bodies: {report.created} added, {report.updated} updated, "
            f"{report.unchanged} unchanged; contacts added: {report.contacts_added}; "
            f"evidence added: {report.evidence_added}"
        )
        info("next: 'foi body list' to see the directory, 'foi template list' for letters")
