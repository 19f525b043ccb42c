"""The mail budget (issue 13, point 1): one mail per step, and a daily overview instead of a mail per case for
the people on a dienst's ladder and for a team member who chooses it."""
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from notifications.models import Overzichtsmelding, UitgaandeMail
from workflows.models import (
    Contactpersoon,
    Gebruiker,
    LadderFunctie,
    LadderTrede,
    MailVoorkeur,
    Urgentie,
    Zaak,
    ZaakSoort,
)
from workflows.zaken import Actor, nieuwe_zaak, uitvoeren

AMS = ZoneInfo("Europe/Amsterdam")


def t(dag: str, tijd: str = "10:00") -> datetime:
    return datetime.strptime(f"{dag} {tijd}", "%Y-%m-%d %H:%M").replace(tzinfo=AMS)


@pytest.fixture
def ladder(db_session, wereld):
    """Wmo's ladder: teamleider, manager, maatwerkfunctionaris."""
    mensen = {}
    for niveau, (naam, email, functie) in enumerate([
        ("Tom Leider", "tl.wmo@test.local", LadderFunctie.TEAMLEIDER),
        ("Marga Manager", "mgr.wmo@test.local", LadderFunctie.MANAGER),
        ("Frits Maatwerk", "mwf@test.local", LadderFunctie.MAATWERKFUNCTIONARIS),
    ], start=1):
        cp = Contactpersoon(naam=naam, email=email, dienst_id=wereld.wmo.id, functie=functie)
        db_session.add(cp)
        db_session.flush()
        db_session.add(LadderTrede(dienst_id=wereld.wmo.id, niveau=niveau, contactpersoon_id=cp.id))
        mensen[niveau] = cp
    db_session.commit()
    return mensen


def _escalatie(db_session, wereld, verstuurd: datetime, **over) -> Zaak:
    from app.mail import meld
    from workflows import usecases

    manager = Actor.gebruiker(wereld.manager)
    invoer = wereld.invoer(dienst=wereld.wmo, **{"urgentie": Urgentie.NORMAAL, **over})
    zaak = nieuwe_zaak(db_session, manager, ZaakSoort.ESCALATIE, invoer, verstuurd)
    meld(usecases.handelen(db_session, manager, zaak.id, "versturen", verstuurd), verstuurd)
    db_session.commit()
    return zaak


def _mails(db_session, **waar):
    stmt = select(UitgaandeMail).order_by(UitgaandeMail.id)
    for veld, waarde in waar.items():
        stmt = stmt.where(getattr(UitgaandeMail, veld) == waarde)
    return db_session.execute(stmt).scalars().all()


def _overzichten(db_session, now: datetime) -> int:
    from app.links import link_url
    from app.mail import instellingen
    from notifications.dagoverzicht import dagoverzichten
    from workflows.zaken import kalender

    aantal = dagoverzichten(db_session, now, instellingen(), kalender(db_session), link_url)
    db_session.commit()
    return aantal


def test_a_climb_reaches_the_teamleider_in_one_morning_overview_not_in_a_mail_per_case(app_ctx, db_session, wereld,
                                                                                    ladder):
    from app.bewaking import sweep

    # Two cases breach at the same moment (Wednesday 17:00): both climb to the teamleider.
    a = _escalatie(db_session, wereld, t("2026-03-06", "16:00"))
    b = _escalatie(db_session, wereld, t("2026-03-06", "16:30"), clientreferentie="FEY-2026-002")
    sweep(t("2026-03-10", "17:05"))  # the reminders
    sweep(t("2026-03-11", "17:05"))
    assert _mails(db_session, aan="tl.wmo@test.local") == []  # no mail per case for the climb
    gehouden = db_session.execute(select(Overzichtsmelding).where(Overzichtsmelding.aan == "tl.wmo@test.local")
                                  ).scalars().all()
    assert sorted((m.zaak_id, m.soort) for m in gehouden) == [(a.id, "opgeschaald"), (b.id, "opgeschaald")]
    # The contactpersoon whose term passed, and the team (direct by default), still hear it once each.
    assert sorted(m.soort for m in _mails(db_session, aan="wmo@test.local") if m.soort != "zaak_nieuw") == [
        "herinnering", "herinnering", "verlopen", "verlopen"]

    assert _overzichten(db_session, t("2026-03-12", "08:29")) == 0  # not before 08:30
    assert _overzichten(db_session, t("2026-03-12", "08:30")) == 1
    overzicht, = _mails(db_session, aan="tl.wmo@test.local")
    assert overzicht.soort == "dagoverzicht_ladder" and overzicht.zaak_id is None
    assert overzicht.onderwerp == "Dagoverzicht donderdag 12 maart: 2 zaken bij u als teamleider van Wmo, 2 nieuw"
    for deel in (overzicht.tekst, overzicht.html):
        assert a.nummer in deel and b.nummer in deel and "/link/" in deel and "zaak+" in deel
        assert "Wat is er nodig" in deel and "Mila Manager" in deel  # what, and whom to call at the team
        assert "FEY-2026-00" not in deel
    assert all(m.overzicht_id == overzicht.id for m in gehouden)
    # Only when something was held: the next morning there is nothing new, so no mail.
    assert _overzichten(db_session, t("2026-03-13", "08:30")) == 0


