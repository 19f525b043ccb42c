"""Retention reaches the maatwerkbudget: what the team and the professionals wrote about a resident goes after
the retention period, the amounts and the ledger stay (DOMAIN.md "Privacy").

Guards against a request's free text (the 002 form's answers, the cliëntreferentie, a professional's reason for
NIET AKKOORD) outliving the case's free text, and against the reason being copied into the append-only ledger,
where no erase can reach it."""
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import NU
from tests.maatwerk_gegevens import Maatwerk
from workflows.maatwerk import aanvragen as mw
from workflows.maatwerk.modellen import AanvraagStatus, MaatwerkAanvraag, MaatwerkMutatie, Oordeel

REDEN = "Mevrouw Jansen heeft al bijzondere bijstand voor dezelfde huur."


def _geweigerd_en_open(db_session, wereld):
    m = Maatwerk(db_session, wereld)
    oud = m.vraag(db_session, NU)
    mw.beoordelen(db_session, oud.id, m.schuldhulp.id, Oordeel.NIET_AKKOORD, REDEN, NU, kanaal="scherm")
    lopend = m.vraag(db_session, NU + timedelta(days=30), bedrag="100", clientreferentie="FEY-2026-099")
    db_session.commit()
    return oud.id, lopend.id


def test_a_request_ended_over_the_retention_period_loses_what_people_wrote_and_keeps_its_figures(app_ctx, db_session,
                                                                                                   wereld):
    from app.retentie import voer_uit

    oud, lopend = _geweigerd_en_open(db_session, wereld)
    wismoment = NU + timedelta(days=400)  # 13 months after the refusal; the other request is still open

    assert voer_uit(wismoment, dry_run=True).maatwerk == 1
    db_session.expire_all()
    assert db_session.get(MaatwerkAanvraag, oud).clientreferentie == "FEY-2026-031"  # a dry run erases nothing
    assert voer_uit(wismoment).maatwerk == 1

    db_session.expire_all()
    a = db_session.get(MaatwerkAanvraag, oud)
    assert "gewist" in a.clientreferentie and "gewist" in a.wat_nodig
    assert (a.waarom_werkt, a.wat_doet_inwoner, a.betalingskenmerk) == ("", "", "")
    assert [b.reden for b in a.beoordelingen] == ["", ""]
    assert [b.oordeel for b in a.beoordelingen if b.oordeel] == [Oordeel.NIET_AKKOORD]  # the verdict stays
    assert (a.status, a.bedrag_centen, a.crediteur_iban) == (AanvraagStatus.AFGEWEZEN, 45050, "NL91ABNA0417164300")
    # The ledger never held the reason: nothing of the resident is left where nothing can be erased.
    assert all("Jansen" not in m.reden for m in db_session.scalars(select(MaatwerkMutatie)))
    # The open request is untouched, and a second run finds nothing left to erase.
    assert db_session.get(MaatwerkAanvraag, lopend).clientreferentie == "FEY-2026-099"
    assert voer_uit(wismoment).maatwerk == 0


def test_a_request_ended_within_the_retention_period_is_kept(app_ctx, db_session, wereld):
    from app.retentie import voer_uit

    oud, _ = _geweigerd_en_open(db_session, wereld)
    assert voer_uit(NU + timedelta(days=300)).maatwerk == 0
    db_session.expire_all()
    aanvraag = db_session.get(MaatwerkAanvraag, oud)
    assert aanvraag.clientreferentie == "FEY-2026-031" and REDEN in [b.reden for b in aanvraag.beoordelingen]
