"""the report's marginal roll-ups: the same sums without the dimensions the unfiltered report does not need, per day
and per month (issue 16, point 5)

Per day sent and per Amsterdam calendar month (workflows.rapportfeiten): counts per cause and kind, counts per
dienst, time histograms per dienst, avoided cost per cause and price-list item, blocking rules per wording with
their teams. At national scale nearly every group of the day tables of 0027 holds one case; the unfiltered report
reads these instead (months wholly inside its period, days at its edges). Filled here from the day tables; kept
with them by every catch-up afterwards.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-03 15:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None

SOORTEN = {
    'oorzaak': lambda: [
        sa.Column('oorzaak_id', sa.Integer(), nullable=False),
        sa.Column('soort', sa.String(length=32), nullable=False),
        *[sa.Column(c, sa.Integer(), nullable=False) for c in (
            'zaken', 'geen_inkomen', 'bovenlokaal', 'acuut', 'structureel', 'bezwaren', 'zaken_te_laat')]],
    'dienst': lambda: [
        sa.Column('dienst_id', sa.Integer(), nullable=False),
        *[sa.Column(c, sa.Integer(), nullable=False) for c in (
            'zaken', 'hoogste_trede', 'bezwaren', 'termijnen_gemist', 'zaken_te_laat')]],
    'tijd': lambda: [
        sa.Column('dienst_id', sa.Integer(), nullable=False),
        sa.Column('maat', sa.String(length=10), nullable=False),
        sa.Column('tienden', sa.Integer(), nullable=False),
        sa.Column('zaken', sa.Integer(), nullable=False)],
    'kosten': lambda: [
        sa.Column('oorzaak_id', sa.Integer(), nullable=False),
        sa.Column('prijspost_id', sa.Integer(), nullable=False),
        sa.Column('zaken', sa.Integer(), nullable=False),
        sa.Column('aantal', sa.Integer(), nullable=False)],
    'regel': lambda: [
        sa.Column('sleutel', sa.Text(), nullable=False),
        sa.Column('zaken', sa.Integer(), nullable=False),
        sa.Column('eerste_zaak_id', sa.Integer(), nullable=False),
        sa.Column('teams', sa.Text(), nullable=False)],
}
TABELLEN = [f'rapport{korrel}_{soort}' for soort in SOORTEN for korrel in ('dag', 'maand')]


def upgrade():
    for soort, kolommen in SOORTEN.items():
        for korrel in ('dag', 'maand'):
            tabel = f'rapport{korrel}_{soort}'
            op.create_table(
                tabel,
                sa.Column('id', sa.Integer(), nullable=False),
                sa.Column('periode', sa.Date(), nullable=False),
                *kolommen(),
                sa.PrimaryKeyConstraint('id'))
            op.create_index(f'ix_{tabel}_periode', tabel, ['periode'])

    from sqlalchemy.orm import Session

    from workflows.rapportfeiten import marges_herbouwen

    marges_herbouwen(Session(bind=op.get_bind()))


def downgrade():
    for tabel in reversed(TABELLEN):
        op.drop_index(f'ix_{tabel}_periode', table_name=tabel)
        op.drop_table(tabel)
