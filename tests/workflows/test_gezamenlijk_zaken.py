"""One case, several diensten (issue 18, point 5): a joint case is ordinary escalations to each dienst, grouped;
solved when every part is, or when one dienst takes it on for all (overbrugging). On SQLite and PostgreSQL."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import NU
from workflows import gezamenlijk, usecases
from workflows.fouten import GeenToegang, OngeldigeInvoer, OngeldigeOvergang
from workflows.gezamenlijk import GezamenlijkDeel, GezamenlijkeZaak, GezamenlijkOnbekend
from workflows.models import (Contactpersoon, Dienst, Gebeurtenis, LadderTrede, Status, Uitkomst, Urgentie,
                              VasteContactpersoon, Zaak, ZaakSoort)
from workflows.overgangen import Actor


@pytest.fixture
def bb(db_session, wereld):
    """Bijzondere bijstand, with a vaste contactpersoon for Feyenoord; and the Landelijk Maatwerkloket."""
    dienst = Dienst(naam="Bijzondere bijstand", mailbox="bb-postbus@test.local")
    lmw = Dienst(naam="Landelijk Maatwerkloket", mailbox="lmw@test.local", landelijk=True)
    db_session.add_all([dienst, lmw])
    db_session.flush()
    cp = Contactpersoon(naam="Bert Bijstand", email="bb@test.local", dienst_id=dienst.id)
    db_session.add(cp)
    db_session.flush()
    db_session.add(VasteContactpersoon(wijkteam_id=wereld.team.id, dienst_id=dienst.id, contactpersoon_id=cp.id))
    db_session.commit()
    wereld.bb, wereld.cp_bb, wereld.lmw = dienst, cp, lmw
    return dienst


def _invoer(wereld, **over):
    velden = dict(dienst=wereld.wmo, clientreferentie="FEY-2026-077", gevraagd="Een e-bike om naar het werk te gaan",
                  blokkerende_regel="De Wmo verwijst naar bijzondere bijstand en andersom",
                  urgentie=Urgentie.HOOG, voorgestelde_oplossing="Eén dienst verstrekt, de ander draagt bij")
    velden.update(over)
    return wereld.invoer(**velden)


def _maak(db_session, wereld, actor=None, diensten=None, versturen=True, **over):
    actor = actor or Actor.gebruiker(wereld.manager)
    diensten = diensten if diensten is not None else [wereld.wmo.id, wereld.bb.id]
    r = gezamenlijk.aanmaken(db_session, actor, diensten, _invoer(wereld, **over), NU, versturen=versturen)
    db_session.commit()
    return r


def _dienst(cp):
    return Actor.dienst(f"{cp.naam} ({cp.dienst.naam})", cp.id, cp.functie.value)


def _deel(groep, dienst) -> Zaak:
    return next(z for z in groep.zaken if z.dienst_id == dienst.id)


def test_a_joint_case_sends_each_dienst_an_ordinary_escalation_with_its_own_contact_and_clocks(db_session, wereld, bb):
    r = _maak(db_session, wereld)
    groep = r.groep
    assert groep.nummer == "GZ-2026-0001" and len(groep.delen) == 2
    wmo, bijstand = _deel(groep, wereld.wmo), _deel(groep, bb)
    for zaak, cp in ((wmo, wereld.cp_wmo), (bijstand, wereld.cp_bb)):
        assert zaak.soort == ZaakSoort.ESCALATIE and zaak.status == Status.VERSTUURD
        assert zaak.ontvanger_id == cp.id and zaak.nummer.startswith("ES-2026-")
        assert zaak.reactie_deadline is not None and zaak.oplos_deadline is not None
        assert zaak.clientreferentie == "FEY-2026-077"
    assert wmo.nummer != bijstand.nummer
    uitleg = {g.zaak_id: g.toelichting for g in db_session.scalars(
        select(Gebeurtenis).where(Gebeurtenis.actie == "gezamenlijk"))}
    assert uitleg[wmo.id] == "Deel van gezamenlijke vraag GZ-2026-0001; ook gevraagd aan Bijzondere bijstand."
    assert uitleg[bijstand.id] == "Deel van gezamenlijke vraag GZ-2026-0001; ook gevraagd aan Wmo."
    assert gezamenlijk.stand(groep) == "lopend"
    assert gezamenlijk.van_zaak(db_session, wmo.id).id == groep.id


@pytest.mark.parametrize("eerst", ["wmo", "bb"])
def test_two_parts_solved_in_either_order_solve_the_joint_case_only_when_both_are(db_session, wereld, bb, eerst):
    groep = _maak(db_session, wereld).groep
    volgorde = [(wereld.wmo, wereld.cp_wmo), (bb, wereld.cp_bb)]
    if eerst == "bb":
        volgorde.reverse()
    (d1, cp1), (d2, cp2) = volgorde
    usecases.handelen(db_session, _dienst(cp1), _deel(groep, d1).id, "toegekend", NU + timedelta(hours=1))
    db_session.commit()
    db_session.refresh(groep)
    assert gezamenlijk.stand(groep) == "lopend" and not gezamenlijk.is_opgelost(groep)
    usecases.handelen(db_session, _dienst(cp2), _deel(groep, d2).id, "afgewezen", NU + timedelta(hours=2),
                      toelichting="Geen grondslag; de andere dienst helpt.")
    db_session.commit()
    db_session.refresh(groep)
    assert gezamenlijk.stand(groep) == "opgelost" and gezamenlijk.is_opgelost(groep)
    assert groep.overbrugd_op is None


def test_a_withdrawn_part_does_not_keep_the_joint_case_open(db_session, wereld, bb):
    groep = _maak(db_session, wereld).groep
    manager = Actor.gebruiker(wereld.manager)
    usecases.handelen(db_session, manager, _deel(groep, bb).id, "intrekken", NU, toelichting="Niet meer nodig.")
    usecases.handelen(db_session, _dienst(wereld.cp_wmo), _deel(groep, wereld.wmo).id, "toegekend", NU)
    db_session.commit()
    db_session.refresh(groep)
    assert gezamenlijk.stand(groep) == "opgelost"


def test_an_overbrugging_solves_the_joint_case_settles_every_open_part_and_is_recorded(db_session, wereld, bb):
    groep = _maak(db_session, wereld).groep
    manager = Actor.gebruiker(wereld.manager)
    later = NU + timedelta(hours=3)
    r = gezamenlijk.overbruggen(db_session, manager, groep.id, wereld.wmo.id,
                                "De Wmo verstrekt de e-bike nu; bijzondere bijstand betaalt de helft terug.", later)
    db_session.commit()
    assert [d.zaak.dienst_id for d in r.delen] == [wereld.wmo.id, bb.id]
    db_session.expire_all()
    groep = db_session.get(GezamenlijkeZaak, groep.id)
    assert (groep.overbrugd_door_dienst_id, groep.overbrugd_op) == (wereld.wmo.id, later)
    assert groep.overbrugging_vastgelegd_door == "Mila Manager"
    assert gezamenlijk.stand(groep) == "overbrugd" and gezamenlijk.is_opgelost(groep)
    wmo, bijstand = _deel(groep, wereld.wmo), _deel(groep, bb)
    assert (wmo.status, wmo.uitkomst) == (Status.OPGELOST, Uitkomst.TOEGEKEND)
    assert (bijstand.status, bijstand.uitkomst) == (Status.OPGELOST, Uitkomst.ANDERS_OPGELOST)
    for zaak in (wmo, bijstand):
        assert zaak.opgelost_op == later and zaak.volgende_stap_op is None  # its clocks have stopped
        g = zaak.gebeurtenissen[-1]
        assert (g.actie, g.van_status, g.naar_status, g.actor_gebruiker_id) == (
            "overbrugd", Status.VERSTUURD, Status.OPGELOST, wereld.manager.id)
        assert "bijzondere bijstand betaalt de helft terug" in g.toelichting
        assert "verrekenen de diensten later" in g.toelichting
    assert wmo.gebeurtenissen[-1].toelichting.startswith("Overbrugging: Wmo neemt de hele vraag op zich")
    assert bijstand.gebeurtenissen[-1].toelichting.startswith("Overbrugd door Wmo")
    # The team closes each part as usual.
    usecases.handelen(db_session, manager, bijstand.id, "sluiten", later)
    db_session.commit()


def test_an_overbrugging_leaves_a_part_already_decided_as_it_was(db_session, wereld, bb):
    groep = _maak(db_session, wereld).groep
    usecases.handelen(db_session, _dienst(wereld.cp_bb), _deel(groep, bb).id, "afgewezen", NU,
                      toelichting="Niet onze wet.")
    r = gezamenlijk.overbruggen(db_session, Actor.gebruiker(wereld.manager), groep.id, wereld.wmo.id,
                                "De Wmo helpt nu.", NU)
    db_session.commit()
    assert [d.zaak.dienst_id for d in r.delen] == [wereld.wmo.id]
    assert _deel(r.groep, bb).uitkomst == Uitkomst.AFGEWEZEN


def test_each_part_climbs_its_own_ladder_on_its_own_clock(db_session, wereld, bb):
    db_session.add(LadderTrede(dienst_id=wereld.wmo.id, niveau=1, contactpersoon_id=wereld.teamleider_wi.id))
    groep = _maak(db_session, wereld).groep
    wmo, bijstand = _deel(groep, wereld.wmo), _deel(groep, bb)
    usecases.handelen(db_session, _dienst(wereld.cp_bb), bijstand.id, "ontvangen", NU + timedelta(hours=1))
    db_session.commit()
    na_reactietermijn = wmo.reactie_deadline + timedelta(minutes=1)
    assert bijstand.oplos_deadline > na_reactietermijn  # Bijzondere bijstand answered and has time left
    for zaak in (wmo, bijstand):
        usecases.termijnstappen_nemen(db_session, zaak.id, na_reactietermijn)
    db_session.commit()
    db_session.expire_all()
    wmo, bijstand = db_session.get(Zaak, wmo.id), db_session.get(Zaak, bijstand.id)
    assert wmo.trede == 1 and wmo.ontvanger_id == wereld.teamleider_wi.id
    assert bijstand.trede == 0 and bijstand.ontvanger_id == wereld.cp_bb.id
    assert bijstand.status == Status.ONTVANGEN


def _niets_gemaakt(db_session):
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Zaak)) == 0
    assert db_session.scalar(select(func.count()).select_from(GezamenlijkeZaak)) == 0
    assert db_session.scalar(select(func.count()).select_from(GezamenlijkDeel)) == 0
    assert db_session.scalar(select(func.count()).select_from(Gebeurtenis)) == 0


@pytest.mark.parametrize("fout, diensten, melding", [
    ("een dienst", lambda w: [w.wmo.id], "minstens twee diensten"),
    ("geen dienst", lambda w: [], "minstens twee diensten"),
    ("dezelfde dienst twee keer", lambda w: [w.wmo.id, w.wmo.id], "elke dienst één keer"),
    ("het Landelijk Maatwerkloket", lambda w: [w.wmo.id, w.lmw.id], "Landelijk Maatwerkloket neemt een zaak pas"),
    ("een onbekende dienst", lambda w: [w.wmo.id, 999999], "bestaande, actieve diensten"),
])
def test_wrong_diensten_are_refused_and_nothing_is_made(db_session, wereld, bb, fout, diensten, melding):
    with pytest.raises(OngeldigeInvoer) as e:
        gezamenlijk.aanmaken(db_session, Actor.gebruiker(wereld.manager), diensten(wereld), _invoer(wereld), NU,
                             versturen=True)
    assert e.value.veld == "diensten" and melding.lower() in e.value.melding.lower(), fout
    _niets_gemaakt(db_session)


def test_a_bsn_or_a_missing_field_is_refused_before_anything_is_made(db_session, wereld, bb):
    fouten = gezamenlijk.invoerfouten(db_session, [wereld.wmo.id, bb.id],
                                      _invoer(wereld, gevraagd="Voor 111222333 een fiets", blokkerende_regel=""))
    assert {f.veld for f in fouten} == {"gevraagd", "blokkerende_regel"}
    with pytest.raises(OngeldigeInvoer):
        gezamenlijk.aanmaken(db_session, Actor.gebruiker(wereld.manager), [wereld.wmo.id, bb.id],
                             _invoer(wereld, gevraagd="Voor 111222333 een fiets"), NU, versturen=True)
    _niets_gemaakt(db_session)


def test_only_the_manager_sends_and_only_the_team_acts_on_its_joint_case(db_session, wereld, bb):
    medewerker, manager = Actor.gebruiker(wereld.medewerker), Actor.gebruiker(wereld.manager)
    andere = Actor.gebruiker(wereld.andere_manager)
    with pytest.raises(GeenToegang):
        gezamenlijk.aanmaken(db_session, medewerker, [wereld.wmo.id, bb.id], _invoer(wereld), NU, versturen=True)
    _niets_gemaakt(db_session)
    groep = _maak(db_session, wereld, actor=medewerker, versturen=False).groep
    assert gezamenlijk.stand(groep) == "concept" and all(z.status == Status.CONCEPT for z in groep.zaken)
    with pytest.raises(GezamenlijkOnbekend):
        gezamenlijk.versturen(db_session, andere, groep.id, NU)
    db_session.rollback()
    with pytest.raises(GeenToegang):
        gezamenlijk.versturen(db_session, medewerker, groep.id, NU)
    db_session.rollback()
    r = gezamenlijk.versturen(db_session, manager, groep.id, NU)
    db_session.commit()
    assert [d.zaak.status for d in r.delen] == [Status.VERSTUURD, Status.VERSTUURD]
    with pytest.raises(OngeldigeOvergang):
        gezamenlijk.versturen(db_session, manager, groep.id, NU)
    db_session.rollback()
    for actor, fout in ((andere, GezamenlijkOnbekend), (medewerker, GeenToegang),
                        (_dienst(wereld.cp_wmo), GezamenlijkOnbekend)):
        with pytest.raises(fout):
            gezamenlijk.overbruggen(db_session, actor, groep.id, wereld.wmo.id, "Wmo helpt.", NU)
        db_session.rollback()
    with pytest.raises(GezamenlijkOnbekend):
        gezamenlijk.van_team(db_session, wereld.ander_team.id, groep.id)
    db_session.expire_all()
    assert db_session.get(GezamenlijkeZaak, groep.id).overbrugd_op is None


def test_an_overbrugging_needs_an_open_part_of_an_asked_dienst_and_happens_once(db_session, wereld, bb):
    groep = _maak(db_session, wereld).groep
    manager = Actor.gebruiker(wereld.manager)
    with pytest.raises(OngeldigeInvoer):
        gezamenlijk.overbruggen(db_session, manager, groep.id, wereld.wi.id, "W&I helpt.", NU)
    db_session.rollback()
    with pytest.raises(OngeldigeInvoer):
        gezamenlijk.overbruggen(db_session, manager, groep.id, wereld.wmo.id, "  ", NU)
    db_session.rollback()
    usecases.handelen(db_session, _dienst(wereld.cp_bb), _deel(groep, bb).id, "afgewezen", NU, toelichting="Nee.")
    db_session.commit()
    with pytest.raises(OngeldigeOvergang):  # its part is decided: it cannot take the rest on any more
        gezamenlijk.overbruggen(db_session, manager, groep.id, bb.id, "Toch wel.", NU)
    db_session.rollback()
    gezamenlijk.overbruggen(db_session, manager, groep.id, wereld.wmo.id, "Wmo helpt nu.", NU)
    db_session.commit()
    with pytest.raises(OngeldigeOvergang):
        gezamenlijk.overbruggen(db_session, manager, groep.id, wereld.wmo.id, "Nog eens.", NU)
    db_session.rollback()


def test_two_overbruggingen_at_once_from_two_parts_one_wins(app, db_session, wereld, bb):
    from app.extensions import db

    groep_id = _maak(db_session, wereld).groep.id
    manager = Actor.gebruiker(wereld.manager)
    wmo_id, bb_id = wereld.wmo.id, bb.id
    db_session.close()
    start = threading.Barrier(2)
    uitkomsten: list[tuple[int, str]] = []
    slot = threading.Lock()

    def overbrug(dienst_id: int) -> None:
        with app.app_context():
            session = db.session
            start.wait(timeout=30)
            try:
                gezamenlijk.overbruggen(session, manager, groep_id, dienst_id, "Wij helpen nu.", NU)
                session.commit()
                uitkomst = "overbrugd"
            except OngeldigeOvergang:
                session.rollback()
                uitkomst = "geweigerd"
            except Exception as e:  # reported, so the assertion below shows what went wrong
                session.rollback()
                uitkomst = f"fout: {type(e).__name__}: {e}"
            finally:
                session.remove()
            with slot:
                uitkomsten.append((dienst_id, uitkomst))

    threads = [threading.Thread(target=overbrug, args=(d,)) for d in (wmo_id, bb_id)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(u for _, u in uitkomsten) == ["geweigerd", "overbrugd"], uitkomsten
    winnaar = next(d for d, u in uitkomsten if u == "overbrugd")
    db_session.expire_all()
    groep = db_session.get(GezamenlijkeZaak, groep_id)
    assert groep.overbrugd_door_dienst_id == winnaar
    toegekend = [z.dienst_id for z in groep.zaken if z.uitkomst == Uitkomst.TOEGEKEND]
    assert toegekend == [winnaar]
    assert db_session.scalar(select(func.count()).select_from(Gebeurtenis).where(
        Gebeurtenis.actie == "overbrugd")) == 2  # one per part, from the winner only


def test_the_report_counts_joint_cases_and_overbruggingen_per_dienst(db_session, wereld, bb):
    from workflows.rapportage import Filters

    manager = Actor.gebruiker(wereld.manager)
    eerste = _maak(db_session, wereld).groep
    _maak(db_session, wereld, diensten=[wereld.wmo.id, wereld.wi.id, bb.id])
    gezamenlijk.overbruggen(db_session, manager, eerste.id, bb.id, "Bijzondere bijstand betaalt nu.", NU)
    _maak(db_session, wereld, versturen=False)  # a concept is not counted
    db_session.commit()
    f = Filters(van=NU.date(), tot=NU.date())
    c = gezamenlijk.cijfers(db_session, f.begin, f.einde)
    assert (c.gezamenlijk, c.opgelost, c.overbrugd) == (2, 1, 1)
    rijen = {d.naam: (d.delen, d.opgelost, d.overbrugd) for d in c.per_dienst}
    assert rijen == {"Bijzondere bijstand": (2, 1, 1), "Wmo": (2, 1, 0), "Werk & Inkomen": (1, 0, 0)}
    tabel = gezamenlijk.rapporttabel(db_session, f)
    assert tabel.sleutel == "gezamenlijk" and tabel.rijen[-1] == ["Gezamenlijke vragen (totaal)", 2, 1, 1]
    assert gezamenlijk.cijfers(db_session, f.begin, f.einde, dienst_id=wereld.wi.id).gezamenlijk == 1
    assert gezamenlijk.cijfers(db_session, f.begin, f.einde, wijkteam_id=wereld.ander_team.id).gezamenlijk == 0
    volgende = Filters(van=NU.date() + timedelta(days=1), tot=NU.date() + timedelta(days=30))
    assert gezamenlijk.cijfers(db_session, volgende.begin, volgende.einde).gezamenlijk == 0
