"""the knipkaart ledger is append-only in the database, as the audit log is

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 06:30:00

A correction of the ledger is a new entry (DOMAIN.md "Knipkaart"): the
database refuses to change or delete a row of knipkaart_mutatie, whatever
code or console tries. Like the audit log's triggers (0007), these are row
triggers: TRUNCATE, which only an operator (or the test suite's clean-up)
runs, is not refused. The SQL is written out here rather than imported, so
that this migration keeps doing what it did when the code moves on. A later
migration that rebuilds the table on SQLite (batch mode copies it) drops
these triggers with it and must install them again.
"""
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

ALLEEN_TOEVOEGEN = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION knipkaart_mutatie_alleen_toevoegen() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'knipkaart_mutatie is append-only, a correction is a new entry'; END $$",
        "CREATE TRIGGER knipkaart_mutatie_alleen_toevoegen BEFORE UPDATE OR DELETE ON knipkaart_mutatie "
        "FOR EACH ROW EXECUTE FUNCTION knipkaart_mutatie_alleen_toevoegen()",
    ],
    "sqlite": [
        "CREATE TRIGGER knipkaart_mutatie_geen_update BEFORE UPDATE ON knipkaart_mutatie "
        "BEGIN SELECT RAISE(ABORT, 'knipkaart_mutatie is append-only, a correction is a new entry'); END",
        "CREATE TRIGGER knipkaart_mutatie_geen_delete BEFORE DELETE ON knipkaart_mutatie "
        "BEGIN SELECT RAISE(ABORT, 'knipkaart_mutatie is append-only, a correction is a new entry'); END",
    ],
}

WEG = {
    "postgresql": ["DROP TRIGGER IF EXISTS knipkaart_mutatie_alleen_toevoegen ON knipkaart_mutatie",
                   "DROP FUNCTION IF EXISTS knipkaart_mutatie_alleen_toevoegen()"],
    "sqlite": ["DROP TRIGGER IF EXISTS knipkaart_mutatie_geen_update",
               "DROP TRIGGER IF EXISTS knipkaart_mutatie_geen_delete"],
}


def upgrade():
    for sql in ALLEEN_TOEVOEGEN[op.get_bind().dialect.name]:
        op.execute(sql)


def downgrade():
    for sql in WEG[op.get_bind().dialect.name]:
        op.execute(sql)
