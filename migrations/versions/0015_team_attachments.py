"""attachments from the team: an attachment need not come with an inbound mail

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 07:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bijlage', schema=None) as batch_op:
        batch_op.alter_column('inkomende_mail_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('geupload_door', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('geupload_op', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    op.execute("DELETE FROM bijlage WHERE inkomende_mail_id IS NULL")
    with op.batch_alter_table('bijlage', schema=None) as batch_op:
        batch_op.drop_column('geupload_op')
        batch_op.drop_column('geupload_door')
        batch_op.alter_column('inkomende_mail_id', existing_type=sa.Integer(), nullable=False)
