"""security fixes: idempotency keys per user and other hardening

An API client's Idempotency-Key was stored as "api:<key>" in the one global
key column: keys of 61-64 characters no longer fitted (and silently did
nothing), and two users choosing the same key shared it. Now a row says its
`bereik`: a form's server-made key stays unique on its own, an API key is
unique per user and stored as sent. The row also keeps the case it made (a
retry is answered with that case) and a hash of the request (a key reused for
another request is refused).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 06:30:00

"""
import re

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

FORMULIER = sa.text("bereik = 'formulier'")
API = sa.text("bereik = 'api'")


def upgrade():
    with op.batch_alter_table('verwerkt_formulier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bereik', sa.String(length=10), server_default='formulier', nullable=False))
        batch_op.add_column(sa.Column('zaak_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('verzoek_hash', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_verwerkt_formulier_zaak_id_zaak'), 'zaak', ['zaak_id'], ['id'])
        batch_op.drop_constraint('uq_verwerkt_formulier_sleutel', type_='unique')

    conn = op.get_bind()
    rijen = conn.execute(sa.text("SELECT id, sleutel, resultaat_url FROM verwerkt_formulier "
                                 "WHERE sleutel LIKE 'api:%'")).all()
    for rij_id, sleutel, url in rijen:
        m = re.search(r"/zaken/(\d+)$", url or "")
        conn.execute(sa.text("UPDATE verwerkt_formulier SET bereik = 'api', sleutel = :sleutel, "
                             "zaak_id = (SELECT id FROM zaak WHERE id = :zaak) WHERE id = :id"),
                     {"sleutel": sleutel[len("api:"):], "zaak": int(m.group(1)) if m else None, "id": rij_id})

    op.create_index('uq_verwerkt_formulier_formulier_sleutel', 'verwerkt_formulier', ['sleutel'], unique=True,
                    sqlite_where=FORMULIER, postgresql_where=FORMULIER)
    op.create_index('uq_verwerkt_formulier_api_gebruiker_sleutel', 'verwerkt_formulier', ['gebruiker_id', 'sleutel'],
                    unique=True, sqlite_where=API, postgresql_where=API)


def downgrade():
    op.drop_index('uq_verwerkt_formulier_api_gebruiker_sleutel', table_name='verwerkt_formulier')
    op.drop_index('uq_verwerkt_formulier_formulier_sleutel', table_name='verwerkt_formulier')
    # Per-user API keys cannot all go back into one global column (two users may share a key, a key of 61-64
    # characters does not fit with its prefix): they only guard retries, so they are dropped.
    op.execute("DELETE FROM verwerkt_formulier WHERE bereik = 'api'")
    with op.batch_alter_table('verwerkt_formulier', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_verwerkt_formulier_sleutel'), ['sleutel'])
        batch_op.drop_constraint(batch_op.f('fk_verwerkt_formulier_zaak_id_zaak'), type_='foreignkey')
        batch_op.drop_column('verzoek_hash')
        batch_op.drop_column('zaak_id')
        batch_op.drop_column('bereik')
