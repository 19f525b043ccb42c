"""Deadlines that act: reminders, the ladder, office hours, downtime, exactly once."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from notifications.models import UitgaandeMail
from workflows.models import Contactpersoon, Dienst, LadderFunctie, LadderTrede, Status, Termijnstap, Zaak, ZaakSoort
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
    manager = Actor.gebruiker(wereld.manager)
    invoer = wereld.invoer(dienst=wereld.wmo, **over)
    invoer.urgentie = over.get("urgentie", invoer.urgentie)
    zaak = nieuwe_zaak(db_session, manager, ZaakSoort.ESCALATIE, invoer, verstuurd)
    uitvoeren(db_session, manager, zaak, "versturen", verstuurd)
    db_session.commit()
    return zaak


def _sweep(now):
    from app.bewaking import sweep

    return sweep(now)


def _mails(db_session, soort=None):
    stmt = select(UitgaandeMail).order_by(UitgaandeMail.id)
    if soort:
        stmt = stmt.where(UitgaandeMail.soort == soort)
    return db_session.execute(stmt).scalars().all()


def _gehouden(db_session) -> list[tuple[str, str]]:
    """The steps held for a daily overview instead of a mail of their own: (kind, recipient)."""
    from notifications.models import Overzichtsmelding

    return [(m.soort, m.aan) for m in db_session.scalars(select(Overzichtsmelding).order_by(Overzichtsmelding.id))]


def test_a_reminder_goes_one_werkdag_before_the_reactietermijn(app_ctx, db_session, wereld, ladder):
    from workflows.models import Urgentie

    zaak = _escalatie(db_session, wereld, t("2026-03-06", "16:00"), urgentie=Urgentie.NORMAAL)  # Friday
    assert zaak.reactie_deadline == t("2026-03-11", "17:00")  # 3 werkdagen: Wednesday
    assert _sweep(t("2026-03-10", "16:59")).stappen == []
    rapport = _sweep(t("2026-03-10", "17:00"))
    assert rapport.stappen == [f"{zaak.nummer}: herinnering"]
    herinnering, = _mails(db_session, "herinnering")
    assert herinnering.aan == "wmo@test.local" and herinnering.volgende_poging_op == t("2026-03-10", "17:00")


def test_a_breach_climbs_to_the_teamleider_with_a_fresh_term_and_tells_the_team(app_ctx, db_session, wereld, ladder):
    from workflows.models import Urgentie

    zaak = _escalatie(db_session, wereld, t("2026-03-06", "16:00"), urgentie=Urgentie.NORMAAL)
    _sweep(t("2026-03-11", "17:05"))
    db_session.expire_all()
    zaak = db_session.get(Zaak, zaak.id)
    assert (zaak.trede, zaak.ontvanger_email) == (1, "tl.wmo@test.local")
    assert zaak.reactie_deadline == t("2026-03-16", "17:00")  # a fresh 3 werkdagen from Wednesday
    assert [g.actie for g in zaak.gebeurtenissen][-3:] == ["herinnering", "termijn_verlopen", "opgeschaald"]
    assert [m.aan for m in _mails(db_session, "verlopen")] == ["wmo@test.local"]
    assert [m.aan for m in _mails(db_session, "team_verlopen")] == ["manager@test.local"]
    # The teamleider hears of it in the next morning's overview, not in a mail per case (the mail budget).
    assert _mails(db_session, "opgeschaald") == [] and _gehouden(db_session) == [("opgeschaald", "tl.wmo@test.local")]


def test_every_step_is_taken_once_however_often_the_sweep_runs(app_ctx, db_session, wereld, ladder):
    zaak = _escalatie(db_session, wereld, t("2026-03-06", "16:00"))
    for _ in range(3):
        _sweep(t("2026-03-11", "17:05"))
    assert db_session.execute(select(func.count(Termijnstap.id))).scalar_one() == 2
    assert len(_gehouden(db_session)) == 1 and len(_mails(db_session, "verlopen")) == 1


def test_deadline_mail_waits_for_office_hours(app_ctx, db_session, wereld, ladder):
    from workflows.models import Urgentie

    # Acute, sent Thursday 12:00: react by Friday 17:00. The breach at 17:00 on Friday is mailed Monday 08:30.
    zaak = _escalatie(db_session, wereld, t("2026-03-12", "12:00"), urgentie=Urgentie.ACUUT)
    assert zaak.reactie_deadline == t("2026-03-13", "17:00")
    _sweep(t("2026-03-13", "17:01"))
    for m in _mails(db_session, "team_verlopen") + _mails(db_session, "verlopen"):
        assert m.volgende_poging_op == t("2026-03-16", "08:30")
    _sweep(t("2026-03-14", "03:00"))  # Saturday night: nothing new, nothing sent
    from app.mail import verstuur_nu

    assert verstuur_nu(klok=lambda: t("2026-03-14", "03:00")).verzonden == []
    assert len(verstuur_nu(klok=lambda: t("2026-03-16", "08:30")).verzonden) >= 2


def test_after_downtime_the_first_sweep_takes_every_missed_step_once_in_order(app_ctx, db_session, wereld, ladder):
    zaak = _escalatie(db_session, wereld, t("2026-03-02", "09:00"))  # hoog: react by 4 March, solve by 9 March
    rapport = _sweep(t("2026-04-20", "10:00"))  # weeks of downtime
    # Both clocks passed, but a case has one ladder: it climbs once, and at the new rung both clocks start
    # afresh from now, so nothing more is owed until those fresh terms run out.
    assert [s.split(": ")[1] for s in rapport.stappen] == ["herinnering", "termijn_verlopen", "opgeschaald"]
    stappen = db_session.execute(select(Termijnstap).order_by(Termijnstap.id)).scalars().all()
    assert [(s.klok, s.trede, s.soort) for s in stappen] == [("reactie", 0, "herinnering"), ("reactie", 0, "verlopen")]
    assert all(s.uitgevoerd_op == t("2026-04-20", "10:00") for s in stappen)
    assert _sweep(t("2026-04-20", "10:05")).stappen == []
    db_session.expire_all()
    zaak = db_session.get(Zaak, zaak.id)
    assert (zaak.trede, zaak.ontvanger_email) == (1, "tl.wmo@test.local")
    # 5 werkdagen from Monday 20 April: Koningsdag (27 April) is no werkdag
    assert zaak.reactie_deadline == t("2026-04-22", "17:00") and zaak.oplos_deadline == t("2026-04-28", "17:00")
    # one mail per recipient for the step: the old contact and the team; the teamleider's in the daily overview
    assert sorted((m.soort, m.aan) for m in _mails(db_session) if m.soort != "zaak_nieuw") == [
        ("team_verlopen", "manager@test.local"), ("verlopen", "wmo@test.local")]
    assert _gehouden(db_session) == [("opgeschaald", "tl.wmo@test.local")]


def _tot_de_top(start: datetime) -> list[str]:
    alles, moment = [], start
    for _ in range(10):
        alles += [s.split(": ")[1] for s in _sweep(moment).stappen]
        if "ladder_uitgeput" in alles:
            break
        moment += timedelta(days=14)
    return alles


def test_the_ladder_ends_at_the_maatwerkfunctionaris_who_is_told(app_ctx, db_session, wereld, ladder):
    zaak = _escalatie(db_session, wereld, t("2026-03-02", "09:00"))
    alles = _tot_de_top(t("2026-03-20", "10:00"))
    assert alles.count("opgeschaald") == 3 and alles[-1] == "ladder_uitgeput"
    db_session.expire_all()
    assert db_session.get(Zaak, zaak.id).ontvanger_email == "mwf@test.local"
    assert ("uitgeput", "mwf@test.local") in _gehouden(db_session) and _mails(db_session, "uitgeput") == []
    assert [m.aan for m in _mails(db_session, "team_uitgeput")] == ["manager@test.local"]
    # once exhausted, nothing more climbs or mails: not the oplostermijn, not a later sweep
    voor = len(_mails(db_session))
    zaak = db_session.get(Zaak, zaak.id)
    uitvoeren(db_session, Actor.dienst("Frits Maatwerk (Wmo)", ladder[3].id), zaak, "ontvangen", t("2026-06-01"))
    db_session.commit()
    assert _sweep(t("2026-08-01", "10:00")).stappen == [] and len(_mails(db_session)) == voor


def test_while_waiting_on_the_team_the_oplostermijn_takes_no_steps(app_ctx, db_session, wereld, ladder):
    zaak = _escalatie(db_session, wereld, t("2026-03-02", "09:00"))
    dienst = Actor.dienst("Ineke de Wit (Wmo)", wereld.cp_wmo.id)
    uitvoeren(db_session, dienst, zaak, "vraag", t("2026-03-02", "11:00"), toelichting="Welke offerte?")
    db_session.commit()
    # only the team is reminded that it is waited on; the oplostermijn takes no step
    assert [s.split(": ")[1] for s in _sweep(t("2026-03-30", "10:00")).stappen] == ["team_herinnerd"]
    uitvoeren(db_session, Actor.gebruiker(wereld.manager), zaak, "beantwoorden", t("2026-03-30", "10:00"),
              toelichting="Deze")
    db_session.commit()
    assert zaak.oplos_deadline > t("2026-03-30", "10:00") and zaak.volgende_stap_op is not None


def test_a_bovenlokaal_case_goes_to_the_landelijk_maatwerkloket_once_the_ladder_is_exhausted(
        app_ctx, db_session, wereld, ladder):
    lmw = Dienst(naam="Landelijk Maatwerkloket", mailbox="lmw@test.local", landelijk=True)
    db_session.add(lmw)
    db_session.commit()
    zaak = _escalatie(db_session, wereld, t("2026-03-02", "09:00"), bovenlokaal=True)
    manager = Actor.gebruiker(wereld.manager)
    from workflows.fouten import OngeldigeOvergang

    with pytest.raises(OngeldigeOvergang, match="ladder"):
        uitvoeren(db_session, manager, zaak, "doorsturen_lmw", t("2026-03-03"), toelichting="LET nodig")
    db_session.rollback()
    _tot_de_top(t("2026-03-20", "10:00"))
    zaak = db_session.get(Zaak, zaak.id)
    from app.mail import meld
    from workflows import usecases

    r = usecases.handelen(db_session, manager, zaak.id, "doorsturen_lmw", t("2026-04-20", "11:00"),
                          toelichting="Landelijke regels blokkeren; graag naar het LET")
    meld(r, t("2026-04-20", "11:00"))
    db_session.commit()
    assert (zaak.dienst_id, zaak.status, zaak.trede, zaak.ontvanger_email) == (lmw.id, Status.VERSTUURD, 0,
                                                                                "lmw@test.local")
    mail = _mails(db_session, "zaak_nieuw")[-1]
    assert mail.aan == "lmw@test.local" and "Verloop tot nu toe" in mail.tekst and "Opgeschaald" in mail.tekst


def test_a_reminder_for_an_absent_contactpersoon_goes_to_the_vervanger(app_ctx, db_session, wereld, ladder):
    from workflows.models import Afwezigheid

    manager = Actor.gebruiker(wereld.manager)
    zaak = nieuwe_zaak(db_session, manager, ZaakSoort.KNIP, wereld.invoer(), t("2026-03-09", "10:00"))
    uitvoeren(db_session, manager, zaak, "versturen", t("2026-03-09", "10:00"))  # to Sanne Vos, react by Tuesday
    db_session.add(Afwezigheid(contactpersoon_id=wereld.cp_wi.id, van=t("2026-03-10").date(),
                               tot=t("2026-03-20").date(), omschrijving="ziek"))
    db_session.commit()
    rapport = _sweep(t("2026-03-09", "17:00"))
    assert [s.split(": ")[1] for s in rapport.stappen] == ["herinnering"]  # Monday: still present
    rapport = _sweep(t("2026-03-10", "17:00"))  # Tuesday: absent; the reactietermijn passes
    soorten = [s.split(": ")[1] for s in rapport.stappen]
    assert soorten[:2] == ["herrouteerd", "termijn_verlopen"]
    db_session.expire_all()
    zaak = db_session.get(Zaak, zaak.id)
    assert any(g.actie == "herrouteerd" and "afwezig" in g.toelichting for g in zaak.gebeurtenissen)
    # the vervanger gets the case itself, once, not also a separate mail per step
    assert [m.aan for m in _mails(db_session, "zaak_nieuw")] == ["wi.vervanger@test.local"]
    assert [m.aan for m in _mails(db_session, "herinnering")] == ["wi@test.local"]
    assert [m.aan for m in _mails(db_session) if m.aan == "wi.vervanger@test.local"] == ["wi.vervanger@test.local"]


def test_the_weekly_digest_reaches_each_manager_and_dienst_once_a_week(app_ctx, db_session, wereld, ladder):
    from notifications.overzicht import weekoverzicht
    from app.mail import instellingen
    from workflows.zaken import kalender

    _escalatie(db_session, wereld, t("2026-03-02", "09:00"))
    kal = kalender(db_session)
    assert weekoverzicht(db_session, t("2026-03-14", "08:30"), instellingen(), kal) == 0  # Saturday
    assert weekoverzicht(db_session, t("2026-03-16", "08:30"), instellingen(), kal) == 2
    db_session.commit()
    assert weekoverzicht(db_session, t("2026-03-17", "08:30"), instellingen(), kal) == 0  # same week
    team, dienst = _mails(db_session, "overzicht_team"), _mails(db_session, "overzicht_dienst")
    assert [m.aan for m in team] == ["manager@test.local"] and [m.aan for m in dienst] == ["wmo-postbus@test.local"]
    assert "1 open, 1 te laat" in team[0].onderwerp and "TE LAAT" in team[0].tekst
    assert "FEY-2026-001" not in team[0].tekst + dienst[0].tekst
    assert weekoverzicht(db_session, t("2026-03-23", "08:30"), instellingen(), kal) == 2  # next week


def test_the_maatwerkfunctionaris_may_forward_a_bovenlokaal_case_at_any_rung(app_ctx, db_session, wereld, ladder):
    from workflows.fouten import GeenToegang, OngeldigeOvergang
    from workflows.models import Dienst

    db_session.add(Dienst(naam="Landelijk Maatwerkloket", mailbox="lmw@test.local", landelijk=True))
    zaak = _escalatie(db_session, wereld, t("2026-03-02", "09:00"), bovenlokaal=True)
    mwf = Actor.dienst("Frits Maatwerk (Wmo)", ladder[3].id, "maatwerkfunctionaris")
    contact = Actor.dienst("Ineke de Wit (Wmo)", wereld.cp_wmo.id, "contactpersoon")
    with pytest.raises(GeenToegang):
        uitvoeren(db_session, contact, zaak, "doorsturen_lmw", t("2026-03-03"), toelichting="LET")
    uitvoeren(db_session, mwf, zaak, "doorsturen_lmw", t("2026-03-03"), toelichting="Landelijke regel: naar het LET")
    assert zaak.ontvanger_email == "lmw@test.local" and zaak.status == Status.VERSTUURD
    lokaal = _escalatie(db_session, wereld, t("2026-03-02", "09:00"))
    with pytest.raises(OngeldigeOvergang, match="bovenlokale"):
        uitvoeren(db_session, mwf, lokaal, "doorsturen_lmw", t("2026-03-03"), toelichting="x")
