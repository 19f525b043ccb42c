"""outbound mail: claim lease and provider idempotency

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 06:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # A claim is identified so that only its holder records the outcome; a claimed row's
    # volgende_poging_op is the end of its lease (no new column: the index on status and
    # volgende_poging_op serves the queue and the taking over of expired claims alike).
    with op.batch_alter_table('uitgaande_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('onbekende_uitkomsten', sa.Integer(), nullable=False, server_default='0'))
    # Rows a killed dispatcher left behind before this version: their lease starts now.
    op.execute("UPDATE uitgaande_mail SET volgende_poging_op = CURRENT_TIMESTAMP WHERE status = 'verzenden'")


def downgrade():
    with op.batch_alter_table('uitgaande_mail', schema=None) as batch_op:
        batch_op.drop_column('onbekende_uitkomsten')
        batch_op.drop_column('claim')
