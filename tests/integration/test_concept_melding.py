"""The manager hears when a medewerker submits a concept (issue 14, point 2): one mail per concept, or a line in
the daily overview for a manager who chose it (the mail budget), with a link to the concept. Through HTTP, as
the team works."""
from datetime import datetime

from sqlalchemy import select

from notifications.models import Overzichtsmelding, UitgaandeMail
from tests.conftest import sleutel_uit
from workflows.models import Gebruiker, MailVoorkeur, Rol, Status, Zaak

CONCEPT = "concept_klaar"


def _escalatie(wereld, **over):
    data = {
        "dienst_id": str(wereld.wmo.id), "clientreferentie": "FEY-2026-032",
        "gevraagd": "Een e-bike om naar werk te komen", "blokkerende_regel": "Wmo en bijzondere bijstand wijzen "
                                                                             "elkaar aan",
        "urgentie": "hoog", "oorzaak_id": str(wereld.oorzaak.id), "knop": "concept",
    }
    data.update(over)
    return data


def _mails(db_session, soort=CONCEPT):
    db_session.expire_all()
    return db_session.execute(select(UitgaandeMail).where(UitgaandeMail.soort == soort)
                              .order_by(UitgaandeMail.id)).scalars().all()


def _concept_van_medewerker(client, inlog, db_session, wereld, **over) -> Zaak:
    inlog.als("medewerker@test.local")
    r = client.post("/escalaties/nieuw", data=_escalatie(wereld, **over))
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    zaak = db_session.execute(select(Zaak).order_by(Zaak.id.desc())).scalars().first()
    assert zaak.status == Status.CONCEPT
    return zaak


def _morgen_0830(db_session) -> datetime:
    from workflows.kalender import TZ
    from workflows.zaken import kalender

    dag = kalender(db_session).volgende_werkdag(datetime.now(TZ).date())
    return datetime.combine(dag, datetime.min.time(), tzinfo=TZ).replace(hour=8, minute=30)


def _dagoverzichten(db_session, now: datetime) -> int:
    from app.links import link_url
    from app.mail import instellingen
    from notifications.dagoverzicht import dagoverzichten
    from workflows.zaken import kalender

    aantal = dagoverzichten(db_session, now, instellingen(), kalender(db_session), link_url)
    db_session.commit()
    return aantal


def test_the_manager_gets_one_mail_per_submitted_concept_not_one_per_save(client, inlog, wereld, db_session):
    zaak = _concept_van_medewerker(client, inlog, db_session, wereld)
    for gevraagd in ("Een e-bike, met helm", "Een e-bike, met helm en slot"):  # two more saves of the draft
        pagina = client.get(f"/zaken/{zaak.id}/bewerken").get_data(as_text=True)
        r = client.post(f"/zaken/{zaak.id}/bewerken", data=_escalatie(
            wereld, gevraagd=gevraagd, formulier_sleutel=sleutel_uit(pagina) or ""))
        assert r.status_code == 302, r.get_data(as_text=True)[:300]
    mails = _mails(db_session)
    assert [m.aan for m in mails] == ["manager@test.local"]
    mail = mails[0]
    assert mail.zaak_id == zaak.id and mail.reply_to is None, "a reply to this notice could do nothing"
    assert "Mo Medewerker" in mail.onderwerp and "Wmo" in mail.onderwerp
    for deel in (mail.tekst, mail.html):
        assert f"/zaken/{zaak.id}" in deel and "Een e-bike" in deel
        assert "FEY-2026-032" not in deel, "the cliëntreferentie never leaves the municipality"
    assert "Beste Mila Manager," in mail.tekst


def test_a_managers_own_concept_tells_nobody(client, inlog, wereld, db_session):
    inlog.als("manager@test.local")
    assert client.post("/escalaties/nieuw", data=_escalatie(wereld)).status_code == 302
    assert _mails(db_session) == []
    assert db_session.execute(select(Overzichtsmelding)).scalars().all() == []


