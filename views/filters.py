"""Template filters and globals: Chinese dates, state titles, division names, deadline flags."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from workflows import calendar, engine, holidays
from workflows.documents import chinese_date
from workflows.places import division_name, street_name
from workflows.registry import PROCEDURES


def cn_date(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(calendar.SHANGHAI).date()
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value) -> str:
    if not value:
        return ""
    local = value.astimezone(calendar.SHANGHAI)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def state_title(app_or_proc, state: str | None = None, lang: str = "zh") -> str:
    if state is None:
        proc, state = PROCEDURES[app_or_proc.procedure], app_or_proc.state
    else:
        proc = PROCEDURES[app_or_proc]
    return proc.states[state][0 if lang == "zh" else 1]


def deadline_flag(app) -> str | None:
    """'overdue', 'due_soon' (within one working day) or None, for open items held by the authority."""
    if not app.deadline_due or not app.is_open:
        return None
    today = engine.today()
    if app.deadline_due < today:
        return "overdue"
    if app.deadline_due <= calendar.add_working_days(today, 1, holidays.table()).due:
        return "due_soon"
    return None


def money(value) -> str:
    """¥300,000 as 30万元 when round, else ¥ with thousands separators."""
    if value in (None, ""):
        return ""
    amount = float(value)
    if amount >= 10000 and amount % 100 == 0:
        return f"{amount / 10000:g}万元"
    return f"¥{amount:,.2f}"


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(cn_date=cn_date, cn_datetime=cn_datetime, chinese_date=chinese_date,
                                 division_name=division_name, street_name=street_name, money=money,
                                 area=lambda v: f"{float(v):g} m²" if v not in (None, "") else "")
    app.jinja_env.globals.update(state_title=state_title, deadline_flag=deadline_flag, PROCEDURES=PROCEDURES,
                                 today=engine.today)
