"""lookup_limits: failed public lookups (progress, verification by number) per network address

Revision ID: b7d2e4f6a8c1
Revises: 7d2f4a9c1e05
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d2e4f6a8c1'
down_revision = '7d2f4a9c1e05'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lookup_limits',
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('address', name=op.f('pk_lookup_limits'))
    )


def downgrade():
    op.drop_table('lookup_limits')
