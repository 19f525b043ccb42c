"""a municipal pool beside the team budgets (issue 17, point 1: "a municipal pool is an option")

A maatwerk budget without a wijkteam is the municipality's pool for that year: a request the team's own budget
cannot cover is committed on the pool when the beheerder set one (workflows/maatwerk/budget.py). One pool per
year: a partial unique index, as the (wijkteam, jaar) key does not hold for NULL.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-03 10:00:00

"""
import warnings
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op


revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


@contextmanager
def _tabel(naam: str):
    """batch_alter_table, quietly: SQLite rebuilds the table and reflects what it refers to; an expression
    index there (migration 0028) SQLAlchemy cannot reflect and warns about; it is not touched."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table(naam, schema=None) as batch_op:
            yield batch_op


def upgrade():
    with _tabel('maatwerk_budget') as batch_op:
        batch_op.alter_column('wijkteam_id', existing_type=sa.Integer(), nullable=True)
    op.create_index('uq_maatwerk_budget_pool_jaar', 'maatwerk_budget', ['jaar'], unique=True,
                    sqlite_where=sa.text('wijkteam_id IS NULL'), postgresql_where=sa.text('wijkteam_id IS NULL'))


def downgrade():
    op.drop_index('uq_maatwerk_budget_pool_jaar', table_name='maatwerk_budget')
    # A pool with ledger entries cannot go back to a team: the downgrade refuses rather than lose the books.
    op.execute("DELETE FROM maatwerk_budget WHERE wijkteam_id IS NULL AND id NOT IN "
               "(SELECT budget_id FROM maatwerk_mutatie)")
    with _tabel('maatwerk_budget') as batch_op:
        batch_op.alter_column('wijkteam_id', existing_type=sa.Integer(), nullable=False)
