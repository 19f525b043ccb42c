"""indexes for the team's list and dashboard at national scale (issue 14 benchmark, docs/performance.md)

- the household history (`workflows.zoeken.eerdere_zaken`): a team's cases by lower(cliëntreferentie); without it
  every search read all of a team's cases (0.7 s for a team of 25,000 cases);
- the dashboard's "solved, to close" (`status = 'opgelost'` by `opgelost_op`): a partial index, so the first 50 are
  read in order instead of sorting all of them (39 ms for 2,100 solved cases).

Both on SQLite too (expression and partial indexes).

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-02 12:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_zaak_team_clientreferentie", "zaak", ["wijkteam_id", sa.text("lower(clientreferentie)")])
    op.create_index("ix_zaak_team_opgelost", "zaak", ["wijkteam_id", "opgelost_op", "id"],
                    postgresql_where=sa.text("status = 'opgelost'"), sqlite_where=sa.text("status = 'opgelost'"))


def downgrade():
    op.drop_index("ix_zaak_team_opgelost", table_name="zaak")
    op.drop_index("ix_zaak_team_clientreferentie", table_name="zaak")
