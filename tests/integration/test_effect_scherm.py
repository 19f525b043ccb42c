"""After the decision on the team's screens and in its mail (issue 17, points 4 and 5): the six-month question
by mail or in the daily overview and on the dashboard, recording the effect, agreements, consent, renewal."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from notifications.models import Overzichtsmelding, UitgaandeMail
from tests.effect_hulp import opgelost, t, verstuurd
from workflows import usecases_nazorg as uc
from workflows.kalender import amsterdam
from workflows.models import MailVoorkeur
from workflows.nazorg import Effectmeting, ZaakNazorg
from workflows.overgangen import Actor


def _mails(db_session, **waar):
    stmt = select(UitgaandeMail).order_by(UitgaandeMail.id)
    for k, v in waar.items():
        stmt = stmt.where(getattr(UitgaandeMail, k) == v)
    return db_session.scalars(stmt).all()


def _vragen(app, now):
    from app.nazorg.taken import vragen_stellen

    return vragen_stellen(now)


def test_the_question_is_mailed_to_who_gets_mail_per_case_and_held_for_who_chose_the_daily_overview(
        app, db_session, wereld):
    wereld.manager.mail_voorkeur = MailVoorkeur.DIRECT
    wereld.medewerker.mail_voorkeur = MailVoorkeur.DAGELIJKS
    db_session.commit()
    from workflows import usecases
    from workflows.models import ZaakSoort

    r = usecases.zaak_aanmaken(db_session, Actor.gebruiker(wereld.medewerker), ZaakSoort.ESCALATIE,
                               wereld.invoer(dienst=wereld.wmo, uitzondering=None), t("2026-03-09"))
    usecases.handelen(db_session, Actor.gebruiker(wereld.manager), r.zaak.id, "versturen", t("2026-03-09", "11:00"))
    usecases.handelen(db_session, Actor.dienst("Ineke de Wit (Wmo)", wereld.cp_wmo.id, "contactpersoon"), r.zaak.id,
                      "toegekend", t("2026-03-10"))
    db_session.commit()
    zaak = r.zaak
    assert _vragen(app, t("2026-09-10", "07:45")).effect == []
    assert _vragen(app, t("2026-09-10", "08:00")).effect == [zaak.nummer]
    assert _vragen(app, t("2026-09-10", "08:15")).effect == []  # once
    mail, = _mails(db_session, soort="effectvraag")
    assert mail.aan == "manager@test.local" and mail.onderwerp.startswith(f"{zaak.nummer}: zes maanden later")
    assert f"/zaken/{zaak.id}" in mail.tekst and "FEY-2026-001" not in mail.tekst + mail.html
    assert all(len(regel) <= 72 for regel in mail.tekst.splitlines() if "://" not in regel)
    melding, = db_session.scalars(select(Overzichtsmelding).where(Overzichtsmelding.soort == "effectvraag")).all()
    assert melding.aan == "medewerker@test.local" and melding.overzicht_id is None
    # The daily overview of 08:30 that day carries it, once.
    from app.links import link_url
    from app.mail import instellingen
    from notifications.dagoverzicht import dagoverzichten
    from workflows.termijnen import kalender

    assert dagoverzichten(db_session, t("2026-09-10", "08:30"), instellingen(), kalender(db_session), link_url) == 1
    db_session.commit()
    overzicht, = _mails(db_session, soort="dagoverzicht_team")
    assert overzicht.aan == "medewerker@test.local" and "Hoe gaat het nu met de inwoner?" in overzicht.tekst
    assert dagoverzichten(db_session, t("2026-09-11", "08:30"), instellingen(), kalender(db_session), link_url) == 0


def _zaakpagina(client, zaak) -> str:
    r = client.get(f"/zaken/{zaak.id}")
    assert r.status_code == 200, r.status_code
    return r.get_data(as_text=True)


def test_the_dashboard_and_the_case_page_ask_for_the_effect_and_the_team_records_it(app, client, inlog, db_session,
                                                                                    wereld):
    nu = datetime.now(timezone.utc)
    zaak = opgelost(db_session, wereld, nu - timedelta(days=200))
    _vragen(app, nu)
    inlog.als("medewerker@test.local")
    dashboard = client.get("/wijkteam").get_data(as_text=True)
    assert "Effect na zes maanden vastleggen (1)" in dashboard and f"/zaken/{zaak.id}#effect" in dashboard
    html = _zaakpagina(client, zaak)
    assert "Zes maanden na de oplossing: hoe gaat het nu met de inwoner?" in html
    r = client.post(f"/zaken/{zaak.id}/effect", data={"eindpunt": "vervolgtraject", "effect_toelichting": "Beter."})
    assert r.status_code == 422 and "Kies hoe de situatie nu is." in r.get_data(as_text=True)
    r = client.post(f"/zaken/{zaak.id}/effect", data={"schaal": "verbeterd", "eindpunt": "vervolgtraject",
                                                      "effect_toelichting": "BSN 111222333"})
    assert r.status_code == 422
    fout = r.get_data(as_text=True)
    assert 'id="effect_toelichting-fout"' in fout and 'aria-invalid="true"' in fout  # beside its own field
    assert fout.count('id="csrf_token"') <= 2  # the section's forms add no duplicate ids
    r = client.post(f"/zaken/{zaak.id}/effect", data={"schaal": "sterk_verbeterd", "eindpunt": "geen_vervolg",
                                                      "effect_toelichting": "Heeft werk en geen achterstand meer."})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/zaken/{zaak.id}#effect")
    m = db_session.scalars(select(Effectmeting).where(Effectmeting.zaak_id == zaak.id)).one()
    assert m.schaal.value == "sterk_verbeterd" and m.vastgelegd_door_id == wereld.medewerker.id
    assert "Effect na zes maanden vastleggen" not in client.get("/wijkteam").get_data(as_text=True)
    assert "Sterk verbeterd" in _zaakpagina(client, zaak)


def test_another_team_cannot_post_to_a_case(client, inlog, db_session, wereld):
    zaak = opgelost(db_session, wereld, t("2026-03-10"))
    inlog.als("oost@test.local")
    for pad, data in ((f"/zaken/{zaak.id}/effect", {"schaal": "gelijk", "eindpunt": "geen_vervolg",
                                                    "effect_toelichting": "x"}),
                      (f"/zaken/{zaak.id}/afspraken", {"afspraak": "x"}),
                      (f"/zaken/{zaak.id}/toestemming", {"toestemming_keuze": "gegeven"})):
        assert client.post(pad, data=data).status_code == 404
    assert db_session.scalars(select(Effectmeting)).all() == []


def test_agreements_consent_and_end_date_from_the_case_page(app, client, inlog, db_session, wereld):
    nu = datetime.now(timezone.utc)
    zaak = opgelost(db_session, wereld, nu - timedelta(days=2))
    inlog.als("manager@test.local")
    vandaag = amsterdam(nu).date()
    r = client.post(f"/zaken/{zaak.id}/afspraken", data={"afspraak": "Gaat naar de budgetcursus van de bibliotheek.",
                                                         "uiterlijk": (vandaag + timedelta(days=30)).isoformat()})
    assert r.status_code == 302
    r = client.post(f"/zaken/{zaak.id}/toestemming", data={"toestemming_keuze": "ontbreekt"})
    assert r.status_code == 302
    html = _zaakpagina(client, zaak)
    assert "Gaat naar de budgetcursus van de bibliotheek." in html and "Nu: <strong>Ontbreekt</strong>" in html
    assert "Toestemming ontbreekt (1)" in client.get("/wijkteam").get_data(as_text=True)
    eind = vandaag + timedelta(days=20)  # within four weeks: the reminder is due at once
    assert client.post(f"/zaken/{zaak.id}/einddatum", data={"einddatum": eind.isoformat()}).status_code == 302
    assert db_session.get(ZaakNazorg, zaak.id).einddatum == eind
    werkdag = nu + timedelta(days=7)
    assert _vragen(app, werkdag).verlenging == [zaak.nummer]
    mail, = _mails(db_session, soort="verlenging")
    assert mail.aan == "manager@test.local" and eind.strftime("%d-%m-%Y") in mail.tekst
    assert "Verlengen (1)" in client.get("/wijkteam").get_data(as_text=True)
    # A date in the past is refused beside its field; nothing changes.
    r = client.post(f"/zaken/{zaak.id}/einddatum", data={"einddatum": "2020-01-01"})
    assert r.status_code == 422 and "De einddatum ligt na vandaag." in r.get_data(as_text=True)
    assert db_session.get(ZaakNazorg, zaak.id).einddatum == eind


def test_an_open_case_shows_consent_and_agreements_but_no_effect_or_end_date(client, inlog, db_session, wereld):
    zaak = verstuurd(db_session, wereld, datetime.now(timezone.utc) - timedelta(hours=1))
    inlog.als("medewerker@test.local")
    html = _zaakpagina(client, zaak)
    assert 'id="toestemming"' in html and 'id="afspraken"' in html
    assert 'id="effect"' not in html and 'id="verlengen"' not in html
    assert "De wijkteammanager kan de zaak overdragen" in html  # the medewerker gets no hand-over form
    assert uc.nazorg_van(db_session, zaak.id) is None