def test_the_overview_waits_for_a_werkdag(app_ctx, db_session, wereld, ladder):
    from app.bewaking import sweep

    _escalatie(db_session, wereld, t("2026-03-12", "12:00"), urgentie=Urgentie.ACUUT)  # breach Friday 17:00
    sweep(t("2026-03-13", "17:01"))
    assert _overzichten(db_session, t("2026-03-14", "08:30")) == 0  # Saturday
    assert _overzichten(db_session, t("2026-03-16", "08:30")) == 1  # Monday
    assert _mails(db_session, soort="dagoverzicht_ladder")[0].aan == "tl.wmo@test.local"


def test_a_team_member_who_chose_the_daily_overview_gets_steps_there_and_questions_at_once(app_ctx, db_session,
                                                                                          wereld, ladder):
    from app.bewaking import sweep
    from app.mail import meld
    from workflows import usecases

    wereld.manager.mail_voorkeur = MailVoorkeur.DAGELIJKS
    db_session.commit()
    zaak = _escalatie(db_session, wereld, t("2026-03-06", "16:00"))
    sweep(t("2026-03-11", "17:05"))  # the climb: the team is told of it
    assert _mails(db_session, aan="manager@test.local") == []
    assert [m.soort for m in db_session.scalars(select(Overzichtsmelding).where(
        Overzichtsmelding.aan == "manager@test.local"))] == ["team_verlopen"]
    # A question from the dienst is never held.
    tom = Actor.dienst("Tom Leider (Wmo)", ladder[1].id, "teamleider")
    meld(usecases.handelen(db_session, tom, zaak.id, "vraag", t("2026-03-12", "09:00"),
                           toelichting="Sinds wanneer is er geen inkomen?"), t("2026-03-12", "09:00"))
    db_session.commit()
    assert [m.soort for m in _mails(db_session, aan="manager@test.local")] == ["vraag"]
    assert _overzichten(db_session, t("2026-03-12", "08:30")) == 2  # the team's and the teamleider's
    overzicht, = _mails(db_session, aan="manager@test.local", soort="dagoverzicht_team")
    assert overzicht.onderwerp == "Dagoverzicht donderdag 12 maart: 1 zaak van wijkteam Feyenoord"
    assert f"/zaken/{zaak.id}" in overzicht.tekst and "Tom Leider (teamleider, Wmo)" in overzicht.tekst
    assert "/wijkteam/mail" in overzicht.tekst  # where to change it


def test_the_daily_overview_goes_once_also_when_two_schedulers_run_it_at_once(app, db_session, wereld, ladder):
    """Two scheduler processes at 08:30: each in its own transaction; the Message-ID of the day and recipient
    lets one overview in, and the held steps belong to that one."""
    from app.bewaking import sweep
    from app.extensions import db
    from app.links import link_url
    from app.mail import instellingen
    from notifications.dagoverzicht import dagoverzichten
    from workflows.zaken import kalender

    _escalatie(db_session, wereld, t("2026-03-06", "16:00"))
    _escalatie(db_session, wereld, t("2026-03-06", "16:30"), clientreferentie="FEY-2026-002")
    sweep(t("2026-03-11", "17:05"))
    db_session.commit()
    db_session.close()  # the two schedulers have the database to themselves
    klaar = threading.Barrier(2)
    uitkomst, fouten = [], []

    def scheduler():
        try:
            with app.app_context():
                sessie = db.session
                klaar.wait(timeout=30)
                uitkomst.append(dagoverzichten(sessie, t("2026-03-12", "08:30"), instellingen(), kalender(sessie),
                                               link_url))
                sessie.commit()
                db.session.remove()
        except Exception as fout:  # reported below: a thread's exception would otherwise vanish
            fouten.append(fout)

    draden = [threading.Thread(target=scheduler) for _ in range(2)]
    for d in draden:
        d.start()
    for d in draden:
        d.join(timeout=120)
    assert not fouten, fouten
    db_session.expire_all()
    overzichten = _mails(db_session, soort="dagoverzicht_ladder")
    assert [m.aan for m in overzichten] == ["tl.wmo@test.local"] and sorted(uitkomst) == [0, 1]
    assert {m.overzicht_id for m in db_session.scalars(select(Overzichtsmelding))} == {overzichten[0].id}


