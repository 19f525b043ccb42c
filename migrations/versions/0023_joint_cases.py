"""joint cases: one question to several diensten, each part an ordinary escalation, and the overbrugging
(issue 18, point 5)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 11:50:00

"""
from alembic import op
import sqlalchemy as sa

from workflows.models import UTCDateTime


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'gezamenlijke_zaak',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('nummer', sa.String(length=20), nullable=False),
        sa.Column('wijkteam_id', sa.Integer(), nullable=False),
        sa.Column('aangemaakt_door_id', sa.Integer(), nullable=False),
        sa.Column('aangemaakt_op', UTCDateTime(), nullable=False),
        sa.Column('overbrugd_door_dienst_id', sa.Integer(), nullable=True),
        sa.Column('overbrugd_op', UTCDateTime(), nullable=True),
        sa.Column('overbrugging_vastgelegd_door', sa.String(length=200), server_default='', nullable=False),
        sa.ForeignKeyConstraint(['wijkteam_id'], ['wijkteam.id'], name=op.f('fk_gezamenlijke_zaak_wijkteam_id_wijkteam')),
        sa.ForeignKeyConstraint(['aangemaakt_door_id'], ['gebruiker.id'],
                                name=op.f('fk_gezamenlijke_zaak_aangemaakt_door_id_gebruiker')),
        sa.ForeignKeyConstraint(['overbrugd_door_dienst_id'], ['dienst.id'],
                                name=op.f('fk_gezamenlijke_zaak_overbrugd_door_dienst_id_dienst')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gezamenlijke_zaak')),
        sa.UniqueConstraint('nummer', name=op.f('uq_gezamenlijke_zaak_nummer')),
    )
    with op.batch_alter_table('gezamenlijke_zaak', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gezamenlijke_zaak_wijkteam_id'), ['wijkteam_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_gezamenlijke_zaak_overbrugd_door_dienst_id'),
                              ['overbrugd_door_dienst_id'], unique=False)
    op.create_table(
        'gezamenlijk_deel',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('gezamenlijke_zaak_id', sa.Integer(), nullable=False),
        sa.Column('zaak_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['gezamenlijke_zaak_id'], ['gezamenlijke_zaak.id'],
                                name=op.f('fk_gezamenlijk_deel_gezamenlijke_zaak_id_gezamenlijke_zaak')),
        sa.ForeignKeyConstraint(['zaak_id'], ['zaak.id'], name=op.f('fk_gezamenlijk_deel_zaak_id_zaak')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gezamenlijk_deel')),
        sa.UniqueConstraint('zaak_id', name=op.f('uq_gezamenlijk_deel_zaak_id')),
    )
    with op.batch_alter_table('gezamenlijk_deel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gezamenlijk_deel_gezamenlijke_zaak_id'), ['gezamenlijke_zaak_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('gezamenlijk_deel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gezamenlijk_deel_gezamenlijke_zaak_id'))
    op.drop_table('gezamenlijk_deel')
    with op.batch_alter_table('gezamenlijke_zaak', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gezamenlijke_zaak_overbrugd_door_dienst_id'))
        batch_op.drop_index(batch_op.f('ix_gezamenlijke_zaak_wijkteam_id'))
    op.drop_table('gezamenlijke_zaak')
