"""Retention: free text of cases closed longer than RETENTION_MONTHS is erased; the facts remain.

Every place personal text can be is seeded first and checked to hold it, so that an assertion cannot pass
on an empty result (issue 19.4): the case's free text, its messages, its events' explanations, inbound
mail (new text, full text, raw mail, subject), attachments of applied and of quarantined mail, quarantined
mail that matches no case, and the bodies of outbound mail. Each check below fails when the erase skips
that place, erases only some of its fields, or deletes rows instead of blanking them.
"""
from __future__ import annotations

import base64
import json
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from notifications.models import Bijlage, InkomendeMail, InkomendStatus, UitgaandeMail
from tests.conftest import NU
from workflows import usecases
from workflows.models import Bericht, Gebeurtenis, Status, Zaak, ZaakSoort
from workflows.rapportage import Filters, maak_rapport, tabellen
from workflows.zaken import VRIJE_TEKST, Actor

AUTH = {"Authorization": "Basic " + base64.b64encode(b"inbound:ontwikkeling").decode()}
PDF = b"%PDF-1.4 beschikking van mevrouw Jansen"
GESLOTEN_OUD = NU + timedelta(days=1)
GESLOTEN_RECENT = NU + relativedelta(months=3)
WISMOMENT = NU + relativedelta(months=13)  # 13 months after the old case closed, 10 after the recent one
# The blocking rule describes the municipality's rule and feeds the report: it stays, anonymised.
WEG = tuple(v for v in VRIJE_TEKST if v != "blokkerende_regel")


def _meld(r, now) -> None:
    from app.mail import meld

    meld(r, now)


def _zaak(db_session, wereld, ref: str, op: datetime = NU) -> Zaak:
    """An escalation with every free-text field filled, sent, with a message from the team."""
    manager = Actor.gebruiker(wereld.manager)
    invoer = wereld.invoer(dienst=wereld.wmo, clientreferentie=ref, gevraagd="Een e-bike voor mevrouw Jansen",
                           voorgestelde_oplossing="Wmo betaalt, bijzondere bijstand later",
                           oorzaak_toelichting="Beide loketten wijzen naar elkaar",
                           rendement="Geen ziekteverzuim", legitimiteit="Past in de verordening",
                           betrokkenheid="Mevrouw betaalt de helft")
    r = usecases.zaak_aanmaken(db_session, manager, ZaakSoort.ESCALATIE, invoer, op, versturen=True)
    _meld(r, op)
    _meld(usecases.bericht_plaatsen(db_session, manager, r.zaak.id, "Mevrouw belt morgen zelf", op), op)
    db_session.commit()
    return r.zaak


def _sluit(db_session, wereld, zaak: Zaak, op: datetime) -> None:
    dienst = Actor.dienst("Ineke de Wit (Wmo)")
    _meld(usecases.handelen(db_session, dienst, zaak.id, "afgewezen", op, toelichting="Geen grond voor Jansen"), op)
    _meld(usecases.handelen(db_session, Actor.gebruiker(wereld.manager), zaak.id, "sluiten", op,
                            toelichting="Mevrouw heeft het zelf geregeld", structureel=True), op)
    db_session.commit()


def _mail(van: str, aan: str, tekst: str, bijlage: str) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = van, aan, "Re: over mevrouw Jansen"
    msg["Message-ID"] = make_msgid(domain="client.test")
    msg.set_content(f"{tekst}\n\nMet vriendelijke groet")
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename=bijlage)
    return bytes(msg)


def _ontvang(client, ruw: bytes, van: str, aan: str, op: datetime) -> None:
    """Post a mail the way SendGrid's Inbound Parse does (raw mode), with passing SPF and DKIM verdicts."""
    data = {"email": ruw.decode("utf-8"), "to": aan, "from": van, "subject": "Re: over mevrouw Jansen",
            "charsets": "{}", "SPF": "pass", "dkim": "{@" + van.rpartition("@")[2] + " : pass}",
            "envelope": json.dumps({"to": [aan], "from": van})}
    with time_machine.travel(op, tick=False):
        r = client.post("/mail/inbound/sendgrid", data=data, headers=AUTH, content_type="multipart/form-data")
    assert r.status_code < 300, r.get_data(as_text=True)


