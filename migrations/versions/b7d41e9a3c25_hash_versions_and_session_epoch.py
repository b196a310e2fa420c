"""hash version per chained entry (audit trail, security log) and each user's session epoch

Entries written before this revision keep hash version 1 (their hash leaves out the actor's id) and stay
verifiable; new entries are written with version 2, which covers every column that states a fact.
A user's session epoch moves on at logout, lock, password change and revocation: sessions made under an
earlier epoch end.

Revision ID: b7d41e9a3c25
Revises: b7d2e4f6a8c1
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d41e9a3c25'
down_revision = 'b7d2e4f6a8c1'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('audit_entries', 'security_events'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('hash_version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    # not batch mode: on SQLite it would copy, drop and rename the tables, and dropping a table that other rows
    # reference fails with foreign keys on; SQLite (3.35+) drops an unindexed column in place
    op.drop_column('users', 'session_epoch')
    for table in ('security_events', 'audit_entries'):
        op.drop_column(table, 'hash_version')
