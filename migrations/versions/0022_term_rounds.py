"""a case's term round: forwarding to the Landelijk Maatwerkloket or reopening starts a new ladder

The deadline steps of the first dienst (case, clock, rung, kind) blocked the same steps at the Landelijk
Maatwerkloket and after a reopening; the round is now part of the step's key.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 08:25:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('zaak', schema=None) as batch_op:
        batch_op.add_column(sa.Column('termijnronde', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('termijnstap', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ronde', sa.Integer(), nullable=False, server_default='0'))
        batch_op.drop_constraint('uq_termijnstap_sleutel', type_='unique')
        batch_op.create_unique_constraint('uq_termijnstap_sleutel', ['zaak_id', 'ronde', 'klok', 'trede', 'soort'])


def downgrade():
    op.execute("DELETE FROM termijnstap WHERE ronde > 0")  # the old key cannot hold the later rounds' steps
    with op.batch_alter_table('termijnstap', schema=None) as batch_op:
        batch_op.drop_constraint('uq_termijnstap_sleutel', type_='unique')
        batch_op.create_unique_constraint('uq_termijnstap_sleutel', ['zaak_id', 'klok', 'trede', 'soort'])
        batch_op.drop_column('ronde')
    with op.batch_alter_table('zaak', schema=None) as batch_op:
        batch_op.drop_column('termijnronde')
