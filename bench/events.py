"""engine_vs_raw_core: one event through workflows.engine.fire ÷ the same writes in raw SQLAlchemy Core."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime

from sqlalchemy import select, update

from bench.common import (
    APPLICANT,
    APPROVER,
    FIXED_TODAY,
    build_schema,
    interleave,
    make_app,
    median,
    ms,
    paired_ratio,
    pg_available,
    r3,
    scratch_dir,
    seed_applications,
    throwaway_pg,
    user_ids,
)

# The timed event: `extend` (under_review -> under_review, by an approver). It has everything the
# issue lists -- role check, a data schema, two guards (not one's own application, extend only
# once), the version check, a deadline counted in working days, the hash-chained audit entry -- and
# prints no document. Each application can be extended once, so every call takes a fresh one.
EVENT = "extend"
DATA = {"reason": "需要现场核查 site visit needed"}


class EngineEvent:
    """The engine's real path, as a request runs it minus HTTP: load the row, fire, commit, end the session.

    The actor is loaded once and detached, as the caller's authentication hands it over: signing in is
    not part of an event (and the raw Core side reads no user either). Needs an app context.
    """

    load_options: tuple = ()  # loader options for db.session.get, to try one out

    def __init__(self, app, ids: list[int], event: str = EVENT, actor: str = APPROVER, data=None):
        from models import User, db

        self.app, self.ids, self.event, self.data = app, list(ids), event, data if data is not None else DATA
        self.actor = db.session.get(User, user_ids(app)[actor])
        _ = self.actor.authority and self.actor.authority.division  # loaded before the session lets go of it
        db.session.expunge(self.actor)
        db.session.remove()

    def __call__(self) -> None:
        from models import Application, db
        from workflows import engine
        from workflows.transaction import commit

        row = db.session.get(Application, self.ids.pop(), options=list(self.load_options))
        engine.fire(row, self.event, self.actor, self.data, version=row.version)
        commit()
        db.session.remove()  # what the end of a request does


class RawCoreEvent:
    """The same writes with Core: SELECT the row; UPDATE state, version (checked), deadline; INSERT the
    audit row with its sha256; COMMIT. No guards, no ORM, no related rows, no audit chain read."""

    def __init__(self, app, ids: list[int]):
        from models import Application, AuditEntry, db
        from workflows import calendar

        self.app, self.ids = app, list(ids)
        self.apps, self.audit = Application.__table__, AuditEntry.__table__
        with app.app_context():
            self.engine = db.engine
        self.actor_id = user_ids(app)[APPROVER]
        self.due = calendar.add_working_days(FIXED_TODAY, 6)

    def __call__(self) -> None:
        a, audit = self.apps, self.audit
        app_id = self.ids.pop()
        with self.engine.connect() as conn:
            row = conn.execute(select(a).where(a.c.id == app_id)).one()  # the row, every column
            now = datetime.now(UTC)
            done = conn.execute(
                update(a)
                .where(a.c.id == app_id, a.c.version == row.version)
                .values(
                    state="under_review",
                    version=row.version + 1,
                    deadline_due=self.due.due,
                    deadline_basis=self.due.as_dict(),
                    extensions=1,
                    updated_at=now,
                )
            )
            assert done.rowcount == 1
            payload = {
                "application_id": app_id,
                "seq": row.version + 1,
                "event": EVENT,
                "from_state": row.state,
                "to_state": "under_review",
                "data": DATA,
                "at": now.isoformat(),
            }
            digest = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
            conn.execute(
                audit.insert().values(
                    application_id=app_id,
                    seq=row.version + 1,
                    event=EVENT,
                    from_state=row.state,
                    to_state="under_review",
                    actor_id=self.actor_id,
                    actor=APPROVER,
                    role="approver",
                    authority="230102:market_regulation",
                    at=now,
                    comment="",
                    data=DATA,
                    prev_hash="0" * 64,
                    hash=digest,
                )
            )
            conn.commit()


def _compare(app, rounds: int, per_round: int) -> dict:
    """Interleaved engine and raw rounds on one database; returns ratio and per-event times."""
    need = (rounds + 1) * per_round
    engine_ids = seed_applications(app, need, "under_review")
    raw_ids = seed_applications(app, need, "under_review")
    with app.app_context():
        engine_call, raw_call = EngineEvent(app, engine_ids), RawCoreEvent(app, raw_ids)
        times = interleave({"engine": engine_call, "raw": raw_call}, rounds, per_round, warmup=per_round)
    return {
        "ratio": r3(paired_ratio(times, "engine", "raw")),
        "engine_ms": ms(median(times["engine"])),
        "raw_core_ms": ms(median(times["raw"])),
        "engine_events_per_s": round(1 / median(times["engine"]), 1),
        "raw_core_events_per_s": round(1 / median(times["raw"]), 1),
        "rounds": rounds,
        "events_per_round": per_round,
    }


def _other_events(app, per_kind: int) -> dict:
    """For contrast: ms per event of submit (eligibility, parties) and withdraw (applicant, closes)."""
    out = {}
    drafts = seed_applications(app, per_kind + 5, "draft", with_attachment=True)
    submitted = seed_applications(app, per_kind + 5, "submitted")
    with app.app_context():
        for name, ids, actor, data in (("submit", drafts, APPLICANT, {}), ("withdraw", submitted, APPLICANT, {})):
            call = EngineEvent(app, ids, name, actor, data)
            for _ in range(5):
                call()
            t0 = time.perf_counter()
            for _ in range(per_kind):
                call()
            out[f"{name}_ms"] = ms((time.perf_counter() - t0) / per_kind)
    return out


def naive_machine_contrast(n: int = 2000) -> dict:
    """µs per transition: the shared machine as the engine uses it (the event triggered on a throwaway carrier)
    versus the naive pattern, a new transitions.Machine built for every object."""
    from transitions import Machine

    from workflows.registry import MACHINES, PROCEDURES, _transitions

    proc = PROCEDURES["premise_addition"]
    shared = MACHINES[proc.name]

    class Carrier:
        state: str

    class Firing:  # what the engine passes for its checks (none here)
        ctx = None

        def prepare(self):
            pass

    def shared_way():
        c = Carrier()
        c.state = "under_review"
        shared.events["extend"].trigger(c, firing=Firing())

    def naive_way():
        c = Carrier()
        Machine(
            model=c,
            states=list(proc.states),
            transitions=_transitions(proc),
            initial="under_review",
            auto_transitions=False,
            send_event=True,
        )
        c.trigger("extend", ctx=None)

    times = interleave({"shared": shared_way, "naive": naive_way}, rounds=5, per_round=n // 5)
    return {
        "shared_machine_us": round(median(times["shared"]) * 1e6, 1),
        "naive_machine_per_object_us": round(median(times["naive"]) * 1e6, 1),
        "naive_over_shared": r3(paired_ratio(times, "naive", "shared")),
    }


def run(quick: bool) -> dict:
    rounds, per_round = (42, 5) if quick else (210, 10)
    detail: dict = {
        "event": f"premise_addition {EVENT} (under_review -> under_review, approver, data: reason)",
        "why_this_event": "guards + version check + working-day deadline + hashed audit, no document",
        "durability": "SQLite WAL, synchronous=FULL (extensions.py); PostgreSQL default fsync",
    }
    with scratch_dir("bench-events-") as tmp:
        app = make_app(f"sqlite:///{tmp / 'events.sqlite'}", tmp / "storage")
        build_schema(app)
        sqlite = _compare(app, rounds, per_round)
        sqlite.update(_other_events(app, 15 if quick else 150))
        with app.app_context():
            from models import db

            db.engine.dispose()
    detail["sqlite"] = sqlite
    if pg_available():
        with throwaway_pg("bench_events") as url, scratch_dir("bench-events-pg-") as tmp:
            app = make_app(url, tmp / "storage")
            build_schema(app)
            detail["postgresql"] = _compare(app, 20 if quick else 60, 5 if quick else per_round)
            if not quick:
                detail["postgresql"].update(_other_events(app, 100))
            with app.app_context():
                from models import db

                db.engine.dispose()
    detail["naive_machine"] = naive_machine_contrast(500 if quick else 5000)
    return {"value": sqlite["ratio"], "detail": detail}
