"""the report's roll-up: facts per day sent, team, dienst, cause, kind and urgency (issue 16, point 5)

Four tables the bottleneck report answers from instead of scanning the cases (workflows.rapportfeiten):
counts, histograms of the times in tenths of a werkdag, avoided-cost scenarios, blocking rules. Filled
from the existing cases here; kept up to date with every change to a case afterwards.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-02 12:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def _sleutel():
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dag', sa.Date(), nullable=False),
        sa.Column('wijkteam_id', sa.Integer(), sa.ForeignKey('wijkteam.id'), nullable=False),
        sa.Column('dienst_id', sa.Integer(), sa.ForeignKey('dienst.id'), nullable=False),
        sa.Column('oorzaak_id', sa.Integer(), sa.ForeignKey('oorzaak.id'), nullable=False),
        sa.Column('soort', sa.String(length=32), nullable=False),
        sa.Column('urgentie', sa.String(length=32), nullable=False),
    ]


def upgrade():
    op.create_table(
        'rapportfeit', *_sleutel(),
        *[sa.Column(c, sa.Integer(), nullable=False) for c in (
            'zaken', 'geen_inkomen', 'bovenlokaal', 'structureel', 'bezwaren', 'hoogste_trede', 'termijnen_gemist',
            'zaken_te_laat')],
        sa.PrimaryKeyConstraint('id'))
    op.create_table(
        'rapportfeit_tijd', *_sleutel(),
        sa.Column('maat', sa.String(length=10), nullable=False),
        sa.Column('tienden', sa.Integer(), nullable=False),
        sa.Column('zaken', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    op.create_table(
        'rapportfeit_kosten', *_sleutel(),
        sa.Column('prijspost_id', sa.Integer(), sa.ForeignKey('prijspost.id'), nullable=False),
        sa.Column('zaken', sa.Integer(), nullable=False),
        sa.Column('aantal', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    op.create_table(
        'rapportfeit_regel', *_sleutel(),
        sa.Column('sleutel', sa.Text(), nullable=False),
        sa.Column('zaken', sa.Integer(), nullable=False),
        sa.Column('eerste_zaak_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    for tabel in ('rapportfeit', 'rapportfeit_tijd', 'rapportfeit_kosten', 'rapportfeit_regel'):
        op.create_index(f'ix_{tabel}_dag_team', tabel, ['dag', 'wijkteam_id'])

    from sqlalchemy.orm import Session

    from workflows.rapportfeiten import herbouwen

    herbouwen(Session(bind=op.get_bind()), marges=False)  # the marginal tables come with 0033


def downgrade():
    for tabel in ('rapportfeit_regel', 'rapportfeit_kosten', 'rapportfeit_tijd', 'rapportfeit'):
        op.drop_index(f'ix_{tabel}_dag_team', table_name=tabel)
        op.drop_table(tabel)
