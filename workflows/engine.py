"""The one writer of Application.state: fires a procedure's event in one transaction, audited."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm.exc import StaleDataError
from transitions import MachineError

from models import Application, AuditEntry, db
from models.audit import chain_hash
from models.base import table_of
from models.chain import CURRENT as HASH_VERSION
from workflows import calendar, enterprises, holidays, ledger
from workflows.context import EventContext, authority_id, eligibility_of, today  # noqa: F401  (re-exported)
from workflows.definition import Event, Procedure, Reason
from workflows.errors import Conflict, Forbidden, Invalid
from workflows.registry import MACHINES, PROCEDURES
from workflows.signals import announce
from workflows.transaction import stale_is_conflict, write_or_conflict
from workflows.values import clean_data, clean_fields

log = logging.getLogger(__name__)


def role_reason(app: Application, proc: Procedure, event: Event, actor) -> Reason | None:
    """None when `actor` may fire `event` on `app` by role and place, else why not."""
    if actor.role not in event.roles:
        names = "、".join(event.roles)
        return Reason(
            "role", f"只有{names}可以执行“{event.zh}”", f"only {', '.join(event.roles)} may {event.en.lower()}"
        )
    if actor.role == "system":
        return None
    if actor.role == "applicant":
        if actor.id != app.applicant_id:
            return Reason("own_applications", "只能办理本人的申请", "applicants act only on their own applications")
        return None
    kinds = event.acting_kinds(app.fields or {})
    authority = getattr(actor, "authority", None)
    if kinds is None:
        if authority is None or actor.authority_id != app.authority_id:
            return Reason("authority", "只能办理本机关受理的申请", "staff act only inside their own authority")
    elif (
        authority is None
        or app.authority is None
        or authority.kind not in kinds
        or authority.division_code != app.authority.division_code
    ):
        return Reason("authority", "本机关不是此事项的办理部门", "your authority does not act on this step")
    return None


def check(app: Application, event_name: str, actor) -> tuple[Procedure, Event]:
    """Raise the error that firing would give before any data is looked at (422/403/409)."""
    proc = PROCEDURES[app.procedure]
    event = proc.event(event_name) if isinstance(event_name, str) else None
    if event is None:
        names = ", ".join(e.name for e in proc.events)
        raise Invalid(
            f"未知事件：{event_name}（可用：{names}）",
            f"unknown event: {event_name} (known: {names})",
            [Reason("unknown_event", f"未知事件：{event_name}", f"unknown event: {event_name}", "event")],
            code="unknown_event",
        )
    reason = role_reason(app, proc, event, actor)
    if reason:
        raise Forbidden("无权执行此操作", "not allowed", [reason], code="forbidden")
    return proc, event


def allowed_now(app: Application) -> set[str]:
    """The events the procedure's machine allows from the application's state."""
    return set(MACHINES[app.procedure].get_triggers(app.state))


def available_events(app: Application, actor) -> list[tuple[Event, list[Reason]]]:
    """Events the machine allows from the current state whose role fits this actor, each with the guard
    reasons that block it now."""
    proc = PROCEDURES[app.procedure]
    allowed = allowed_now(app)
    out = []
    for event in proc.events:
        if event.internal or event.name not in allowed or role_reason(app, proc, event, actor):
            continue
        ctx = EventContext(app, proc, event, actor, {}, "")
        out.append((event, _guard_reasons(event, ctx)))
    return out


def _guard_reasons(event: Event, ctx: EventContext) -> list[Reason]:
    reasons: list[Reason] = []
    for guard in event.guards:
        result = guard(ctx)
        if isinstance(result, Reason):
            reasons.append(result)
        elif result:
            reasons.extend(result)
    return reasons


class _Carrier:
    """What the shared machine moves: a throwaway holder of the state, never the ORM row."""

    def __init__(self, state: str):
        self.state = state


class Firing:
    """One firing's checks, run by the machine (registry._prepare) once it has allowed the event from the
    current state and before it picks a branch: comment, data, guards; then `ctx` is what the branches see."""

    def __init__(self, app, proc: Procedure, event: Event, actor, data, comment, on: date | None):
        self.app, self.proc, self.event, self.actor = app, proc, event, actor
        self.data, self.comment, self.on = data, comment, on
        self.ctx: EventContext | None = None
        self.branch = None

    def takes(self, branch) -> bool:
        """A branch's condition, for the machine: the branch is remembered when it is the one taken."""
        if branch.when(self.ctx):
            self.branch = branch
            return True
        return False

    def prepare(self) -> None:
        proc, event, comment = self.proc, self.event, self.comment
        if comment is not None and (not isinstance(comment, str) or "\x00" in comment):
            raise Invalid(
                "comment 应为文本",
                "comment must be a string (without NUL characters)",
                [Reason("type", "comment：应为文本", "comment: must be a string", "comment")],
            )
        clean, problems = clean_data(event.schema, self.data, proc)
        if event.comment_required and not (comment or "").strip():
            problems.append(
                Reason(
                    "required",
                    f"审批意见（comment）：必填，“{event.zh}”须附审批意见",
                    f"comment: required, the opinion (审批意见) that “{event.en.lower()}” always carries",
                    "comment",
                )
            )
        if problems:
            raise Invalid("事件数据不完整或有误", "event data invalid", problems)
        ctx = EventContext(self.app, proc, event, self.actor, clean, (comment or "").strip()[:2000], self.on)
        reasons = _guard_reasons(event, ctx)
        if any(r.status == 403 for r in reasons):
            raise Forbidden(f"无权执行“{event.zh}”", f"not allowed to {event.en.lower()}", reasons)
        if any(r.status == 409 for r in reasons):
            raise Conflict(f"不能执行“{event.zh}”", f"cannot {event.en.lower()}", reasons, code="conflict")
        if reasons:
            raise Invalid(f"不能执行“{event.zh}”", f"cannot {event.en.lower()}", reasons, code="guard_failed")
        self.ctx = ctx


