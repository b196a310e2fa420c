"""inbox partial index, audit chain head on the application row, credit_code lookup column

Revision ID: c4e1a7b9d2f3
Revises: 2dc414661ec4
Create Date: 2026-11-29 04:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e1a7b9d2f3'
down_revision = '2dc414661ec4'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
INBOX_WHERE = sa.text("is_open AND state <> 'draft'")


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credit_code', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('audit_seq', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('audit_head', sa.String(length=64), server_default=GENESIS, nullable=False))
        batch_op.create_index(batch_op.f('ix_applications_credit_code'), ['credit_code'], unique=False)
        batch_op.create_index('ix_applications_inbox', ['authority_id', 'deadline_due', 'id'], unique=False,
                              postgresql_where=INBOX_WHERE, sqlite_where=INBOX_WHERE)
    # backfill: the credit code from the fields, the chain head from each application's last audit entry
    credit_code = ("fields ->> 'credit_code'" if op.get_bind().dialect.name == "postgresql"
                   else "json_extract(fields, '$.credit_code')")
    op.execute(f"UPDATE applications SET credit_code = {credit_code}")
    op.execute("""
        UPDATE applications SET
          audit_seq = (SELECT e.seq FROM audit_entries e WHERE e.application_id = applications.id
                       ORDER BY e.seq DESC LIMIT 1),
          audit_head = (SELECT e.hash FROM audit_entries e WHERE e.application_id = applications.id
                        ORDER BY e.seq DESC LIMIT 1)
        WHERE EXISTS (SELECT 1 FROM audit_entries e WHERE e.application_id = applications.id)""")


def downgrade():
    # not batch mode: on SQLite it would copy, drop and rename the table, and dropping a table that other rows
    # reference fails with foreign keys on; SQLite (3.35+) drops an unindexed column in place
    op.drop_index('ix_applications_inbox', table_name='applications',
                  postgresql_where=INBOX_WHERE, sqlite_where=INBOX_WHERE)
    op.drop_index(op.f('ix_applications_credit_code'), table_name='applications')
    for column in ('audit_head', 'audit_seq', 'credit_code'):
        op.drop_column('applications', column)
