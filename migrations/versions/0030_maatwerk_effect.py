"""the effect six months on, also of a paid maatwerk request

An `effectmeting` row is now of a solved case (`zaak_id`) or of a paid maatwerk request (`aanvraag_id`), never
both: Zaanstad asks the effect of every instrument, and the maatwerkbudget is one (issue 17, point 4).

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-03 08:30:00

"""
import warnings
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op


revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


@contextmanager
def _tabel(naam: str):
    """batch_alter_table, quietly: SQLite rebuilds the table and reflects `zaak` for its foreign key, whose
    expression index (migration 0028) SQLAlchemy cannot reflect and warns about; that index is not touched."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table(naam, schema=None) as batch_op:
            yield batch_op


def upgrade():
    with _tabel('effectmeting') as batch_op:
        batch_op.add_column(sa.Column('aanvraag_id', sa.Integer(), nullable=True))
        batch_op.alter_column('zaak_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_effectmeting_aanvraag_id_maatwerk_aanvraag'),
                                    'maatwerk_aanvraag', ['aanvraag_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_effectmeting_aanvraag_id'), ['aanvraag_id'])
        batch_op.create_check_constraint(batch_op.f('ck_effectmeting_een_bron'),
                                         '(zaak_id IS NULL) <> (aanvraag_id IS NULL)')


def downgrade():
    op.execute("DELETE FROM effectmeting WHERE aanvraag_id IS NOT NULL")
    with _tabel('effectmeting') as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_effectmeting_een_bron'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_effectmeting_aanvraag_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_effectmeting_aanvraag_id_maatwerk_aanvraag'), type_='foreignkey')
        batch_op.alter_column('zaak_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('aanvraag_id')