def _antwoordadres(db_session, zaak: Zaak, aan: str) -> str:
    return db_session.scalars(select(UitgaandeMail.reply_to).where(UitgaandeMail.zaak_id == zaak.id,
                                                                   UitgaandeMail.aan == aan)).first()


def _post(client, db_session, zaak: Zaak) -> None:
    """Mail about the case: a reply that is applied and one from a stranger that is held, both with a PDF."""
    adres = _antwoordadres(db_session, zaak, "wmo@test.local")
    assert adres, "the case's mail to the contactpersoon carries a reply address"
    _ontvang(client, _mail("wmo@test.local", adres, "Wij bellen mevrouw Jansen", "beschikking-jansen.pdf"),
             "wmo@test.local", adres, NU + timedelta(hours=1))
    _ontvang(client, _mail("buurman@elders.test", adres, "Ik ben de buurman van mevrouw Jansen", "brief.pdf"),
             "buurman@elders.test", adres, NU + timedelta(hours=2))


def _rapport(db_session):
    rapport = maak_rapport(db_session, Filters(date(2026, 1, 1), date(2027, 12, 31)), WISMOMENT)
    return [(t.sleutel, t.rijen) for t in tabellen(rapport)]


def _mails(db_session, waar) -> list[InkomendeMail]:
    return db_session.scalars(select(InkomendeMail).where(waar).order_by(InkomendeMail.id)).all()


def _bijlagen(db_session, mails: list[InkomendeMail]) -> list[Bijlage]:
    return db_session.scalars(select(Bijlage).where(Bijlage.inkomende_mail_id.in_([m.id for m in mails]))
                              .order_by(Bijlage.id)).all()


def _plaatsen(db_session, zaak_id: int | None) -> dict:
    """Every place personal text of this case can be (None: quarantined mail that matches no case)."""
    db_session.expire_all()
    if zaak_id is None:
        losse = _mails(db_session, InkomendeMail.zaak_id.is_(None))
        return {"losse mail": losse, "bijlagen van losse mail": _bijlagen(db_session, losse)}
    inkomend = _mails(db_session, InkomendeMail.zaak_id == zaak_id)
    return {
        "zaak": db_session.get(Zaak, zaak_id),
        "berichten": db_session.scalars(select(Bericht).where(Bericht.zaak_id == zaak_id)).all(),
        "toelichtingen": db_session.scalars(select(Gebeurtenis).where(Gebeurtenis.zaak_id == zaak_id,
                                                                      Gebeurtenis.toelichting != "")).all(),
        "gebeurtenissen": db_session.scalar(select(func.count()).where(Gebeurtenis.zaak_id == zaak_id)),
        "toegepaste mail": [m for m in inkomend if m.status == InkomendStatus.TOEGEPAST],
        "mail in quarantaine": [m for m in inkomend if m.status == InkomendStatus.QUARANTAINE],
        "bijlagen bij de zaak": db_session.scalars(select(Bijlage).where(Bijlage.zaak_id == zaak_id)).all(),
        "bijlagen van mail in quarantaine": _bijlagen(
            db_session, [m for m in inkomend if m.status == InkomendStatus.QUARANTAINE]),
        "uitgaande mail": db_session.scalars(select(UitgaandeMail).where(UitgaandeMail.zaak_id == zaak_id)).all(),
    }


def _inkomend_vol(m: InkomendeMail) -> bool:
    return bool(m.tekst and m.volledige_tekst and m.ruw and m.onderwerp)


def _inkomend_leeg(m: InkomendeMail) -> bool:
    return not (m.tekst or m.volledige_tekst or m.ruw or m.onderwerp)


def _bijlage_vol(b: Bijlage) -> bool:
    return b.data == PDF and b.bestandsnaam.endswith(".pdf")


