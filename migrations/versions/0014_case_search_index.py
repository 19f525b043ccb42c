"""the team's case search: a trigram index on PostgreSQL

The expression is workflows.zoeken.ZOEKTEKST_SQL; change both together. pg_trgm is a trusted
extension (PostgreSQL 13+): the database owner may create it. SQLite needs nothing (a team's cases
are scanned).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 07:00:00

"""
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

ZOEKTEKST_SQL = ("lower(coalesce(zaak.nummer, '') || ' ' || zaak.clientreferentie || ' ' || zaak.gevraagd || ' ' "
                 "|| zaak.blokkerende_regel || ' ' || coalesce(zaak.voorgestelde_oplossing, ''))")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(f"CREATE INDEX IF NOT EXISTS ix_zaak_zoektekst ON zaak USING gin (({ZOEKTEKST_SQL}) gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_zaak_zoektekst")
