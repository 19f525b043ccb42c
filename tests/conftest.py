"""Fixtures: the app on a real database (SQLite always, PostgreSQL with TEST_DATABASE_URL).

Every test that uses `app`, `db_session` or `client` runs once per database.
The schema comes from the migrations, so the migrations are tested on both.
"""
from __future__ import annotations

import os
import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import text

DATABASES = ["sqlite", "postgresql"]
pytest_plugins = ["tests.oidc.fixture"]  # a real OpenID Connect provider: the `oidc_provider` fixture


def pytest_collection_modifyitems(config, items):
    if os.environ.get("REQUIRE_POSTGRES") and not os.environ.get("TEST_DATABASE_URL"):
        raise pytest.UsageError("REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not")


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip(reason="TEST_DATABASE_URL is not set: the PostgreSQL run needs a database (CI sets it)")
    return url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    instance = tmp_path_factory.mktemp("instance")
    flask_app = create_app({
        "ENV": {"KNIPKAART_ENV": "development", "SECRET_KEY": "test-secret-" + "x" * 40,
                "DATABASE_URL": database_url, "OUTBOX_DIR": str(instance / "outbox")},
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        "LOGIN_RATE_LIMIT": "10000 per minute",  # tests log in often; test_beveiliging lowers it
        "MIJN_LINK_LIMIET": "10000 per minute",
    })
    with flask_app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    yield flask_app
    with flask_app.app_context():
        db.engine.dispose()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


def _leeg(db) -> None:
    tabellen = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tabellen) + " RESTART IDENTITY CASCADE"))
        else:
            # The audit log and the knipkaart ledger are append-only (triggers refuse DELETE): lift every
            # trigger for the clean-up only, and put each back as the migrations made it.
            triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
            for naam, _ in triggers:
                conn.execute(text(f'DROP TRIGGER "{naam}"'))
            for t in tabellen:
                conn.execute(text(f'DELETE FROM "{t}"'))
            for _, sql in triggers:
                conn.exec_driver_sql(sql)


@pytest.fixture
def db_session(app_ctx):
    """The app's session inside an app context; every table emptied afterwards."""
    from app.extensions import db

    yield db.session
    db.session.rollback()
    db.session.remove()
    _leeg(db)


@pytest.fixture
def client(app, db_session):
    return app.test_client()


# ---------------------------------------------------------------- test data

NU = datetime(2026, 3, 10, 10, 0, tzinfo=timezone.utc)  # a Tuesday
TOTP_GEHEIM = "KNIPKAARTTESTGEHEIMTOTP2FACTOR23"  # the second factor of Wereld's beheerder and management