def _bijlage_leeg(b: Bijlage) -> bool:
    """Content and name gone (a file name can name the resident); the row stays, so the mail shows it had one."""
    return b.data is None and not b.bestandsnaam.endswith(".pdf")


def _zaak_gevuld(p: dict) -> None:
    """The seed reached every place; without this, an empty place would pass as erased."""
    zaak = p["zaak"]
    for veld in WEG:
        assert getattr(zaak, veld), f"seed: {veld} is empty"
    assert len(p["berichten"]) >= 2 and all(b.tekst for b in p["berichten"])  # the team's and the reply's
    assert len(p["toelichtingen"]) >= 2
    assert len(p["toegepaste mail"]) == 1 and _inkomend_vol(p["toegepaste mail"][0])
    assert len(p["mail in quarantaine"]) == 1 and _inkomend_vol(p["mail in quarantaine"][0])
    assert len(p["bijlagen bij de zaak"]) == 1 and _bijlage_vol(p["bijlagen bij de zaak"][0])
    assert len(p["bijlagen van mail in quarantaine"]) == 1 and _bijlage_vol(p["bijlagen van mail in quarantaine"][0])
    assert p["bijlagen van mail in quarantaine"][0].zaak_id is None  # held mail's attachments have no case yet
    assert p["uitgaande mail"] and all(m.tekst and m.html for m in p["uitgaande mail"])


@pytest.fixture
def gezaaid(client, db_session, wereld):
    """Two cases with text in every place; the old one closed 13 months before the erase, the recent 10."""
    oud, recent = _zaak(db_session, wereld, "FEY-OUD-1"), _zaak(db_session, wereld, "FEY-RECENT-1")
    for zaak in (oud, recent):
        _post(client, db_session, zaak)
    vreemd = "zaak+00000000000000000000@reply.localhost"  # a reply address nobody was given
    _ontvang(client, _mail("onbekend@elders.test", vreemd, "Dit gaat over mevrouw Jansen", "jansen-id.pdf"),
             "onbekend@elders.test", vreemd, NU + timedelta(hours=3))
    _sluit(db_session, wereld, oud, GESLOTEN_OUD)
    _sluit(db_session, wereld, recent, GESLOTEN_RECENT)
    # Quarantined mail that matches no case, received 10 months before the erase: it stays.
    _ontvang(client, _mail("ander@elders.test", vreemd, "Over meneer Pietersen", "pietersen.pdf"),
             "ander@elders.test", vreemd, GESLOTEN_RECENT)
    return oud.id, recent.id


