"""Applying a body list to the database, row by row from a stream, in batches.

`foi body import` must take a million-row file in bounded memory, all or nothing. Rows come
from `foi.directory.importers` one at a time and are applied in batches inside the caller's
one transaction:

* a row matching a body that existed before the import is applied as `foi body edit`
  would (`edit_body`, one savepoint per row so ``--skip-bad-rows`` leaves no trace);
* a row matching nothing is checked the way `add_body` checks a new body and inserted with
  its aliases, tags and email in bulk (one statement per table per batch);
* a row matching a body this import already created or changed is skipped as "same body as
  line N". The keys of bodies created by the import live in a temporary table, so memory
  does not grow with the file.

Matching follows `foi.directory.bodies._match_row`: ODS code, police id, exact name (in any
case), alias, WhatDoTheyKnow name. Takes a session and the time; never commits, never prints.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, or_, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from foi.directory.bodies import (
    LIMITS,
    SIMPLE_FIELDS,
    BodyChanges,
    _check_kind,
    _check_regime,
    add_contact,
    check_alias,
    check_email,
    check_field,
    check_tag,
    edit_body,
)
from foi.directory.importers import BodyRow, ParsedImport, RowNote
from foi.errors import ConflictError, UsageError
from foi.store.models import Body, BodyAlias, BodyTag, Contact

IMPORT_BATCH = 5000
PRELOAD_LIMIT = 50_000  # bodies before the import whose keys are simply held in memory
_KEYS_TABLE = "foi_import_keys"
_ROW_FIELDS = tuple(f for f in SIMPLE_FIELDS if f != "source")  # a row's source is the file


@dataclass
class ImportReport:
    """What an import did: counts of bodies, and the lines skipped or refused."""

    format: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # "line N: reason"
    bad_rows: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def import_rows(
    session: Session,
    parsed: ParsedImport,
    *,
    source: str,
    now: datetime,
    skip_bad_rows: bool = False,
) -> ImportReport:
    """Apply a whole parsed file (see `import_stream`)."""
    notes: list[BodyRow | RowNote] = [RowNote("bad", p) for p in parsed.problems]
    notes += [RowNote("skipped", p) for p in parsed.skipped]
    return import_stream(
        session,
        [*notes, *parsed.rows],
        format=parsed.format,
        source=source,
        now=now,
        skip_bad_rows=skip_bad_rows,
    )


def import_stream(
    session: Session,
    events: Iterable[BodyRow | RowNote],
    *,
    format: str,
    source: str,
    now: datetime,
    skip_bad_rows: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Apply rows as they come: all or nothing unless skip_bad_rows; idempotent on re-import.

    A bad row without `skip_bad_rows` stops the applying; the rest of the file is still read
    so the error can say how many rows are bad. `progress` is called with the rows done.
    """
    report = ImportReport(format=format)
    batcher = _Batcher(session, report, source=source, now=now, skip_bad_rows=skip_bad_rows)
    batch: list[BodyRow] = []
    done = 0
    try:
        for event in events:
            if isinstance(event, RowNote):
                if event.kind == "bad":
                    report.bad_rows.append(str(event.problem))
                    if not skip_bad_rows:
                        batch.clear()  # nothing more is applied: the import will fail
                elif event.kind == "skipped":
                    report.skipped.append(str(event.problem))
                else:
                    report.warnings.append(str(event.problem))
                continue
            done += 1
            if report.bad_rows and not skip_bad_rows:
                continue
            batch.append(event)
            if len(batch) >= IMPORT_BATCH:
                batcher.apply(batch)
                batch = []
                if progress is not None:
                    progress(done)
        if report.bad_rows and not skip_bad_rows:
            shown = "; ".join(report.bad_rows[:3])
            more = f" (and {len(report.bad_rows) - 3} more)" if len(report.bad_rows) > 3 else ""
            raise UsageError(
                f"{source}: {len(report.bad_rows)} bad row(s), nothing imported: "
                f"{shown}{more}; fix them or use --skip-bad-rows"
            )
        batcher.apply(batch)
        if progress is not None:
            progress(done)
        session.flush()
    finally:
        batcher.close()
    return report


