"""Every register entry rebuilt from the applications and their audit trails, in batches: what the migration
backfills and what `flask registers check` compares the registers with.

It reads through a connection with its own column lists (never the models' tables), so that the migration that
calls it keeps working when later revisions add columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, String, column, func, select, table

from workflows import enterprises
from workflows.ledger import DECIDED, differences, expected, registers
from workflows.registers import Source, bigrams
from workflows.registry import PROCEDURES

BATCH = 500
APPLICATIONS = table(
    "applications",
    column("id", Integer),
    column("procedure", String),
    column("fields", JSON),
    column("outcome", JSON),
    column("route", String),
    column("applicant_id", Integer),
    column("period_first_day", Date),
    column("period_last_day", Date),
    column("deadline_due", Date),
)
AUDIT = table(
    "audit_entries",
    column("application_id", Integer),
    column("seq", Integer),
    column("event", String),
    column("to_state", String),
    column("at", DateTime),
    column("data", JSON),
)
DOCUMENTS = table(
    "documents",
    column("id", Integer),
    column("application_id", Integer),
    column("kind", String),
    column("number", String),
)
ENTRIES = table(
    "register_entries",
    column("application_id", Integer),
    *(
        column(
            k,
            JSON
            if k == "facts"
            else Date
            if k in ("since", "until", "changed_on")
            else Boolean
            if k == "in_force"
            else String,
        )
        for k in DECIDED
    ),
)


def _by_application(conn, query, ids) -> dict[int, list]:
    out: dict[int, list] = {}
    for row in conn.execute(query.where(query.selected_columns.application_id.in_(ids))):
        out.setdefault(row.application_id, []).append(row)
    return out


def rebuilt(conn) -> Iterator[list[tuple[Any, dict | None]]]:
    """Batches of (application row, its expected entry or None), for every application of a procedure with a register."""
    with_register = [name for name, p in PROCEDURES.items() if p.register is not None]
    after = 0
    while True:
        apps = conn.execute(
            select(APPLICATIONS)
            .where(APPLICATIONS.c.procedure.in_(with_register), APPLICATIONS.c.id > after)
            .order_by(APPLICATIONS.c.id)
            .limit(BATCH)
        ).all()
        if not apps:
            return
        ids = [a.id for a in apps]
        trails = _by_application(conn, select(AUDIT).order_by(AUDIT.c.application_id, AUDIT.c.seq), ids)
        docs = _by_application(conn, select(DOCUMENTS).order_by(DOCUMENTS.c.id), ids)
        batch = []
        for app in apps:
            register = PROCEDURES[app.procedure].register
            src = Source(
                fields=dict(app.fields or {}),
                outcome=dict(app.outcome or {}),
                route=app.route,
                first_day=app.period_first_day,
                last_day=app.period_last_day,
                deadline=app.deadline_due,
            )
            trail = [
                {"event": s.event, "to_state": s.to_state, "at": s.at, "data": s.data} for s in trails.get(app.id, ())
            ]
            batch.append((app, expected(register, src, trail, [(d.kind, d.number) for d in docs.get(app.id, ())])))
        yield batch
        after = ids[-1]


class Backfill:
    """What the migration inserts: every entry the decisions made, every enterprise an application names (the
    latest decision's facts winning over drafts'), and each applicant as an account acting for it."""

    def __init__(self):
        self._enterprises: dict[str, dict] = {}
        self._accounts: dict[tuple[int, str], str] = {}
        self._owner: dict[str, int] = {}  # credit code -> the account that is the enterprise's own

    def entries(self, conn) -> Iterator[list[dict]]:
        for batch in rebuilt(conn):
            for app, want in batch:
                self._note(app, decided=want is not None)
            rows = [
                {**want, "application_id": app.id, "name_bigrams": bigrams(want["name"])}
                for app, want in batch
                if want is not None
            ]
            if rows:
                yield rows

    def _note(self, app, decided: bool) -> None:
        register = PROCEDURES[app.procedure].register
        facts = enterprises.facts_of(register, app.fields)
        if facts is None:
            return
        code, before = facts["credit_code"], self._enterprises.get(facts["credit_code"], {})
        self._enterprises[code] = {**before, **facts} if decided else {**facts, **before}
        if (app.applicant_id, code) in self._accounts:
            return
        agent = bool((app.fields or {}).get(register.enterprise.get("agent")))
        own = not agent and self._owner.setdefault(code, app.applicant_id) == app.applicant_id
        self._accounts[(app.applicant_id, code)] = "own" if own else "agent"

    def enterprises(self) -> Iterator[dict]:
        for code, facts in self._enterprises.items():
            yield {
                "credit_code": code,
                **{
                    k: (str(facts[k])[: enterprises.LIMITS[k]] if facts.get(k) else None)
                    for k in enterprises.ATTRIBUTES
                },
                "name": str(facts.get("name") or "")[:200],
            }

    def accounts(self) -> Iterator[tuple[int, str, str]]:
        for (user, code), capacity in self._accounts.items():
            yield user, code, capacity


def check(conn) -> list[str]:
    """Every application's entry against its decisions, and no entry left that belongs to none."""
    problems, seen = [], 0
    for batch in rebuilt(conn):
        have = {
            r.application_id: {k: getattr(r, k) for k in DECIDED}
            for r in conn.execute(select(ENTRIES).where(ENTRIES.c.application_id.in_([app.id for app, _want in batch])))
        }
        seen += len(have)
        for app, want in batch:
            problems += differences(app.id, want, have.get(app.id))
    total = conn.execute(select(func.count()).select_from(ENTRIES)).scalar_one()
    if total != seen:
        problems.append(f"{total - seen} register entries belong to an application of a procedure without a register")
    known = tuple(registers())
    problems += [
        f"application {r.application_id}: unknown register {r.register!r}"
        for r in conn.execute(
            select(ENTRIES.c.application_id, ENTRIES.c.register).where(ENTRIES.c.register.not_in(known))
        )
    ]
    return problems
