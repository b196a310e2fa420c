"""Daily jobs: overdue flags, land-transition reminders and expiries (idempotent: safe to rerun).

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
from workflows import calendar, holidays
from workflows.registry import PROCEDURES

log = logging.getLogger(__name__)
LOCK_KEY = 0x6269616E6D696E   # "bianmin": one bigint key for `jobs run` across every app server
BUSY = "another jobs run is in progress; this one did nothing"


def _notify_once(user_id: int, app: Application, kind: str, zh: str, en: str, key: str) -> bool:
    if db.session.execute(select(Notification.id).where(Notification.dedupe_key == key)).scalar():
        return False
    db.session.add(Notification(user_id=user_id, application_id=app.id, kind=kind, message_zh=zh,
                                message_en=en, dedupe_key=key))
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
# days before a land transition period's last day when its holder is reminded: the procedure's own time limits
REMINDER_DAYS = tuple(PROCEDURES["land_transition"].time_limits["period"]["reminders_days_before"])


def _clerks(authority_id: int) -> list[int]:
    return list(db.session.execute(select(User.id).where(
        User.authority_id == authority_id, User.role == "clerk")).scalars())


def land_periods(today: date) -> tuple[int, int]:
    """Reminders 180/90/30 days before the last day (only the nearest one due), expiry the day after it."""
    from workflows import engine
    from workflows.transaction import commit
    reminders = expired = 0
    apps = db.session.execute(select(Application).where(
        Application.procedure == "land_transition", Application.state == "in_transition",
        Application.period_last_day.is_not(None))).scalars().all()
    for app in apps:
        last = app.period_last_day
        if today > last:   # the day after the last day, never earlier
            engine.fire(app, "expire", SYSTEM, {}, app.version)
            commit()
            expired += 1
            continue
        due = [n for n in REMINDER_DAYS if today >= last - timedelta(days=n)]
        if not due:
            continue
        n = min(due)
        zh = f"{app.number} 过渡期将于{last.year}年{last.month}月{last.day}日届满（还有{(last - today).days}天），请提前办理用地手续或准备恢复原用途"
        en = f"{app.number}: the transition period ends on {last.isoformat()} ({(last - today).days} days left)"
        for uid in {app.applicant_id, *_clerks(app.authority_id)}:
            reminders += _notify_once(uid, app, "reminder", zh, en, f"reminder{n}:{app.id}:{uid}")
    db.session.commit()
    return reminders, expired


def fire_supplements(today: date) -> int:
    """容缺受理: non-core documents still missing after their 5 working days → a correction request."""
    from workflows import engine
    from workflows.registry import PROCEDURES
    from workflows.transaction import commit
    proc, moved = PROCEDURES["fire_filing"], 0
    apps = db.session.execute(select(Application).where(
        Application.procedure == "fire_filing", Application.state.in_(("submitted", "filed")))).scalars().all()
    for app in apps:
        due = (app.outcome or {}).get("supplement_due")
        have = {a.kind for a in app.attachments}
        missing = [k for k in (app.outcome or {}).get("supplement_kinds", ()) if k not in have]
        if not due or not missing or today <= date.fromisoformat(due):
            continue
        items = [{"field": k, "reason": f"容缺受理的材料未在{due}前补齐"} for k in missing]
        engine.fire(app, "request_correction", SYSTEM, {"items": items}, app.version,
                    comment=f"容缺材料逾期未补：{', '.join(proc.label(k)[0] for k in missing)}")
        commit()
        moved += 1
    return moved


@contextmanager
def exclusive():
    """Yield True while this process alone runs the jobs (PostgreSQL advisory lock), False if another does."""
    if db.engine.dialect.name != "postgresql":
        yield True
        return
    with db.engine.connect() as conn:
        got = conn.execute(select(func.pg_try_advisory_lock(LOCK_KEY))).scalar()
        conn.commit()   # the lock belongs to the session, not to this transaction
        try:
            yield bool(got)
        finally:
            if got:
                try:
                    conn.execute(select(func.pg_advisory_unlock(LOCK_KEY)))
                    conn.commit()
                except Exception:   # never hand a connection still holding the lock back to the pool
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
    """Flag what is overdue or due within one working day to the clerks of the handling authority."""
    today = as_of or calendar.today_shanghai()
    reminders, expired = land_periods(today)
    supplements = fire_supplements(today)
    table = holidays.table()
    soon = calendar.add_working_days(today, 1, table).due
    open_apps = db.session.execute(select(Application).where(
        Application.is_open.is_(True), Application.deadline_due.is_not(None),
        Application.deadline_due <= soon)).scalars().all()
    staff: dict[int, list[int]] = {}
    sent = 0
    for app in open_apps:
        if PROCEDURES[app.procedure].holders.get(app.state) != "authority":
            continue
        overdue = app.deadline_due < today
        kind = "overdue" if overdue else "due_soon"
        if app.authority_id not in staff:
            staff[app.authority_id] = list(db.session.execute(select(User.id).where(
                User.authority_id == app.authority_id, User.role.in_(("clerk", "approver")))).scalars())
        due = app.deadline_due.isoformat()
        zh = f"{app.number} {'已超期' if overdue else '即将到期'}（办理期限 {due}）"
        en = f"{app.number} is {'overdue' if overdue else 'due soon'} (due {due})"
        for uid in staff[app.authority_id]:
            sent += _notify_once(uid, app, kind, zh, en, f"{kind}:{app.id}:{due}:{uid}")
    db.session.commit()
    return (f"jobs run as of {today.isoformat()}: {len(open_apps)} applications due by {soon.isoformat()}, "
            f"{sent} notifications sent; {reminders} period reminders, {expired} periods expired; "
            f"{supplements} late fast-track supplements")
