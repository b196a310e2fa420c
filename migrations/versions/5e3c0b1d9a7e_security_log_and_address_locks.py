"""security log (hash-chained admin and account actions) and per-address login lockouts

Revision ID: 5e3c0b1d9a7e
Revises: c4e1a7b9d2f3
Create Date: 2026-11-29 05:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e3c0b1d9a7e'
down_revision = 'c4e1a7b9d2f3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('security_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('target', sa.String(length=128), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_security_events_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_security_events')),
    sa.UniqueConstraint('seq', name=op.f('uq_security_events_seq'))
    )
    with op.batch_alter_table('security_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_security_events_action'), ['action'], unique=False)

    op.create_table('address_locks',
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('address', name=op.f('pk_address_locks'))
    )


def downgrade():
    op.drop_table('address_locks')
    with op.batch_alter_table('security_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_security_events_action'))
    op.drop_table('security_events')
