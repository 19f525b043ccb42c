"""Every form with Hypothesis-generated input through the test client: never a 5xx, nothing half-applied.

Each form gets values of every kind people and machines produce: empty, very long, control characters and
NUL, other scripts, numbers where text is expected and the reverse, dates that are not dates, ids that do
not exist. A request that is refused changes nothing: the rows of the tables it could touch stay the same.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.links import maak_token
from tests.conftest import NU
from notifications.models import UitgaandeMail
from workflows.models import (
    Auditregel,
    Bericht,
    Gebeurtenis,
    Gebruiker,
    KnipkaartMutatie,
    Oorzaak,
    Prijspost,
    Termijnstap,
    Vervolgactie,
    Zaak,
    ZaakSoort,
)
from workflows.zaken import Actor, nieuwe_zaak, uitvoeren

WAARDE = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=0, max_size=12),
    st.sampled_from(["", " ", "\x00", "0", "-1", "1", "99999999999", "2026-13-45", "31-12-2026", "2026-01-01",
                     "ja", "nee", "y", "acuut", "knip", "wachttermijn", "x" * 5000, "<script>alert(1)</script>",
                     "111222333", "🙂", "ontvangen", "sluiten"]),
    st.integers(min_value=-(2**40), max_value=2**40).map(str),
)

# What a request could change: the case and its history, the ledger, the outbox, the deadline steps, the
# organisation's lists. The audit log is counted apart: a refused request is logged (as refused), never as a change.
TABELLEN = [Zaak, Gebeurtenis, Bericht, KnipkaartMutatie, UitgaandeMail, Termijnstap, Vervolgactie, Prijspost, Oorzaak,
            Gebruiker]
INSTELLINGEN = settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))


def _tellingen(db_session):
    db_session.rollback()
    tellingen = {t.__tablename__: db_session.execute(select(func.count()).select_from(t)).scalar_one()
                 for t in TABELLEN}
    tellingen["auditregel wijzigen"] = db_session.execute(
        select(func.count()).select_from(Auditregel).where(Auditregel.soort == "wijzigen")).scalar_one()
    return tellingen


def _formulier(velden):
    return st.fixed_dictionaries({}, optional={v: WAARDE for v in velden})


FORMULIEREN = [  # (who, method, path, fields)
    ("manager@test.local", "POST", "/knippen/nieuw",
     ["dienst_id", "clientreferentie", "uitzondering", "gevraagd", "blokkerende_regel", "voorgestelde_oplossing",
      "urgentie", "oorzaak_id", "oorzaak_toelichting", "geen_inkomen", "bovenlokaal", "knop",
      "scenario-0-prijspost_id", "scenario-0-aantal", "scenario-1-aantal"]),
    ("manager@test.local", "POST", "/escalaties/nieuw",
     ["dienst_id", "clientreferentie", "gevraagd", "blokkerende_regel", "urgentie", "oorzaak_id", "rendement",
      "knop", "scenario-2-prijspost_id", "scenario-2-aantal"]),
    ("manager@test.local", "POST", "/zaken/{zaak}/actie", ["actie", "toelichting", "structureel"]),
    ("manager@test.local", "POST", "/zaken/{zaak}/bericht", ["tekst"]),
    ("mt@test.local", "GET", "/rapportage", ["van", "tot", "dienst", "wijkteam", "oorzaak", "urgentie"]),
    ("mt@test.local", "POST", "/rapportage/vervolg", ["oorzaak_id", "soort", "besluit", "eigenaar", "datum", "afgerond"]),
    ("beheer@test.local", "POST", "/beheer/prijslijst/nieuw",
     ["naam", "eenheid", "prijs", "bandbreedte", "bron", "volgorde", "actief"]),
    ("beheer@test.local", "POST", "/beheer/oorzaken/nieuw", ["naam", "voorbeeld", "volgorde", "vrije_tekst", "actief"]),
    ("beheer@test.local", "POST", "/beheer/gebruikers/nieuw",
     ["naam", "email", "rol", "wijkteam_id", "actief"]),
    ("beheer@test.local", "GET", "/beheer/audit", ["wie", "zaak", "soort", "van", "tot", "pagina"]),
    (None, "POST", "/login", ["email", "wachtwoord"]),
    ("link", "POST", "/link/{token}/actie", ["actie", "toelichting"]),
]


@pytest.mark.parametrize("wie,methode,pad,velden", FORMULIEREN, ids=[f[2] for f in FORMULIEREN])
def test_no_form_input_breaks_the_app_or_half_applies(app, client, inlog, wereld, db_session, wie, methode, pad, velden):
    manager = Actor.gebruiker(wereld.manager)
    zaak = nieuwe_zaak(db_session, manager, ZaakSoort.ESCALATIE, wereld.invoer(dienst=wereld.wmo), NU)
    uitvoeren(db_session, manager, zaak, "versturen", NU)
    db_session.commit()
    pad = pad.replace("{zaak}", str(zaak.id)).replace("{token}", maak_token(zaak, "wmo@test.local"))
    if wie and wie != "link":
        inlog.als(wie)

    @given(data=_formulier(velden))
    @INSTELLINGEN
    def probeer(data):
        voor = _tellingen(db_session)
        if methode == "GET":
            r = client.get(pad, query_string=data)
        else:
            r = client.post(pad, data=data)
        assert r.status_code < 500, (pad, data, r.status_code)
        if r.status_code >= 400 or (r.status_code == 200 and methode == "POST"):
            assert _tellingen(db_session) == voor, (pad, data, r.status_code)  # refused: nothing changed

    probeer()
