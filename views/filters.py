"""Template filters and globals: dates, money and areas in the page's language, state titles, deadline flags."""

from __future__ import annotations

from datetime import UTC, date, datetime

from babel.dates import format_date
from flask import Flask

from infra.i18n import lang
from vocabulary import (
    AUTHORITY_KINDS,
    DIVISIONS,
    authority_name,
    authority_name_en,
    division_name,
    division_name_en,
    street_name,
)
from workflows import calendar, corrections, engine, figures, holidays
from workflows import progress as progress_of
from workflows.documents import chinese_date
from workflows.registry import PROCEDURES


def local_date(value) -> str:
    """A date (or a stored time, in Shanghai) as 2026年11月29日, or 29 Nov 2026 in English."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = _aware(value).astimezone(calendar.SHANGHAI).date()
    if lang() == "en":
        return format_date(value, "d MMM y", locale="en")
    return f"{value.year}年{value.month}月{value.day}日"


cn_date = local_date  # the templates' historical name


def _aware(value: datetime) -> datetime:
    """Stored times are UTC; SQLite hands them back without a zone."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def iso_time(value) -> str:
    return _aware(value).astimezone(calendar.SHANGHAI).isoformat() if value else ""


def local_datetime(value) -> str:
    """A stored time (or an ISO string, as public views give it) in Shanghai time: 2026年11月29日 14:05."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    local = _aware(value).astimezone(calendar.SHANGHAI)
    return f"{local_date(local.date())}{', ' if lang() == 'en' else ' '}{local:%H:%M}"


cn_datetime = local_datetime


def state_title(app_or_proc, state: str | None = None, lang: str | None = None) -> str:
    """A state's title in `lang` ('zh' or 'en'), by default the page's."""
    if state is None:
        proc, state = PROCEDURES[app_or_proc.procedure], app_or_proc.state
    else:
        proc = PROCEDURES[app_or_proc]
    return proc.states[state][0 if (lang or _page_lang()) == "zh" else 1]


def due_flag(due: date | None) -> str | None:
    """'overdue', 'due_soon' (within one working day) or None for a due date still to be met."""
    if not due:
        return None
    today = engine.today()
    if due < today:
        return "overdue"
    if due <= calendar.add_working_days(today, 1, holidays.table()).due:
        return "due_soon"
    return None


def deadline_flag(app) -> str | None:
    """The flag of an open application's deadline (closed ones have none)."""
    return due_flag(app.deadline_due) if app.is_open else None


ROLE_TITLES = {
    "applicant": ("申请人", "applicant"),
    "clerk": ("经办人", "clerk"),
    "approver": ("负责人", "approver"),
    "reviewer": ("审查人", "reviewer"),
    "inspector": ("检查人员", "inspector"),
    "admin": ("管理员", "admin"),
    "auditor": ("审计员", "auditor"),
    "system": ("系统", "system"),
}


def authority_label(key: str | None) -> str:
    """An authority key as stored in the audit trail ("230102:market_regulation") by name, in the page's language."""
    division, _, kind = (key or "").partition(":")
    if kind not in AUTHORITY_KINDS:
        return key or ""
    return authority_name_en(division, kind) if lang() == "en" else authority_name(division, kind)


def authority_title(authority) -> str:
    """An authority (a row, or a dict with its "key") by name, in the page's language."""
    return authority_label(authority["key"] if isinstance(authority, dict) else authority.key)


def role_at(role: str | None, authority=None) -> str:
    """ "clerk · Daoli District Market Regulation Bureau, Harbin": a role, and where (a key, a row or none)."""
    where = (
        authority_label(authority) if isinstance(authority, str) else authority_title(authority) if authority else ""
    )
    return f"{role_title(role)} · {where}" if where else role_title(role)


def division_title(code: str | None) -> str:
    """A division code by name, in the page's language."""
    return division_name_en(code) if lang() == "en" else division_name(code)


def role_title(role: str | None, lang: str | None = None) -> str:
    return ROLE_TITLES.get(role or "", (role or "", role or ""))[0 if (lang or _page_lang()) == "zh" else 1]


_page_lang = lang  # the parameters named `lang` above shadow it


_MAIN_PATHS: dict[str, tuple[str, ...]] = {}


