"""Payment within 24 hours: the batch for finance at set times (pain.001 validated against its schema, or CSV),
finance's confirmation (BETAALD by mail, the page, a CSV matched to the requests), the clocks and reminders."""
import base64
import io
import json
import os
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import make_msgid
from xml.etree import ElementTree

import pytest
import sepaxml
import xmlschema
from sqlalchemy import select

from notifications import maatwerk as maatwerkmail
from notifications.models import InkomendeMail, InkomendStatus, UitgaandeMail
from tests.conftest import NU
from tests.maatwerk_gegevens import Maatwerk
from workflows.kalender import TZ
from workflows.maatwerk import aanvragen as mw
from workflows.maatwerk import budget as budgetboek
from workflows.maatwerk.modellen import AanvraagStatus, MaatwerkAanvraag, MaatwerkBetaalopdracht, Oordeel

AUTH = {"Authorization": "Basic " + base64.b64encode(b"inbound:ontwikkeling").decode()}
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
SCHEMA = os.path.join(os.path.dirname(sepaxml.__file__), "schemas", "pain.001.001.09.xsd")


@pytest.fixture
def maatwerk(db_session, wereld):
    m = Maatwerk(db_session, wereld)
    db_session.commit()
    return m


@pytest.fixture
def app_links(app):
    from app.maatwerk.links import links

    with app.test_request_context():
        yield links()


def goedgekeurd(s, m, now, **over):
    a = m.vraag(s, now, **over)
    for p in (m.schuldhulp, m.inkomen):
        mw.beoordelen(s, a.id, p.id, Oordeel.AKKOORD, "", now, kanaal="scherm")
    s.commit()
    return a


def inst():
    from app.mail import instellingen

    return instellingen()


def ronde(s, now, links):
    aantal = maatwerkmail.betaalronde(s, now, inst(), links)
    s.commit()
    return aantal


def test_the_batch_is_a_pain001_file_valid_against_the_iso_schema(app, db_session, maatwerk, app_links):
    a = goedgekeurd(db_session, maatwerk, NU, betalingskenmerk="Huurnota 2026-03")
    b = goedgekeurd(db_session, maatwerk, NU, bedrag="500", crediteur_naam="Eneco Zakelijk & Privé",
                    crediteur_iban="NL69 INGB 0123 4567 89", betalingskenmerk="")
    assert ronde(db_session, NU + timedelta(hours=1), app_links) == 2
    opdracht = db_session.execute(select(MaatwerkBetaalopdracht)).scalar_one()
    xml = opdracht.bestand.decode("utf-8")
    xmlschema.XMLSchema(SCHEMA).validate(xml)  # raises on any violation of pain.001.001.09
    doc = ElementTree.fromstring(opdracht.bestand)
    assert doc.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", NS).text == "2"
    assert doc.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", NS).text == "950.50"
    assert doc.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId", NS).text == opdracht.kenmerk
    tx = {t.find("p:PmtId/p:EndToEndId", NS).text: t for t in doc.iter(f"{{{NS['p']}}}CdtTrfTxInf")}
    assert set(tx) == {a.nummer, b.nummer}
    assert tx[a.nummer].find("p:CdtrAcct/p:Id/p:IBAN", NS).text == "NL91ABNA0417164300"
    assert tx[a.nummer].find("p:RmtInf/p:Ustrd", NS).text == f"{a.nummer} Huurnota 2026-03"
    assert "FEY-2026-031" not in xml  # the cliëntreferentie never leaves for the bank
    assert doc.find(".//p:DbtrAcct/p:Id/p:IBAN", NS).text == "NL02ABNA0123456789"
    db_session.refresh(a)
    assert a.status == AanvraagStatus.BETAALOPDRACHT and a.betaalopdracht_id == opdracht.id
    mail = db_session.execute(select(UitgaandeMail).where(UitgaandeMail.soort == "maatwerk_betaalopdracht")
                              ).scalar_one()
    assert mail.aan == "financien@test.local" and "BETAALD" in mail.tekst and "NL91" not in mail.tekst
    assert "2 betalingen, samen € 950,50" in mail.onderwerp


def test_a_second_round_finds_nothing_and_sends_nothing(db_session, maatwerk, app_links):
    goedgekeurd(db_session, maatwerk, NU)
    assert ronde(db_session, NU + timedelta(hours=1), app_links) == 1
    assert ronde(db_session, NU + timedelta(hours=2), app_links) == 0
    assert db_session.query(MaatwerkBetaalopdracht).count() == 1


def test_csv_per_configuration(db_session, maatwerk, app_links):
    mw.instelling(db_session).betaalwijze = "csv"
    a = goedgekeurd(db_session, maatwerk, NU)
    ronde(db_session, NU + timedelta(hours=1), app_links)
    regels = db_session.execute(select(MaatwerkBetaalopdracht)).scalar_one().bestand.decode().splitlines()
    assert regels[0] == "kenmerk;crediteur;iban;bedrag;omschrijving;uitvoerdatum"
    assert regels[1].startswith(f"{a.nummer};Woonstad Rotterdam;NL91ABNA0417164300;450,50;")


