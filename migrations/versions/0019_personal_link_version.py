"""the contactpersoon's personal "Mijn zaken" link: a version the beheerder raises to revoke it

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 07:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contactpersoon', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mijn_zaken_versie', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('contactpersoon', schema=None) as batch_op:
        batch_op.drop_column('mijn_zaken_versie')
