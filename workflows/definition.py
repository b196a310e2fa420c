"""The vocabulary a procedure is written in: states, events, fields, attachments, timers, lookups, documents.

Everything that differs between procedures is declared here, so that the engine, the pages, the API, the
jobs, the statistics and the documents read it instead of naming a procedure (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# a procedure's time limits by name: {"days"|"years": n, "unit": …, "from": event, "basis": law, …}
TimeLimits = dict[str, dict[str, Any]]

SAME = "="  # an event's destination that is the state it fired from (transitions' reflexive transition)


# the states in which an applicant edits fields and attachments, unless a procedure declares others
EDITABLE = ("draft", "correction_required")


@dataclass(frozen=True)
class Text:
    """A text of a procedure's service guide, in Chinese and in English."""

    zh: str
    en: str


@dataclass(frozen=True)
class Reason:
    """Why something is refused: a rule name, the sentence in Chinese and English, and what it names."""

    rule: str
    zh: str
    en: str
    field: str | None = None
    status: int | None = None  # 409 when the refusal is about the state of things, not the input

    def as_dict(self) -> dict:
        return {"field": self.field, "rule": self.rule, "message": self.zh, "message_en": self.en}


@dataclass(frozen=True)
class Field:
    """One input of an application.

    type: text | textarea | bool | choice | multichoice (a list of choices, checkboxes) | division |
    credit_code | int | decimal | date | group (a repeatable row of `columns`, a list of objects)."""

    name: str
    type: str
    zh: str
    en: str
    required: bool = True
    choices: tuple[tuple[str, str, str], ...] | None = None  # (value, zh, en)
    max_length: int = 200
    help: Text | None = None  # a hint under the input
    minimum: float | None = None  # int, decimal: the smallest value allowed (default 0)
    suggestions: tuple[str, ...] = ()  # text: values offered while typing (a datalist)
    columns: tuple[Field, ...] = ()  # group: the fields of one row
    max_rows: int = 50  # group: at most this many rows
    blank_rows: int = 2  # group: empty rows a page offers beyond the filled ones (no JavaScript)

    def column(self, name: str) -> Field | None:
        return next((c for c in self.columns if c.name == name), None)

    def as_dict(self) -> dict:
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "title": {"zh": self.zh, "en": self.en},
        }
        if self.choices:
            out["choices"] = [c[0] for c in self.choices]
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.columns:
            out["fields"] = [c.as_dict() for c in self.columns]
        return out


@dataclass(frozen=True)
class AttachmentSpec:
    """One material: the submit guard, the applicant's page and the API's listing all read this."""

    kind: str
    zh: str
    en: str
    required: bool = True  # always required
    # or required when the fields (with the procedure's derived values, which may come from lookups) say so
    required_when: Callable[[dict], bool] | None = None
    condition: Text | None = None  # required_when in words, for the page, the guide and the API
    depends_on: tuple[str, ...] = ()  # the fields required_when reads: while one is empty, "if applicable"
    multiple: bool = False  # several files (pages) make up the material

    def needed(self, fields: dict) -> bool:
        return self.required or bool(self.required_when and self.required_when(fields))

    def as_dict(self) -> dict:
        out = {
            "kind": self.kind,
            "title": {"zh": self.zh, "en": self.en},
            "required": self.required,
            "multiple": self.multiple,
        }
        if self.condition:
            out["condition"] = {"zh": self.condition.zh, "en": self.condition.en}
        return out


@dataclass(frozen=True)
class DataField:
    """One key of an event's data: type str (non-empty), bool, int, items (correction list), division, date,
    or fields (a part of the application's fields, checked like them: `names` says which may change)."""

    type: str
    required: bool = True
    zh: str = ""
    en: str = ""
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Branch:
    """A conditional destination: the first branch whose `when(ctx)` holds is taken, and its own effects run
    after the event's."""

    dest: str
    when: Callable[[Any], bool]
    effects: tuple[Callable[[Any], None], ...] = ()


