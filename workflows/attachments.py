"""Accepting an uploaded file: its type by content, its size, a clean name, stored on commit."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata

from flask import current_app

from infra import storage
from models import Application, Attachment, db
from workflows.definition import Reason
from workflows.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge, UnsupportedType
from workflows.registry import PROCEDURES

SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    return next(((ctype, ext) for magic, ctype, ext in SIGNATURES if head.startswith(magic)), None)


def clean_filename(name: str | None) -> str:
    """The base name only: no directories, no control or format characters, at most 120 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C")
    base = base.strip().lstrip(".").strip()
    return base[-120:] or "file"


def add(app: Application, user, kind, filename, data: bytes) -> Attachment:
    proc = PROCEDURES[app.procedure]
    if user.id != app.applicant_id:
        raise Forbidden("只有申请人可以上传材料", "only the applicant may upload attachments")
    # documents an accepted application may still supply (an effect records them as outcome["supplement_kinds"])
    supplement = kind in (app.outcome or {}).get("supplement_kinds", ()) and app.is_open
    if app.state not in proc.editable and not supplement:
        raise Conflict(
            "当前状态下不能上传材料", f"attachments cannot change in state {app.state}", code="invalid_state"
        )
    if not isinstance(kind, str) or proc.attachment(kind) is None:
        kinds = ", ".join(a.kind for a in proc.attachments)
        raise Invalid(
            "材料类别不正确",
            "unknown attachment kind",
            [Reason("choice", f"kind：须为 {kinds} 之一", f"kind: must be one of {kinds}", "kind")],
        )
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    if len(data) > limit:
        raise TooLarge(f"文件超过{limit // (1024 * 1024)} MiB上限", f"file larger than {limit // (1024 * 1024)} MiB")
    if not data:
        raise Invalid("文件为空", "the file is empty", [Reason("empty", "file：文件为空", "file: empty", "file")])
    found = sniff(data[:16])
    if found is None:
        raise UnsupportedType(
            "只接受PDF、PNG、JPEG文件（按文件内容判断，而非文件名）",
            "only PDF, PNG or JPEG files are accepted (judged by content, not name)",
        )
    ctype, ext = found
    sha = hashlib.sha256(data).hexdigest()
    path = f"attachments/{app.id}/{secrets.token_hex(12)}.{ext}"
    storage.write_on_commit(db.session(), path, data)
    att = Attachment(
        application_id=app.id,
        kind=kind,
        filename=clean_filename(filename),
        content_type=ctype,
        size=len(data),
        sha256=sha,
        storage_path=path,
        uploaded_by_id=user.id,
    )
    app.attachments.append(att)
    db.session.flush()
    return att


def remove(app: Application, user, attachment_id) -> None:
    if user.id != app.applicant_id:
        raise Forbidden("只有申请人可以删除材料", "only the applicant may remove attachments")
    if app.state not in PROCEDURES[app.procedure].editable:
        raise Conflict(
            "当前状态下不能删除材料", f"attachments cannot change in state {app.state}", code="invalid_state"
        )
    att = next((a for a in app.attachments if str(a.id) == str(attachment_id)), None)
    if att is None:
        raise NotFound()
    app.attachments.remove(att)
    db.session.delete(att)
    db.session.flush()
