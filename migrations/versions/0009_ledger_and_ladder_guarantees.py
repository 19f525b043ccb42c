"""one knip spent and returned at most once per case, in the database

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 06:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # A case spends at most one knip and gets at most one back (issue 11: "whatever the application does").
    with op.batch_alter_table('knipkaart_mutatie', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_knipkaart_mutatie_zaak_soort', ['zaak_id', 'soort'])


def downgrade():
    with op.batch_alter_table('knipkaart_mutatie', schema=None) as batch_op:
        batch_op.drop_constraint('uq_knipkaart_mutatie_zaak_soort', type_='unique')
