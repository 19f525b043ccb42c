"""mail budget: a team member's mail preference and contact details; steps held for the daily overview

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('gebruiker', schema=None) as batch_op:
        batch_op.add_column(sa.Column('telefoon', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('mail_voorkeur', sa.String(length=32), server_default='direct', nullable=False))

    op.create_table(
        'overzichtsmelding',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('aan', sa.String(length=254), nullable=False),
        sa.Column('zaak_id', sa.Integer(), nullable=False),
        sa.Column('soort', sa.String(length=40), nullable=False),
        sa.Column('gebeurtenis_id', sa.Integer(), nullable=True),
        sa.Column('op', sa.DateTime(timezone=True), nullable=False),
        sa.Column('overzicht_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['zaak_id'], ['zaak.id'], name=op.f('fk_overzichtsmelding_zaak_id_zaak')),
        sa.ForeignKeyConstraint(['gebeurtenis_id'], ['gebeurtenis.id'],
                                name=op.f('fk_overzichtsmelding_gebeurtenis_id_gebeurtenis')),
        sa.ForeignKeyConstraint(['overzicht_id'], ['uitgaande_mail.id'],
                                name=op.f('fk_overzichtsmelding_overzicht_id_uitgaande_mail')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_overzichtsmelding')),
    )
    op.create_index('ix_overzichtsmelding_aan_overzicht', 'overzichtsmelding', ['aan', 'overzicht_id'], unique=False)
    op.create_index(op.f('ix_overzichtsmelding_zaak_id'), 'overzichtsmelding', ['zaak_id'], unique=False)
    op.create_index(op.f('ix_overzichtsmelding_overzicht_id'), 'overzichtsmelding', ['overzicht_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_overzichtsmelding_overzicht_id'), table_name='overzichtsmelding')
    op.drop_index(op.f('ix_overzichtsmelding_zaak_id'), table_name='overzichtsmelding')
    op.drop_index('ix_overzichtsmelding_aan_overzicht', table_name='overzichtsmelding')
    op.drop_table('overzichtsmelding')
    with op.batch_alter_table('gebruiker', schema=None) as batch_op:
        batch_op.drop_column('mail_voorkeur')
        batch_op.drop_column('contact_email')
        batch_op.drop_column('telefoon')
