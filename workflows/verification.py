"""Checking a PDF someone holds: is it an issued document, does its signature hold, what is its status now."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from models import Document, db
from workflows import signing
from workflows.definition import Reason
from workflows.documents import public_view, signature_view
from workflows.errors import Invalid


def _by_sha(sha: str) -> Document | None:
    return db.session.execute(select(Document).where(Document.sha256 == sha)).scalar()


def check_upload(data: bytes) -> dict:
    """The uploaded file's digest and signature, and the issued document it is (or was, before something was
    appended after signing: the signed revision is the issued file byte for byte)."""
    if not data:
        raise Invalid(
            "请选择要核验的PDF文件",
            "choose the PDF file to check",
            [Reason("required", "file：必填", "file: required", "file")],
        )
    if b"%PDF-" not in data[:1024]:  # readers accept a header within the first 1024 bytes
        raise Invalid(
            "上传的文件不是PDF文件",
            "the uploaded file is not a PDF",
            [Reason("format", "file：应为PDF文件", "file: must be a PDF file", "file")],
        )
    sha = hashlib.sha256(data).hexdigest()
    check = signing.check_pdf(data)
    doc, identical = _by_sha(sha), True
    if doc is None and 0 < check.get("signed_length", 0) < len(data):
        doc, identical = _by_sha(hashlib.sha256(data[: check["signed_length"]]).hexdigest()), False
    return {
        "sha256": sha,
        "identical": doc is not None and identical,
        "signature": signature_view(check),
        "document": public_view(doc) if doc else None,
        "token": doc.token if doc else None,
    }
