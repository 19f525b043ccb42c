"""Adviesvragen (issue 18, point 2): a non-binding question to an expert at a dienst, routed like a case, with its
own short term and no ladder, answered by a reply to its mail or on its link page, turned into an escalatie with
one action, and, when the expert marks it generally useful, searchable by every team without names."""
from __future__ import annotations

import email
from datetime import timedelta
from email import policy

from sqlalchemy import func, select

from notifications.backends import OutboxBackend
from notifications.models import UitgaandeMail
from notifications.verzender import verstuur_wachtrij
from tests.fabriek import t
from tests.integration.test_mail_in import antwoord, post_raw
from tests.integration.test_mail_uit import _klok, t0  # noqa: F401 (t0 is a fixture)
from workflows import advies, bewaking, usecases
from workflows.models import (Bericht, Status, Termijnnorm, Termijnstap, Uitkomst, Urgentie, Zaak, ZaakSoort)
from workflows.overgangen import Actor
from workflows.termijnen import kalender

VRAAG = "Mag de zoektermijn vervallen als iemand aantoonbaar al vier weken solliciteert?"
REGEL = "De zoektermijn van vier weken voor jongeren onder de 27"


def _formulier(wereld, **over):
    data = {"dienst_id": str(wereld.wi.id), "gevraagd": VRAAG, "blokkerende_regel": REGEL,
            "oorzaak_id": str(wereld.oorzaak.id), "clientreferentie": "FEY-2026-077"}
    data.update(over)
    return data


def _vraag_via_scherm(client, inlog, wereld, db_session, als="manager@test.local", **over) -> Zaak:
    inlog.als(als)
    r = client.post("/adviesvragen/nieuw", data=_formulier(wereld, **over))
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    return db_session.scalars(select(Zaak).where(Zaak.soort == ZaakSoort.ADVIESVRAAG)).one()


def _mail_als_eml(db_session, tmp_path, t0, soort: str):  # noqa: F811
    verstuur_wachtrij(db_session, OutboxBackend(str(tmp_path), "Knipkaart <knipkaart@test.local>"), _klok(t0))
    for eml in sorted(tmp_path.glob("*.eml")):
        m = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
        if m["Subject"] and db_session.scalars(select(UitgaandeMail).where(
                UitgaandeMail.soort == soort, UitgaandeMail.message_id == m["Message-ID"])).first():
            return m
    raise AssertionError(f"geen {soort}-mail in de outbox")


def _vraag(db_session, wereld, now, *, door=None, **over) -> Zaak:
    actor = Actor.gebruiker(door or wereld.manager)
    invoer = advies.vraag_invoer(dienst_id=wereld.wi.id, vraag=VRAAG, regel=REGEL, oorzaak_id=wereld.oorzaak.id,
                                 **over)
    r = usecases.zaak_aanmaken(db_session, actor, ZaakSoort.ADVIESVRAAG, invoer, now, versturen=True)
    db_session.commit()
    return r.zaak


# ---------------------------------------------------------------- asked, answered by mail, turned into an escalatie


