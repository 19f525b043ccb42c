"""a second opinion before a knip is spent, and the rayonmanager's teams (issue 17, point 2)

`rayon_team`: the teams of a rayonmanager (the new role `rayonmanager`; `gebruiker.rol` is a plain string
column, so the role itself needs no change here). `tweede_mening`: a wijkteammanager's question about a knip
concept to a wijkteammanager of another team or a rayonmanager, and the answer (workflows/tweedemening.py).

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-03 09:00:00

"""
import sqlalchemy as sa
from alembic import op

import workflows.models

revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rayon_team',
        sa.Column('gebruiker_id', sa.Integer(), nullable=False),
        sa.Column('wijkteam_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['gebruiker_id'], ['gebruiker.id'], name=op.f('fk_rayon_team_gebruiker_id_gebruiker')),
        sa.ForeignKeyConstraint(['wijkteam_id'], ['wijkteam.id'], name=op.f('fk_rayon_team_wijkteam_id_wijkteam')),
        sa.PrimaryKeyConstraint('gebruiker_id', 'wijkteam_id', name=op.f('pk_rayon_team')),
    )
    op.create_index(op.f('ix_rayon_team_wijkteam_id'), 'rayon_team', ['wijkteam_id'])
    op.create_table(
        'tweede_mening',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('zaak_id', sa.Integer(), nullable=False),
        sa.Column('gevraagd_door_id', sa.Integer(), nullable=False),
        sa.Column('gevraagd_aan_id', sa.Integer(), nullable=False),
        sa.Column('vraag', sa.Text(), nullable=False),
        sa.Column('gevraagd_op', workflows.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('mening', sa.String(length=32), nullable=True),
        sa.Column('toelichting', sa.Text(), nullable=False, server_default=''),
        sa.Column('gegeven_op', workflows.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['zaak_id'], ['zaak.id'], name=op.f('fk_tweede_mening_zaak_id_zaak')),
        sa.ForeignKeyConstraint(['gevraagd_door_id'], ['gebruiker.id'],
                                name=op.f('fk_tweede_mening_gevraagd_door_id_gebruiker')),
        sa.ForeignKeyConstraint(['gevraagd_aan_id'], ['gebruiker.id'],
                                name=op.f('fk_tweede_mening_gevraagd_aan_id_gebruiker')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tweede_mening')),
    )
    op.create_index(op.f('ix_tweede_mening_zaak_id'), 'tweede_mening', ['zaak_id'])
    op.create_index('ix_tweede_mening_aan_open', 'tweede_mening', ['gevraagd_aan_id', 'gegeven_op'])


def downgrade():
    op.drop_table('tweede_mening')
    op.drop_table('rayon_team')
    # The older code knows no rayonmanager: they become inactive management accounts (no login, no teams).
    op.execute("UPDATE gebruiker SET rol = 'management', actief = false WHERE rol = 'rayonmanager'")
