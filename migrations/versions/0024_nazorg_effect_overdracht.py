"""after the decision (issue 17, points 4 and 5): the effect six months on, agreements with the resident,
consent and renewal per case, hand-over to another team

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 11:50:00

"""
from alembic import op
import sqlalchemy as sa

import workflows.models


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'effectmeting',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('zaak_id', sa.Integer(), nullable=False),
        sa.Column('instrument', sa.String(length=32), nullable=False),
        sa.Column('opgelost_op', workflows.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('gevraagd_op', workflows.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('schaal', sa.String(length=32), nullable=True),
        sa.Column('eindpunt', sa.String(length=32), nullable=True),
        sa.Column('toelichting', sa.Text(), nullable=False, server_default=''),
        sa.Column('vastgelegd_op', workflows.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('vastgelegd_door_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['zaak_id'], ['zaak.id'], name=op.f('fk_effectmeting_zaak_id_zaak')),
        sa.ForeignKeyConstraint(['vastgelegd_door_id'], ['gebruiker.id'],
                                name=op.f('fk_effectmeting_vastgelegd_door_id_gebruiker')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_effectmeting')),
        sa.UniqueConstraint('zaak_id', name=op.f('uq_effectmeting_zaak_id')),
    )
    op.create_table(
        'afspraak',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('zaak_id', sa.Integer(), nullable=False),
        sa.Column('tekst', sa.Text(), nullable=False),
        sa.Column('uiterlijk', sa.Date(), nullable=True),
        sa.Column('vastgelegd_door', sa.String(length=200), nullable=False),
        sa.Column('vastgelegd_op', workflows.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['zaak_id'], ['zaak.id'], name=op.f('fk_afspraak_zaak_id_zaak')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_afspraak')),
    )
    op.create_index(op.f('ix_afspraak_zaak_id'), 'afspraak', ['zaak_id'])
    op.create_table(
        'zaak_nazorg',
        sa.Column('zaak_id', sa.Integer(), nullable=False),
        sa.Column('toestemming', sa.String(length=32), nullable=True),
        sa.Column('toestemming_ontbrak', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('ontbreekt_sinds', workflows.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('ontbrak_werkdagen', sa.Float(), nullable=False, server_default='0'),
        sa.Column('einddatum', sa.Date(), nullable=True),
        sa.Column('verlenging_herinnerd_op', workflows.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['zaak_id'], ['zaak.id'], name=op.f('fk_zaak_nazorg_zaak_id_zaak')),
        sa.PrimaryKeyConstraint('zaak_id', name=op.f('pk_zaak_nazorg')),
    )
    op.create_table(
        'overdracht',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('zaak_id', sa.Integer(), nullable=False),
        sa.Column('van_wijkteam_id', sa.Integer(), nullable=False),
        sa.Column('naar_wijkteam_id', sa.Integer(), nullable=False),
        sa.Column('notitie', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('voorgesteld_door_id', sa.Integer(), nullable=False),
        sa.Column('voorgesteld_op', workflows.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('beslist_door_id', sa.Integer(), nullable=True),
        sa.Column('beslist_op', workflows.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('reden', sa.Text(), nullable=False, server_default=''),
        sa.ForeignKeyConstraint(['zaak_id'], ['zaak.id'], name=op.f('fk_overdracht_zaak_id_zaak')),
        sa.ForeignKeyConstraint(['van_wijkteam_id'], ['wijkteam.id'],
                                name=op.f('fk_overdracht_van_wijkteam_id_wijkteam')),
        sa.ForeignKeyConstraint(['naar_wijkteam_id'], ['wijkteam.id'],
                                name=op.f('fk_overdracht_naar_wijkteam_id_wijkteam')),
        sa.ForeignKeyConstraint(['voorgesteld_door_id'], ['gebruiker.id'],
                                name=op.f('fk_overdracht_voorgesteld_door_id_gebruiker')),
        sa.ForeignKeyConstraint(['beslist_door_id'], ['gebruiker.id'],
                                name=op.f('fk_overdracht_beslist_door_id_gebruiker')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_overdracht')),
    )
    op.create_index(op.f('ix_overdracht_zaak_id'), 'overdracht', ['zaak_id'])
    op.create_index('ix_overdracht_naar_status', 'overdracht', ['naar_wijkteam_id', 'status'])


def downgrade():
    op.drop_index('ix_overdracht_naar_status', table_name='overdracht')
    op.drop_index(op.f('ix_overdracht_zaak_id'), table_name='overdracht')
    op.drop_table('overdracht')
    op.drop_table('zaak_nazorg')
    op.drop_index(op.f('ix_afspraak_zaak_id'), table_name='afspraak')
    op.drop_table('afspraak')
    op.drop_table('effectmeting')