def test_a_step_held_after_the_days_overview_waits_for_the_next_one(app_ctx, db_session, wereld, ladder):
    from app.bewaking import sweep

    _escalatie(db_session, wereld, t("2026-03-06", "16:00"))
    sweep(t("2026-03-11", "17:05"))
    assert _overzichten(db_session, t("2026-03-12", "08:30")) == 1
    _escalatie(db_session, wereld, t("2026-03-09", "09:00"), clientreferentie="FEY-2026-002")
    sweep(t("2026-03-12", "17:05"))  # a second climb, after today's overview went
    assert _overzichten(db_session, t("2026-03-12", "17:10")) == 0  # today's Message-ID is taken
    later = db_session.execute(select(Overzichtsmelding).where(Overzichtsmelding.overzicht_id.is_(None))).scalars()
    assert [m.soort for m in later] == ["opgeschaald"]
    assert _overzichten(db_session, t("2026-03-13", "08:30")) == 1


def test_a_member_chooses_the_daily_overview_and_says_how_the_dienst_reaches_them(client, inlog, wereld, db_session):
    inlog.als("medewerker@test.local")
    pagina = client.get("/wijkteam/mail").get_data(as_text=True)
    assert "Meldingen over termijnen" in pagina and "Telefoonnummer voor de dienst" in pagina
    r = client.post("/wijkteam/mail", data={"mail_voorkeur": "dagelijks", "telefoon": "abc", "contact_email": ""})
    assert r.status_code == 422 and "cijfers" in r.get_data(as_text=True)
    r = client.post("/wijkteam/mail", data={"mail_voorkeur": "dagelijks", "telefoon": "06 12 34 56 78",
                                            "contact_email": "Mo.Medewerker@Wijkteam.nl"})
    assert r.status_code == 302
    db_session.expire_all()
    mo = db_session.get(Gebruiker, wereld.medewerker.id)
    assert (mo.mail_voorkeur, mo.telefoon, mo.contact_email) == (MailVoorkeur.DAGELIJKS, "06 12 34 56 78",
                                                                 "mo.medewerker@wijkteam.nl")
    assert client.get("/wijkteam/team-mail").status_code == 403  # the team's page is the manager's


def test_the_manager_sets_the_choice_for_the_team(client, inlog, wereld, db_session):
    inlog.als("manager@test.local")
    pagina = client.get("/wijkteam/team-mail").get_data(as_text=True)
    assert "Mo Medewerker" in pagina and "Olga Oost" not in pagina  # the own team only
    r = client.post("/wijkteam/team-mail", data={f"voorkeur-{wereld.medewerker.id}": "dagelijks",
                                                 f"voorkeur-{wereld.andere_manager.id}": "dagelijks"})
    assert r.status_code == 302
    db_session.expire_all()
    assert db_session.get(Gebruiker, wereld.medewerker.id).mail_voorkeur == MailVoorkeur.DAGELIJKS
    assert db_session.get(Gebruiker, wereld.andere_manager.id).mail_voorkeur == MailVoorkeur.DIRECT
    r = client.post("/wijkteam/team-mail", data={f"voorkeur-{wereld.medewerker.id}": "wekelijks"})
    assert r.status_code == 422


def test_the_beheerder_sets_a_team_members_mail_settings(client, inlog, wereld, db_session):
    inlog.als("beheer@test.local")
    pad = f"/beheer/gebruikers/{wereld.medewerker.id}/mail"
    assert "Mailinstellingen van Mo Medewerker" in client.get(pad).get_data(as_text=True)
    r = client.post(pad, data={"mail_voorkeur": "direct", "telefoon": "+31 10 498 00 00", "contact_email": ""})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/beheer/gebruikers/{wereld.medewerker.id}")
    pagina = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "+31 10 498 00 00" in pagina and "medewerker@test.local" in pagina
    assert client.get(f"/beheer/gebruikers/{wereld.beheerder.id}/mail").status_code == 404  # no team, no case mail