def test_an_advice_question_answered_by_mail_reply_and_turned_into_an_escalation(
        client, inlog, wereld, db_session, tmp_path, t0):  # noqa: F811
    zaak = _vraag_via_scherm(client, inlog, wereld, db_session)
    assert zaak.nummer.startswith("AV-") and zaak.status == Status.VERSTUURD
    assert zaak.ontvanger_email == "wi@test.local"  # routed as a case: the team's vaste contactpersoon
    vraagmail = _mail_als_eml(db_session, tmp_path, t0, "adviesvraag")
    tekst = vraagmail.get_body(("plain",)).get_content()
    assert VRAAG[:40] in tekst and "niet bindend" in tekst and "ADVIES VOOR ALLE TEAMS" in tekst
    assert "FEY-2026-077" not in tekst  # the mail leaves the municipality: no cliëntreferentie

    # The expert simply replies: the new text is the advice.
    advies_tekst = "Ja. Leg de sollicitaties vast in het dossier; dan vervalt de zoektermijn (art. 41 lid 4)."
    r = post_raw(client, antwoord(vraagmail, advies_tekst))
    assert r.status_code == 200
    db_session.expire_all()
    zaak = db_session.get(Zaak, zaak.id)
    assert zaak.status == Status.OPGELOST and zaak.uitkomst == Uitkomst.GEADVISEERD
    assert advies.antwoord_van(zaak).toelichting == advies_tekst  # quoted history and signature stripped
    teammail = db_session.scalars(select(UitgaandeMail).where(UitgaandeMail.soort == "advies")).all()
    assert {m.aan for m in teammail} == {"manager@test.local"}
    assert advies_tekst[:30] in teammail[0].tekst and "escalatie" in teammail[0].tekst

    # One action: an escalatie to the same dienst with question and answer carried over.
    pagina = client.get(f"/zaken/{zaak.id}").get_data(as_text=True)
    assert "Omzetten in een escalatie" in pagina and advies_tekst[:30] in pagina
    r = client.post(f"/zaken/{zaak.id}/actie", data={"actie": "omzetten", "urgentie": "hoog"})
    assert r.status_code == 302
    db_session.expire_all()
    esc = db_session.scalars(select(Zaak).where(Zaak.soort == ZaakSoort.ESCALATIE)).one()
    assert r.headers["Location"].endswith(f"/zaken/{esc.id}")
    assert esc.status == Status.VERSTUURD and esc.nummer.startswith("ES-") and esc.urgentie == Urgentie.HOOG
    assert esc.dienst_id == wereld.wi.id and esc.clientreferentie == "FEY-2026-077"
    assert VRAAG in esc.gevraagd and advies_tekst in esc.gevraagd and zaak.nummer in esc.gevraagd
    assert esc.blokkerende_regel == REGEL and esc.oorzaak_id == wereld.oorzaak.id
    zaak = db_session.get(Zaak, zaak.id)
    assert zaak.status == Status.GESLOTEN
    assert esc.nummer in zaak.gebeurtenissen[-1].toelichting
    nieuw = db_session.scalars(select(UitgaandeMail).where(UitgaandeMail.zaak_id == esc.id)).all()
    assert [(m.soort, m.aan) for m in nieuw] == [("zaak_nieuw", "wi@test.local")]
    assert f"escalatie {esc.nummer}" in client.get(f"/zaken/{zaak.id}").get_data(as_text=True)


def test_a_medewerker_asks_directly_and_her_escalation_becomes_a_concept_for_the_manager(
        client, inlog, wereld, db_session):
    zaak = _vraag_via_scherm(client, inlog, wereld, db_session, als="medewerker@test.local", clientreferentie="")
    assert zaak.status == Status.VERSTUURD  # nothing is spent: any team member asks
    r = client.post(f"/zaken/{zaak.id}/actie", data={"actie": "omzetten", "urgentie": "normaal"})
    assert r.status_code == 422 and "vul de cliëntreferentie in" in r.get_data(as_text=True)  # none was given
    r = client.post(f"/zaken/{zaak.id}/actie", data={"actie": "omzetten", "urgentie": "normaal",
                                                     "clientreferentie": "FEY-2026-078"})
    assert r.status_code == 302
    db_session.expire_all()
    esc = db_session.scalars(select(Zaak).where(Zaak.soort == ZaakSoort.ESCALATIE)).one()
    assert esc.status == Status.CONCEPT and esc.clientreferentie == "FEY-2026-078"
    assert "bleef zonder advies" in esc.gevraagd  # unanswered: the question still goes along


def test_turning_into_an_escalation_is_not_an_ordinary_action(wereld, db_session):
    zaak = _vraag(db_session, wereld, t("2026-03-10"))
    try:
        usecases.handelen(db_session, Actor.gebruiker(wereld.manager), zaak.id, "omzetten", t("2026-03-10", "11:00"))
    except Exception as fout:
        assert "Omzetten in een escalatie" in str(fout)
    else:
        raise AssertionError("omzetten zonder escalatie")


