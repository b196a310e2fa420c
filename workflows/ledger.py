"""Register entries kept by the events that drive them (DOMAIN §6): what the engine applies in an event's
transaction, the rebuild of every entry from the audit trail (the migration's backfill, `flask registers
check`), and the register reads that procedures' lookups make (World.register_entries).

Procedure-agnostic: everything a register means comes from its declaration (workflows/registers.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from models import RegisterEntry, db
from workflows import enterprises
from workflows.registers import Change, Register, Source, address_key, bigrams, full_address, street_code
from workflows.registry import PROCEDURES

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")
# the columns an entry's decisions fix, compared by `flask registers check` (updated_at and ids are bookkeeping)
DECIDED = (
    "register",
    "name",
    "holder",
    "credit_code",
    "division",
    "street",
    "address",
    "address_key",
    "status",
    "in_force",
    "since",
    "until",
    "due_kind",
    "document_number",
    "facts",
    "changed_on",
)
DATES = ("since", "until", "changed_on")


def registers() -> dict[str, Register]:
    """Every declared register by its name, in the order of the procedures."""
    return {p.register.name: p.register for p in PROCEDURES.values() if p.register is not None}


# --- the columns after a change (pure: the engine and the rebuild share it) -----------------------------------


def values(
    register: Register,
    change: Change,
    previous: dict | None,
    src: Source,
    today: date,
    data: dict,
    document: str | None,
) -> dict:
    """An entry's decided columns after `change`, from the application (`src`) and the entry before it."""
    built = register.entry(src)
    prev = previous or {}
    status = change.status or prev["status"]
    kept = {k: v for k, v in (prev.get("facts") or {}).items() if k in register.published}
    published = change.publish(data) if change.publish else {}
    facts = {k: _plain(v) for k, v in {**built.facts, **kept, **published}.items()}
    since = (built.since or today) if change.opens or not prev else prev["since"]
    name = built.name[:200]
    return {
        "register": register.name,
        "name": name,
        "name_bigrams": bigrams(name),
        "holder": (built.holder or None) and built.holder[:200],
        "credit_code": built.credit_code,
        "division": built.division,
        "street": street_code(built.street),
        "address": full_address(built.division, built.street, built.address)[:400],
        "address_key": address_key(built.address)[:400],
        "status": status,
        "in_force": status in register.in_force,
        "since": since,
        "until": built.until or prev.get("until"),
        "due_kind": change.due,
        "document_number": document or prev.get("document_number"),
        "facts": facts,
        "changed_on": today,
    }


def _plain(value):
    """A figure as a person writes it (300, not 300.0): open data is read by people too."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def snapshot(columns: dict) -> dict:
    """The decided columns as the audit entry keeps them (JSON: dates as YYYY-MM-DD)."""
    return {k: (columns[k].isoformat() if k in DATES and columns[k] else columns[k]) for k in DECIDED}


def from_snapshot(recorded: dict) -> dict:
    out = {k: (date.fromisoformat(recorded[k]) if k in DATES and recorded.get(k) else recorded.get(k)) for k in DECIDED}
    return {**out, "name_bigrams": bigrams(str(out["name"] or ""))}


def source(app) -> Source:
    return Source(
        fields=dict(app.fields or {}),
        outcome=dict(app.outcome or {}),
        route=app.route,
        first_day=app.period_first_day,
        last_day=app.period_last_day,
        deadline=app.deadline_due,
    )


# --- the engine's one call --------------------------------------------------------------------------------------


def record(ctx) -> None:
    """What the fired event declares for the state it reached, applied to the application's entry: created by the
    opening decision, changed by the later ones, flushed with the event and kept in its audit entry. An event
    that declares nothing costs nothing here (no query)."""
    register: Register | None = ctx.proc.register
    change = register.change(ctx.event.name, ctx.app.state) if register else None
    if register is None or change is None:
        return
    # without autoflush: the application's UPDATE is written once, by the event's final flush (with its audit head),
    # not a first time here because a query ran (nothing these queries read is pending: each event ends flushed)
    with db.session.no_autoflush:
        entry = db.session.execute(select(RegisterEntry).where(RegisterEntry.application_id == ctx.app.id)).scalar()
        if entry is None and not change.opens:
            return  # nothing was put in force yet (a correction asked before the filing)
        document = next((d.number for d in reversed(ctx.issued) if d.kind in register.documents), None)
        new = values(
            register, change, columns_of(entry) if entry else None, source(ctx.app), ctx.today, ctx.data, document
        )
        if entry is None:
            entry = RegisterEntry(application_id=ctx.app.id)
            db.session.add(entry)
        for key, value in new.items():
            setattr(entry, key, value)
        ctx.changes["register"] = snapshot(new)
        enterprises.decided(register, ctx.fields, ctx.app.applicant_id)
    log.info("register %s: application %s -> %s", register.name, ctx.app.number, new["status"])


def columns_of(entry: RegisterEntry) -> dict:
    return {k: getattr(entry, k) for k in DECIDED}


# --- the rebuild from the audit trail ------------------------------------------------------------------------


def shanghai_date(at) -> date:
    """The business date of an audit entry's time (stored in UTC; SQLite hands it back naive)."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
    return at.astimezone(SHANGHAI).date()


def expected(
    register: Register, src: Source, trail: Iterable[dict], documents: Iterable[tuple[str, str]]
) -> dict | None:
    """The entry an application's decisions made, replayed from its audit trail (oldest first): each entry that
    recorded the register change it made gives it as recorded; one made before registers existed is replayed from
    the declaration, on the date of its audit entry. None when no decision put anything in force."""
    current = None
    latest = [number for kind, number in documents if kind in register.documents]
    document = latest[-1] if latest else None
    for step in trail:
        change = register.change(step["event"], step["to_state"])
        if change is None:
            continue
        recorded = (step.get("data") or {}).get("register")
        if recorded:
            current = from_snapshot(recorded)
        elif current is not None or change.opens:
            current = values(
                register, change, current, src, shanghai_date(step["at"]), step.get("data") or {}, document
            )
    return current


def differences(app_id: int, want: dict | None, have: dict | None) -> list[str]:
    """What `flask registers check` reports for one application (empty when its entry matches its decisions)."""
    if want is None:
        return (
            []
            if have is None
            else [
                f"application {app_id}: a register entry ({have['register']}, {have['status']}) that no decision made"
            ]
        )
    if have is None:
        return [
            f"application {app_id}: its decisions put a {want['register']} entry in force ({want['status']}), "
            "but the register has none"
        ]
    return [
        f"application {app_id}: entry {key} is {have[key]!r}, its decisions say {want[key]!r}"
        for key in DECIDED
        if have.get(key) != want.get(key)
    ]


# --- reads for lookups -----------------------------------------------------------------------------------------


def entries(register: str, exclude_application: int | None = None, **where) -> list[dict]:
    """The entries of `register` matching column equalities (credit_code, address_key, division, in_force …)."""
    t = RegisterEntry.__table__
    query = select(t).where(t.c.register == register, *(t.c[k] == v for k, v in where.items()))
    if exclude_application:
        query = query.where(t.c.application_id != exclude_application)
    return [dict(r._mapping) for r in db.session.execute(query.order_by(t.c.id))]
