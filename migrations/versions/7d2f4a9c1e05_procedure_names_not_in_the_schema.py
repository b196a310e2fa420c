"""procedure names not in the schema: the registry of declared procedures decides which exist

Revision ID: 7d2f4a9c1e05
Revises: 5e3c0b1d9a7e
Create Date: 2026-12-06 10:00:00

A procedure is added as a declaration alone (docs/ARCHITECTURE.md): a CHECK constraint listing the
procedures would need a migration for each new one, so the engine (workflows.registry) is what refuses
an unknown procedure name.
"""
from alembic import op
from sqlalchemy import event


# revision identifiers, used by Alembic.
revision = '7d2f4a9c1e05'
down_revision = '5e3c0b1d9a7e'
branch_labels = None
depends_on = None


def _foreign_keys_on(dbapi_connection, _record):
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


def _rebuild_without_foreign_key_checks():
    """SQLite drops a CHECK constraint by rebuilding the table (batch mode), which its foreign key checks
    forbid while other tables refer to it (DROP TABLE). They are off for the rebuild (the PRAGMA works
    between transactions: pysqlite opens one at the first write) and on again once the connection is back
    in its pool (infra.extensions turns them on for every new connection)."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
        event.listen(bind.engine, "checkin", _foreign_keys_on, once=True)


def upgrade():
    _rebuild_without_foreign_key_checks()
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_applications_procedure_known'), type_='check')


def downgrade():
    _rebuild_without_foreign_key_checks()
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_applications_procedure_known'),
            "procedure IN ('premise_addition','land_transition','fire_filing')")
