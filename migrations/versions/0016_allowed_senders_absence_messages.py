"""quarantine that learns: senders allowed per dienst; out-of-office messages offered as an absence

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 08:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'toegestane_afzender',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dienst_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('toegevoegd_door', sa.String(length=200), nullable=False),
        sa.Column('toegevoegd_op', sa.DateTime(timezone=True), nullable=False),
        sa.Column('inkomende_mail_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['dienst_id'], ['dienst.id'], name=op.f('fk_toegestane_afzender_dienst_id_dienst')),
        sa.ForeignKeyConstraint(['inkomende_mail_id'], ['inkomende_mail.id'],
                                name=op.f('fk_toegestane_afzender_inkomende_mail_id_inkomende_mail')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_toegestane_afzender')),
        sa.UniqueConstraint('dienst_id', 'email', name='uq_toegestane_afzender_dienst_email'),
    )
    op.create_index(op.f('ix_toegestane_afzender_dienst_id'), 'toegestane_afzender', ['dienst_id'], unique=False)
    op.create_table(
        'afwezigheidsbericht',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('inkomende_mail_id', sa.Integer(), nullable=False),
        sa.Column('contactpersoon_id', sa.Integer(), nullable=False),
        sa.Column('ontvangen_op', sa.DateTime(timezone=True), nullable=False),
        sa.Column('tot', sa.Date(), nullable=True),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('afgehandeld_door', sa.String(length=200), nullable=True),
        sa.Column('afgehandeld_op', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['contactpersoon_id'], ['contactpersoon.id'],
                                name=op.f('fk_afwezigheidsbericht_contactpersoon_id_contactpersoon')),
        sa.ForeignKeyConstraint(['inkomende_mail_id'], ['inkomende_mail.id'],
                                name=op.f('fk_afwezigheidsbericht_inkomende_mail_id_inkomende_mail')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_afwezigheidsbericht')),
        sa.UniqueConstraint('inkomende_mail_id', name=op.f('uq_afwezigheidsbericht_inkomende_mail_id')),
    )
    op.create_index('ix_afwezigheidsbericht_status', 'afwezigheidsbericht', ['status', 'contactpersoon_id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_afwezigheidsbericht_status', table_name='afwezigheidsbericht')
    op.drop_table('afwezigheidsbericht')
    op.drop_index(op.f('ix_toegestane_afzender_dienst_id'), table_name='toegestane_afzender')
    op.drop_table('toegestane_afzender')
