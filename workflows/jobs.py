"""Daily jobs: overdue flags and each procedure's declared timers (expiries, reminders, missed supplements),
idempotent: safe to rerun. Every date they compute is the as-of date (`jobs run --as-of D` runs as on D),
the events they fire included.

`run` is safe on several machines at once: on PostgreSQL it holds an advisory lock for its whole
length (a session lock on a connection of its own, since the jobs commit several times), and a run
that finds the lock taken does nothing. SQLite serialises writers anyway, so there it is a no-op.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from models import Application, Notification, User, db
from workflows import calendar, documents, engine, holidays
from workflows.context import Case
from workflows.definition import Procedure, Timer
from workflows.registry import PROCEDURES
from workflows.transaction import commit

log = logging.getLogger(__name__)
LOCK_KEY = 0x6269616E6D696E  # "bianmin": one bigint key for `jobs run` across every app server
BUSY = "another jobs run is in progress; this one did nothing"


def _notify_once(user_id: int, app: Application, kind: str, zh: str, en: str, key: str) -> bool:
    if db.session.execute(select(Notification.id).where(Notification.dedupe_key == key)).scalar():
        return False
    db.session.add(
        Notification(user_id=user_id, application_id=app.id, kind=kind, message_zh=zh, message_en=en, dedupe_key=key)
    )
    return True


@dataclass(frozen=True)
class SystemActor:
    """Who fires the events that time itself causes (expiry)."""

    id: None = None
    username: str = "system"
    role: str = "system"
    authority: None = None
    authority_id: None = None


SYSTEM = SystemActor()


def _users(authority_id: int | None, roles: tuple[str, ...]) -> list[int]:
    return list(
        db.session.execute(select(User.id).where(User.authority_id == authority_id, User.role.in_(roles))).scalars()
    )


def run_timer(proc: Procedure, timer: Timer, today: date) -> int:
    """One declared timer over the procedure's applications in its states, as on `today`: fire its event
    the day after its date, or send the nearest reminder due before it (once each). How many it acted on."""
    done = 0
    apps = (
        db.session.execute(
            select(Application)
            .where(Application.procedure == proc.name, Application.state.in_(timer.states))
            .order_by(Application.id)
        )
        .scalars()
        .all()
    )
    for app in apps:
        case = Case(app)
        on = timer.on(case)
        if on is None:
            continue
        if timer.fire:
            if today > on and timer.when(case):  # the day after the date, never earlier
                engine.fire(
                    app, timer.fire, SYSTEM, timer.data(case), app.version, comment=timer.comment(case), on=today
                )
                commit()
                done += 1
            continue
        due = [n for n in timer.remind if on - timedelta(days=n) <= today <= on]
        if not due or timer.message is None:  # (a timer that reminds has a message: Timer checks it)
            continue
        n = min(due)
        zh, en = timer.message(case, on, (on - today).days)
        users = {app.applicant_id} if "applicant" in timer.notify else set()
        users |= set(_users(app.authority_id, tuple(r for r in timer.notify if r != "applicant")))
        for uid in sorted(users):
            done += _notify_once(uid, app, timer.notice_kind, zh, en, f"{timer.notice_kind}{n}:{app.id}:{uid}")
    db.session.commit()
    return done


@contextmanager
def exclusive():
    """Yield True while this process alone runs the jobs (PostgreSQL advisory lock), False if another does."""
    if db.engine.dialect.name != "postgresql":
        yield True
        return
    with db.engine.connect() as conn:
        got = conn.execute(select(func.pg_try_advisory_lock(LOCK_KEY))).scalar()
        conn.commit()  # the lock belongs to the session, not to this transaction
        try:
            yield bool(got)
        finally:
            if got:
                try:
                    conn.execute(select(func.pg_advisory_unlock(LOCK_KEY)))
                    conn.commit()
                except Exception:  # never hand a connection still holding the lock back to the pool
                    log.exception("could not release the jobs lock; dropping its connection")
                    conn.invalidate()


def run(as_of: date | None = None) -> str:
    """Every daily job, unless another machine is running them right now."""
    with exclusive() as alone:
        if not alone:
            log.info(BUSY)
            return BUSY
        return _run(as_of)


def _run(as_of: date | None) -> str:
    """Every procedure's timers, then flag what is overdue or due within one working day to the clerks of
    the handling authority."""
    today = as_of or calendar.today_shanghai()
    counts = [f"{run_timer(proc, timer, today)} {timer.label}" for proc in PROCEDURES.values() for timer in proc.timers]
    table = holidays.table()
    soon = calendar.add_working_days(today, 1, table).due
    open_apps = (
        db.session.execute(
            select(Application).where(
                Application.is_open.is_(True), Application.deadline_due.is_not(None), Application.deadline_due <= soon
            )
        )
        .scalars()
        .all()
    )
    staff: dict[int, list[int]] = {}
    sent = 0
    for app in open_apps:
        if (
            PROCEDURES[app.procedure].holders.get(app.state) != "authority"
            or app.deadline_due is None
            or app.authority_id is None
        ):
            continue
        overdue = app.deadline_due < today
        kind = "overdue" if overdue else "due_soon"
        if app.authority_id not in staff:
            staff[app.authority_id] = _users(app.authority_id, ("clerk", "approver"))
        due = app.deadline_due.isoformat()
        zh = f"{app.number} {'已超期' if overdue else '即将到期'}（办理期限 {due}）"
        en = f"{app.number} is {'overdue' if overdue else 'due soon'} (due {due})"
        for uid in staff[app.authority_id]:
            sent += _notify_once(uid, app, kind, zh, en, f"{kind}:{app.id}:{due}:{uid}")
    db.session.commit()
    rendered = documents.sweep_pending()  # documents a lost or failed worker job left without their file
    return (
        f"jobs run as of {today.isoformat()}: {len(open_apps)} applications due by {soon.isoformat()}, "
        f"{sent} notifications sent; {', '.join(counts) or 'no timers'}"
        + (f"; {rendered} pending documents rendered" if rendered else "")
    )


def run_task(as_of: str | None = None) -> str:
    """`flask jobs run` as a background task (dates as text: tasks take plain arguments)."""
    return run(date.fromisoformat(as_of) if as_of else None)
