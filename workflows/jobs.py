"""Daily jobs: overdue and due-soon flags to the handling staff (idempotent per day and deadline)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import Application, Notification, User, db
from workflows import calendar, holidays
from workflows.registry import PROCEDURES


def _notify_once(user_id: int, app: Application, kind: str, zh: str, en: str, key: str) -> bool:
    if db.session.execute(select(Notification.id).where(Notification.dedupe_key == key)).scalar():
        return False
    db.session.add(Notification(user_id=user_id, application_id=app.id, kind=kind, message_zh=zh,
                                message_en=en, dedupe_key=key))
    return True


def run(as_of: date | None = None) -> str:
    """Flag what is overdue or due within one working day to the clerks of the handling authority."""
    today = as_of or calendar.today_shanghai()
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
    return f"jobs run as of {today.isoformat()}: {len(open_apps)} applications due by {soon.isoformat()}, {sent} notifications sent"