def test_every_active_manager_of_the_team_hears_of_it_and_nobody_of_another_team(client, inlog, wereld, db_session):
    wereld.session.add_all([
        Gebruiker(email="tweede@test.local", naam="Tara Tweede", rol=Rol.WIJKTEAMMANAGER, wijkteam_id=wereld.team.id,
                  wachtwoord_hash="!"),
        Gebruiker(email="weg@test.local", naam="Wim Weg", rol=Rol.WIJKTEAMMANAGER, wijkteam_id=wereld.team.id,
                  wachtwoord_hash="!", actief=False),
        Gebruiker(email="collega@test.local", naam="Cor Collega", rol=Rol.MEDEWERKER, wijkteam_id=wereld.team.id,
                  wachtwoord_hash="!"),
    ])
    db_session.commit()
    _concept_van_medewerker(client, inlog, db_session, wereld)
    assert sorted(m.aan for m in _mails(db_session)) == ["manager@test.local", "tweede@test.local"]


def test_a_concept_without_an_active_manager_is_saved_and_mails_nobody(client, inlog, wereld, db_session):
    wereld.manager.actief = False
    db_session.commit()
    zaak = _concept_van_medewerker(client, inlog, db_session, wereld)
    assert zaak.status == Status.CONCEPT and _mails(db_session) == []


def test_sending_the_concept_does_not_thread_the_dienst_into_the_teams_own_notice(client, inlog, wereld, db_session):
    zaak = _concept_van_medewerker(client, inlog, db_session, wereld)
    melding = _mails(db_session)[0]
    inlog.als("manager@test.local")
    assert client.post(f"/zaken/{zaak.id}/actie", data={"actie": "versturen"}).status_code == 302
    naar_dienst = _mails(db_session, "zaak_nieuw")
    assert [m.aan for m in naar_dienst] == ["wmo@test.local"]
    assert naar_dienst[0].in_reply_to != melding.message_id
    assert len(_mails(db_session)) == 1, "sending it tells the manager nothing new"


def test_a_manager_who_chose_the_daily_overview_gets_the_concept_as_a_line_in_it(client, inlog, wereld, db_session):
    wereld.manager.mail_voorkeur = MailVoorkeur.DAGELIJKS
    db_session.commit()
    zaak = _concept_van_medewerker(client, inlog, db_session, wereld)
    assert _mails(db_session) == []
    gehouden = db_session.execute(select(Overzichtsmelding)).scalars().all()
    assert [(m.aan, m.soort, m.zaak_id) for m in gehouden] == [("manager@test.local", CONCEPT, zaak.id)]

    assert _dagoverzichten(db_session, _morgen_0830(db_session)) == 1
    [overzicht] = _mails(db_session, "dagoverzicht_team")
    assert overzicht.aan == "manager@test.local"
    for deel in (overzicht.tekst, overzicht.html):
        assert "Mo Medewerker zette dit concept voor u klaar" in " ".join(deel.split()), deel
        assert f"/zaken/{zaak.id}" in deel
        assert "None" not in deel
    assert "Concept: escalatie aan Wmo" in overzicht.tekst


def test_a_concept_sent_before_the_overview_leaves_no_line_that_no_longer_holds(client, inlog, wereld, db_session):
    wereld.manager.mail_voorkeur = MailVoorkeur.DAGELIJKS
    db_session.commit()
    zaak = _concept_van_medewerker(client, inlog, db_session, wereld)
    inlog.als("manager@test.local")
    assert client.post(f"/zaken/{zaak.id}/actie", data={"actie": "versturen"}).status_code == 302
    assert _dagoverzichten(db_session, _morgen_0830(db_session)) == 0
    assert _mails(db_session, "dagoverzicht_team") == []
    assert db_session.execute(select(Overzichtsmelding)).scalars().all() == []


def test_the_same_concept_form_submitted_twice_tells_the_manager_once(client, inlog, wereld, db_session):
    inlog.als("medewerker@test.local")
    sleutel = sleutel_uit(client.get("/escalaties/nieuw").get_data(as_text=True))
    assert sleutel
    for _ in range(2):
        assert client.post("/escalaties/nieuw", data=_escalatie(wereld, formulier_sleutel=sleutel)).status_code == 302
    assert len(db_session.execute(select(Zaak)).scalars().all()) == 1
    assert len(_mails(db_session)) == 1

