"""What each recommended engine fix would gain, measured by patching the running engine (never the files).

`python -m bench.whatif` prints engine ÷ raw Core for the engine as it is, then with each fix added
cumulatively. The patches are stand-ins for the changes docs/PERFORMANCE.md recommends, written to
cost what the real change would cost; bench/run.py never applies them.
"""
from __future__ import annotations

import json
import sys
from contextlib import ExitStack, contextmanager
from functools import cached_property

from bench.common import build_schema, interleave, make_app, median, ms, paired_ratio, r3, scratch_dir, seed_applications
from bench.events import EngineEvent, RawCoreEvent


@contextmanager
def patched(obj, name, value):
    old = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, old)


def plain_machines():
    """registry.py: transitions.Machine instead of LockedMachine (the lock wraps every attribute access)."""
    from transitions import Machine
    from workflows import engine, registry
    plain = {name: Machine(model=None, states=list(p.states), transitions=registry._transitions(p), initial=p.initial,
                           auto_transitions=False, send_event=True, ignore_invalid_triggers=False)
             for name, p in registry.PROCEDURES.items()}
    return patched(engine, "MACHINES", plain)


def holiday_table_cached():
    """holidays.table(): no query per call; the loaded table is kept until holidays.load() runs in this process
    (stand-in: the table as it is now, returned without asking the database)."""
    from workflows import context, holidays
    table = holidays.table()
    return patched(context.holidays, "table", lambda: table)


def lazy_attachment_kinds():
    """context.EventContext: attachment_kinds as a cached_property, loaded only by guards that ask for it."""
    from workflows import context, engine

    class Lazy(context.EventContext):
        def __init__(self, app, proc, event, actor, data, comment):
            self.app, self.proc, self.event, self.actor = app, proc, event, actor
            self.data, self.comment, self.today = data, comment, context.today()
            self.fields = dict(app.fields or {})
            self.changes, self.issued, self._notes = {}, [], []

        @cached_property
        def attachment_kinds(self):
            return {a.kind for a in self.app.attachments}

    return patched(engine, "EventContext", Lazy)


HEADS: dict[int, tuple[int, str]] = {}


def fill_heads(ids) -> None:
    """What the migration would backfill into the new columns: each application's last (seq, hash)."""
    from sqlalchemy import select
    from models import AuditEntry, db
    rows = db.session.execute(select(AuditEntry.application_id, AuditEntry.seq, AuditEntry.hash)
                              .where(AuditEntry.application_id.in_(list(ids)))).all()
    for app_id, seq, digest in rows:
        if seq > HEADS.get(app_id, (0, ""))[0]:
            HEADS[app_id] = (seq, digest)
    db.session.remove()


def chain_head_on_row():
    """engine._audit: the previous (seq, hash) kept on the application row instead of read back from
    audit_entries (stand-in: a dict filled as the columns would be, so no query is made)."""
    from datetime import datetime, timezone
    from models import AuditEntry, db
    from models.audit import GENESIS
    from workflows import engine

    def _audit(app, event, from_state, actor, ctx):
        seq, prev = HEADS.get(app.id, (0, GENESIS))
        authority = actor.authority.key if getattr(actor, "authority", None) else None
        entry = AuditEntry(application_id=app.id, seq=seq + 1, event=event, from_state=from_state, to_state=app.state,
                           actor_id=actor.id, actor=actor.username, role=actor.role, authority=authority,
                           at=datetime.now(timezone.utc).replace(microsecond=0), comment=ctx.comment if ctx else "",
                           data={**(ctx.data if ctx else {}), **(ctx.changes if ctx else {})}, prev_hash=prev, hash="")
        entry.hash = entry.compute_hash()
        HEADS[app.id] = (seq + 1, entry.hash)     # the engine would set app.audit_seq, app.audit_head
        db.session.add(entry)
        return entry
    return patched(engine, "_audit", _audit)


def one_flush_unless_printing():
    """engine.fire: claim the version with an early flush only for events that issue a document (the claim
    exists so that a concurrent loser prints nothing); other events flush once, at the end."""
    from workflows import engine
    state = {"skip": False}
    real_fire, real_flush = engine.fire, engine._flush_or_conflict

    def fire(app, event_name, *args, **kwargs):
        event = engine.PROCEDURES[app.procedure].event(event_name) if isinstance(event_name, str) else None
        state["skip"] = bool(event) and not any(hasattr(e, "document_kind") for e in event.effects)
        try:
            return real_fire(app, event_name, *args, **kwargs)
        finally:
            state["skip"] = False

    def flush():
        if state["skip"]:
            state["skip"] = False
            return
        real_flush()
    stack = ExitStack()
    stack.enter_context(patched(engine, "fire", fire))
    stack.enter_context(patched(engine, "_flush_or_conflict", flush))
    return stack


def applicant_not_joined():
    """models/application.py: Application.applicant lazy="select" (the engine never reads it; pages that show the
    applicant load it with one more query), so loading a row no longer joins users, authorities and divisions."""
    from sqlalchemy.orm import lazyload
    from models import Application
    return patched(EngineEvent, "load_options", (lazyload(Application.applicant),))


FIXES = (("plain Machine instead of LockedMachine", plain_machines),
         ("holiday table without a query per event", holiday_table_cached),
         ("attachments loaded only when a guard needs them", lazy_attachment_kinds),
         ("audit chain head kept on the application row", chain_head_on_row),
         ("one flush per event unless it prints", one_flush_unless_printing),
         ("applicant not joined when the row is loaded", applicant_not_joined))


def run(rounds: int = 9, per_round: int = 40) -> list[dict]:
    out = []
    with scratch_dir("bench-whatif-") as tmp:
        app = make_app(f"sqlite:///{tmp / 'whatif.sqlite'}", tmp / "storage")
        build_schema(app)
        with app.app_context(), ExitStack() as stack:
            for label, fix in ((None, None), *FIXES):
                if fix is not None:
                    stack.enter_context(fix())
                need = (rounds + 1) * per_round
                engine_ids = seed_applications(app, need, "under_review")
                raw_ids = seed_applications(app, need, "under_review")
                engine_call, raw_call = EngineEvent(app, engine_ids), RawCoreEvent(app, raw_ids)
                fill_heads(engine_ids)
                times = interleave({"engine": engine_call, "raw": raw_call}, rounds, per_round, warmup=per_round)
                out.append({"with": label or "the engine as it is", "ratio": r3(paired_ratio(times, "engine", "raw")),
                            "engine_ms": ms(median(times["engine"])), "raw_core_ms": ms(median(times["raw"]))})
                print(json.dumps(out[-1], ensure_ascii=False), file=sys.stderr)
    return out


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=1))
