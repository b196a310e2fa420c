"""The public registers (公示): search by name, credit code, division, street and status; whole-register exports.

Only public facts leave here (DOMAIN §6): the common columns and each register's declared facts — never the
application, its people, phone numbers or attachments, never an inspection's due date. Each search path has its
index (models/register.py) and pages run in id order, newest first, so a page is an index's first entries; the
total is counted up to CAP, as the inbox's is, so that neither grows with the register.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Text, cast, func, literal, select
from sqlalchemy.dialects import postgresql

from models import RegisterEntry, db
from vocabulary import DIVISIONS, division_name, division_name_en, street_name
from workflows.credit_code import problem as credit_code_problem
from workflows.definition import Reason
from workflows.errors import Invalid, NotFound
from workflows.ledger import registers
from workflows.registers import COMMON, Register

# A total above CAP is given as "200+": counting stops there. The inbox counts to 1,000, but a public search's
# filters are broad (a division, a status, a common word), and what counting costs is how far it reads before the
# cap: with 200, a division of a 10,000-entry register already reaches it, so a search reads as far at 1,000,000
# entries as at 10,000 (bench key register_search_1m_vs_10k). The export has every entry.
CAP = 200
PER_PAGE, PER_PAGE_MAX, PAGE_MAX = 20, 100, 10**6
Q_MAX = 100
STREET = re.compile(r"[0-9]{9}")
T = RegisterEntry.__table__
PUBLIC = [
    T.c[k]
    for k in (
        "id",
        "register",
        "status",
        "in_force",
        "since",
        "until",
        "name",
        "holder",
        "credit_code",
        "division",
        "street",
        "address",
        "changed_on",
        "facts",
    )
]


def register(name: str) -> Register:
    found = registers().get(name)
    if found is None:
        raise NotFound("没有这个台账", "no such register")
    return found


@dataclass(frozen=True)
class Search:
    q: str = ""
    credit_code: str = ""
    division: str = ""
    street: str = ""
    status: str = ""
    page: int = 1
    per_page: int = PER_PAGE

    def as_args(self) -> dict:
        return {
            k: v
            for k, v in (
                ("q", self.q),
                ("credit_code", self.credit_code),
                ("division", self.division),
                ("street", self.street),
                ("status", self.status),
            )
            if v
        }


def _problem(field: str, rule: str, zh: str, en: str) -> Reason:
    return Reason(rule, f"{field}：{zh}", f"{field}: {en}", field)


def _count(args, name: str, default: int, high: int, problems: list) -> int:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= high:
        problems.append(_problem(name, "range", f"应为1–{high}的整数", f"an integer 1–{high}"))
        return default
    return int(raw)


def parse(reg: Register, args) -> Search:
    """The search a query string asks for; every malformed parameter named with its rule at once (422)."""
    problems: list[Reason] = []
    q = (args.get("q") or "").strip()
    if len(q) > Q_MAX or any(ord(c) < 32 for c in q):
        problems.append(
            _problem(
                "q",
                "max_length",
                f"名称关键词不超过{Q_MAX}个字符，且不含控制字符",
                f"a part of the name, at most {Q_MAX} characters, no control characters",
            )
        )
    code = (args.get("credit_code") or "").strip().upper()
    wrong = credit_code_problem(code) if code else None
    if wrong:
        zh, en = wrong
        problems.append(_problem("credit_code", "credit_code", zh, en))
    division = (args.get("division") or "").strip()
    if division and division not in DIVISIONS:
        problems.append(
            _problem(
                "division", "division", "不是哈尔滨市的县级行政区划代码", "not a Harbin county-level division code"
            )
        )
    street = (args.get("street") or "").strip()
    if street and not (STREET.fullmatch(street) and street[:6] in DIVISIONS):
        problems.append(
            _problem(
                "street",
                "street",
                "应为哈尔滨市街道办事处的9位统计用区划代码",
                "the 9-digit statistical code of a Harbin street office",
            )
        )
    status = (args.get("status") or "").strip()
    if status and status not in reg.statuses:
        names = ", ".join(reg.statuses)
        problems.append(_problem("status", "choice", f"须为 {names} 之一", f"one of {names}"))
    page = _count(args, "page", 1, PAGE_MAX, problems)
    per_page = _count(args, "per_page", PER_PAGE, PER_PAGE_MAX, problems)
    if problems:
        raise Invalid("查询条件有误", "invalid search", problems)
    return Search(q, code, division, street, status, page, per_page)


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def query(reg: Register, search: Search):
    found = select(*PUBLIC).where(T.c.register == reg.name)
    if len(search.q) == 2 and db.engine.dialect.name == "postgresql":
        # two characters are one of the name's pairs (models/register.py), exactly what ILIKE '%q%' would find
        pair = cast(literal([search.q.lower()], postgresql.ARRAY(Text)), postgresql.ARRAY(Text))
        found = found.where(T.c.name_bigrams.op("@>")(pair))
    elif search.q:
        # three and more: the trigram index answers both; ILIKE (lower() LIKE lower() on SQLite) only where the
        # words have letters with a case: Chinese has none, and ILIKE costs PostgreSQL 3–10 times LIKE per row
        pattern = f"%{_escaped(search.q)}%"
        cased = search.q.lower() != search.q.upper()
        found = found.where(T.c.name.ilike(pattern, escape="\\") if cased else T.c.name.like(pattern, escape="\\"))
    for column in ("credit_code", "division", "street", "status"):
        if getattr(search, column):
            found = found.where(T.c[column] == getattr(search, column))
    return found


def run(reg: Register, search: Search) -> tuple[list[dict], int]:
    """One page of public items, newest first, and the total counted up to CAP + 1."""
    found = query(reg, search)
    rows = db.session.execute(
        found.order_by(T.c.id.desc()).limit(search.per_page).offset((search.page - 1) * search.per_page)
    ).all()
    # in the page's order: the planner then walks an id-ordered index for a common filter (reading CAP + 1 entries
    # at any size) and takes a bitmap of the few matches for a rare one; unordered, it took the bitmap of every match
    # of a common word or division, which grows with the register
    limited = found.with_only_columns(T.c.id).order_by(T.c.id.desc()).limit(CAP + 1).subquery()
    counted = db.session.execute(select(func.count()).select_from(limited)).scalar_one()
    return [item(reg, r) for r in rows], counted


def entry(reg: Register, entry_id: int) -> dict:
    row = db.session.execute(select(*PUBLIC).where(T.c.id == entry_id, T.c.register == reg.name)).first()
    if row is None:
        raise NotFound("台账中没有这条记录", "no such register entry")
    return item(reg, row)


def item(reg: Register, row) -> dict:
    """An entry as the public sees it: its common columns and its register's declared facts, nothing else."""
    facts = row.facts or {}
    zh, en = reg.status_title(row.status)
    return {
        "id": row.id,
        "register": row.register,
        "status": row.status,
        "status_title": {"zh": zh, "en": en},
        "in_force": bool(row.in_force),
        "since": _iso(row.since),
        "until": _iso(row.until),
        "name": row.name,
        "enterprise": {"name": row.holder, "credit_code": row.credit_code},
        "address": row.address,
        "division": row.division,
        "division_name": {"zh": division_name(row.division), "en": division_name_en(row.division)}
        if row.division
        else None,
        "street": row.street,
        "street_name": street_name(row.street) or None,
        "changed_on": _iso(row.changed_on),
        "facts": {f.key: facts.get(f.key) for f in reg.facts},
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


# --- open data: the whole register, streamed ----------------------------------------------------------------


def rows(reg: Register, batch: int = 2000) -> Iterator[dict]:
    """Every entry of the register in id order, in constant memory: a server-side cursor on PostgreSQL
    (stream_results), fetched `batch` rows at a time, on a connection of its own for the stream's length."""
    with db.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=batch).execute(
            select(*PUBLIC).where(T.c.register == reg.name).order_by(T.c.id)
        )
        for row in result:
            yield item(reg, row)