def test_advice_keyword_on_an_escalation_stays_a_message(wereld, db_session):
    esc = usecases.zaak_aanmaken(db_session, Actor.gebruiker(wereld.manager), ZaakSoort.ESCALATIE,
                                 wereld.invoer(wereld.wmo), t("2026-03-10"), versturen=True).zaak
    r = usecases.antwoord_toepassen(db_session, Actor.dienst("Ineke de Wit (Wmo)", wereld.cp_wmo.id), esc.id,
                                    "Advies: bel de inwoner vandaag nog.", t("2026-03-10", "11:00"))
    assert esc.status == Status.ONTVANGEN and [b.tekst for b in r.berichten] == ["Advies: bel de inwoner vandaag nog."]


# ---------------------------------------------------------------- its term, and no ladder


def test_its_own_short_term_one_werkdag_to_react_three_to_answer(wereld, db_session):
    zaak = _vraag(db_session, wereld, t("2026-03-13", "18:00"))  # a Friday evening
    assert zaak.urgentie == Urgentie.ADVIES
    assert zaak.reactie_deadline == t("2026-03-16", "17:00")
    assert zaak.oplos_deadline == t("2026-03-18", "17:00")


def test_the_beheerder_sets_a_dienst_its_own_advice_term(wereld, db_session):
    db_session.add(Termijnnorm(dienst_id=wereld.wi.id, urgentie=Urgentie.ADVIES, reactie_werkdagen=2,
                               oplos_werkdagen=5))
    db_session.commit()
    zaak = _vraag(db_session, wereld, t("2026-03-10"))
    assert zaak.oplos_deadline == t("2026-03-17", "17:00")


def test_no_ladder_and_no_step_ever_for_an_advice_question(wereld, db_session):
    from workflows.models import LadderTrede

    db_session.add(LadderTrede(dienst_id=wereld.wi.id, niveau=1, contactpersoon_id=wereld.teamleider_wi.id))
    db_session.commit()
    zaak = _vraag(db_session, wereld, t("2026-03-10"))
    assert zaak.volgende_stap_op is None
    kal = kalender(db_session)
    for dagen in (1, 3, 10, 60):  # long past both deadlines: the sweep finds nothing, nothing climbs
        now = t("2026-03-10") + timedelta(days=dagen)
        assert zaak.id not in bewaking.zaken_met_stap(db_session, now)
        r = usecases.termijnstappen_nemen(db_session, zaak.id, now, kal)
        assert r.gebeurtenissen == []
    # Waiting on the team does not chase the team either.
    usecases.handelen(db_session, Actor.dienst("Sanne Vos (Werk & Inkomen)", wereld.cp_wi.id), zaak.id, "vraag",
                      t("2026-05-11"), toelichting="Gaat het om een jongere onder de 27?")
    assert bewaking.open_stappen(db_session, zaak, kal) == [] and zaak.volgende_stap_op is None
    usecases.termijnstappen_nemen(db_session, zaak.id, t("2026-06-30"), kal)
    db_session.commit()
    assert db_session.scalar(select(func.count()).select_from(Termijnstap)) == 0
    assert zaak.trede == 0 and zaak.hoogste_trede == 0 and zaak.ontvanger_email == "wi@test.local"


# ---------------------------------------------------------------- shared with every team, anonymised


