"""the maatwerkbudget: budget per team per year, its append-only ledger, requests decided by three, payment
batches for finance and the reply addresses of their mails (issue 17, points 1-3)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02 11:40:00

Like the knipkaart's ledger (0013) the budget ledger is append-only in the database: row triggers refuse
UPDATE and DELETE of maatwerk_mutatie (TRUNCATE, which only an operator or the test suite runs, is not).
"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def _utc():
    return sa.DateTime(timezone=True)


ALLEEN_TOEVOEGEN = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION maatwerk_mutatie_alleen_toevoegen() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'maatwerk_mutatie is append-only, a correction is a new entry'; END $$",
        "CREATE TRIGGER maatwerk_mutatie_alleen_toevoegen BEFORE UPDATE OR DELETE ON maatwerk_mutatie "
        "FOR EACH ROW EXECUTE FUNCTION maatwerk_mutatie_alleen_toevoegen()",
    ],
    "sqlite": [
        "CREATE TRIGGER maatwerk_mutatie_geen_update BEFORE UPDATE ON maatwerk_mutatie "
        "BEGIN SELECT RAISE(ABORT, 'maatwerk_mutatie is append-only, a correction is a new entry'); END",
        "CREATE TRIGGER maatwerk_mutatie_geen_delete BEFORE DELETE ON maatwerk_mutatie "
        "BEGIN SELECT RAISE(ABORT, 'maatwerk_mutatie is append-only, a correction is a new entry'); END",
    ],
}


def upgrade():
    op.create_table(
        'maatwerk_instelling',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('disciplines', sa.String(200), nullable=False),
        sa.Column('betaalwijze', sa.String(10), nullable=False),
        sa.Column('financien_naam', sa.String(120), nullable=False),
        sa.Column('financien_email', sa.String(254), nullable=False),
        sa.Column('rekening_naam', sa.String(70), nullable=False),
        sa.Column('rekening_iban', sa.String(34), nullable=False),
        sa.Column('rekening_bic', sa.String(11), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_maatwerk_instelling'),
    )
    op.create_table(
        'maatwerk_budget',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('wijkteam_id', sa.Integer(), nullable=False),
        sa.Column('jaar', sa.Integer(), nullable=False),
        sa.Column('bedrag_centen', sa.Integer(), nullable=False),
        sa.CheckConstraint('bedrag_centen >= 0', name='ck_maatwerk_budget_bedrag'),
        sa.ForeignKeyConstraint(['wijkteam_id'], ['wijkteam.id'], name='fk_maatwerk_budget_wijkteam_id_wijkteam'),
        sa.PrimaryKeyConstraint('id', name='pk_maatwerk_budget'),
        sa.UniqueConstraint('wijkteam_id', 'jaar', name='uq_maatwerk_budget_wijkteam_jaar'),
    )
    op.create_table(
        'maatwerk_professional',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('naam', sa.String(120), nullable=False),
        sa.Column('email', sa.String(254), nullable=False),
        sa.Column('discipline', sa.String(40), nullable=False),
        sa.Column('wijkteam_id', sa.Integer(), nullable=True),
        sa.Column('actief', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['wijkteam_id'], ['wijkteam.id'],
                                name='fk_maatwerk_professional_wijkteam_id_wijkteam'),
        sa.PrimaryKeyConstraint('id', name='pk_maatwerk_professional'),
        sa.UniqueConstraint('email', name='uq_maatwerk_professional_email'),
    )
    op.create_index('ix_maatwerk_professional_wijkteam_id', 'maatwerk_professional', ['wijkteam_id'])
    op.create_table(
        'maatwerk_betaalopdracht',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kenmerk', sa.String(35), nullable=False),
        sa.Column('formaat', sa.String(10), nullable=False),
        sa.Column('bestand', sa.LargeBinary(), nullable=False),
        sa.Column('aantal', sa.Integer(), nullable=False),
        sa.Column('totaal_centen', sa.Integer(), nullable=False),
        sa.Column('aangemaakt_op', _utc(), nullable=False),
        sa.Column('financien_email', sa.String(254), nullable=False),
        sa.Column('herinnerd_op', _utc(), nullable=True),
        sa.PrimaryKeyConstraint('id', name='pk_maatwerk_betaalopdracht'),
        sa.UniqueConstraint('kenmerk', name='uq_maatwerk_betaalopdracht_kenmerk'),
    )
    op.create_table(
        'maatwerk_aanvraag',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('nummer', sa.String(20), nullable=False),
        sa.Column('wijkteam_id', sa.Integer(), nullable=False),
        sa.Column('budget_id', sa.Integer(), nullable=False),
        sa.Column('aangevraagd_door_id', sa.Integer(), nullable=False),
        sa.Column('discipline', sa.String(40), nullable=False),
        sa.Column('status', sa.String(32), nullable=False),
        sa.Column('bedrag_centen', sa.Integer(), nullable=False),
        sa.Column('clientreferentie', sa.String(60), nullable=False),
        sa.Column('wat_nodig', sa.Text(), nullable=False),
        sa.Column('waarom_werkt', sa.Text(), nullable=False),
        sa.Column('wat_doet_inwoner', sa.Text(), nullable=False),
        sa.Column('crediteur_naam', sa.String(70), nullable=False),
        sa.Column('crediteur_iban', sa.String(34), nullable=False),
        sa.Column('betalingskenmerk', sa.String(100), nullable=False),
        sa.Column('prijspost_id', sa.Integer(), nullable=True),
        sa.Column('scenario_aantal', sa.Integer(), nullable=True),
        sa.Column('aangevraagd_op', _utc(), nullable=False),
        sa.Column('beoordeel_deadline', _utc(), nullable=False),
        sa.Column('beoordeling_herinnerd_op', _utc(), nullable=True),
        sa.Column('besloten_op', _utc(), nullable=True),
        sa.Column('betaal_deadline', _utc(), nullable=True),
        sa.Column('betaalopdracht_id', sa.Integer(), nullable=True),
        sa.Column('betaald_op', _utc(), nullable=True),
        sa.Column('betaald_via', sa.String(20), nullable=False),
        sa.CheckConstraint('bedrag_centen > 0', name='ck_maatwerk_aanvraag_bedrag'),
        sa.ForeignKeyConstraint(['wijkteam_id'], ['wijkteam.id'], name='fk_maatwerk_aanvraag_wijkteam_id_wijkteam'),
        sa.ForeignKeyConstraint(['budget_id'], ['maatwerk_budget.id'],
                                name='fk_maatwerk_aanvraag_budget'),
        sa.ForeignKeyConstraint(['aangevraagd_door_id'], ['gebruiker.id'],
                                name='fk_maatwerk_aanvraag_aangevraagd_door'),
        sa.ForeignKeyConstraint(['prijspost_id'], ['prijspost.id'], name='fk_maatwerk_aanvraag_prijspost_id_prijspost'),
        sa.ForeignKeyConstraint(['betaalopdracht_id'], ['maatwerk_betaalopdracht.id'],
                                name='fk_maatwerk_aanvraag_betaalopdracht'),
        sa.PrimaryKeyConstraint('id', name='pk_maatwerk_aanvraag'),
        sa.UniqueConstraint('nummer', name='uq_maatwerk_aanvraag_nummer'),
    )
    op.create_index('ix_maatwerk_aanvraag_wijkteam_id', 'maatwerk_aanvraag', ['wijkteam_id'])
    op.create_index('ix_maatwerk_aanvraag_budget_id', 'maatwerk_aanvraag', ['budget_id'])
    op.create_index('ix_maatwerk_aanvraag_betaalopdracht_id', 'maatwerk_aanvraag', ['betaalopdracht_id'])
    op.create_index('ix_maatwerk_aanvraag_status', 'maatwerk_aanvraag', ['status', 'beoordeel_deadline'])
    op.create_table(
        'maatwerk_beoordeling',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('aanvraag_id', sa.Integer(), nullable=False),
        sa.Column('professional_id', sa.Integer(), nullable=False),
        sa.Column('discipline', sa.String(40), nullable=False),
        sa.Column('oordeel', sa.String(32), nullable=True),
        sa.Column('reden', sa.Text(), nullable=False),
        sa.Column('beslist_op', _utc(), nullable=True),
        sa.Column('kanaal', sa.String(20), nullable=False),
        sa.ForeignKeyConstraint(['aanvraag_id'], ['maatwerk_aanvraag.id'],
                                name='fk_maatwerk_beoordeling_aanvraag'),
        sa.ForeignKeyConstraint(['professional_id'], ['maatwerk_professional.id'],
                                name='fk_maatwerk_beoordeling_professional'),
        sa.PrimaryKeyConstraint('id', name='pk_maatwerk_beoordeling'),
        sa.UniqueConstraint('aanvraag_id', 'professional_id', name='uq_maatwerk_beoordeling_aanvraag'),
    )
    op.create_index('ix_maatwerk_beoordeling_aanvraag_id', 'maatwerk_beoordeling', ['aanvraag_id'])
    op.create_index('ix_maatwerk_beoordeling_professional_id', 'maatwerk_beoordeling', ['professional_id'])
    op.create_table(
        'maatwerk_mutatie',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('budget_id', sa.Integer(), nullable=False),
        sa.Column('aanvraag_id', sa.Integer(), nullable=False),
        sa.Column('soort', sa.String(32), nullable=False),
        sa.Column('bedrag_centen', sa.Integer(), nullable=False),
        sa.Column('op', _utc(), nullable=False),
        sa.Column('door', sa.String(200), nullable=False),
        sa.Column('reden', sa.Text(), nullable=False),
        sa.CheckConstraint('bedrag_centen > 0', name='ck_maatwerk_mutatie_bedrag'),
        sa.ForeignKeyConstraint(['budget_id'], ['maatwerk_budget.id'],
                                name='fk_maatwerk_mutatie_budget'),
        sa.ForeignKeyConstraint(['aanvraag_id'], ['maatwerk_aanvraag.id'],
                                name='fk_maatwerk_mutatie_aanvraag'),
        sa.PrimaryKeyConstraint('id', name='pk_maatwerk_mutatie'),
        sa.UniqueConstraint('aanvraag_id', 'soort', name='uq_maatwerk_mutatie_aanvraag_soort'),
    )
    op.create_index('ix_maatwerk_mutatie_budget_id', 'maatwerk_mutatie', ['budget_id'])
    op.create_index('ix_maatwerk_mutatie_aanvraag_id', 'maatwerk_mutatie', ['aanvraag_id'])
    op.create_table(
        'maatwerk_reply_adres',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(40), nullable=False),
        sa.Column('aanvraag_id', sa.Integer(), nullable=True),
        sa.Column('professional_id', sa.Integer(), nullable=True),
        sa.Column('betaalopdracht_id', sa.Integer(), nullable=True),
        sa.Column('ontvanger', sa.String(254), nullable=False),
        sa.Column('aangemaakt_op', _utc(), nullable=False),
        sa.ForeignKeyConstraint(['aanvraag_id'], ['maatwerk_aanvraag.id'],
                                name='fk_maatwerk_reply_adres_aanvraag'),
        sa.ForeignKeyConstraint(['professional_id'], ['maatwerk_professional.id'],
                                name='fk_maatwerk_reply_adres_professional'),
        sa.ForeignKeyConstraint(['betaalopdracht_id'], ['maatwerk_betaalopdracht.id'],
                                name='fk_maatwerk_reply_adres_betaalopdracht'),
        sa.PrimaryKeyConstraint('id', name='pk_maatwerk_reply_adres'),
        sa.UniqueConstraint('token', name='uq_maatwerk_reply_adres_token'),
    )
    op.create_index('ix_maatwerk_reply_adres_aanvraag_id', 'maatwerk_reply_adres', ['aanvraag_id'])
    op.create_index('ix_maatwerk_reply_adres_betaalopdracht_id', 'maatwerk_reply_adres', ['betaalopdracht_id'])
    for sql in ALLEEN_TOEVOEGEN[op.get_bind().dialect.name]:
        op.execute(sql)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS maatwerk_mutatie_alleen_toevoegen ON maatwerk_mutatie")
        op.execute("DROP FUNCTION IF EXISTS maatwerk_mutatie_alleen_toevoegen()")
    for tabel in ('maatwerk_reply_adres', 'maatwerk_mutatie', 'maatwerk_beoordeling', 'maatwerk_aanvraag',
                  'maatwerk_betaalopdracht', 'maatwerk_professional', 'maatwerk_budget', 'maatwerk_instelling'):
        op.drop_table(tabel)
