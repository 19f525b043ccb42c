"""inbound mail: sender authentication verdicts and internal domains

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 06:30:00

"""
import hashlib

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def _identiteit(message_id: str, ruw: bytes | None) -> str:
    # The same formula as notifications.inkomend.identiteit (kept here so the migration never changes).
    return hashlib.sha256(message_id.encode("utf-8", "surrogatepass") + b"\n" + (ruw or b"")).hexdigest()


def upgrade():
    with op.batch_alter_table('inkomende_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('identiteit', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('message_id_eerste', sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column('spf', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('envelop_van', sa.String(length=254), server_default='', nullable=False))
        batch_op.add_column(sa.Column('dkim', sa.String(length=1000), server_default='', nullable=False))
        batch_op.add_column(sa.Column('geauthenticeerd', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('automatisch', sa.Boolean(), server_default=sa.false(), nullable=False))

    # Every mail stored so far was the first with its Message-ID (the column was unique).
    bind = op.get_bind()
    mail = sa.table('inkomende_mail', sa.column('id', sa.Integer), sa.column('message_id', sa.String),
                    sa.column('ruw', sa.LargeBinary), sa.column('identiteit', sa.String),
                    sa.column('message_id_eerste', sa.String))
    for id_, message_id, ruw in bind.execute(sa.select(mail.c.id, mail.c.message_id, mail.c.ruw)).all():
        bind.execute(mail.update().where(mail.c.id == id_).values(
            identiteit=_identiteit(message_id, ruw), message_id_eerste=message_id))

    with op.batch_alter_table('inkomende_mail', schema=None) as batch_op:
        batch_op.alter_column('identiteit', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_constraint('uq_inkomende_mail_message_id', type_='unique')
        batch_op.create_index(batch_op.f('ix_inkomende_mail_message_id'), ['message_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_inkomende_mail_identiteit'), ['identiteit'])
        batch_op.create_unique_constraint(batch_op.f('uq_inkomende_mail_message_id_eerste'), ['message_id_eerste'])

    with op.batch_alter_table('dienst', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intern_zonder_authenticatie', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('dienst', schema=None) as batch_op:
        batch_op.drop_column('intern_zonder_authenticatie')

    # A Message-ID is unique again: a later mail that reused one keeps a Message-ID of its own.
    op.execute("UPDATE inkomende_mail SET message_id = '<hergebruikt.' || substr(identiteit, 1, 40) || "
               "'@knipkaart>' WHERE message_id_eerste IS NULL")
    with op.batch_alter_table('inkomende_mail', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_inkomende_mail_message_id_eerste'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_inkomende_mail_identiteit'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_inkomende_mail_message_id'))
        batch_op.create_unique_constraint('uq_inkomende_mail_message_id', ['message_id'])
        batch_op.drop_column('automatisch')
        batch_op.drop_column('geauthenticeerd')
        batch_op.drop_column('dkim')
        batch_op.drop_column('envelop_van')
        batch_op.drop_column('spf')
        batch_op.drop_column('message_id_eerste')
        batch_op.drop_column('identiteit')
