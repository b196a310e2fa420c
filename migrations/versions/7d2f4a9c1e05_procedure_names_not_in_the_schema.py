"""procedure names not in the schema: the registry of declared procedures decides which exist

Revision ID: 7d2f4a9c1e05
Revises: 5e3c0b1d9a7e
Create Date: 2026-12-06 10:00:00

A procedure is added as a declaration alone (docs/ARCHITECTURE.md): a CHECK constraint listing the
procedures would need a migration for each new one, so the engine (workflows.registry) is what refuses
an unknown procedure name.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7d2f4a9c1e05'
down_revision = '5e3c0b1d9a7e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_applications_procedure_known'), type_='check')


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_applications_procedure_known'),
            "procedure IN ('premise_addition','land_transition','fire_filing')")