@dataclass(frozen=True)
class Event:
    name: str
    sources: tuple[str, ...]
    dest: str | tuple[Branch, ...]  # a state, SAME (the source itself), or branches
    roles: tuple[str, ...]
    zh: str
    en: str
    guards: tuple[Callable[[Any], Any], ...] = ()
    effects: tuple[Callable[[Any], None], ...] = ()
    schema: dict[str, DataField] = field(default_factory=dict)
    bulk: bool = False  # may be fired on several applications at once from the inbox
    # which authority kinds of the application's division act: None = the handling authority only;
    # a tuple, or a function of the fields (e.g. the departments whose opinion is required)
    acting: tuple[str, ...] | Callable[[dict], tuple[str, ...]] | None = None
    internal: bool = False  # fired only by a batch operation (a draw), never one by one
    # a decision (sets decided_on; statistics time it): True, or the destinations where it is one
    decides: bool | tuple[str, ...] = False
    # a decision that creates or ends a right (DOMAIN §0): the person deciding confirms it, with an opinion text
    # (审批意见, the event's comment) that the audit entry keeps: "optional", or "required" (a government's approval)
    opinion: str | None = None
    declares: bool = False  # firing it is the applicant's declaration (承诺): the page asks for the tick

    @property
    def comment_required(self) -> bool:
        return self.opinion == "required"

    def acting_kinds(self, fields: dict) -> tuple[str, ...] | None:
        return self.acting(fields) if callable(self.acting) else self.acting

    def decides_in(self, state: str) -> bool:
        return self.decides is True or (isinstance(self.decides, tuple) and state in self.decides)

    @property
    def dests(self) -> tuple[str, ...]:
        """Every state it may lead to (SAME: each of its sources)."""
        if self.dest == SAME:
            return self.sources
        return (self.dest,) if isinstance(self.dest, str) else tuple(b.dest for b in self.dest)

    def dests_from(self, source: str) -> tuple[str, ...]:
        return (source,) if self.dest == SAME else self.dests

    def as_dict(self) -> dict:
        dest = self.dest if isinstance(self.dest, str) and self.dest != SAME else list(self.dests)
        out: dict[str, Any] = {
            "name": self.name,
            "sources": list(self.sources),
            "dest": dest,
            "roles": list(self.roles),
            "title": {"zh": self.zh, "en": self.en},
            "data": {k: {"type": v.type, "required": v.required} for k, v in self.schema.items()},
        }
        if self.dest == SAME:
            out["same_state"] = True
        if self.opinion:
            out["comment"] = {"required": self.comment_required, "title": {"zh": "审批意见", "en": "opinion"}}
        return out


@dataclass(frozen=True)
class Holder:
    """Whose application it is, as documents, lists and summaries show it: the fields with the holder's name
    and credit code, and the field that tells one of its applications from another (a premise, a site)."""

    name: str
    code: str = "credit_code"
    place: str | None = None
    fallback: str | None = None  # the name field used when `name` is empty (a filing without a separate builder)
    subject: str | None = None  # the field naming what the application concerns, where not the holder (a facility)

    def of(self, fields: dict) -> tuple[str, str]:
        return fields.get(self.name) or (self.fallback and fields.get(self.fallback)) or "", fields.get(self.code) or ""

    def party(self, fields: dict) -> str:
        """The holder's own name as the applicant gave it (no fallback): who applies, for lists."""
        return fields.get(self.name) or ""

    def subject_of(self, fields: dict) -> str:
        return (self.subject and fields.get(self.subject)) or self.of(fields)[0]

    def caption(self, fields: dict) -> str:
        return (self.place and fields.get(self.place)) or self.of(fields)[0]


@dataclass(frozen=True)
class Timer:
    """What time itself does to an application in one of `states`, on the date `on(case)` gives.

    With `fire`, the system fires that event the day after the date (an expiry, a missed supplement), when
    `when(case)` holds, with `data(case)` and `comment(case)`. With `remind`, the holder and the handling
    authority's clerks are told that many days before the date (only the nearest due reminder, once each):
    `message(case, on, days_left)` gives the (zh, en) text. `label` names the count in `jobs run`'s summary."""

    name: str
    states: tuple[str, ...]
    on: Callable[[Any], date | None]
    label: str
    fire: str | None = None
    when: Callable[[Any], bool] = lambda case: True
    data: Callable[[Any], dict] = lambda case: {}
    comment: Callable[[Any], str] = lambda case: ""
    remind: tuple[int, ...] = ()
    message: Callable[[Any, date, int], tuple[str, str]] | None = None
    notify: tuple[str, ...] = ("applicant", "clerk")
    notice_kind: str = "reminder"  # the notification's kind, and its dedupe key's prefix

    def __post_init__(self) -> None:
        if self.remind and self.message is None:
            raise ValueError(f"timer {self.name}: reminders need a message")


@dataclass(frozen=True)
class DrawCategory:
    """A class of candidates of a spot-check draw with its default ratio; `always` ones are always selected."""

    name: str
    zh: str
    en: str
    ratio: float
    always: bool = False


@dataclass(frozen=True)
class DrawRule:
    """双随机、一公开: a reproducible draw over the handling authority's applications in `state`, fired as the
    batch `event` (data: selected, draw_id, inspector_id) by a `role` of that authority; inspectors come from
    the authority's `pool_role`. `category(case)` names each candidate's category (the first that applies)."""

    event: str
    state: str
    categories: tuple[DrawCategory, ...]
    category: Callable[[Any], str]
    title: Text
    who: Text  # who runs it, for the refusal of anyone else ("住房和城乡建设部门的窗口人员")
    role: str = "clerk"
    pool_role: str = "inspector"

    @property
    def ratios(self) -> dict[str, float]:
        return {c.name: c.ratio for c in self.categories}


