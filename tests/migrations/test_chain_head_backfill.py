"""Migration c4e1a7b9d2f3 fills the new columns from what is already there: each application's audit chain
head from its last entry, and its credit_code from its fields."""

from __future__ import annotations

import json

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app import create_app
from models import db
from models.audit import GENESIS
from tests.migrations.test_migrations import empty_database  # noqa: F401  (the fixture)

BEFORE = "2dc414661ec4"


def test_backfill_of_chain_head_and_credit_code(empty_database, tmp_path):  # noqa: F811
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "STORAGE_DIR": str(tmp_path)})
    with app.app_context():
        upgrade(revision=BEFORE)
        at = "2026-11-25 08:00:00+00:00"
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (id, username, password_hash, role, display_name, failed_logins, "
                    "created_at) VALUES (1, 'alice', 'x', 'applicant', 'alice', 0, :at)"
                ),
                {"at": at},
            )
            for app_id, code in ((1, "91330100716105852F"), (2, None)):
                fields = {"enterprise_name": "企业"} | ({"credit_code": code} if code else {})
                conn.execute(
                    text(
                        "INSERT INTO applications (id, procedure, state, version, is_open, fields, outcome, correction_items, "
                        "applicant_id, deadline_provisional, extensions, is_late, created_at, updated_at) VALUES (:id, "
                        "'premise_addition', 'submitted', 2, :t, :f, '{}', '[]', 1, :false, 0, :false, :at, :at)"
                    ),
                    {"id": app_id, "f": json.dumps(fields), "at": at, "t": True, "false": False},
                )
            for seq, digest in ((1, "a" * 64), (2, "b" * 64)):  # only the first application has a trail
                conn.execute(
                    text(
                        "INSERT INTO audit_entries (application_id, seq, event, to_state, actor, role, at, comment, data, "
                        "prev_hash, hash) VALUES (1, :seq, 'e', 's', 'alice', 'applicant', :at, '', '{}', :prev, :hash)"
                    ),
                    {"seq": seq, "at": at, "prev": GENESIS, "hash": digest},
                )
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT id, audit_seq, audit_head, credit_code FROM applications ORDER BY id")
            ).all()
        assert [tuple(r) for r in rows] == [(1, 2, "b" * 64, "91330100716105852F"), (2, 0, GENESIS, None)]
        downgrade(revision=BEFORE)  # and back, with the data in place
        db.engine.dispose()