def _antwoord(mail, tekst, van, gesigneerd=True):
    msg = EmailMessage()
    msg["From"] = f"Fenna Financiën <{van}>"
    msg["To"] = mail.reply_to
    msg["Subject"] = "RE: " + mail.onderwerp
    msg["Message-ID"] = make_msgid(domain="client.test")
    msg.set_content(f"{tekst}\n\nOp {mail.aangemaakt_op:%d-%m-%Y} schreef Knipkaart:\n> {mail.onderwerp}\n")
    data = {"email": bytes(msg).decode(), "envelope": json.dumps({"to": [mail.reply_to], "from": van})}
    if gesigneerd:
        data.update({"SPF": "pass", "dkim": "{@" + van.rpartition("@")[2] + " : pass}"})
    return data


def test_betaald_by_reply_from_finance_books_the_payment_and_tells_the_requester(client, db_session, maatwerk,
                                                                                 app_links, wereld):
    nu = datetime.now(timezone.utc) - timedelta(hours=2)  # the inbound path reads the real clock
    a = goedgekeurd(db_session, maatwerk, nu)
    ronde(db_session, nu + timedelta(hours=1), app_links)
    mail = db_session.execute(select(UitgaandeMail).where(UitgaandeMail.soort == "maatwerk_betaalopdracht")
                              ).scalar_one()
    vals = client.post("/mail/inbound/sendgrid", data=_antwoord(mail, "BETAALD", "vervalser@elders.test"),
                       headers=AUTH, content_type="multipart/form-data")
    assert vals.status_code == 200
    db_session.refresh(a)
    assert a.status == AanvraagStatus.BETAALOPDRACHT
    client.post("/mail/inbound/sendgrid", data=_antwoord(mail, "Betaald, vandaag.", "financien@test.local"),
                headers=AUTH, content_type="multipart/form-data")
    db_session.refresh(a)
    assert a.status == AanvraagStatus.BETAALD and a.betaald_via == "e-mail", [
        m.reden for m in db_session.scalars(select(InkomendeMail))]
    assert [m.status for m in db_session.scalars(select(InkomendeMail).order_by(InkomendeMail.id))] == [
        InkomendStatus.QUARANTAINE, InkomendStatus.TOEGEPAST]
    stand = budgetboek.lees_budget(db_session, wereld.team.id, mw.jaar_van(nu))[0]
    assert (stand.betaald, stand.in_behandeling) == (45050, 0)
    betaald = db_session.execute(select(UitgaandeMail).where(UitgaandeMail.soort == "maatwerk_betaald")).scalar_one()
    assert betaald.aan == "medewerker@test.local" and "binnen 24 uur" in betaald.tekst


def test_finance_confirms_on_the_page_of_the_signed_link_and_downloads_the_file(client, db_session, maatwerk,
                                                                               app_links):
    a = goedgekeurd(db_session, maatwerk, NU)
    ronde(db_session, NU + timedelta(hours=1), app_links)
    link = app_links.betaalopdracht(db_session.execute(select(MaatwerkBetaalopdracht)).scalar_one())
    pad = link.split("127.0.0.1:5000")[-1]
    pagina = client.get(pad)
    assert pagina.status_code == 200 and a.nummer in pagina.get_data(as_text=True)
    bestand = client.get(pad + "/bestand")
    assert bestand.status_code == 200 and b"<EndToEndId>" + a.nummer.encode() in bestand.data
    assert client.post(pad, data={"knop": "alles"}).status_code == 302
    db_session.refresh(a)
    assert a.status == AanvraagStatus.BETAALD and a.betaald_via == "scherm"


def test_a_csv_of_payments_made_is_matched_by_number_and_amount(client, db_session, maatwerk, app_links):
    a = goedgekeurd(db_session, maatwerk, NU)
    b = goedgekeurd(db_session, maatwerk, NU, bedrag="100")
    ronde(db_session, NU + timedelta(hours=1), app_links)
    pad = app_links.betaalopdracht(db_session.execute(select(MaatwerkBetaalopdracht)).scalar_one()
                                   ).split("127.0.0.1:5000")[-1]
    csv = f"kenmerk;bedrag\n{a.nummer};450,50\n{b.nummer};99,00\nMW-2026-9999;5,00\n".encode()
    r = client.post(pad, data={"knop": "upload", "bestand": (io.BytesIO(csv), "betaald.csv")},
                    content_type="multipart/form-data")
    tekst = r.get_data(as_text=True)
    assert r.status_code == 200 and "Niet als betaald geboekt" in tekst and "MW-2026-9999" in tekst
    db_session.refresh(a)
    db_session.refresh(b)
    assert (a.status, a.betaald_via, b.status) == (AanvraagStatus.BETAALD, "csv", AanvraagStatus.BETAALOPDRACHT)


