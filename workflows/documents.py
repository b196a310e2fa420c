"""Issuing documents: a gap-free number, a plain-data snapshot, the PDF, its stored bytes."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import lru_cache
from urllib.parse import quote

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

import pdf
from infra import storage, tasks
from models import Application, Authority, Document, DocumentCounter, db
from models.base import local_iso, table_of
from pdf.sign import sign
from vocabulary import AUTHORITY_KINDS, CITY, DIVISIONS
from workflows import signing
from workflows.calendar import SHANGHAI
from workflows.registry import PROCEDURES

DIGITS = "〇一二三四五六七八九"
log = logging.getLogger(__name__)

# Bulk work (workflows/documents.rendered_later): a document is issued *pending* (number, snapshot and row in the
# event's transaction, no file yet) and the worker renders and signs it after the commit (render_pending).
DEFER = "bianmin_defer_documents"  # session.info: documents issued now are rendered after the commit
FLUSHED = "bianmin_pending_flushed"  # ids of pending documents flushed in the current transaction
COMMITTED = "bianmin_pending_committed"  # … and committed: to be queued when the bulk action ends
CHUNK = 10  # documents per job: a job's first document pays the work horse's fonts and key cache


def chinese_date(d: date) -> str:
    """二〇二六年十一月二十九日, as official documents write dates."""

    def small(n: int) -> str:
        if n < 10:
            return DIGITS[n]
        tens, ones = divmod(n, 10)
        return ("十" if tens == 1 else DIGITS[tens] + "十") + (DIGITS[ones] if ones else "")

    return "".join(DIGITS[int(c)] for c in str(d.year)) + f"年{small(d.month)}月{small(d.day)}日"


def number_for(authority, kind: str, year: int, seq: int) -> str:
    """GB/T 9704-2012 §7.2.4: the year in 六角括号, the sequence without 第 and without leading zeros."""
    short = CITY[2] if authority.division_code == CITY[0] else DIVISIONS[authority.division_code][1]
    return f"{short}{AUTHORITY_KINDS[authority.kind][1]}{pdf.KINDS[kind]['code']}字〔{year}〕{seq}号"


def next_seq(authority_id: int, kind: str, year: int) -> int:
    """Take the next number from the counter row, locked until this transaction ends (gap-free): one upsert,
    which starts the year's row at 1 or moves it on by one, and returns the number."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    counter = table_of(DocumentCounter)
    return db.session.execute(
        insert(counter)
        .values(authority_id=authority_id, kind=kind, year=year, last_value=1)
        .on_conflict_do_update(index_elements=list(counter.primary_key), set_={"last_value": counter.c.last_value + 1})
        .returning(counter.c.last_value)
    ).scalar_one()


def base_url() -> str:
    """The public address printed in documents: configuration only (infra/config.resolve), never the request's
    Host header, which anyone can forge and which a document would then carry for good."""
    return current_app.config["BASE_URL"].rstrip("/")


def issue(
    app: Application, kind: str, facts: list[tuple[str, str]], extra: dict, today: date, authority=None
) -> tuple[Document, list[str]]:
    """Number, snapshot, sign and store document `kind` of `app` (or leave it pending for the worker, in a bulk
    action); returns it with the numbers of the earlier documents of its kind it supersedes."""
    authority = authority or app.authority
    key = signing.key_for(authority.key)  # first: a signing fault (503) must not consume a number
    seq = next_seq(authority.id, kind, today.year)
    number = number_for(authority, kind, today.year, seq)
    token = secrets.token_urlsafe(24)
    holder_name, holder_code = PROCEDURES[app.procedure].holder.of(app.fields or {})
    snapshot = {
        "number": number,
        "authority_name": authority.name,
        "issue_date": today.isoformat(),
        "issue_date_cn": chinese_date(today),
        "holder_name": holder_name,
        "holder_code": holder_code,
        "application_number": app.number,
        "facts": [{"label": k, "value": str(v)} for k, v in facts],
        "verify_url": f"{base_url()}/verify/{token}",
        "progress_url": f"{base_url()}/progress",
        **extra,
    }
    # a PDF cannot print its own hash: it prints the digest of the facts it states, which verification shows
    snapshot["content_digest"] = content_digest(snapshot)
    path = f"documents/{today.year}/{token}.pdf"
    pending = bool(db.session.info.get(DEFER))
    if pending:  # a bulk action: the worker renders it after the commit (render_pending)
        data, sha = b"", ""
    else:
        data = signed_pdf(kind, snapshot, authority, key)
        sha = hashlib.sha256(data).hexdigest()
        storage.write_on_commit(db.session(), path, data)
    doc = Document(
        application_id=app.id,
        authority_id=authority.id,
        kind=kind,
        year=today.year,
        seq=seq,
        number=number,
        token=token,
        issue_date=today,
        holder_name=holder_name,
        holder_code=holder_code,
        facts=dict(facts),
        snapshot=snapshot,
        status="valid",
        storage_path=path,
        size=len(data),
        sha256=sha,
        pending=pending,
    )
    superseded = supersede_earlier(app, kind, number)  # before the new row is added: its query flushes
    db.session.add(doc)
    return doc, superseded