@dataclass(frozen=True)
class DocumentKind:
    """A document a procedure issues: its titles, the code in its number (哈道市监 + 经登 + 字〔2026〕…), and its
    template `pdf/templates/<template or name>.html`; `sample` is a snapshot for the staff preview page."""

    name: str
    zh: str
    en: str
    code: str
    template: str | None = None
    sample: dict | None = None

    def as_meta(self) -> dict:
        return {
            "title_zh": self.zh,
            "title_en": self.en,
            "code": self.code,
            "template": f"{self.template or self.name}.html",
            "sample": self.sample,
        }


@dataclass(frozen=True)
class AuthoritySetting:
    """A setting an authority of `kind` chooses for a procedure (the admin page and API set it)."""

    name: str
    kind: str
    choices: dict[str, tuple[str, str]]  # value -> (zh, en)
    default: str
    zh: str = ""
    en: str = ""


@dataclass(frozen=True)
class DemoCase:
    """A demo application for `flask seed-demo`: its owner, fields, attachments (kinds, or (kind, file name)),
    and the events that bring it to its state, each (event, username, data) or (event, username, data, opinion)."""

    owner: str
    fields: dict
    attachments: tuple[str | tuple[str, str], ...]
    path: tuple[tuple, ...] = ()


@dataclass(frozen=True)
class Procedure:
    name: str
    zh: str
    en: str
    authority_kind: str  # who handles it
    states: dict[str, tuple[str, str]]  # name -> (zh, en), in display order
    initial: str
    holders: Mapping[str, str | None]  # state -> "applicant" | "authority" | None (decided/closed)
    events: tuple[Event, ...]
    fields: tuple[Field, ...]
    attachments: tuple[AttachmentSpec, ...]
    time_limits: dict[str, Any]
    eligibility: Callable[[dict, Any], Eligibility]
    authority_division: Callable[[dict], str | None]  # which division's authority handles it
    holder: Holder
    guide: dict[str, Any] = field(
        default_factory=dict
    )  # the 办事指南: basis, conditions, time_limits (Text lists), where, fee (Text)
    number_prefix: str = "BM"
    order: int = 100  # where it is listed among the procedures (pages, API)
    # authority kinds of the same division that take part (give opinions, approve): they see the application
    parties: Callable[[dict], tuple[str, ...]] = lambda fields: ()
    # values computed from the fields, settings and lookups (route, mode) that attachments and guards depend on
    derived: Callable[[dict, Any], dict] = lambda fields, world: {}
    editable: tuple[str, ...] = EDITABLE  # where the applicant may change the fields
    routes: dict[str, Text] = field(default_factory=dict)  # how each route eligibility names is shown
    timers: tuple[Timer, ...] = ()
    draw: DrawRule | None = None
    documents: tuple[DocumentKind, ...] = ()
    # what the application object (API, pages) adds for this procedure: present(case) -> extra keys
    present: Callable[[Any], dict] = lambda case: {}
    # questions other procedures may ask (world.lookup(name, *args)): name -> answer(world, *args), where
    # world.records / world.document reach this procedure's own applications (later: its register, DOMAIN §6)
    provides: dict[str, Callable[..., Any]] = field(default_factory=dict)
    settings: tuple[AuthoritySetting, ...] = ()
    demo: tuple[DemoCase, ...] = ()
    # staff its demo cases need beyond cli/demo.py's: (username, role, "division:kind", display name)
    demo_staff: tuple[tuple[str, str, str, str], ...] = ()
    # what its decisions put in force (DOMAIN §6): a workflows.registers.Register, applied by the engine
    register: Any = None
    # the 承诺 the applicant makes by submitting (DOMAIN §0), kept in the audit entry; None: common.DECLARATION.
    # Per route, what a promise route adds (the commitment's content): route -> Text
    declaration: Text | None = None
    route_declarations: dict[str, Text] = field(default_factory=dict)

    def event(self, name: str) -> Event | None:
        return next((e for e in self.events if e.name == name), None)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def attachment(self, kind: str) -> AttachmentSpec | None:
        return next((a for a in self.attachments if a.kind == kind), None)

    @property
    def final_states(self) -> tuple[str, ...]:
        return tuple(s for s in self.states if not any(s in e.sources for e in self.events))

    def label(self, name: str) -> tuple[str, str]:
        """zh/en title of a field or attachment kind, for correction items and documents."""
        f = self.field(name)
        if f:
            return f.zh, f.en
        a = self.attachment(name)
        return (a.zh, a.en) if a else (name, name)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "title": {"zh": self.zh, "en": self.en},
            "states": list(self.states),
            "state_titles": {k: {"zh": v[0], "en": v[1]} for k, v in self.states.items()},
            "final_states": list(self.final_states),
            "events": [e.as_dict() for e in self.events],
            "fields": [f.as_dict() for f in self.fields],
            "required_attachments": [a.as_dict() for a in self.attachments],
            "time_limits": self.time_limits,
        }


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    route: str | None
    reasons: tuple[Reason, ...] = ()

    def as_dict(self, lang: str = "zh") -> dict:
        return {
            "eligible": self.eligible,
            "route": self.route,
            "reasons": [r.zh if lang == "zh" else r.en for r in self.reasons],
            "details": [r.as_dict() for r in self.reasons],
        }