def test_an_unreadable_csv_is_answered_in_dutch_and_books_nothing(client, db_session, maatwerk, app_links):
    a = goedgekeurd(db_session, maatwerk, NU)
    ronde(db_session, NU + timedelta(hours=1), app_links)
    pad = app_links.betaalopdracht(db_session.execute(select(MaatwerkBetaalopdracht)).scalar_one()
                                   ).split("127.0.0.1:5000")[-1]
    r = client.post(pad, data={"knop": "upload", "bestand": (io.BytesIO(b"naam,iets\nx,y\n"), "x.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 422 and "geen kolommen" in r.get_data(as_text=True)
    db_session.refresh(a)
    assert a.status == AanvraagStatus.BETAALOPDRACHT


def test_finance_is_reminded_once_20_hours_after_approval_when_not_confirmed(db_session, maatwerk, app_links):
    goedgekeurd(db_session, maatwerk, NU)
    ronde(db_session, NU + timedelta(hours=1), app_links)

    def herinner(uren):
        aantal = maatwerkmail.herinneringen(db_session, NU + timedelta(hours=uren), inst(), app_links)
        db_session.commit()
        return aantal

    assert herinner(19.9) == 0
    assert herinner(20) == 1
    assert herinner(23) == 0
    mail = db_session.execute(select(UitgaandeMail).where(UitgaandeMail.soort == "maatwerk_betaalherinnering")
                              ).scalar_one()
    assert mail.aan == "financien@test.local" and "nog niet bevestigd" in mail.onderwerp


def test_professionals_still_undecided_when_the_werkdag_passes_are_reminded_once(db_session, maatwerk, app_links):
    a = maatwerk.vraag(db_session, NU)  # Tuesday 10 March 11:00: decide before Wednesday 17:00
    mw.beoordelen(db_session, a.id, maatwerk.schuldhulp.id, Oordeel.AKKOORD, "", NU, kanaal="scherm")
    db_session.commit()
    assert a.beoordeel_deadline == datetime(2026, 3, 11, 17, 0, tzinfo=TZ)

    def herinner(moment):
        aantal = maatwerkmail.herinneringen(db_session, moment, inst(), app_links)
        db_session.commit()
        return aantal

    assert herinner(datetime(2026, 3, 11, 16, 59, tzinfo=TZ)) == 0
    assert herinner(datetime(2026, 3, 11, 17, 0, tzinfo=TZ)) == 1
    assert herinner(datetime(2026, 3, 12, 9, 0, tzinfo=TZ)) == 0
    mail = db_session.execute(select(UitgaandeMail).where(UitgaandeMail.soort == "maatwerk_herinnering")
                              ).scalar_one()
    assert mail.aan == "inkomen@test.local" and mail.reply_to.startswith("zaak+")


def test_the_scheduler_runs_the_batch_at_the_set_times_and_the_reminders_often(app):
    from apscheduler.schedulers.background import BackgroundScheduler

    from app.scheduler import _jobs

    s = BackgroundScheduler(timezone="Europe/Amsterdam")
    _jobs(s, app)
    jobs = {j.id: j for j in s.get_jobs()}
    rondes = sorted(str(j.trigger) for i, j in jobs.items() if i.startswith("maatwerk-betaalronde-"))
    assert rondes == ["cron[day_of_week='mon-fri', hour='13', minute='0']",
                      "cron[day_of_week='mon-fri', hour='16', minute='0']",
                      "cron[day_of_week='mon-fri', hour='9', minute='0']"]
    assert str(jobs["maatwerk-herinneringen"].trigger) == "interval[0:05:00]"


def test_a_held_betaald_is_applied_by_the_beheerder_after_checking_it(client, inlog, db_session, maatwerk,
                                                                      app_links):
    """Finance confirmed from a colleague's address: held. The beheerder applies it from the quarantine page."""
    nu = datetime.now(timezone.utc) - timedelta(hours=2)  # the inbound path reads the real clock
    a = goedgekeurd(db_session, maatwerk, nu)
    ronde(db_session, nu + timedelta(hours=1), app_links)
    mail = db_session.execute(select(UitgaandeMail).where(UitgaandeMail.soort == "maatwerk_betaalopdracht")
                              ).scalar_one()
    client.post("/mail/inbound/sendgrid", data=_antwoord(mail, "BETAALD", "collega.financien@test.local"),
                headers=AUTH, content_type="multipart/form-data")
    rij = db_session.execute(select(InkomendeMail)).scalar_one()
    assert rij.status == InkomendStatus.QUARANTAINE
    inlog.als("beheer@test.local")
    pagina = client.get(f"/beheer/quarantaine/{rij.id}").get_data(as_text=True)
    assert f"betaalopdracht {a.betaalopdracht.kenmerk}" in pagina
    assert client.post(f"/beheer/quarantaine/{rij.id}/maatwerk-toepassen").status_code == 302
    db_session.expire_all()
    assert db_session.get(MaatwerkAanvraag, a.id).status == AanvraagStatus.BETAALD
    assert db_session.get(InkomendeMail, rij.id).status == InkomendStatus.HANDMATIG