def signed_pdf(kind: str, snapshot: dict, authority, key=None) -> bytes:
    """The document's PDF from its snapshot, signed with the issuing authority's key and seal."""
    key = key or signing.key_for(authority.key)
    data, place = pdf.render_for_signing(kind, snapshot)
    return sign(
        data,
        key,
        place,
        pdf.seal_appearance(authority.name),
        tsa_url=current_app.config["SIGNING_TSA_URL"],
        reason=f"{authority.name}签发{pdf.KINDS[kind]['title_zh']}",
    )


# --- bulk work: pending documents, rendered by the worker ------------------------------------------------------


@contextmanager
def rendered_later():
    """Within it, documents are issued pending and, as each transaction commits, noted; at its end the committed
    ones are queued for the worker (render_pending, CHUNK a job). Only with a background queue: without Redis
    (the embedded default, tests) documents render inline as always, since nobody else would render them."""
    session = db.session()
    if not tasks.available():
        yield
        return
    session.info[DEFER] = True
    try:
        yield
    finally:
        session.info.pop(DEFER, None)
        session.info.pop(FLUSHED, None)
        render_later(session.info.pop(COMMITTED, []))


def render_later(ids: list[int]) -> None:
    for k in range(0, len(ids), CHUNK):
        chunk = ids[k : k + CHUNK]
        tasks.enqueue(render_pending, chunk, description=f"render documents {chunk[0]}…{chunk[-1]}", retries=3)


@event.listens_for(Session, "after_flush")
def _note_pending(session: Session, _context) -> None:
    if session.info.get(DEFER):
        found = [obj.id for obj in session.new if isinstance(obj, Document) and obj.pending]
        if found:
            session.info.setdefault(FLUSHED, []).extend(found)


@event.listens_for(Session, "after_commit")
def _pending_committed(session: Session) -> None:
    if FLUSHED in session.info:
        session.info.setdefault(COMMITTED, []).extend(session.info.pop(FLUSHED))


@event.listens_for(Session, "after_rollback")
def _pending_rolled_back(session: Session) -> None:
    session.info.pop(FLUSHED, None)


def render_pending(ids: list[int]) -> int:
    """The worker's job: render, sign and store each still-pending document of `ids`, one commit each.

    Idempotent: a document already rendered is skipped, and one another process is rendering right now (the
    sweeper and a retried job) is skipped too (its row is locked; SKIP LOCKED on PostgreSQL, SQLite serialises
    writers). Returns how many it rendered."""
    done = 0
    for doc_id in ids:
        doc = db.session.execute(
            select(Document).where(Document.id == doc_id, Document.pending.is_(True)).with_for_update(skip_locked=True)
        ).scalar()
        if doc is None:
            db.session.rollback()
            continue
        try:
            data = signed_pdf(doc.kind, doc.snapshot, db.session.get(Authority, doc.authority_id))
            storage.write_on_commit(db.session(), doc.storage_path, data)
            doc.pending, doc.size, doc.sha256 = False, len(data), hashlib.sha256(data).hexdigest()
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        done += 1
    return done


def sweep_pending() -> int:
    """`flask jobs run`: render any document still pending (a job lost with its worker, retries exhausted)."""
    ids = list(
        db.session.execute(select(Document.id).where(Document.pending.is_(True)).order_by(Document.id)).scalars()
    )
    db.session.rollback()
    done = render_pending(ids) if ids else 0
    if done:
        log.warning("rendered %d documents left pending", done)
    return done


def supersede_earlier(app: Application, kind: str, number: str) -> list[str]:
    """Never two valid documents of one kind for one application (DOMAIN §0): the one issued now replaces the
    valid earlier ones (a receipt after a correction, an amended filing). Revoked or expired ones keep their
    status: they were not in force to be replaced."""
    return set_status(app, kind, "superseded", f"已被{number}替代 superseded by {number}")


