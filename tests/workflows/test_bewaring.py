"""Retention: free text of cases closed longer than RETENTION_MONTHS is erased; the facts remain."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from notifications.models import UitgaandeMail
from tests.conftest import NU
from workflows.models import Bericht, Gebeurtenis, Status, Zaak, ZaakSoort
from workflows.zaken import Actor, bericht_plaatsen, nieuwe_zaak, uitvoeren


def _gesloten_zaak(db_session, wereld, gesloten: datetime) -> Zaak:
    from app.mail import meld

    manager = Actor.gebruiker(wereld.manager)
    zaak = nieuwe_zaak(db_session, manager, ZaakSoort.ESCALATIE, wereld.invoer(dienst=wereld.wmo), gesloten)
    from workflows import usecases

    meld(usecases.handelen(db_session, manager, zaak.id, "versturen", gesloten), gesloten)
    bericht_plaatsen(db_session, manager, zaak, "Inwoner belt morgen zelf", gesloten)
    uitvoeren(db_session, Actor.dienst("Ineke de Wit (Wmo)"), zaak, "afgewezen", gesloten, toelichting="Geen grond")
    uitvoeren(db_session, manager, zaak, "sluiten", gesloten, structureel=True)
    db_session.commit()
    return zaak


def test_free_text_of_a_case_closed_over_twelve_months_ago_is_erased_and_the_facts_remain(app_ctx, db_session,
                                                                                          wereld):
    from app.retentie import voer_uit

    now = datetime(2027, 6, 1, 2, 15, tzinfo=timezone.utc)
    oud = _gesloten_zaak(db_session, wereld, now - timedelta(days=400))
    recent = _gesloten_zaak(db_session, wereld, now - timedelta(days=300))
    assert voer_uit(now, dry_run=True) == [oud.id]
    db_session.expire_all()
    assert db_session.get(Zaak, oud.id).gewist_op is None  # a dry run changes nothing
    assert voer_uit(now) == [oud.id]
    db_session.expire_all()
    oud, recent = db_session.get(Zaak, oud.id), db_session.get(Zaak, recent.id)
    assert oud.gevraagd == "" and "gewist" in oud.clientreferentie
    # The blocking rule describes the rule, not the resident; it stays, anonymised, for the report.
    assert oud.blokkerende_regel == "De zoektermijn van vier weken"
    assert (oud.status, oud.uitkomst.value, oud.structureel, oud.oorzaak_id) == (Status.GESLOTEN, "afgewezen", True,
                                                                                 wereld.oorzaak.id)
    assert oud.verstuurd_op and oud.opgelost_op and oud.gesloten_op
    assert all("gewist" in b.tekst for b in db_session.execute(select(Bericht).where(Bericht.zaak_id == oud.id)).scalars())
    assert all(g.toelichting == "" for g in db_session.execute(select(Gebeurtenis).where(Gebeurtenis.zaak_id == oud.id)).scalars())
    assert all(m.tekst == "" and m.html == "" for m in db_session.execute(
        select(UitgaandeMail).where(UitgaandeMail.zaak_id == oud.id)).scalars())
    assert recent.gevraagd != "" and recent.gewist_op is None
    assert voer_uit(now) == []  # erased once


def test_the_cli_reports_what_it_erased(app, db_session, wereld):
    _gesloten_zaak(db_session, wereld, NU - timedelta(days=800))
    r = app.test_cli_runner().invoke(args=["retention", "run", "--dry-run"])
    assert r.exit_code == 0 and "1 zaken" in r.output and "zouden" in r.output
    r = app.test_cli_runner().invoke(args=["retention", "run"])
    assert r.exit_code == 0 and "1 zaken gewist" in r.output
