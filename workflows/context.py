"""What guards and effects see and may do (EventContext), what eligibility and lookups may ask (World), and an
application as timers, draws and presenters see it (Case)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cached_property

from flask import current_app
from sqlalchemy import select

from models import Application, ApplicationParty, AuditEntry, Authority, Document, Notification, Opinion, db
from vocabulary import AUTHORITY_KINDS
from workflows import calendar, documents, holidays, ledger, registry
from workflows.definition import Event, Procedure
from workflows.transaction import flush_or_conflict


def today() -> date:
    fixed = current_app.config.get("TODAY")
    return fixed() if callable(fixed) else (fixed or calendar.today_shanghai())


class World:
    """What a procedure's eligibility, derived values and lookups may ask of everything outside it.

    `lookup(name, *args)` asks the procedure that declares `name` in its `provides` (DOMAIN §6's
    cross-procedure questions: an enterprise's active premises, a fire filing in force at an address).
    A providing function gets a World bound to its own procedure, whose `records` and `document` reach that
    procedure's applications only; once registers exist (DOMAIN §6) the same names will read them instead."""

    def __init__(self, exclude_id: int | None = None, procedure: str | None = None, today: date | None = None):
        self.exclude_id, self.procedure, self._today = exclude_id, procedure, today

    @property
    def today(self) -> date:
        return self._today or today()

    def lookup(self, name: str, *args, **kwargs):
        """The answer of the procedure that provides `name` (registry.provider): LookupError if none does."""
        proc = registry.provider(name)
        return proc.provides[name](World(self.exclude_id, proc.name, self._today), *args, **kwargs)

    def register_entries(self, register: str, **where) -> list[dict]:
        """Entries of a register (DOMAIN §6), never another procedure's applications; this application's own excluded."""
        return ledger.entries(register, exclude_application=self.exclude_id, **where)

    def records(self, states: tuple[str, ...], credit_code: str | None = None) -> list[Case]:
        """This procedure's applications in `states` (an enterprise's, by the indexed credit code column)."""
        query = select(Application).where(
            Application.procedure == self.procedure,
            Application.state.in_(states),
            Application.id != (self.exclude_id or 0),
        )
        if credit_code is not None:
            query = query.where(Application.credit_code == credit_code)
        return [Case(a) for a in db.session.execute(query).scalars()]

    def document(self, number: str) -> Case | None:
        """The application of this procedure that document `number` was issued for, with the document's kind
        and status as `case.document` ({"kind", "status"}); None when there is no such document here."""
        found = db.session.execute(
            select(Document.kind, Document.status, Application)
            .join(Application, Application.id == Document.application_id)
            .where(Document.number == number, Application.procedure == self.procedure)
        ).first()
        if found is None:
            return None
        return Case(found[2], document={"kind": found[0], "status": found[1]})

    def setting(self, name: str, default=None):
        return current_app.config.get(name.upper(), default)

    @staticmethod
    def add_working_days(start: date, days: int) -> date:
        return calendar.add_working_days(start, days, holidays.table()).due

    def authority_setting(self, division: str | None, kind: str, name: str, default=None):
        if not division:
            return default
        settings = db.session.execute(
            select(Authority.settings).where(Authority.division_code == division, Authority.kind == kind)
        ).scalar()
        return (settings or {}).get(name, default)


def eligibility_of(proc: Procedure, fields: dict, exclude_id: int | None = None):
    return proc.eligibility(fields, World(exclude_id))


class Case:
    """An application as declared functions outside an event see it (timers, draws, presenters, lookups):
    plain values, and what it has (attachments, opinions, its inspector) read when asked."""

    def __init__(self, app: Application, document: dict | None = None):
        self._app, self.document = app, document
        self.id, self.number, self.state, self.route = app.id, app.number, app.state, app.route
        self.fields, self.outcome = dict(app.fields or {}), dict(app.outcome or {})
        self.is_late, self.draw_id = bool(app.is_late), app.draw_id
        self.deadline_due, self.submitted_on, self.decided_on = app.deadline_due, app.submitted_on, app.decided_on
        self.period_first_day, self.period_last_day = app.period_first_day, app.period_last_day

    @cached_property
    def attachment_kinds(self) -> set[str]:
        return {a.kind for a in self._app.attachments}

    @cached_property
    def inspector(self) -> str | None:
        return self._app.inspector.username if self._app.inspector is not None else None

    @cached_property
    def opinions(self) -> list[dict]:
        rows = db.session.execute(select(Opinion).where(Opinion.application_id == self.id).order_by(Opinion.id))
        return [o.as_dict() for o in rows.scalars()]


class EventContext:
    """What guards and effects see and may do; the engine applies it to the row."""

    def __init__(
        self, app: Application, proc: Procedure, event: Event, actor, data: dict, comment: str, on: date | None = None
    ):
        self.app, self.proc, self.event, self.actor = app, proc, event, actor
        # the business date of this event: today, or the date a job runs as (`jobs run --as-of`)
        self.data, self.comment, self.today = data, comment, on or today()
        self.fields = dict(app.fields or {})
        self.changes: dict = {}
        self.issued: list = []
        self._notes: list = []

    @cached_property
    def attachment_kinds(self) -> set[str]:
        """Loaded only when a guard asks (submit, resubmit): most events never look at the files."""
        return {a.kind for a in self.app.attachments}

    @property
    def world(self) -> World:
        return World(self.app.id, today=self.today)

    def eligibility(self, fields: dict | None = None):
        return self.proc.eligibility(self.fields if fields is None else fields, self.world)

    def derived(self, fields: dict | None = None) -> dict:
        return self.proc.derived(self.fields if fields is None else fields, self.world)

    def lookup(self, name: str, *args):
        return self.world.lookup(name, *args)

    @staticmethod
    def parse_date(text: str) -> date:
        return date.fromisoformat(text)

    add_working_days = staticmethod(World.add_working_days)
    chinese_date = staticmethod(documents.chinese_date)

    # effects ---------------------------------------------------------------------------------
    def set_deadline(self, days: int, start: date | None = None) -> None:
        d = calendar.add_working_days(start or self.today, days, holidays.table())
        self.app.deadline_due, self.app.deadline_provisional = d.due, d.provisional
        self.app.deadline_basis = d.as_dict()
        self.changes["deadline"] = d.as_dict()

    def extend_deadline(self, days: int) -> None:
        self.set_deadline(days, start=self.app.deadline_due or self.today)
        self.app.extensions += 1

    def clear_deadline(self) -> None:
        if self.app.deadline_due:
            self.changes["deadline"] = None
        self.app.deadline_due, self.app.deadline_provisional, self.app.deadline_basis = None, False, None

    def deadline_cn(self) -> str:
        return documents.chinese_date(self.app.deadline_due) if self.app.deadline_due else ""

    def deadline_for_document(self) -> dict:
        """The deadline as a document prints it: the date, and whether it may still move (DOMAIN §0)."""
        return {"deadline_cn": self.deadline_cn(), "deadline_provisional": bool(self.app.deadline_provisional)}

    def working_days_due(self, days: int) -> calendar.Deadline:
        return calendar.add_working_days(self.today, days, holidays.table())

    def submitted(self) -> None:
        """Fix the handling authority and the parties (departments, government) that may see it."""
        self.app.submitted_on = self.today
        division = self.proc.authority_division(self.fields)
        self.app.authority_id = authority_id(division, self.proc.authority_kind)
        self.app.route = self.eligibility().route
        wanted = {authority_id(division, kind) for kind in (self.proc.authority_kind, *self.proc.parties(self.fields))}
        have = set(
            db.session.execute(
                select(ApplicationParty.authority_id).where(ApplicationParty.application_id == self.app.id)
            ).scalars()
        )
        db.session.add_all(ApplicationParty(application_id=self.app.id, authority_id=a) for a in wanted - have - {None})

    def decide(self) -> None:
        self.app.decided_on = self.today

    def record(self, **outcome) -> None:
        self.app.outcome = {**(self.app.outcome or {}), **outcome}
        self.changes.setdefault("outcome", {}).update(outcome)

    def change_fields(self, changes: dict) -> None:
        """Merge changed fields into the application (an amendment); the audit entry keeps the old values."""
        self.changes["fields_was"] = {k: self.fields.get(k) for k in changes}
        self.fields = {k: v for k, v in {**self.fields, **changes}.items() if v is not None}
        self.app.fields = dict(self.fields)

    def last_event_data(self, event: str) -> dict | None:
        """The data of this application's latest audit entry of `event` (what an earlier step recorded)."""
        return db.session.execute(
            select(AuditEntry.data)
            .where(AuditEntry.application_id == self.app.id, AuditEntry.event == event)
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        ).scalar()

    def set_correction_items(self, items: list) -> None:
        self.app.correction_items = list(items)

    @property
    def handling(self) -> Authority:
        """The authority handling the application (a submitted one always has one)."""
        if self.app.authority is None:
            raise AssertionError(f"application {self.app.id} has no handling authority")
        return self.app.authority

    def default_facts(self) -> list[tuple[str, str]]:
        return [("申请编号", self.app.number or "")]

    def issue(self, kind: str, facts: list[tuple[str, str]], by: str | None = None, **extra) -> None:
        """Issue document `kind`, by the handling authority or by the authority of kind `by` of its division.

        First the row's UPDATE is flushed, which checks its version: of two concurrent events, the loser
        fails here (409), before it takes a number or prints anything."""
        flush_or_conflict()
        issuer = self.app.authority
        if by:
            issuer = db.session.get(Authority, authority_id(self.handling.division_code, by))
        doc, superseded = documents.issue(self.app, kind, facts, extra, self.today, issuer)
        self.issued.append(doc)
        # a pending document (a bulk action) has no file yet: the audit entry says so instead of a hash
        file = {"pending": True} if doc.pending else {"sha256": doc.sha256}
        self.changes.setdefault("documents", []).append({"kind": kind, "number": doc.number, **file})
        for number in superseded:
            self.changes.setdefault("document_status", []).append({"number": number, "status": "superseded"})

    def set_document_status(self, kind: str, status: str, reason: str) -> None:
        for number in documents.set_status(self.app, kind, status, reason):
            self.changes.setdefault("document_status", []).append({"number": number, "status": status})

    # department opinions (会签) ---------------------------------------------------------------
    @property
    def actor_kind(self) -> str | None:
        return self.actor.authority.kind if getattr(self.actor, "authority", None) else None

    def _opinions(self) -> dict[str, Opinion]:
        rows = db.session.execute(select(Opinion).where(Opinion.application_id == self.app.id)).scalars()
        return {o.department: o for o in rows}

    def opinion_given(self, department: str) -> bool:
        found = self._opinions().get(department)
        return bool(found and found.given_at)

    def request_opinions(self, departments, days: int) -> None:
        due = calendar.add_working_days(self.today, days, holidays.table())
        division = self.handling.division_code
        existing = self._opinions()
        for kind in departments:
            row = existing.get(kind) or Opinion(
                application_id=self.app.id, department=kind, authority_id=authority_id(division, kind)
            )
            row.due, row.due_provisional = due.due, due.provisional
            db.session.add(row)
        self.changes["opinions_requested"] = {"departments": list(departments), "due": due.due.isoformat()}

    def give_opinion(self, department: str, agree: bool, text: str) -> None:
        row = self._opinions()[department]
        row.agree, row.text, row.reviewer_id = agree, text, self.actor.id
        row.given_at = datetime.now(UTC)

    def opinions_for_document(self) -> list[dict]:
        return [
            {
                "department": o.authority.name if o.authority else AUTHORITY_KINDS[o.department][0],
                "agree": "同意" if o.agree else "不同意",
                "text": o.text or "",
            }
            for o in self._opinions().values()
            if o.given_at
        ]

    # periods in years (民法典 arts. 201–202) ------------------------------------------------------
    def set_period(self, years: int) -> None:
        first, last = calendar.period_end(self.today, years)
        self.app.period_first_day, self.app.period_last_day = first, last
        self.record(period_first_day=first.isoformat(), period_last_day=last.isoformat())

    def period_cn(self) -> dict:
        first, last = self.app.period_first_day, self.app.period_last_day
        return {
            "first_day_cn": documents.chinese_date(first) if first else "",
            "last_day_cn": documents.chinese_date(last) if last else "",
        }

    def notify_applicant(self, kind: str, zh: str, en: str) -> None:
        self._notes.append(
            Notification(
                user_id=self.app.applicant_id,
                application_id=self.app.id,
                kind=kind,
                message_zh=f"{self.app.number}：{zh}",
                message_en=f"{self.app.number}: {en}",
            )
        )


def authority_id(division: str | None, kind: str) -> int | None:
    if not division:
        return None
    return db.session.execute(
        select(Authority.id).where(Authority.division_code == division, Authority.kind == kind)
    ).scalar()
