"""user email

Revision ID: a98804b7b63f
Revises: f8be8b97c3d8
Create Date: 2026-11-29 02:15:10.987172

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a98804b7b63f'
down_revision = 'f8be8b97c3d8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email')
