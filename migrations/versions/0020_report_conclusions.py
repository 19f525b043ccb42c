"""management's conclusions per report period (issue 16): every version kept, with who and when

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 07:45:00

"""
from alembic import op
import sqlalchemy as sa

import workflows.models


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rapportconclusie',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('van', sa.Date(), nullable=False),
        sa.Column('tot', sa.Date(), nullable=False),
        sa.Column('tekst', sa.Text(), nullable=False),
        sa.Column('vastgelegd_door_id', sa.Integer(), nullable=False),
        sa.Column('vastgelegd_op', workflows.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['vastgelegd_door_id'], ['gebruiker.id'],
                                name=op.f('fk_rapportconclusie_vastgelegd_door_id_gebruiker')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rapportconclusie')),
    )
    op.create_index('ix_rapportconclusie_periode', 'rapportconclusie', ['van', 'tot'])


def downgrade():
    op.drop_index('ix_rapportconclusie_periode', table_name='rapportconclusie')
    op.drop_table('rapportconclusie')
