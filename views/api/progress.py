"""API: the public progress lookup (办件进度查询) and verification by document number + credit code."""

from __future__ import annotations

from flask import request

from views.api import bp
from workflows import progress
from workflows.documents import public_view


@bp.get("/progress")
def progress_lookup():
    return progress.lookup(request.args)


@bp.get("/verify")
def verify_by_number():
    return public_view(progress.document_by_number(request.args))