def csv_header(reg: Register) -> list[str]:
    return [f.key for f in COMMON] + [f.key for f in reg.facts]


def csv_row(reg: Register, it: dict) -> list:
    flat = {
        **it,
        "enterprise_name": it["enterprise"]["name"],
        "credit_code": it["enterprise"]["credit_code"],
        "division_name": (it["division_name"] or {}).get("zh"),
        **it["facts"],
    }
    out = []
    for key in csv_header(reg):
        value = flat.get(key)
        out.append(
            ""
            if value is None
            else (
                "true"
                if value is True
                else "false"
                if value is False
                else ";".join(map(str, value))
                if isinstance(value, list)
                else value
            )
        )
    return out


def csv_chunks(reg: Register, every: int = 500) -> Iterator[str]:
    """CSV (RFC 4180, UTF-8, a header of the schema's field names), a chunk every `every` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_header(reg))
    for n, it in enumerate(rows(reg), 1):
        writer.writerow(csv_row(reg, it))
        if n % every == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_chunks(reg: Register, every: int = 500) -> Iterator[str]:
    """{"register", "fields", "items": [...]} written as it is read, a chunk every `every` items."""
    head = {"register": reg.name, "title": {"zh": reg.zh, "en": reg.en}, "fields": reg.as_dict()["fields"]}
    parts = [json.dumps(head, ensure_ascii=False)[:-1] + ', "items": [']
    for n, it in enumerate(rows(reg), 1):
        parts.append(("" if n == 1 else ",") + json.dumps(it, ensure_ascii=False))
        if n % every == 0:
            yield "".join(parts)
            parts = []
    parts.append("]}")
    yield "".join(parts)