def test_the_case_page_folds_its_mails_into_the_timeline(client, inlog, wereld, db_session):
    from tests.integration.test_wijkteam import _knip_formulier

    inlog.als("manager@test.local")
    client.post("/knippen/nieuw", data=_knip_formulier(wereld))
    zaak = db_session.execute(select(Zaak)).scalar_one()
    pagina = client.get(f"/zaken/{zaak.id}").get_data(as_text=True)
    assert "<h2>E-mail</h2>" not in pagina
    tijdlijn = pagina[pagina.index('<ol class="tijdlijn">'):]
    verstuurd = tijdlijn[tijdlijn.index("<strong>Verstuurd</strong>"):]
    assert "E-mail aan Sanne Vos (contactpersoon, Werk &amp; Inkomen): in de wachtrij" in verstuurd[:1500]


def test_the_link_page_says_whom_to_call_at_the_team(app, client, wereld, db_session):
    from tests.integration.test_dienst_link import _link

    wereld.manager.telefoon = "010 498 12 34"
    manager = Actor.gebruiker(wereld.manager)
    zaak = nieuwe_zaak(db_session, manager, ZaakSoort.KNIP, wereld.invoer(), t("2026-03-10"))
    uitvoeren(db_session, manager, zaak, "versturen", t("2026-03-10"))
    db_session.commit()
    pagina = client.get(_link(app, zaak)).get_data(as_text=True)
    assert "Contact: Mila Manager, " in pagina
    assert 'href="tel:0104981234"' in pagina and "mailto:manager@test.local" in pagina


def test_dev_mails_shows_every_mail_text_beside_html_in_development_only(app, client, db_session):
    from tests.integration.test_mails_voor_mensen import KAN_IN

    pagina = client.get("/dev/mails").get_data(as_text=True)
    for soort in KAN_IN:
        assert f"<strong>{soort}</strong>" in pagina, soort
    html = client.get("/dev/mails/0.html")
    assert html.status_code == 200 and "style-src 'unsafe-inline'" in html.headers["Content-Security-Policy"]
    assert html.get_data(as_text=True).startswith("<!doctype html>")
    app.config["ENV_PRODUCTION"] = True
    try:
        assert client.get("/dev/mails").status_code == 404
    finally:
        app.config["ENV_PRODUCTION"] = False


def test_the_steps_a_mail_names_say_who_with_function_never_a_bare_address(app_ctx, db_session, wereld, ladder):
    from app.bewaking import sweep

    zaak = _escalatie(db_session, wereld, t("2026-03-06", "16:00"))
    sweep(t("2026-03-11", "17:05"))
    db_session.expire_all()
    teksten = [g.toelichting for g in db_session.get(Zaak, zaak.id).gebeurtenissen if g.actor_soort.value == "systeem"]
    assert "Herinnering aan Ineke de Wit (contactpersoon, Wmo): de reactietermijn verloopt 11-03-2026 om 17:00." \
        in teksten
    assert "De reactietermijn is verlopen zonder reactie van Ineke de Wit (contactpersoon, Wmo)." in teksten
    assert not [tekst for tekst in teksten if "@" in tekst]
    team_mail, = _mails(db_session, soort="team_verlopen")
    assert team_mail.onderwerp == f"{zaak.nummer}: termijn verlopen bij Wmo, nu bij Tom Leider (teamleider, Wmo)"


def test_a_daily_overview_is_erased_with_the_cases_whose_steps_it_carried(app_ctx, db_session, wereld, ladder):
    """A daily overview carries the cases' text; retention erases it with any case whose step it carried."""
    from app.bewaking import sweep
    from notifications.bewaring import wis_mail

    zaak = _escalatie(db_session, wereld, t("2026-03-06", "16:00"))
    sweep(t("2026-03-11", "17:05"))
    _overzichten(db_session, t("2026-03-12", "08:30"))
    overzicht, = _mails(db_session, soort="dagoverzicht_ladder")
    assert "Uitkering zonder zoektermijn" in overzicht.tekst
    wis_mail(db_session, [zaak.id])
    db_session.commit()
    db_session.expire_all()
    assert (overzicht.tekst, overzicht.html) == ("", "")
