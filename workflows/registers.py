"""The vocabulary a register (台账, DOMAIN §6) is declared in: what a decision puts in force, and how events change it.

A procedure declares one `Register`: its statuses and which of them are in force, how an entry is read from an
application (`entry`), what each of its events does to the entry (`on`, keyed by event and destination state),
which of its fields describe the enterprise, which documents certify an entry, its dates and the lookups it
answers for other procedures' guards. The engine applies `on` in the event's transaction (workflows/ledger.py);
nothing here touches a database, so that a procedure module stays a declaration.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from vocabulary import STREETS, division_name, street_name


@dataclass(frozen=True)
class Fact:
    """A register's own public fact (beyond the common columns): its key in the entry's facts, titles, JSON type."""

    key: str
    zh: str
    en: str
    type: str = "string"  # string | integer | number | boolean | date | array
    choices: tuple[tuple[str, str, str], ...] | None = None  # (value, zh, en): identifiers shown by title

    def title_of(self, value) -> tuple[str, str] | None:
        found = next((c for c in self.choices or () if c[0] == value), None)
        return (found[1], found[2]) if found else None

    def as_dict(self) -> dict:
        out = {"name": self.key, "type": self.type, "title": {"zh": self.zh, "en": self.en}}
        if self.choices:
            out["choices"] = [c[0] for c in self.choices]
        return out


@dataclass(frozen=True)
class Change:
    """What one event, ending in one state, does to the application's entry.

    `opens`: the decision that puts the entry in force — created here, or re-opened (a filing corrected and filed
    again). Any other change only touches an entry that exists (a correction asked before anything was filed
    changes nothing). `status` None keeps the status (an amendment re-reads the facts). `due` names the
    authority's next date (a key of `Register.dues`): the application's deadline after the event. `publish`
    gives public facts the event adds from its data (a published finding), kept by later changes.
    """

    status: str | None
    opens: bool = False
    due: str | None = None
    publish: Callable[[dict], dict] | None = None


def opens(status: str, due: str | None = None) -> Change:
    return Change(status, opens=True, due=due)


def becomes(status: str | None, due: str | None = None, publish: Callable[[dict], dict] | None = None) -> Change:
    return Change(status, due=due, publish=publish)


@dataclass(frozen=True)
class Source:
    """What an entry is read from: the application's fields and what its decisions fixed."""

    fields: dict
    outcome: dict = field(default_factory=dict)
    route: str | None = None
    first_day: date | None = None  # a period in years (DOMAIN §0), where the procedure has one
    last_day: date | None = None
    deadline: date | None = None  # the application's current deadline (an inspection or verification due)


@dataclass(frozen=True)
class Entry:
    """The common columns of an entry as one application gives them (see `Register.entry`)."""

    name: str  # what the public searches by: the enterprise, facility or institution
    credit_code: str | None
    division: str | None
    address: str  # the address as typed, without division and street
    street: str | None = None  # a street office, by NBS code or by name
    holder: str | None = None  # the enterprise's name, where `name` is not it (a facility)
    since: date | None = None  # in force from (default: the day of the opening decision)
    until: date | None = None  # in force until (a period's last day)
    facts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Register:
    name: str
    zh: str
    en: str
    statuses: dict[str, tuple[str, str]]  # status -> (zh, en), in display order
    in_force: tuple[str, ...]
    entry: Callable[[Source], Entry]
    on: dict[tuple[str, str], Change]  # (event, destination state) -> what it does to the entry
    facts: tuple[Fact, ...] = ()  # the register's own public facts, in export order
    published: tuple[str, ...] = ()  # facts that events publish (kept when the entry is re-read)
    enterprise: dict[str, str] = field(default_factory=dict)  # enterprise attribute -> the procedure's field
    documents: tuple[str, ...] = ()  # document kinds that certify an entry (the latest is named)
    dues: dict[str, tuple[str, str]] = field(default_factory=dict)  # next-date kinds: key -> (zh, en)
    reminders: tuple[int, ...] = ()  # days before `until` when the holder is reminded

    def change(self, event: str, dest: str) -> Change | None:
        return self.on.get((event, dest))

    def status_title(self, status: str) -> tuple[str, str]:
        return self.statuses.get(status, (status, status))

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "title": {"zh": self.zh, "en": self.en},
            "statuses": [
                {"name": s, "title": {"zh": zh, "en": en}, "in_force": s in self.in_force}
                for s, (zh, en) in self.statuses.items()
            ],
            "fields": [f.as_dict() for f in (*COMMON, *self.facts)],
        }


# The columns every register has, in export order: the stable part of the open-data schema.
COMMON = (
    Fact("id", "登记编号", "entry id", "integer"),
    Fact("register", "台账", "register"),
    Fact("status", "状态", "status"),
    Fact("in_force", "是否有效", "in force", "boolean"),
    Fact("since", "生效日期", "in force since", "date"),
    Fact("until", "届满日期", "in force until", "date"),
    Fact("name", "名称", "name"),
    Fact("enterprise_name", "市场主体名称", "enterprise name"),
    Fact("credit_code", "统一社会信用代码", "unified social credit code"),
    Fact("division", "区县代码", "division code"),
    Fact("division_name", "区县", "division"),
    Fact("street", "街道代码", "street office code"),
    Fact("street_name", "街道", "street office"),
    Fact("address", "地址", "address"),
    Fact("changed_on", "最近变更日期", "last changed on", "date"),
)


def address_key(text: str | None) -> str:
    """Addresses compared after folding full-width characters and removing whitespace (DOMAIN §1)."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def bigrams(name: str) -> list[str]:
    """The name's pairs of neighbouring characters, lower-cased: a two-character search is one of them."""
    folded = (name or "").lower()
    return sorted({folded[i : i + 2] for i in range(len(folded) - 1)})


def street_code(value: str | None) -> str | None:
    """A street office as its 9-digit NBS code, whether given by code or by a known name; else None."""
    if not value:
        return None
    if value in STREETS:
        return value
    return next((code for code, (_d, name) in STREETS.items() if value in (name, name.removesuffix("街道"))), None)


def full_address(division: str | None, street: str | None, address: str) -> str:
    """Division + street + the address, each printed once (an address that already names them keeps its own)."""
    parts = [p for p in (division_name(division), street_name(street)) if p and p not in address]
    return "".join(parts) + address