def test_every_place_of_a_case_closed_over_twelve_months_ago_is_erased_and_the_report_stays(app_ctx, db_session,
                                                                                            gezaaid):
    from app.retentie import voer_uit

    oud, recent = gezaaid
    voor = _plaatsen(db_session, oud)
    _zaak_gevuld(voor)
    _zaak_gevuld(_plaatsen(db_session, recent))
    losse = _plaatsen(db_session, None)
    assert len(losse["losse mail"]) == 2 and all(_inkomend_vol(m) for m in losse["losse mail"])
    assert len(losse["bijlagen van losse mail"]) == 2 and all(_bijlage_vol(b) for b in losse["bijlagen van losse mail"])
    rapport = _rapport(db_session)
    assert any(rijen for _, rijen in rapport)  # the report has figures to keep

    assert voer_uit(WISMOMENT, dry_run=True) == [oud]
    db_session.expire_all()
    assert db_session.get(Zaak, oud).gewist_op is None and _inkomend_vol(voor["toegepaste mail"][0])  # a dry run
    assert voer_uit(WISMOMENT) == [oud]

    na = _plaatsen(db_session, oud)
    zaak = na["zaak"]
    for veld in WEG:
        assert "Jansen" not in getattr(zaak, veld) and getattr(zaak, veld) in ("", zaak.clientreferentie), veld
    assert "gewist" in zaak.clientreferentie and zaak.gewist_op is not None
    assert zaak.blokkerende_regel == "De zoektermijn van vier weken"  # the rule, not the resident: kept
    # Blanked, not deleted: the thread and the timeline keep their shape.
    assert len(na["berichten"]) == len(voor["berichten"]) and all("gewist" in b.tekst for b in na["berichten"])
    assert na["toelichtingen"] == [] and na["gebeurtenissen"] == voor["gebeurtenissen"]
    for plaats in ("toegepaste mail", "mail in quarantaine"):
        assert len(na[plaats]) == 1 and _inkomend_leeg(na[plaats][0]), plaats
    for plaats in ("bijlagen bij de zaak", "bijlagen van mail in quarantaine"):
        assert len(na[plaats]) == 1 and _bijlage_leeg(na[plaats][0]), plaats
    assert len(na["uitgaande mail"]) == len(voor["uitgaande mail"])
    assert all(m.tekst == "" and m.html == "" for m in na["uitgaande mail"])
    # The facts remain.
    assert (zaak.status, zaak.uitkomst.value, zaak.structureel) == (Status.GESLOTEN, "afgewezen", True)
    assert zaak.verstuurd_op and zaak.ontvangen_op and zaak.opgelost_op and zaak.gesloten_op
    assert _rapport(db_session) == rapport

    # Quarantined mail that matches no case goes when it is older than the retention period, on its own clock.
    losse = _plaatsen(db_session, None)
    oud_los, nieuw_los = losse["losse mail"]
    assert _inkomend_leeg(oud_los) and _inkomend_vol(nieuw_los)
    bijlagen = {b.inkomende_mail_id: b for b in losse["bijlagen van losse mail"]}
    assert _bijlage_leeg(bijlagen[oud_los.id]) and _bijlage_vol(bijlagen[nieuw_los.id])

    # The recent case keeps everything.
    _zaak_gevuld(_plaatsen(db_session, recent))


def test_mail_that_reaches_a_case_after_its_erase_is_erased_by_the_next_run(app_ctx, client, db_session, gezaaid):
    from app.retentie import voer_uit

    oud, _ = gezaaid
    adres = _antwoordadres(db_session, db_session.get(Zaak, oud), "wmo@test.local")
    assert voer_uit(WISMOMENT) == [oud]
    _ontvang(client, _mail("wmo@test.local", adres, "Nog een vraag over mevrouw Jansen", "nagekomen-jansen.pdf"),
             "wmo@test.local", adres, WISMOMENT + timedelta(hours=1))
    db_session.expire_all()
    laat = _mails(db_session, InkomendeMail.ontvangen_op > WISMOMENT)
    assert len(laat) == 1 and laat[0].zaak_id == oud and _inkomend_vol(laat[0])
    assert _bijlage_vol(_bijlagen(db_session, laat)[0])
    assert voer_uit(WISMOMENT + timedelta(days=1)) == []  # the case was erased once
    db_session.expire_all()
    assert _inkomend_leeg(db_session.get(InkomendeMail, laat[0].id))
    assert _bijlage_leeg(_bijlagen(db_session, laat)[0])


def test_the_cli_reports_what_it_erased(app, client, db_session, wereld):
    oud = _zaak(db_session, wereld, "FEY-OUD-2", NU - timedelta(days=810))
    _sluit(db_session, wereld, oud, NU - timedelta(days=800))
    vreemd = "zaak+00000000000000000000@reply.localhost"
    _ontvang(client, _mail("onbekend@elders.test", vreemd, "Over mevrouw Jansen", "jansen.pdf"),
             "onbekend@elders.test", vreemd, NU - timedelta(days=800))
    r = app.test_cli_runner().invoke(args=["retention", "run", "--dry-run"])
    assert r.exit_code == 0 and "1 zaken" in r.output and "zouden" in r.output and "1 mail" in r.output
    r = app.test_cli_runner().invoke(args=["retention", "run"])
    assert r.exit_code == 0 and "1 zaken gewist" in r.output and "1 mail" in r.output
