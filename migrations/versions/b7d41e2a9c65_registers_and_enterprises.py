"""registers (台账) and enterprises: register_entries, enterprises, enterprise_accounts; backfilled from applications

Revision ID: b7d41e2a9c65
Revises: b7d41e9a3c25
Create Date: 2026-12-06 04:16:00

The backfill replays every application's audit trail through its procedure's register declaration
(workflows/register_rebuild.py, the same code `flask registers check` compares with), so each entry carries
the status, dates and facts its decisions gave it; every valid credit code an application names becomes an
enterprise, and its applicant an account acting for it (as the enterprise itself, or as its agent).
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'b7d41e2a9c65'
down_revision = 'b7d41e9a3c25'
branch_labels = None
depends_on = None

INDEXES = (('ix_register_entries_address', ['register', 'address_key', 'division']),
           ('ix_register_entries_credit_code', ['credit_code', 'register', 'id']),
           ('ix_register_entries_division', ['register', 'division', 'id']),
           ('ix_register_entries_register_id', ['register', 'id']),
           ('ix_register_entries_status', ['register', 'status', 'id']),
           ('ix_register_entries_street', ['register', 'street', 'id']))
OWN = sa.text("capacity = 'own'")
TRGM = dict(postgresql_using='gin', postgresql_ops={'name': 'gin_trgm_ops'})


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')     # trusted since PostgreSQL 13: the owner may
    op.create_table('enterprises',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('domicile_address', sa.String(length=400), nullable=True),
    sa.Column('domicile_division', sa.String(length=6), nullable=True),
    sa.Column('registered_scope', sa.String(length=2000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(credit_code) = 18', name=op.f('ck_enterprises_credit_code_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprises')),
    sa.UniqueConstraint('credit_code', name=op.f('uq_enterprises_credit_code'))
    )
    op.create_table('enterprise_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.String(length=8), nullable=False),
    sa.Column('attorney_filename', sa.String(length=255), nullable=True),
    sa.Column('attorney_content_type', sa.String(length=64), nullable=True),
    sa.Column('attorney_size', sa.Integer(), nullable=True),
    sa.Column('attorney_sha256', sa.String(length=64), nullable=True),
    sa.Column('attorney_path', sa.String(length=255), nullable=True),
    sa.Column('attorney_uploaded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("capacity IN ('own','agent')", name=op.f('ck_enterprise_accounts_capacity_known')),
    sa.CheckConstraint('(attorney_sha256 IS NULL) = (attorney_path IS NULL)',
                       name=op.f('ck_enterprise_accounts_attorney_file_whole')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'],
                            name=op.f('fk_enterprise_accounts_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_enterprise_accounts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_accounts')),
    sa.UniqueConstraint('user_id', 'enterprise_id', name='uq_enterprise_accounts_user_enterprise')
    )
    with op.batch_alter_table('enterprise_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_accounts_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_accounts_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_enterprise_accounts_own', ['enterprise_id'], unique=True, postgresql_where=OWN,
                              sqlite_where=OWN)

    entries = op.create_table('register_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('register', sa.String(length=32), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_bigrams', sa.JSON().with_variant(postgresql.ARRAY(sa.Text()), 'postgresql'), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=True),
    sa.Column('credit_code', sa.String(length=18), nullable=True),
    sa.Column('division', sa.String(length=6), nullable=True),
    sa.Column('street', sa.String(length=9), nullable=True),
    sa.Column('address', sa.String(length=400), nullable=False),
    sa.Column('address_key', sa.String(length=400), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('in_force', sa.Boolean(), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('due_kind', sa.String(length=32), nullable=True),
    sa.Column('document_number', sa.String(length=64), nullable=True),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('until IS NULL OR until >= since', name=op.f('ck_register_entries_period_ordered')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                            name=op.f('fk_register_entries_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_entries')),
    sa.UniqueConstraint('application_id', name=op.f('uq_register_entries_application_id'))
    )
    _backfill(entries)
    # indexes after the rows: one sort per index instead of an update per row
    with op.batch_alter_table('register_entries', schema=None) as batch_op:
        for name, columns in INDEXES:
            batch_op.create_index(name, columns, unique=False)
        batch_op.create_index('ix_register_entries_name_trgm', ['name'], unique=False, **TRGM)
        batch_op.create_index('ix_register_entries_name_bigrams', ['name_bigrams'], unique=False, postgresql_using='gin')


def _backfill(entries):
    from workflows.register_rebuild import Backfill
    conn, now = op.get_bind(), datetime.now(timezone.utc)
    enterprises = sa.table('enterprises', *(sa.column(c) for c in (
        'id', 'credit_code', 'name', 'domicile_address', 'domicile_division', 'registered_scope', 'created_at',
        'updated_at')))
    accounts = sa.table('enterprise_accounts', *(sa.column(c) for c in (
        'user_id', 'enterprise_id', 'capacity', 'created_at')))
    found = Backfill()
    for rows in found.entries(conn):
        conn.execute(entries.insert(), [{**row, 'created_at': now, 'updated_at': now} for row in rows])
    for row in found.enterprises():
        conn.execute(enterprises.insert(), [{**row, 'created_at': now, 'updated_at': now}])
    ids = {r.credit_code: r.id for r in conn.execute(sa.select(enterprises.c.id, enterprises.c.credit_code))}
    links = [{'user_id': user, 'enterprise_id': ids[code], 'capacity': capacity, 'created_at': now}
             for user, code, capacity in found.accounts()]
    if links:
        conn.execute(accounts.insert(), links)


def downgrade():
    with op.batch_alter_table('register_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_register_entries_name_bigrams', postgresql_using='gin')
        batch_op.drop_index('ix_register_entries_name_trgm', **TRGM)
        for name, _columns in reversed(INDEXES):
            batch_op.drop_index(name)
    op.drop_table('register_entries')
    with op.batch_alter_table('enterprise_accounts', schema=None) as batch_op:
        batch_op.drop_index('uq_enterprise_accounts_own', postgresql_where=OWN, sqlite_where=OWN)
        batch_op.drop_index(batch_op.f('ix_enterprise_accounts_user_id'))
        batch_op.drop_index(batch_op.f('ix_enterprise_accounts_enterprise_id'))
    op.drop_table('enterprise_accounts')
    op.drop_table('enterprises')
    # pg_trgm stays: an extension is the database's, and something else may have come to use it