def fire(
    app: Application,
    event_name: str,
    actor,
    data=None,
    version=None,
    comment: str = "",
    internal: bool = False,
    on: date | None = None,
) -> Application:
    """Fire one event: checks, the machine (state, then data and guards, then its branch), effects, audit.
    Flushes; the caller commits. `on` is the business date it happens on (a job's --as-of), default today.

    `internal` events (a draw's per-application step) can only be fired by their batch operation.
    """
    proc, event = check(app, event_name, actor)
    if event.internal and not internal:
        raise Forbidden(
            f"“{event.zh}”只能通过批量操作执行", f"{event.name} is fired only by its batch operation", code="batch_only"
        )
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid(
            "version 必须是整数",
            "version must be an integer",
            [Reason("required", "version：必填整数", "version: required integer", "version")],
        )
    if version != app.version:
        raise Conflict(
            f"申请已被他人修改（当前版本 {app.version}），请刷新后重试",
            f"stale version: the application is now at version {app.version}; reload and retry",
            code="stale_version",
        )
    from_state = app.state
    firing, carrier = Firing(app, proc, event, actor, data, comment, on), _Carrier(app.state)
    # the shared machine's event, triggered on the carrier without add_model: nothing is bound to the
    # machine, so concurrent calls share nothing but the (read-only) transition table
    try:
        moved = MACHINES[proc.name].events[event.name].trigger(carrier, firing=firing)
    except MachineError:
        raise Conflict(
            f"当前状态“{proc.states[app.state][0]}”下不能执行“{event.zh}”",
            f"event {event.name} is not allowed in state {app.state}",
            code="invalid_state",
        ) from None
    if not moved:  # every declared branch list ends with an unconditional one
        raise AssertionError(f"{proc.name}.{event.name}: no branch taken from {app.state}")
    ctx = firing.ctx
    assert ctx is not None  # the machine's prepare callback made it before the branch was taken
    app.state = carrier.state
    app.is_open = proc.holders.get(app.state) is not None
    app.version += 1
    app.updated_at = datetime.now(UTC)
    if event.decides_in(app.state):
        ctx.decide()
    # One flush at the end writes the row (its UPDATE checks the version) with the audit entry. An event
    # that issues a document claims the version before, in EventContext.issue, so that a concurrent loser
    # fails before it numbers or prints anything; an effect's query may also autoflush the UPDATE early,
    # hence the whole block turns a lost race into 409.
    with stale_is_conflict():
        for effect in (*event.effects, *(firing.branch.effects if firing.branch else ())):
            effect(ctx)
        ledger.record(ctx)  # what the event declares for its register entry (DOMAIN §6), kept in its audit entry
        entry = _audit(app, event.name, from_state, actor, ctx)
        db.session.add_all(ctx._notes)
        _flush_or_conflict(app)
    _record(entry)
    log.info("event %s on %s: %s -> %s by %s", event.name, app.number, from_state, app.state, actor.username)
    return app


def _flush_or_conflict(app: Application) -> None:
    """The event's final write: the row's UPDATE, then anything else (its own name so that
    tests/reliability/test_faults.py can strike right after it)."""
    write_or_conflict(app)


