"""Statistics for a scope of applications: states, decisions on time or late, working days, overdue, scores.

Which applications: those the user may see (staff: their authority's, including those where it takes
part; admin and auditor: all, or one authority's), never drafts (only applications with a
`submitted_on`), narrowed by procedure and by `submitted_on` between `from` and `to` (inclusive).

Decided = `decided_on` set and not withdrawn (a withdrawal is the applicant's act, not a decision).

On time or late: the deadline a decision had is the one **in force just before the deciding audit
entry**, found by replaying the application's audit trail: every entry whose data carries a
`deadline` key sets it (submit, accept, extend, a draw, a recount after a holiday table is loaded) or
clears it (`null`: a correction request, a decision). The deciding entry is the last one that set
`decided_on` as a decision: an event its procedure declares `decides` (in every destination, or in the
destinations it names: a submit that files at once, a passed inspection). The decision is on
time when `decided_on` <= that deadline; a decision taken with no clock running (filed or exempted
at submission) is immediate and so on time. Time waiting on the applicant never counts: a correction
clears the clock and resubmission starts a new one.

Working days to decision: `calendar.working_days_between(submitted_on, decided_on)` with the holiday
table; `submitted_on` is the last (re)submission. Open overdue: open, deadline before today, and
held by the authority (not waiting on the applicant).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from sqlalchemy import func, select

from models import Application, AuditEntry, Authority, Evaluation, db
from workflows import access, calendar, engine, holidays
from workflows.definition import Procedure, Reason
from workflows.errors import Forbidden, Invalid
from workflows.registry import PROCEDURES

VIEWERS = ("clerk", "approver", "reviewer", "inspector", "admin", "auditor")


@dataclass(frozen=True)
class Filters:
    procedure: str | None = None
    start: date | None = None  # submitted_on >= start
    end: date | None = None  # submitted_on <= end
    authority: Authority | None = None  # admin/auditor: one authority's applications

    def as_dict(self) -> dict:
        return {
            "procedure": self.procedure,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }


def parse_filters(args, user) -> Filters:
    """Filters from a query string (procedure, from, to, authority); Invalid lists every bad one."""
    ensure_viewer(user)
    problems, dates = [], {}
    procedure = args.get("procedure") or None
    if procedure and procedure not in PROCEDURES:
        names = ", ".join(PROCEDURES)
        problems.append(Reason("choice", f"procedure：须为 {names} 之一", f"procedure: one of {names}", "procedure"))
    for name in ("from", "to"):
        raw = args.get(name) or None
        try:
            dates[name] = date.fromisoformat(raw) if raw else None
            if raw and len(raw) != 10:
                raise ValueError
        except ValueError:
            problems.append(Reason("date", f"{name}：应为 YYYY-MM-DD 格式的日期", f"{name}: a date YYYY-MM-DD", name))
            dates[name] = None
    first, last = dates.get("from"), dates.get("to")
    if first is not None and last is not None and first > last:
        problems.append(Reason("range", "from 不能晚于 to", "from must not be after to", "from"))
    authority = _authority(args.get("authority") or None, problems)
    if problems:
        raise Invalid("统计条件有误", "invalid statistics filters", problems)
    if authority is not None and user.role not in ("admin", "auditor") and authority.id != user.authority_id:
        raise Forbidden("只能查看本机关的统计", "staff see their own authority's statistics only")
    return Filters(procedure, dates.get("from"), dates.get("to"), authority)


def _authority(key: str | None, problems: list) -> Authority | None:
    if key is None:
        return None
    division, _, kind = key.partition(":")
    found = db.session.execute(
        select(Authority).where(Authority.division_code == division, Authority.kind == kind)
    ).scalar()
    if found is None:
        problems.append(
            Reason(
                "unknown_authority",
                f"authority：未知机关 {key}（格式：区划代码:类别）",
                f"authority: unknown {key} (division:kind)",
                "authority",
            )
        )
    return found


def ensure_viewer(user) -> None:
    if user.role not in VIEWERS:
        raise Forbidden("只有工作人员、管理员和审计员可以查看统计", "only staff, admins and auditors see statistics")


def scope_authority(user, filters: Filters) -> Authority | None:
    """The authority whose figures these are: a staff member's own; for admin/auditor the one chosen, or None (all)."""
    return filters.authority if user.role in ("admin", "auditor") else user.authority


def _scope(user, filters: Filters):
    """SELECT Application … of the applications these statistics cover."""
    ensure_viewer(user)
    authority = scope_authority(user, filters)
    # an admin choosing an authority sees what that authority's staff would see (access.visible); without one,
    # admins count every application as auditors do (figures only: an admin reads no application itself)
    if authority is not None:
        viewer = SimpleNamespace(role="clerk", authority_id=authority.id)
    else:
        viewer = SimpleNamespace(role="auditor") if user.role in ("admin", "auditor") else user
    query = access.visible(viewer).where(Application.submitted_on.is_not(None))
    if filters.procedure:
        query = query.where(Application.procedure == filters.procedure)
    if filters.start:
        query = query.where(Application.submitted_on >= filters.start)
    if filters.end:
        query = query.where(Application.submitted_on <= filters.end)
    return query


def _ids(query):
    return query.with_only_columns(Application.id)


