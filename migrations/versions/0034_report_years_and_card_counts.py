"""the report's time histograms per year, and the knips spent and returned per card (issue 16, point 5)

`rapportjaar_tijd`: the time histograms of 0033 per Amsterdam calendar year, summed from the month rows (the one
marginal kind that stays large per month). `rapportkaart`: per knipkaart the knips spent and returned, counted
from its ledger in the flush that adds to it, so the report reads 550 rows instead of aggregating the ledger
(workflows.rapportfeiten). Both filled here.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-03 15:25:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rapportjaar_tijd',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('periode', sa.Date(), nullable=False),
        sa.Column('dienst_id', sa.Integer(), nullable=False),
        sa.Column('maat', sa.String(length=10), nullable=False),
        sa.Column('tienden', sa.Integer(), nullable=False),
        sa.Column('zaken', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_rapportjaar_tijd_periode', 'rapportjaar_tijd', ['periode'])
    op.create_table(
        'rapportkaart',
        sa.Column('knipkaart_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('ingezet', sa.Integer(), nullable=False),
        sa.Column('teruggegeven', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('knipkaart_id'))

    from sqlalchemy.orm import Session

    from workflows.rapportfeiten import jaren_herbouwen, kaarten_tellen

    session = Session(bind=op.get_bind())
    jaren_herbouwen(session)
    kaarten_tellen(session)


def downgrade():
    op.drop_table('rapportkaart')
    op.drop_index('ix_rapportjaar_tijd_periode', table_name='rapportjaar_tijd')
    op.drop_table('rapportjaar_tijd')