def _audit(app: Application, event: str, from_state: str | None, actor, ctx: EventContext | None) -> dict:
    """The next entry of `app`'s hash chain (its column values), chained to the head kept on the row; moves
    the head. `_record` writes it once the flush has written the row."""
    entry = {
        "application_id": app.id,
        "seq": app.audit_seq + 1,
        "event": event,
        "from_state": from_state,
        "to_state": app.state,
        "actor_id": actor.id,
        "actor": actor.username,
        "role": actor.role,
        "authority": actor.authority.key if getattr(actor, "authority", None) else None,
        "at": datetime.now(UTC).replace(microsecond=0),
        "comment": ctx.comment if ctx else "",
        "data": {**(ctx.data if ctx else {}), **(ctx.changes if ctx else {})},
        "prev_hash": app.audit_head,
        "hash_version": HASH_VERSION,
    }
    entry["hash"] = chain_hash(entry)
    app.audit_seq, app.audit_head = entry["seq"], entry["hash"]
    announce(db.session(), app.procedure, event, app.id)
    return entry


def _record(*entries: dict) -> None:
    """INSERT audit entries after the flush that wrote their rows' UPDATE: that UPDATE checks the version, so
    of two concurrent events the loser stops at the row's lock and fails there (409), never at a duplicate
    `seq`. One Core statement: an append-only row needs none of the unit of work's bookkeeping."""
    db.session.connection().execute(insert(table_of(AuditEntry)), list(entries))


def create(procedure_name: str, applicant, fields) -> Application:
    """A new draft; only malformed values fail here, never eligibility."""
    proc = PROCEDURES[procedure_name]
    clean, problems = clean_fields(proc, fields if fields is not None else {})
    if problems:
        raise Invalid("申请信息有误", "invalid fields", problems)
    app = Application(
        procedure=proc.name,
        state=proc.initial,
        fields=clean,
        applicant_id=applicant.id,
        applicant=applicant,
        is_open=True,
    )
    app.authority_id = authority_id(proc.authority_division(clean), proc.authority_kind)
    db.session.add(app)
    db.session.flush()
    app.number = f"{proc.number_prefix}{today().year}{app.id:07d}"
    enterprises.noted(app, applicant, proc.register)  # the enterprise's record and the applicant's link to it
    entry = _audit(app, "create", None, applicant, None)
    db.session.flush()
    _record(entry)
    return app


def update_fields(app: Application, actor, fields, version=None) -> Application:
    """Merge fields into a draft or an application awaiting correction (its applicant only)."""
    proc = PROCEDURES[app.procedure]
    if actor.id != app.applicant_id:
        raise Forbidden("只有申请人可以修改申请", "only the applicant may edit the application")
    if app.state not in proc.editable:
        raise Conflict(
            f"当前状态“{proc.states[app.state][0]}”下不能修改",
            f"cannot edit in state {app.state}",
            code="invalid_state",
        )
    if version is not None and version != app.version:
        raise Conflict("申请已被修改，请刷新后重试", "stale version; reload and retry", code="stale_version")
    clean, problems = clean_fields(proc, fields)
    if problems:
        raise Invalid("申请信息有误", "invalid fields", problems)
    merged = {k: v for k, v in {**(app.fields or {}), **clean}.items() if v is not None}
    named = app.credit_code
    app.fields = merged
    if app.credit_code != named:
        enterprises.noted(app, actor, proc.register)
    if app.state == "draft":
        app.authority_id = authority_id(proc.authority_division(merged), proc.authority_kind)
    app.updated_at = datetime.now(UTC)
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(
            "申请已被同时修改，请刷新后重试", "changed at the same time; reload and retry", code="stale_version"
        ) from None
    return app


def recompute_provisional_deadlines(actor) -> int:
    """After a holiday table is loaded: provisional deadlines counted again from their recorded basis, audited."""
    table, entries = holidays.table(), []
    apps = (
        db.session.execute(
            select(Application).where(
                Application.deadline_provisional.is_(True), Application.deadline_basis.is_not(None)
            )
        )
        .scalars()
        .all()
    )
    for app in apps:
        basis = app.deadline_basis or {}  # the query asks for rows that have one
        d = calendar.add_working_days(date.fromisoformat(basis["start"]), basis["days"], table)
        if (d.due, d.provisional) == (app.deadline_due, app.deadline_provisional):
            continue
        app.deadline_due, app.deadline_provisional, app.deadline_basis = d.due, d.provisional, d.as_dict()
        app.version += 1
        ctx = type(
            "Recount",
            (),
            {
                "comment": "节假日安排已发布，重新计算期限 holiday table loaded",
                "data": {},
                "changes": {"deadline": d.as_dict(), "was": basis},
            },
        )()
        entries.append(_audit(app, "recompute_deadline", app.state, actor, ctx))
    db.session.flush()
    if entries:
        _record(*entries)
    return len(entries)
