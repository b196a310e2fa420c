"""documents.pending: a document issued by a bulk action (number, snapshot and row committed) whose file the worker
has not rendered and signed yet

Revision ID: d3a5c7e9f1b2
Revises: c8a3f1d5e7b2
Create Date: 2026-12-06 09:40:00

Existing documents all have their file: the column starts false for every row.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd3a5c7e9f1b2'
down_revision = 'c8a3f1d5e7b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index('ix_documents_pending', ['id'], unique=False,
                              postgresql_where=sa.text('pending'), sqlite_where=sa.text('pending'))


def downgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_pending', postgresql_where=sa.text('pending'),
                            sqlite_where=sa.text('pending'))
        batch_op.drop_column('pending')