class Wereld:
    """A small municipality to test against: two teams, two diensten, people, users."""

    def __init__(self, session):
        from app.auth.models import hash_wachtwoord
        from workflows.models import (
            Contactpersoon,
            Dienst,
            Gebruiker,
            LadderFunctie,
            Oorzaak,
            Rol,
            VasteContactpersoon,
            Wijkteam,
        )

        self.session = session
        self.team = Wijkteam(naam="Feyenoord", soort="sociaal wijkteam", gebied="Feijenoord")
        self.ander_team = Wijkteam(naam="Oosterflank", soort="sociaal wijkteam", gebied="Prins Alexander")
        self.wi = Dienst(naam="Werk & Inkomen", mailbox="wi-postbus@test.local", accepteert_knippen=True)
        self.wmo = Dienst(naam="Wmo", mailbox="wmo-postbus@test.local", accepteert_knippen=False)
        session.add_all([self.team, self.ander_team, self.wi, self.wmo])
        session.flush()
        self.cp_wi = Contactpersoon(naam="Sanne Vos", email="wi@test.local", dienst_id=self.wi.id)
        self.cp_wi_vervanger = Contactpersoon(naam="Ahmed Bakker", email="wi.vervanger@test.local", dienst_id=self.wi.id)
        self.cp_wmo = Contactpersoon(naam="Ineke de Wit", email="wmo@test.local", dienst_id=self.wmo.id)
        self.teamleider_wi = Contactpersoon(naam="Teun Leider", email="tl.wi@test.local", dienst_id=self.wi.id,
                                            functie=LadderFunctie.TEAMLEIDER)
        session.add_all([self.cp_wi, self.cp_wi_vervanger, self.cp_wmo, self.teamleider_wi])
        session.flush()
        session.add_all([
            VasteContactpersoon(wijkteam_id=self.team.id, dienst_id=self.wi.id, contactpersoon_id=self.cp_wi.id,
                                vervanger_id=self.cp_wi_vervanger.id),
            VasteContactpersoon(wijkteam_id=self.team.id, dienst_id=self.wmo.id, contactpersoon_id=self.cp_wmo.id),
        ])
        self.oorzaak = Oorzaak(naam="Wettelijke wachtperiode / zoektermijn", volgorde=1)
        self.anders = Oorzaak(naam="Anders", volgorde=99, vrije_tekst=True)
        session.add_all([self.oorzaak, self.anders])
        wachtwoord = hash_wachtwoord("geheim-wachtwoord")
        self.manager = Gebruiker(email="manager@test.local", naam="Mila Manager", rol=Rol.WIJKTEAMMANAGER,
                                 wijkteam_id=self.team.id, wachtwoord_hash=wachtwoord)
        self.medewerker = Gebruiker(email="medewerker@test.local", naam="Mo Medewerker", rol=Rol.MEDEWERKER,
                                    wijkteam_id=self.team.id, wachtwoord_hash=wachtwoord)
        self.andere_manager = Gebruiker(email="oost@test.local", naam="Olga Oost", rol=Rol.WIJKTEAMMANAGER,
                                        wijkteam_id=self.ander_team.id, wachtwoord_hash=wachtwoord)
        # Beheer and management log in with a second factor (TOTP_GEHEIM); Inlog.als gives the code.
        from app.auth.tweede_factor import versleuteld

        self.beheerder = Gebruiker(email="beheer@test.local", naam="Bea Beheer", rol=Rol.BEHEERDER,
                                   wachtwoord_hash=wachtwoord, totp_geheim=versleuteld(TOTP_GEHEIM))
        self.management = Gebruiker(email="mt@test.local", naam="Max Management", rol=Rol.MANAGEMENT,
                                    wachtwoord_hash=wachtwoord, totp_geheim=versleuteld(TOTP_GEHEIM))
        session.add_all([self.manager, self.medewerker, self.andere_manager, self.beheerder, self.management])
        session.flush()

    def invoer(self, dienst=None, **over):
        from workflows.models import UitzonderingSoort, Urgentie
        from workflows.zaken import ZaakInvoer

        dienst = dienst or self.wi
        velden = dict(dienst_id=dienst.id, clientreferentie="FEY-2026-001", gevraagd="Uitkering zonder zoektermijn",
                      blokkerende_regel="De zoektermijn van vier weken", urgentie=Urgentie.HOOG,
                      oorzaak_id=self.oorzaak.id, uitzondering=UitzonderingSoort.WACHTTERMIJN if dienst.accepteert_knippen else None,
                      voorgestelde_oplossing="Uitkering per direct")
        velden.update(over)
        return ZaakInvoer(**velden)


@pytest.fixture
def wereld(db_session):
    w = Wereld(db_session)
    db_session.commit()
    return w


def csrf_uit(html: str) -> str | None:
    m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return m.group(1) if m else None


def sleutel_uit(html: str) -> str | None:
    m = re.search(r'name="formulier_sleutel"[^>]*value="([^"]*)"', html) or re.search(
        r'id="formulier_sleutel"[^>]*value="([^"]*)"', html)
    return m.group(1) if m else None


def totp_code(stap_na: int | None = None, geheim: str = TOTP_GEHEIM) -> tuple[str, int]:
    """A code of the app of Wereld's beheerder and management: of the current time step, or of the first step
    after `stap_na`, since no code counts twice.

    Never the previous step: a code of step n-1 taken at the end of step n is refused a moment later, in step
    n+1 (one step of drift either way), which made a login under CI load fail now and then. A code of the next
    step is accepted from now on; a later one only after waiting for its turn."""
    import time

    import pyotp

    totp = pyotp.TOTP(geheim)
    nu = int(time.time()) // totp.interval
    stap = nu if stap_na is None else max(nu, stap_na + 1)
    if stap > nu + 1:  # more logins of one account in a minute than codes: wait until this step is accepted
        time.sleep((stap - 1) * totp.interval - time.time() + 0.1)
    return totp.generate_otp(stap), stap


class Inlog:
    def __init__(self, client):
        self.client = client
        self.stappen: dict[str, int] = {}  # the last code's step per account

    def als(self, email: str, wachtwoord: str = "geheim-wachtwoord"):
        self.client.post("/logout")
        r = self.client.post("/login", data={"email": email, "wachtwoord": wachtwoord})
        assert r.status_code == 302, r.get_data(as_text=True)[:500]
        if r.headers["Location"].endswith("/login/tweede-factor"):
            code, self.stappen[email] = totp_code(self.stappen.get(email))
            r = self.client.post("/login/tweede-factor", data={"code": code})
            assert r.status_code == 302 and "/login" not in r.headers["Location"], r.get_data(as_text=True)[:500]
        return r


@pytest.fixture
def inlog(client):
    return Inlog(client)
