"""the report's roll-up is marked, not recomputed, by a change to a case

`rapportfeit_vuil` holds the groups (day sent, wijkteam) whose cases changed since their facts were computed
(workflows.rapportfeiten). Recomputing a group in every flush made the changes of one team on one day wait for
each other and cost a scan of the group per flush: a sweep over a thousand cases of one day recomputed that day
a thousand times. Now the change marks its group and the report (before it reads) and the scheduler (every
minute) recompute the marked groups once. The roll-up is up to date at this migration, so no group is marked.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-02 17:30:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rapportfeit_vuil",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("dag", sa.Date(), nullable=False),
        sa.Column("wijkteam_id", sa.Integer(), nullable=False),
    )


def downgrade():
    # The groups still marked are recomputed first, so the roll-up stays equal to its cases.
    from sqlalchemy.orm import Session

    from workflows.rapportfeiten import bijwerken_wat_veranderde

    bijwerken_wat_veranderde(Session(bind=op.get_bind()), marges=False)  # the marginal tables are gone (0033)
    op.drop_table("rapportfeit_vuil")