def content_digest(snapshot: dict) -> str:
    """The first 16 hex digits of the sha256 of the snapshot's canonical JSON (without the digest itself)."""
    body = {k: v for k, v in snapshot.items() if k != "content_digest"}
    blob = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def set_status(app: Application, kind: str, status: str, reason: str) -> list[str]:
    docs = (
        db.session.execute(
            select(Document).where(Document.application_id == app.id, Document.kind == kind, Document.status == "valid")
        )
        .scalars()
        .all()
    )
    now = datetime.now(UTC)
    for doc in docs:
        doc.status, doc.status_changed_at, doc.status_reason = status, now, reason[:255]
    return [d.number for d in docs]


def _titles(doc: Document) -> dict:
    return {"title": pdf.KINDS[doc.kind]["title_zh"], "title_en": pdf.KINDS[doc.kind]["title_en"]}


def replacement(doc) -> tuple[str, str] | None:
    """(number, token) of the document that superseded `doc`: the latest of its kind for its application.
    None unless `doc` is superseded by a later document (a correction notice answered by a resubmission is
    superseded by no document)."""
    if doc.status != "superseded":
        return None
    row = db.session.execute(
        select(Document.number, Document.token)
        .where(Document.application_id == doc.application_id, Document.kind == doc.kind, Document.id > doc.id)
        .order_by(Document.id.desc())
        .limit(1)
    ).first()
    return (row.number, row.token) if row else None


def _superseded_by(doc) -> dict:
    current = replacement(doc)
    return {"superseded_by": current[0]} if current else {}


def _from_snapshot(doc, key: str):
    """An entry of a document's snapshot; verification's row (views/api/public.BY_TOKEN) carries the entries it
    shows as columns of their own instead of the whole snapshot."""
    snapshot = getattr(doc, "snapshot", None)
    return snapshot.get(key) if snapshot is not None else getattr(doc, key)


def public_view(doc: Document) -> dict:
    """What anyone holding the token may learn: nothing beyond the document itself."""
    return {
        "number": doc.number,
        "kind": doc.kind,
        **_titles(doc),
        "authority": _from_snapshot(doc, "authority_name"),
        "holder": doc.holder_name,
        "holder_code": doc.holder_code,
        "issued_at": doc.issue_date.isoformat(),
        "status": doc.status,
        **_superseded_by(doc),
        "status_changed_at": local_iso(doc.status_changed_at),
        "facts": doc.facts,
        "file_ready": not doc.pending,
        "sha256": doc.sha256 or None,
        "content_digest": _from_snapshot(doc, "content_digest"),
        "signature": signature_view(
            BEING_ISSUED if doc.pending else signing.check_stored(doc.storage_path, doc.sha256)
        ),
    }


# the signature of a document whose file the worker is still rendering (`problem` as signing.check_stored names them)
BEING_ISSUED = {"valid": False, "problem": "being_issued"}


SIGNATURE_KEYS = (
    "valid",
    "signer",
    "authority",
    "certificate_serial",
    "certificate_fingerprint",
    "signed_at",
    "timestamped",
    "intact",
    "trusted",
    "modified_after_signing",
    "problem",
)


def signature_view(check: dict) -> dict:
    """What a verifier learns of a PDF's signature (pdf.sign.Check, workflows.signing): who, which certificate, when,
    and whether it holds; `problem` names why not (unsigned, altered, untrusted, modified, stored_file_…)."""
    view = {
        key: check.get(
            key, False if key in ("valid", "intact", "trusted", "modified_after_signing", "timestamped") else None
        )
        for key in SIGNATURE_KEYS
    }
    if view["signed_at"]:  # as every time the service shows: Beijing time
        view["signed_at"] = _beijing(view["signed_at"])
    return view


@lru_cache(maxsize=4096)
def _beijing(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(SHANGHAI).isoformat()


def owner_view(doc: Document) -> dict:
    return {
        "number": doc.number,
        "kind": doc.kind,
        **_titles(doc),
        "status": doc.status,
        **_superseded_by(doc),
        "issued_at": doc.issue_date.isoformat(),
        "file_ready": not doc.pending,
        "sha256": doc.sha256 or None,
        "size": doc.size,
        "url": f"/api/v1/documents/{quote(doc.number)}.pdf",
        "verify_url": f"{base_url()}/verify/{doc.token}",
    }
