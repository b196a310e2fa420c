"""documents may be cancelled: the status of a certificate whose holder closed what it certified (注销)

Revision ID: c8a3f1d5e7b2
Revises: b7d41e2a9c65
Create Date: 2026-12-06 10:00:00

API.md lists `cancelled` among the statuses verification answers; until now no procedure set it, and the CHECK
constraint on documents.status refused it.
"""

from alembic import op
from sqlalchemy import event

# revision identifiers, used by Alembic.
revision = "c8a3f1d5e7b2"
down_revision = "b7d41e2a9c65"
branch_labels = None
depends_on = None

BEFORE = "status IN ('valid','revoked','expired','superseded')"
AFTER = "status IN ('valid','revoked','expired','superseded','cancelled')"


def _foreign_keys_on(dbapi_connection, _record):
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


def _rebuild_without_foreign_key_checks():
    """SQLite changes a CHECK constraint by rebuilding the table (batch mode); see 7d2f4a9c1e05."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
        event.listen(bind.engine, "checkin", _foreign_keys_on, once=True)


def _replace(check: str) -> None:
    _rebuild_without_foreign_key_checks()
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_documents_status_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_documents_status_known"), check)


def upgrade():
    _replace(AFTER)


def downgrade():
    # no cancelled status before this revision: the nearest one that also says "no longer in force"
    op.execute("UPDATE documents SET status = 'expired' WHERE status = 'cancelled'")
    _replace(BEFORE)
