"""'Mijn zaken': one personal, expiring, revocable link per contactpersoon to every open case routed to them
(issue 14, point 5)."""
import re

from sqlalchemy import select

from notifications.models import UitgaandeMail
from tests.conftest import NU
from workflows import usecases
from workflows.models import Contactpersoon, ZaakSoort
from workflows.zaken import Actor


def _zaken(db_session, wereld):
    manager = Actor.gebruiker(wereld.manager)
    uit = [usecases.zaak_aanmaken(db_session, manager, ZaakSoort.ESCALATIE,
                                  wereld.invoer(dienst=wereld.wmo, uitzondering=None, clientreferentie=f"FEY-{i}"),
                                  NU, versturen=True).zaak for i in range(2)]
    uit.append(usecases.zaak_aanmaken(db_session, manager, ZaakSoort.KNIP, wereld.invoer(), NU, versturen=True).zaak)
    db_session.commit()
    return uit


def _vraag_link(client, db_session, adres: str):
    r = client.post("/mijn-zaken", data={"email": adres})
    mail = db_session.scalars(select(UitgaandeMail).where(UitgaandeMail.soort == "mijn_zaken")
                              .order_by(UitgaandeMail.id.desc())).first()
    return r, mail


def test_a_contact_asks_for_the_link_and_sees_every_open_case_routed_to_them(client, wereld, db_session):
    wmo1, wmo2, knip = _zaken(db_session, wereld)
    r, mail = _vraag_link(client, db_session, "WMO@test.local")
    assert r.status_code == 200 and "Als dit adres bij ons bekend is" in r.get_data(as_text=True)
    assert mail.aan == "wmo@test.local" and "/mijn-zaken/" in mail.tekst
    link = re.search(r"https?://\S+/mijn-zaken/\S+", mail.tekst).group(0).split("localhost", 1)[-1]
    pagina = client.get(link)
    html = pagina.get_data(as_text=True)
    assert pagina.status_code == 200 and pagina.headers["Cache-Control"] == "no-store"
    assert wmo1.nummer in html and wmo2.nummer in html and knip.nummer not in html  # only what is routed to them
    assert "/link/" in html  # each case opens on its own page, without an account


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, wereld, db_session):
    _zaken(db_session, wereld)
    bekend = client.post("/mijn-zaken", data={"email": "wmo@test.local"}).get_data(as_text=True)
    onbekend = client.post("/mijn-zaken", data={"email": "onbekend@voorbeeldgemeente.nl"}).get_data(as_text=True)
    strip = lambda h: re.sub(r'name="csrf_token"[^>]*>', "", h)  # noqa: E731
    assert strip(bekend) == strip(onbekend)
    assert [m.aan for m in db_session.scalars(select(UitgaandeMail).where(UitgaandeMail.soort == "mijn_zaken"))] == [
        "wmo@test.local"]
    r = client.post("/mijn-zaken", data={"email": "geen adres"})
    assert r.status_code == 422 and "geldig e-mailadres" in r.get_data(as_text=True)


def test_the_beheerder_revokes_the_personal_link(client, inlog, wereld, db_session):
    _zaken(db_session, wereld)
    _, mail = _vraag_link(client, db_session, "wmo@test.local")
    link = re.search(r"/mijn-zaken/\S+", mail.tekst).group(0)
    assert client.get(link).status_code == 200
    inlog.als("beheer@test.local")
    cp_id = db_session.scalars(select(Contactpersoon.id).where(Contactpersoon.email == "wmo@test.local")).one()
    assert client.post(f"/beheer/contactpersonen/{cp_id}/mijn-link-intrekken").status_code == 302
    client.post("/logout")
    r = client.get(link)
    assert r.status_code == 403 and "ingetrokken" in r.get_data(as_text=True)
    assert client.get("/mijn-zaken/vervalst.token").status_code == 403


def test_no_more_than_three_link_mails_a_day_reach_one_address(client, wereld, db_session):
    for _ in range(5):
        client.post("/mijn-zaken", data={"email": "wmo@test.local"})
    assert len(db_session.scalars(select(UitgaandeMail).where(UitgaandeMail.soort == "mijn_zaken")).all()) == 3
