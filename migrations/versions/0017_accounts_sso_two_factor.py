"""accounts: single sign-on subject, second factor, session version, one-time links and recovery codes

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 08:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('gebruiker', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oidc_issuer', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('oidc_sub', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('totp_geheim', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('totp_laatste_stap', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sessie_versie', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_unique_constraint('uq_gebruiker_oidc', ['oidc_issuer', 'oidc_sub'])

    op.create_table(
        'accounttoken',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('gebruiker_id', sa.Integer(), nullable=False),
        sa.Column('soort', sa.String(length=20), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('aangemaakt_op', sa.DateTime(timezone=True), nullable=False),
        sa.Column('verloopt_op', sa.DateTime(timezone=True), nullable=False),
        sa.Column('gebruikt_op', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['gebruiker_id'], ['gebruiker.id'], name='fk_accounttoken_gebruiker_id_gebruiker'),
        sa.PrimaryKeyConstraint('id', name='pk_accounttoken'),
        sa.UniqueConstraint('hash', name='uq_accounttoken_hash'),
    )
    op.create_index('ix_accounttoken_gebruiker_id', 'accounttoken', ['gebruiker_id'])
    op.create_table(
        'herstelcode',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('gebruiker_id', sa.Integer(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('gebruikt_op', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['gebruiker_id'], ['gebruiker.id'], name='fk_herstelcode_gebruiker_id_gebruiker'),
        sa.PrimaryKeyConstraint('id', name='pk_herstelcode'),
    )
    op.create_index('ix_herstelcode_gebruiker_id', 'herstelcode', ['gebruiker_id'])


def downgrade():
    op.drop_index('ix_herstelcode_gebruiker_id', table_name='herstelcode')
    op.drop_table('herstelcode')
    op.drop_index('ix_accounttoken_gebruiker_id', table_name='accounttoken')
    op.drop_table('accounttoken')
    with op.batch_alter_table('gebruiker', schema=None) as batch_op:
        batch_op.drop_constraint('uq_gebruiker_oidc', type_='unique')
        batch_op.drop_column('sessie_versie')
        batch_op.drop_column('totp_laatste_stap')
        batch_op.drop_column('totp_geheim')
        batch_op.drop_column('oidc_sub')
        batch_op.drop_column('oidc_issuer')
