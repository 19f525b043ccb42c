"""examples between teams (issue 18): an anonymised summary of a solved case, reviewed, pinnable

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 07:50:00

"""
from alembic import op
import sqlalchemy as sa

import workflows.models


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'voorbeeld',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('zaak_id', sa.Integer(), nullable=False),
        sa.Column('wijkteam_id', sa.Integer(), nullable=False),
        sa.Column('dienst_id', sa.Integer(), nullable=False),
        sa.Column('oorzaak_id', sa.Integer(), nullable=False),
        sa.Column('instrument', sa.String(length=32), nullable=False),
        sa.Column('situatie', sa.Text(), nullable=False),
        sa.Column('blokkerende_regel', sa.Text(), nullable=False),
        sa.Column('wat_werkte', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('voorgesteld_door_id', sa.Integer(), nullable=False),
        sa.Column('voorgesteld_op', workflows.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('beoordeeld_door_id', sa.Integer(), nullable=True),
        sa.Column('beoordeeld_op', workflows.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('vastgezet', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('vastgezet_door_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['zaak_id'], ['zaak.id'], name=op.f('fk_voorbeeld_zaak_id_zaak')),
        sa.ForeignKeyConstraint(['wijkteam_id'], ['wijkteam.id'], name=op.f('fk_voorbeeld_wijkteam_id_wijkteam')),
        sa.ForeignKeyConstraint(['dienst_id'], ['dienst.id'], name=op.f('fk_voorbeeld_dienst_id_dienst')),
        sa.ForeignKeyConstraint(['oorzaak_id'], ['oorzaak.id'], name=op.f('fk_voorbeeld_oorzaak_id_oorzaak')),
        sa.ForeignKeyConstraint(['voorgesteld_door_id'], ['gebruiker.id'],
                                name=op.f('fk_voorbeeld_voorgesteld_door_id_gebruiker')),
        sa.ForeignKeyConstraint(['beoordeeld_door_id'], ['gebruiker.id'],
                                name=op.f('fk_voorbeeld_beoordeeld_door_id_gebruiker')),
        sa.ForeignKeyConstraint(['vastgezet_door_id'], ['gebruiker.id'],
                                name=op.f('fk_voorbeeld_vastgezet_door_id_gebruiker')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_voorbeeld')),
        sa.UniqueConstraint('zaak_id', name=op.f('uq_voorbeeld_zaak_id')),
    )
    op.create_index(op.f('ix_voorbeeld_wijkteam_id'), 'voorbeeld', ['wijkteam_id'])
    op.create_index(op.f('ix_voorbeeld_dienst_id'), 'voorbeeld', ['dienst_id'])
    op.create_index(op.f('ix_voorbeeld_oorzaak_id'), 'voorbeeld', ['oorzaak_id'])


def downgrade():
    op.drop_index(op.f('ix_voorbeeld_oorzaak_id'), table_name='voorbeeld')
    op.drop_index(op.f('ix_voorbeeld_dienst_id'), table_name='voorbeeld')
    op.drop_index(op.f('ix_voorbeeld_wijkteam_id'), table_name='voorbeeld')
    op.drop_table('voorbeeld')
