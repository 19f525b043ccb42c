"""advice questions shared with every team, and the team's rating of a dienst on closing (issue 18, points 2, 4)

An adviesvraag itself is a case (zaak.soort 'adviesvraag', urgentie 'advies', uitkomst 'geadviseerd': the
enums are stored as strings, so no column changes); what it adds is the anonymised copy of a shared answer.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-02 11:30:00

"""
from alembic import op
import sqlalchemy as sa

import workflows.models


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'gedeeld_advies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('zaak_id', sa.Integer(), nullable=False),
        sa.Column('dienst_id', sa.Integer(), nullable=False),
        sa.Column('oorzaak_id', sa.Integer(), nullable=False),
        sa.Column('vraag', sa.Text(), nullable=False),
        sa.Column('regel', sa.Text(), nullable=False),
        sa.Column('antwoord', sa.Text(), nullable=False),
        sa.Column('deskundige', sa.String(length=200), nullable=False),
        sa.Column('gedeeld_op', workflows.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['zaak_id'], ['zaak.id'], name=op.f('fk_gedeeld_advies_zaak_id_zaak')),
        sa.ForeignKeyConstraint(['dienst_id'], ['dienst.id'], name=op.f('fk_gedeeld_advies_dienst_id_dienst')),
        sa.ForeignKeyConstraint(['oorzaak_id'], ['oorzaak.id'], name=op.f('fk_gedeeld_advies_oorzaak_id_oorzaak')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gedeeld_advies')),
        sa.UniqueConstraint('zaak_id', name=op.f('uq_gedeeld_advies_zaak_id')),
    )
    op.create_index(op.f('ix_gedeeld_advies_dienst_id'), 'gedeeld_advies', ['dienst_id'])
    op.create_index(op.f('ix_gedeeld_advies_oorzaak_id'), 'gedeeld_advies', ['oorzaak_id'])
    op.create_index(op.f('ix_gedeeld_advies_gedeeld_op'), 'gedeeld_advies', ['gedeeld_op'])

    op.create_table(
        'waardering',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('zaak_id', sa.Integer(), nullable=False),
        sa.Column('wijkteam_id', sa.Integer(), nullable=False),
        sa.Column('dienst_id', sa.Integer(), nullable=False),
        sa.Column('contactpersoon_id', sa.Integer(), nullable=True),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('toelichting', sa.Text(), nullable=False, server_default=''),
        sa.Column('gegeven_door_id', sa.Integer(), nullable=True),
        sa.Column('op', workflows.models.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_waardering_score')),
        sa.ForeignKeyConstraint(['zaak_id'], ['zaak.id'], name=op.f('fk_waardering_zaak_id_zaak')),
        sa.ForeignKeyConstraint(['wijkteam_id'], ['wijkteam.id'], name=op.f('fk_waardering_wijkteam_id_wijkteam')),
        sa.ForeignKeyConstraint(['dienst_id'], ['dienst.id'], name=op.f('fk_waardering_dienst_id_dienst')),
        sa.ForeignKeyConstraint(['contactpersoon_id'], ['contactpersoon.id'],
                                name=op.f('fk_waardering_contactpersoon_id_contactpersoon')),
        sa.ForeignKeyConstraint(['gegeven_door_id'], ['gebruiker.id'],
                                name=op.f('fk_waardering_gegeven_door_id_gebruiker')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_waardering')),
        sa.UniqueConstraint('zaak_id', name=op.f('uq_waardering_zaak_id')),
    )
    op.create_index(op.f('ix_waardering_wijkteam_id'), 'waardering', ['wijkteam_id'])
    op.create_index(op.f('ix_waardering_dienst_id'), 'waardering', ['dienst_id'])
    op.create_index(op.f('ix_waardering_contactpersoon_id'), 'waardering', ['contactpersoon_id'])
    op.create_index(op.f('ix_waardering_op'), 'waardering', ['op'])


def downgrade():
    for naam in ('op', 'contactpersoon_id', 'dienst_id', 'wijkteam_id'):
        op.drop_index(op.f(f'ix_waardering_{naam}'), table_name='waardering')
    op.drop_table('waardering')
    for naam in ('gedeeld_op', 'oorzaak_id', 'dienst_id'):
        op.drop_index(op.f(f'ix_gedeeld_advies_{naam}'), table_name='gedeeld_advies')
    op.drop_table('gedeeld_advies')
