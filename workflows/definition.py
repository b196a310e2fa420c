"""The vocabulary a procedure is written in: states, events, fields, attachments, reasons."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


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
    status: int | None = None      # 409 when the refusal is about the state of things, not the input

    def as_dict(self) -> dict:
        return {"field": self.field, "rule": self.rule, "message": self.zh, "message_en": self.en}


@dataclass(frozen=True)
class Field:
    name: str
    type: str                      # text | textarea | bool | choice | division | credit_code | int | decimal | date
    zh: str
    en: str
    required: bool = True
    choices: tuple[tuple[str, str, str], ...] | None = None   # (value, zh, en)
    max_length: int = 200
    help: Text | None = None       # a hint under the input

    def as_dict(self) -> dict:
        out: dict[str, Any] = {"name": self.name, "type": self.type, "required": self.required,
                               "title": {"zh": self.zh, "en": self.en}}
        if self.choices:
            out["choices"] = [c[0] for c in self.choices]
        return out


@dataclass(frozen=True)
class AttachmentSpec:
    kind: str
    zh: str
    en: str
    required: bool = True                         # always required
    required_when: Callable[[dict], bool] | None = None   # or required when the fields say so

    def needed(self, fields: dict) -> bool:
        return self.required or bool(self.required_when and self.required_when(fields))

    def as_dict(self) -> dict:
        return {"kind": self.kind, "title": {"zh": self.zh, "en": self.en}, "required": self.required}


@dataclass(frozen=True)
class DataField:
    """One key of an event's data: type str (non-empty), bool, items (correction list), division, date."""
    type: str
    required: bool = True
    zh: str = ""
    en: str = ""


@dataclass(frozen=True)
class Branch:
    """A conditional destination: the first branch whose `when(ctx)` holds is taken."""
    dest: str
    when: Callable[[Any], bool]


@dataclass(frozen=True)
class Event:
    name: str
    sources: tuple[str, ...]
    dest: str | tuple[Branch, ...]
    roles: tuple[str, ...]
    zh: str
    en: str
    guards: tuple[Callable[[Any], Any], ...] = ()
    effects: tuple[Callable[[Any], None], ...] = ()
    schema: dict[str, DataField] = field(default_factory=dict)
    bulk: bool = False             # may be fired on several applications at once from the inbox
    # which authority kinds of the application's division act: None = the handling authority only;
    # a tuple, or a function of the fields (e.g. the departments whose opinion is required)
    acting: tuple[str, ...] | Callable[[dict], tuple[str, ...]] | None = None
    internal: bool = False         # fired only by a batch operation (a draw), never one by one

    def acting_kinds(self, fields: dict) -> tuple[str, ...] | None:
        return self.acting(fields) if callable(self.acting) else self.acting

    @property
    def dests(self) -> tuple[str, ...]:
        return (self.dest,) if isinstance(self.dest, str) else tuple(b.dest for b in self.dest)

    def as_dict(self) -> dict:
        dest = self.dest if isinstance(self.dest, str) else list(self.dests)
        return {"name": self.name, "sources": list(self.sources), "dest": dest,
                "roles": list(self.roles), "title": {"zh": self.zh, "en": self.en},
                "data": {k: {"type": v.type, "required": v.required} for k, v in self.schema.items()}}


@dataclass(frozen=True)
class Procedure:
    name: str
    zh: str
    en: str
    authority_kind: str                       # who handles it
    states: dict[str, tuple[str, str]]        # name -> (zh, en), in display order
    initial: str
    holders: dict[str, str | None]            # state -> "applicant" | "authority" | None (decided/closed)
    events: tuple[Event, ...]
    fields: tuple[Field, ...]
    attachments: tuple[AttachmentSpec, ...]
    time_limits: dict[str, Any]
    eligibility: Callable[[dict, Any], "Eligibility"]
    authority_division: Callable[[dict], str | None]   # which division's authority handles it
    guide: dict[str, Any] = field(default_factory=dict)  # the 办事指南: basis, conditions, time_limits (Text lists), where, fee (Text)
    number_prefix: str = "BM"
    # authority kinds of the same division that take part (give opinions, approve): they see the application
    parties: Callable[[dict], tuple[str, ...]] = lambda fields: ()
    # values computed from the fields and settings (route, mode) that attachments and guards depend on
    derived: Callable[[dict, Any], dict] = lambda fields, world: {}
    # what its decisions put in force (DOMAIN §6): a workflows.registers.Register, applied by the engine
    register: Any = None

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
        return {"name": self.name, "title": {"zh": self.zh, "en": self.en},
                "states": list(self.states),
                "state_titles": {k: {"zh": v[0], "en": v[1]} for k, v in self.states.items()},
                "final_states": list(self.final_states),
                "events": [e.as_dict() for e in self.events],
                "fields": [f.as_dict() for f in self.fields],
                "required_attachments": [a.as_dict() for a in self.attachments],
                "time_limits": self.time_limits}


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    route: str | None
    reasons: tuple[Reason, ...] = ()

    def as_dict(self, lang: str = "zh") -> dict:
        return {"eligible": self.eligible, "route": self.route,
                "reasons": [r.zh if lang == "zh" else r.en for r in self.reasons],
                "details": [r.as_dict() for r in self.reasons]}