def main_path(proc) -> tuple[str, ...]:
    """The procedure's usual road, read from its definition: the longest run of steps from the
    initial state that does not go back through the applicant, ending at the first decided state."""

    def walk(state: str, seen: frozenset) -> tuple[str, ...]:
        if state != proc.initial and proc.holders.get(state) is None:
            return (state,)
        best = (state,)
        for event in proc.events:
            if state in event.sources and (state == proc.initial or "applicant" not in event.roles):
                for dest in (d for d in event.dests_from(state) if d not in seen):
                    path = (state, *walk(dest, seen | {dest}))
                    best = path if len(path) > len(best) else best
        return best

    if proc.name not in _MAIN_PATHS:
        _MAIN_PATHS[proc.name] = walk(proc.initial, frozenset({proc.initial}))
    return _MAIN_PATHS[proc.name]


def progress(app, visited=()) -> tuple[list[dict], tuple[str, str] | None]:
    """Steps of the main path (done/current/todo), and the side state's title when off the path. Once no one
    holds the application (decided, concluded), the bar is complete: the steps it went through, then the state it
    ended in (a filing closed by the draw: 草稿 ✓ 已提交 ✓ 已备案 ✓ 未抽中 ✓, not 3 of 5)."""
    proc = PROCEDURES[app.procedure]
    path = main_path(proc)
    on_path = app.state in path
    reached = path.index(app.state) if on_path else max((path.index(s) for s in visited if s in path), default=0)

    def step(s: str, status: str) -> dict:
        return {"state": s, "zh": proc.states[s][0], "en": proc.states[s][1], "status": status}

    if app.state != proc.initial and proc.holders.get(app.state) is None:
        ended = [s for s in path[: reached + 1] if not visited or s in visited or s == app.state]
        if not on_path:
            ended.append(app.state)
        return [step(s, "done") for s in ended], None
    steps = [
        step(s, "done" if i < reached or (i == reached and not on_path) else "current" if i == reached else "todo")
        for i, s in enumerate(path)
    ]
    return steps, None if on_path else proc.states[app.state]


def next_step_of(app):
    """The next step as the public lookup and the API say it (workflows/progress.py: one source)."""
    return progress_of.next_step(PROCEDURES[app.procedure], app.state, app.authority, app.fields)


def money(value) -> str:
    """Yuan: in Chinese a large round amount in 万元 (300000 → 30万元), else ¥300,000.00 in either language."""
    if value in (None, ""):
        return ""
    amount = float(value)
    if lang() == "zh" and amount >= 10000 and amount % 100 == 0:
        return f"{amount / 10000:g}万元"
    return f"¥{amount:,.2f}"


def area(value) -> str:
    """Square metres: 300平方米 in Chinese, 300 m² in English."""
    if value in (None, ""):
        return ""
    number = f"{float(value):,.2f}".rstrip("0").rstrip(".")
    return f"{number}{'平方米' if lang() == 'zh' else ' m²'}"


def file_size(size: int | None) -> str:
    """45 字节 / 45 bytes, then KiB and MiB with one decimal (the upload limit is given in MiB too)."""
    size = size or 0
    if size < 1024:
        return f"{size} 字节" if lang() == "zh" else f"{size} byte{'' if size == 1 else 's'}"
    for unit in ("KiB", "MiB", "GiB"):
        size /= 1024
        if size < 1024 or unit == "GiB":
            return f"{size:.1f} {unit}"


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(
        cn_date=local_date,
        cn_datetime=local_datetime,
        local_date=local_date,
        local_datetime=local_datetime,
        chinese_date=chinese_date,
        division_name=division_title,
        street_name=street_name,
        money=money,
        authority_label=authority_label,
        authority_title=authority_title,
        file_size=file_size,
        iso_time=iso_time,
        area=area,
        number_text=figures.number,
    )
    app.jinja_env.globals.update(
        state_title=state_title,
        deadline_flag=deadline_flag,
        PROCEDURES=PROCEDURES,
        today=engine.today,
        progress=progress,
        due_flag=due_flag,
        role_title=role_title,
        role_at=role_at,
        DIVISIONS=DIVISIONS,
        HOW=corrections.HOW,
        next_step_of=next_step_of,
    )
