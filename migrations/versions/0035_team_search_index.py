"""the team's case search: the trigram index carries the team (btree_gin), replacing 0014's index

Every search is within one team, but 0014's index held the text only: a common word read its posting lists for
all teams before the team's few matches were left (at 1M cases "kostendelersnorm" is in 69,714 cases, 1,715 of
them in the benchmark's team; the index scan took 74 ms). With the team as the index's first column (btree_gin,
a trusted extension like pg_trgm since PostgreSQL 13) the index returns the team's matches only: 39 ms. The
expression is still workflows.zoeken.ZOEKTEKST_SQL; change both together. SQLite needs nothing.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-03 15:20:00

"""
from alembic import op


revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None

ZOEKTEKST_SQL = ("lower(coalesce(zaak.nummer, '') || ' ' || zaak.clientreferentie || ' ' || zaak.gevraagd || ' ' "
                 "|| zaak.blokkerende_regel || ' ' || coalesce(zaak.voorgestelde_oplossing, ''))")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    op.execute("CREATE INDEX IF NOT EXISTS ix_zaak_team_zoektekst ON zaak "
               f"USING gin (wijkteam_id, ({ZOEKTEKST_SQL}) gin_trgm_ops)")
    op.execute("DROP INDEX IF EXISTS ix_zaak_zoektekst")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"CREATE INDEX IF NOT EXISTS ix_zaak_zoektekst ON zaak USING gin (({ZOEKTEKST_SQL}) gin_trgm_ops)")
    op.execute("DROP INDEX IF EXISTS ix_zaak_team_zoektekst")