def _lower(text: str) -> str:
    return text.strip().lower()


def _created_key(kind: str, value: str) -> str:
    return f"{'n' if kind == 'a' else kind}:{value}"


def _row_keys(row: BodyRow) -> list[tuple[str, str]]:
    """The keys a row is matched by, in `_match_row`'s order: (kind, value)."""
    keys = []
    if row.ods_code:
        keys.append(("o", row.ods_code.strip().upper()))
    if row.police_id:
        keys.append(("p", row.police_id))
    if row.name:
        keys.append(("n", _lower(row.name)))
        keys.append(("a", _lower(row.name)))
    if row.wdtk_url_name:
        keys.append(("w", row.wdtk_url_name))
    return keys


class _Batcher:
    """Applies batches of rows; remembers what the import touched without holding it all."""

    def __init__(
        self,
        session: Session,
        report: ImportReport,
        *,
        source: str,
        now: datetime,
        skip_bad_rows: bool,
    ) -> None:
        self.s = session
        self.report = report
        self.source = source
        self.now = now
        self.skip_bad_rows = skip_bad_rows
        self.max_id = session.scalar(select(func.max(Body.id))) or 0
        self.touched: dict[int, int] = {}  # body that existed before -> line that changed it
        self.known: dict[tuple[str, str], int] | None = None  # see _known_before
        self.table_made = False
        self.too_many_to_hold = False

    # -- the keys of bodies this import created, in a temporary table -----------------------

    def _make_table(self) -> None:
        if self.table_made:
            return
        on_commit = " ON COMMIT DROP" if self.s.bind.dialect.name == "postgresql" else ""
        self.s.execute(text(f"DROP TABLE IF EXISTS {_KEYS_TABLE}"))
        self.s.execute(
            text(f"CREATE TEMPORARY TABLE {_KEYS_TABLE} (k VARCHAR(400), line INTEGER){on_commit}")
        )
        self.s.execute(text(f"CREATE INDEX {_KEYS_TABLE}_k ON {_KEYS_TABLE} (k)"))
        self.table_made = True

    def close(self) -> None:
        """Drop the temporary table (PostgreSQL drops it at commit by itself)."""
        if self.table_made and self.s.bind.dialect.name != "postgresql":
            # If the transaction is already failing, the table goes with it.
            with contextlib.suppress(DBAPIError):
                self.s.execute(text(f"DROP TABLE IF EXISTS {_KEYS_TABLE}"))

    def _sql(self, statement: str, params: Any = ()) -> Any:
        """Run SQL on the session's connection through the driver: no compiling per call.

        Statements are written with `?` placeholders and adapted to the driver's style.
        """
        if self.s.bind.dialect.paramstyle != "qmark":
            statement = statement.replace("?", "%s")
        return self.s.connection().exec_driver_sql(statement, params)

    def _insert_many(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """INSERT many rows at once, each value converted as its column's type converts it."""
        columns = list(rows[0])
        dialect = self.s.bind.dialect
        convert = {
            i: fn
            for i, c in enumerate(columns)
            if (fn := table.c[c].type._cached_bind_processor(dialect)) is not None
        }
        cache: dict[tuple[int, Any], Any] = {}  # dates, times and flags repeat: convert once

        def converted(i: int, value: Any) -> Any:
            if value is None:
                return None
            key = (i, value)
            if key not in cache:
                cache[key] = convert[i](value)
            return cache[key]

        data = [[row[c] for c in columns] for row in rows]
        for values in data:
            for i in convert:
                values[i] = converted(i, values[i])
        marks = ", ".join("?" * len(columns))
        self._sql(
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})",
            [tuple(v) for v in data],
        )

    def _created_lines(self, keys: set[str]) -> dict[str, int]:
        if not self.table_made or not keys:
            return {}
        found: dict[str, int] = {}
        for chunk in _chunks(sorted(keys), 500):
            marks = ", ".join("?" * len(chunk))
            rows = self._sql(
                f"SELECT k, min(line) FROM {_KEYS_TABLE} WHERE k IN ({marks}) GROUP BY k",
                tuple(chunk),
            )
            found.update({k: int(line) for k, line in rows})
        return found

    # -- bodies that existed before the import ----------------------------------------------

    def _known_before(self) -> dict[tuple[str, str], int] | None:
        """Every key of the bodies that existed before, if there are few (the usual case)."""
        if self.known is not None or self.max_id == 0 or self.too_many_to_hold:
            return self.known
        if (self.s.scalar(select(func.count(Body.id))) or 0) > PRELOAD_LIMIT:
            self.too_many_to_hold = True  # looked up batch by batch instead
            return None
        known: dict[tuple[str, str], int] = {}
        for bid, code, pid, name, url_name in self.s.execute(
            select(Body.id, Body.ods_code, Body.police_id, Body.name, Body.wdtk_url_name)
        ):
            if code:
                known[("o", code.upper())] = bid
            if pid:
                known[("p", pid)] = bid
            known.setdefault(("n", _lower(name)), bid)
            if url_name:
                known.setdefault(("w", url_name), bid)
        for bid, alias in self.s.execute(select(BodyAlias.body_id, BodyAlias.alias)):
            known.setdefault(("a", _lower(alias)), bid)
        self.known = known
        return known

    def _existing(self, rows: Sequence[BodyRow]) -> dict[tuple[str, str], int]:
        """Keys of the batch found among bodies that existed before the import -> body id."""
        known = self._known_before()
        if known is not None:
            return known
        codes = {r.ods_code.strip().upper() for r in rows if r.ods_code}
        police = {r.police_id for r in rows if r.police_id}
        names = {r.name.strip() for r in rows if r.name}
        lowered = {_lower(n) for n in names}
        wdtk = {r.wdtk_url_name for r in rows if r.wdtk_url_name}
        found: dict[tuple[str, str], int] = {}
        old = Body.id <= self.max_id
        if not self.max_id:
            return found
        if codes:
            for bid, code in self.s.execute(
                select(Body.id, Body.ods_code).where(old, func.upper(Body.ods_code).in_(codes))
            ):
                found[("o", code.upper())] = bid
        if police:
            for bid, pid in self.s.execute(
                select(Body.id, Body.police_id).where(old, Body.police_id.in_(police))
            ):
                found[("p", pid)] = bid
        if names:
            for bid, name in self.s.execute(
                select(Body.id, Body.name).where(
                    old, or_(func.lower(Body.name).in_(lowered), Body.name.in_(names))
                )
            ):
                found.setdefault(("n", _lower(name)), bid)
            for bid, alias in self.s.execute(
                select(BodyAlias.body_id, BodyAlias.alias).where(
                    BodyAlias.body_id <= self.max_id,
                    or_(func.lower(BodyAlias.alias).in_(lowered), BodyAlias.alias.in_(names)),
                )
            ):
                found.setdefault(("a", _lower(alias)), bid)
        if wdtk:
            for bid, url_name in self.s.execute(
                select(Body.id, Body.wdtk_url_name).where(old, Body.wdtk_url_name.in_(wdtk))
            ):
                found.setdefault(("w", url_name), bid)
        return found

    # -- one batch ---------------------------------------------------------------------------

    def apply(self, rows: list[BodyRow]) -> None:
        """Apply a batch of rows in file order."""
        if not rows:
            return
        existing = self._existing(rows)
        row_keys = [_row_keys(r) for r in rows]
        # A body this import created is "the same body" whether a row names it by its name or
        # an alias, so both share one kind of key ("n") in the temporary table.
        created = self._created_lines({_created_key(k, v) for keys in row_keys for k, v in keys})
        pending: dict[str, int] = {}  # keys of rows of this batch to be created -> line
        new_rows: list[tuple[BodyRow, dict[str, Any], list[str], list[str], str | None]] = []
        for row, keys in zip(rows, row_keys, strict=True):
            match: int | None = None
            same_line: int | None = None
            for kind, value in keys:
                key = _created_key(kind, value)
                if (kind, value) in existing:
                    match = existing[(kind, value)]
                    break
                if key in created or key in pending:
                    same_line = created.get(key, pending.get(key))
                    break
            if same_line is not None:
                self.report.skipped.append(f"line {row.line}: same body as line {same_line}")
                continue
            if match is not None:
                self._apply_existing(row, match)
                continue
            if not row.name:
                self.report.skipped.append(f"line {row.line}: no name and no known code")
                continue
            try:
                values, aliases, tags, email = self._check_new(row)
            except UsageError as exc:
                self._refuse(row, exc)
                continue
            new_rows.append((row, values, aliases, tags, email))
            for key in self._new_keys(values, aliases):
                pending.setdefault(key, row.line)
        self._insert(new_rows)

    def _refuse(self, row: BodyRow, exc: UsageError | ConflictError) -> None:
        if not self.skip_bad_rows:
            raise UsageError(
                f"{self.source} line {row.line}: {exc.message}; nothing imported "
                "(fix it or use --skip-bad-rows)"
            ) from None
        self.report.bad_rows.append(f"line {row.line}: {exc.message}")

    def _apply_existing(self, row: BodyRow, body_id: int) -> None:
        """A row for a body that existed before: as `foi body edit` would, in a savepoint."""
        present = set(row.present)
        savepoint = self.s.begin_nested()  # a bad row under --skip-bad-rows leaves no trace
        try:
            body = self.s.get(Body, body_id)
            assert body is not None  # found by the batch lookup, in the same transaction
            if body.id in self.touched:
                self.report.skipped.append(
                    f"line {row.line}: same body as line {self.touched[body.id]} ({body.name})"
                )
                savepoint.commit()
                return
            changes = BodyChanges(**{f: getattr(row, f) for f in _ROW_FIELDS if f in present})
            if "aliases" in present and row.aliases:
                changes.add_aliases = list(row.aliases)
            if "tags" in present and row.tags:
                changes.add_tags = list(row.tags)
            if "name" in present and row.name and row.name != body.name:
                changes.add_aliases.append(row.name)  # keep our name; remember theirs
                changes.name = None
            changed = edit_body(self.s, body, changes, self.now)
            if "email" in present and row.email:
                _, made = add_contact(
                    self.s, body, row.email, now=self.now, source=f"import of {self.source}"
                )
                if made:
                    changed.append("email")
            self.touched[body.id] = row.line
            if self.known is not None:  # keys this row gave the body match later rows too
                for alias in changes.add_aliases:
                    self.known.setdefault(("a", _lower(alias)), body.id)
                if body.ods_code:
                    self.known.setdefault(("o", body.ods_code.upper()), body.id)
                if body.police_id:
                    self.known.setdefault(("p", body.police_id), body.id)
            savepoint.commit()
        except (UsageError, ConflictError, DBAPIError) as exc:
            savepoint.rollback()
            if isinstance(exc, DBAPIError):  # a value the database refused, e.g. too long
                exc = UsageError(str(exc.orig or exc).strip().splitlines()[0])
            self._refuse(row, exc)
            return
        if changed:
            self.report.updated += 1
        else:
            self.report.unchanged += 1

    def _check_new(self, row: BodyRow) -> tuple[dict[str, Any], list[str], list[str], str | None]:
        """A new body's columns, aliases, tags and email, checked as `add_body` checks them."""
        present = set(row.present)
        values: dict[str, Any] = {f: None for f in _ROW_FIELDS}
        for f in _ROW_FIELDS:
            if f in present:
                values[f] = getattr(row, f)
        values["name"] = (row.name or "").strip()
        values["kind"] = _check_kind(values["kind"] or "other")
        if values["ods_code"] is not None:
            values["ods_code"] = values["ods_code"].strip().upper() or None
        if values["regime"] is not None:
            _check_regime(values["regime"])
        foi_subject = values["foi_subject"]
        values["foi_subject"] = True if foi_subject is None else foi_subject
        if values["regime"] is None:
            values["regime"] = "none" if foi_subject is False else "foia"
        for name in LIMITS:
            check_field(name, values.get(name))
        if (
            values["opened_on"]
            and values["closed_on"]
            and values["closed_on"] < values["opened_on"]
        ):
            raise UsageError(
                f"{values['name']}: closed on {values['closed_on']} before it opened "
                f"({values['opened_on']})"
            )
        aliases: list[str] = []
        if "aliases" in present:
            for alias in row.aliases or []:
                check_alias(alias)
                alias = alias.strip()
                if alias and alias != values["name"] and alias not in aliases:
                    aliases.append(alias)
        tags: list[str] = []
        if "tags" in present:
            for tag in row.tags or []:
                check_tag(tag)
                tag = tag.strip()
                if tag and tag not in tags:
                    tags.append(tag)
        email = check_email(row.email) if "email" in present and row.email else None
        return values, aliases, tags, email

    @staticmethod
    def _new_keys(values: dict[str, Any], aliases: list[str]) -> Iterator[str]:
        if values["ods_code"]:
            yield f"o:{values['ods_code']}"
        if values["police_id"]:
            yield f"p:{values['police_id']}"
        yield f"n:{_lower(values['name'])}"
        for alias in aliases:
            yield f"n:{_lower(alias)}"
        if values["wdtk_url_name"]:
            yield f"w:{values['wdtk_url_name']}"

    def _insert(
        self, new_rows: list[tuple[BodyRow, dict[str, Any], list[str], list[str], str | None]]
    ) -> None:
        """Insert new bodies and their aliases, tags and emails: one statement per table."""
        if not new_rows:
            return
        now = self.now
        body_values = [
            {**values, "created_at": now, "updated_at": now} for _row, values, *_ in new_rows
        ]
        # A plain executemany, then the ids by the (unique) names: RETURNING over many rows
        # makes SQLAlchemy insert them one at a time.
        self._insert_many(Body.__table__, body_values)
        names = [v["name"] for v in body_values]
        by_name: dict[str, int] = {}
        for chunk in _chunks(names, 500):
            marks = ", ".join("?" * len(chunk))
            rows = self._sql(f"SELECT name, id FROM bodies WHERE name IN ({marks})", tuple(chunk))
            by_name.update((name, body_id) for name, body_id in rows)
        ids = [by_name[name] for name in names]
        aliases, tags, contacts, keys = [], [], [], []
        for body_id, (row, values, row_aliases, row_tags, email) in zip(ids, new_rows, strict=True):
            aliases += [{"body_id": body_id, "alias": a} for a in row_aliases]
            tags += [{"body_id": body_id, "tag": t} for t in row_tags]
            if email:
                contacts.append(
                    {
                        "body_id": body_id,
                        "purpose": "foi",
                        "channel": "email",
                        "address": email,
                        "source": f"import of {self.source}",
                        "confidence": "unconfirmed",
                        "created_at": now,
                    }
                )
            keys += [(k, row.line) for k in self._new_keys(values, row_aliases)]
        if aliases:
            self._insert_many(BodyAlias.__table__, aliases)
        if tags:
            self._insert_many(BodyTag.__table__, tags)
        if contacts:
            self._insert_many(Contact.__table__, contacts)
        self._make_table()
        self._sql(f"INSERT INTO {_KEYS_TABLE} (k, line) VALUES (?, ?)", keys)
        self.report.created += len(ids)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