def test_advice_marked_useful_on_the_link_page_is_found_by_other_teams_without_names(
        client, inlog, wereld, db_session):
    from app.links import link_url

    vraag = f"{VRAAG} Mila Manager belde erover; bereikbaar op 06-12345678."
    zaak = _vraag(db_session, wereld, t("2026-03-10"), clientreferentie="FEY-2026-090")
    zaak.gevraagd = vraag + " Dossier FEY-2026-090."
    niet_gedeeld = _vraag(db_session, wereld, t("2026-03-10", "11:00"))
    db_session.commit()
    token = link_url(zaak, "wi@test.local").rsplit("/", 1)[1]
    pagina = client.get(f"/link/{token}").get_data(as_text=True)
    assert "Nuttig voor alle teams" in pagina and "Advies geven" in pagina
    antwoord_tekst = "Ja, mits de sollicitaties in het dossier staan. Sanne Vos, Werk & Inkomen."
    r = client.post(f"/link/{token}/actie", data={"actie": "adviseren", "delen": "y", "toelichting": antwoord_tekst})
    assert r.status_code == 302
    usecases.handelen(db_session, Actor.dienst("Sanne Vos (Werk & Inkomen)", wereld.cp_wi.id), niet_gedeeld.id,
                      "adviseren", t("2026-03-11"), toelichting="Alleen voor dit team: nee.")
    db_session.commit()
    zaak = db_session.get(Zaak, zaak.id)
    assert zaak.status == Status.OPGELOST and zaak.gebeurtenissen[-1].actie == "adviseren_delen"
    assert db_session.scalars(select(Bericht).where(Bericht.zaak_id == zaak.id)).one().tekst == antwoord_tekst

    inlog.als("oost@test.local")  # another team
    html = client.get("/adviezen?q=sollicitaties").get_data(as_text=True)
    assert "mits de sollicitaties in het dossier staan" in html and "De zoektermijn van vier weken" in html
    assert "FEY-2026-090" not in html and "Mila" not in html and "Sanne" not in html and "Vos" not in html
    assert "06-12345678" not in html and "Feyenoord" not in html
    assert "Alleen voor dit team" not in client.get("/adviezen").get_data(as_text=True)
    assert "mits de sollicitaties" not in client.get("/adviezen?q=huurtoeslag").get_data(as_text=True)


def test_advice_shared_by_keyword_in_the_mail_reply(wereld, db_session):
    zaak = _vraag(db_session, wereld, t("2026-03-10"))
    usecases.antwoord_toepassen(db_session, Actor.dienst("Sanne Vos (Werk & Inkomen)", wereld.cp_wi.id), zaak.id,
                                "ADVIES VOOR ALLE TEAMS\nDe zoektermijn kan vervallen bij aantoonbaar zoekgedrag.",
                                t("2026-03-11"))
    db_session.commit()
    gedeeld = advies.zoeken(db_session, advies.Zoekvraag(tekst="zoekgedrag"))
    assert [g.antwoord for g in gedeeld] == ["De zoektermijn kan vervallen bij aantoonbaar zoekgedrag."]
    assert gedeeld[0].deskundige == "contactpersoon, Werk & Inkomen"


def test_the_report_counts_no_advice_question_as_an_escalation(wereld, db_session):
    from workflows.rapportage import Filters, maak_rapport

    zaak = _vraag(db_session, wereld, t("2026-03-10"))
    usecases.handelen(db_session, Actor.dienst("Sanne Vos (Werk & Inkomen)", wereld.cp_wi.id), zaak.id, "adviseren",
                      t("2026-03-11"), toelichting="Ja, dat kan.")
    db_session.commit()
    for bron in ("feiten", "zaken"):  # the roll-up and the cases themselves
        r = maak_rapport(db_session, Filters(van=t("2026-03-01").date(), tot=t("2026-03-31").date()),
                         t("2026-04-01"), vergelijken=False, bron=bron)
        assert (r.knippen, r.escalaties, r.diensten) == (0, 0, [])


def test_the_directory_says_each_dienst_takes_advice_questions_with_their_own_term(client, inlog, wereld, db_session):
    db_session.add(Termijnnorm(dienst_id=wereld.wmo.id, urgentie=Urgentie.ADVIES, reactie_werkdagen=2,
                               oplos_werkdagen=4))
    db_session.commit()
    inlog.als("medewerker@test.local")
    html = client.get("/wie-beslist-waarover").get_data(as_text=True)
    assert html.count("Adviesvragen: niet bindend, zonder ladder") == 2
    wmo = html[html.index('id="dienst-%d"' % wereld.wmo.id):]
    rij = wmo[wmo.index("Adviesvraag (beantwoorden)"):][:300]
    assert '<td data-label="Oplostermijn">4</td>' in rij  # read from the same norms that set the case's term