def compute(user, filters: Filters) -> dict:
    """The figures of API.md "Statistics" (GET /api/v1/stats), as plain data."""
    query = _scope(user, filters)
    rows = db.session.execute(
        query.with_only_columns(
            Application.id,
            Application.procedure,
            Application.state,
            Application.is_open,
            Application.deadline_due,
            Application.submitted_on,
            Application.decided_on,
        )
    ).all()
    today = engine.today()
    per_procedure, states = _counts(rows, [filters.procedure] if filters.procedure else list(PROCEDURES))
    overdue = sum(
        1
        for r in rows
        if r.is_open
        and r.deadline_due
        and r.deadline_due < today
        and PROCEDURES[r.procedure].holders.get(r.state) == "authority"
    )
    decided = [r for r in rows if r.decided_on and r.state != "withdrawn"]
    due_at_decision = _deadlines_at_decision(query, {r.id for r in decided})
    late = sum(1 for r in decided if due_at_decision.get(r.id) and r.decided_on > due_at_decision[r.id])
    table = holidays.table()
    spans = [calendar.working_days_between(r.submitted_on, r.decided_on, table) for r in decided]
    return {
        "scope": {
            "authority": _authority_dict(scope_authority(user, filters)),
            **filters.as_dict(),
            "today": today.isoformat(),
        },
        "total": len(rows),
        "states": states,
        "procedures": per_procedure,
        "decided": {
            "total": len(decided),
            "on_time": len(decided) - late,
            "late": late,
            "on_time_rate": round((len(decided) - late) / len(decided), 4) if decided else None,
        },
        "median_working_days": float(statistics.median(spans)) if spans else None,
        "open_overdue": overdue,
        "evaluations": _evaluations(query),
    }


def _counts(rows, names: list[str]) -> tuple[dict, dict]:
    """Per procedure {total, states (every state but draft, zeros included)}, and per state name over all of them."""
    totals = dict.fromkeys(names, 0)
    per_state = {n: {s: 0 for s in PROCEDURES[n].states if s != "draft"} for n in names}
    states: dict[str, int] = {}
    for r in rows:
        totals[r.procedure] += 1
        per_state[r.procedure][r.state] = per_state[r.procedure].get(r.state, 0) + 1
        states[r.state] = states.get(r.state, 0) + 1
    per_procedure = {n: {"total": totals[n], "states": per_state[n]} for n in names}
    return per_procedure, dict(sorted(states.items()))


def _authority_dict(authority: Authority | None) -> dict | None:
    return {"key": authority.key, "name": authority.name} if authority is not None else None


def is_decision(proc: Procedure, event_name: str, to_state: str) -> bool:
    """Did this audit entry set `decided_on`? (see the module docstring)"""
    event = proc.event(event_name)
    return event is not None and event.decides_in(to_state)


def deadline_at_decision(proc: Procedure, entries) -> date | None:
    """The due date in force just before the last deciding entry of one trail (oldest first); None if no clock ran."""
    in_force, at_decision = None, None
    for entry in entries:
        if is_decision(proc, entry.event, entry.to_state):
            at_decision = in_force
        if "deadline" in (entry.data or {}):
            deadline = entry.data["deadline"]
            in_force = date.fromisoformat(deadline["due"]) if deadline else None
    return at_decision


def _deadlines_at_decision(query, wanted: set[int]) -> dict[int, date | None]:
    if not wanted:
        return {}
    trail = db.session.execute(
        select(AuditEntry.application_id, Application.procedure, AuditEntry.event, AuditEntry.to_state, AuditEntry.data)
        .join(Application, Application.id == AuditEntry.application_id)
        .where(AuditEntry.application_id.in_(_ids(query).where(Application.decided_on.is_not(None))))
        .order_by(AuditEntry.application_id, AuditEntry.seq)
    ).all()
    by_app: dict[int, list] = {}
    for entry in trail:
        by_app.setdefault(entry.application_id, []).append(entry)
    return {
        app_id: deadline_at_decision(PROCEDURES[entries[0].procedure], entries)
        for app_id, entries in by_app.items()
        if app_id in wanted
    }


def _evaluations(query) -> dict:
    counts = dict(
        db.session.execute(
            select(Evaluation.score, func.count())
            .where(Evaluation.application_id.in_(_ids(query)))
            .group_by(Evaluation.score)
        ).all()
    )
    count = sum(counts.values())
    total = sum(score * n for score, n in counts.items())
    return {
        "count": count,
        "mean": round(total / count, 2) if count else None,
        "scores": {str(s): counts.get(s, 0) for s in range(1, 6)},
    }


def recent_comments(user, filters: Filters, limit: int = 10) -> list[dict]:
    """The latest evaluations with a comment, for the dashboard."""
    rows = db.session.execute(
        select(Evaluation, Application.number, Application.procedure)
        .join(Application, Application.id == Evaluation.application_id)
        .where(Evaluation.application_id.in_(_ids(_scope(user, filters))), Evaluation.comment != "")
        .order_by(Evaluation.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "number": number,
            "procedure": procedure,
            "score": ev.score,
            "comment": ev.comment,
            "created_at": ev.created_at,
        }
        for ev, number, procedure in rows
    ]


def overdue_by_procedure() -> list[tuple[tuple[str], int]]:
    """Open applications past their deadline and held by the authority, per procedure (a /metrics gauge)."""
    counts = dict.fromkeys(PROCEDURES, 0)
    try:
        rows = db.session.execute(
            select(Application.procedure, Application.state, func.count())
            .where(Application.is_open.is_(True), Application.deadline_due < engine.today())
            .group_by(Application.procedure, Application.state)
        ).all()
    except Exception:
        db.session.rollback()
        raise
    for procedure, state, n in rows:
        if procedure in PROCEDURES and PROCEDURES[procedure].holders.get(state) == "authority":
            counts[procedure] += n
    return [((procedure,), n) for procedure, n in sorted(counts.items())]
