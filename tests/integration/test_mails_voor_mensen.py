"""Every mail, in every state a case can be in when it is sent, reads as written for people (issue 13, point 2).

The mails are made as production makes them (notifications/proefdruk.py drives the use cases, the deadline
steps and the overviews on an invented municipality) and read back from the outbox: text and HTML.
"""
import re
from collections import defaultdict

import pytest

from notifications.uitgaand import STAPMELDINGEN_TEAM
from workflows.overgangen import OVERGANGEN, TREFWOORDEN

# Which mail can be sent in which state of its case (status values; "" for mail about no single case).
KAN_IN = {
    "zaak_nieuw": {"verstuurd", "in_behandeling", "heropend"},  # sent, routed again, forwarded, reopened
    "bericht": {"verstuurd", "ontvangen", "in_behandeling", "wacht_op_wijkteam", "heropend", "opgelost"},
    "bijlage": {"verstuurd", "ontvangen", "in_behandeling", "wacht_op_wijkteam", "heropend", "opgelost"},
    "herinnering": {"verstuurd", "ontvangen", "in_behandeling", "heropend"},
    "verlopen": {"verstuurd", "ontvangen", "in_behandeling", "heropend"},
    "team_verlopen": {"verstuurd", "ontvangen", "in_behandeling", "heropend"},
    "opgeschaald": {"verstuurd"},
    "uitgeput": {"verstuurd"},
    "team_uitgeput": {"verstuurd"},
    "vraag": {"wacht_op_wijkteam"},
    "team_wacht": {"wacht_op_wijkteam"},
    "antwoord": {"in_behandeling"},
    "besluit": {"opgelost"},
    "bezwaar_manager": {"opgelost"},
    "ingetrokken": {"teruggetrokken"},
    "adviesvraag": {"verstuurd"},  # an adviesvraag to the expert (workflows/advies.py)
    "advies": {"opgelost"},  # the expert's advice to the team
    "overbrugging": {"opgelost"},  # a joint question one dienst took on for all (workflows/gezamenlijk.py)
    "dagoverzicht_team": {""},
    "dagoverzicht_ladder": {""},
    "overzicht_team": {""},
    "overzicht_dienst": {""},
    "beheer": {""},
    "effectvraag": {"opgelost"},
    "verlenging": {"opgelost"},
    "overdracht_voorstel": {""},  # between teams, outside the case's thread (notifications/nazorg.py)
    "overdracht_besluit": {""},
    "concept_klaar": {"concept"},
    "afzender_onbekend": {""},
    "quarantaine_overzicht": {""},
    "mijn_zaken": {""},
    "account_uitnodiging": {""},
    "account_herstel": {""},
    # The maatwerkbudget's mails are about a request, not a case (notifications/maatwerk.py).
    "maatwerk_beoordelen": {""}, "maatwerk_herinnering": {""}, "maatwerk_besluit": {""},
    "maatwerk_betaalopdracht": {""}, "maatwerk_betaalherinnering": {""}, "maatwerk_betaald": {""},
    "maatwerk_effectvraag": {""},
    # A second opinion: between colleagues, outside the case's thread (notifications/tweedemening.py).
    "tweede_mening_vraag": {""}, "tweede_mening_antwoord": {""},
}
# The one mail that names a stranger, and can only name them by their address: the beheerder's overview of
# mail held from people Knipkaart does not know.
NOEMT_ONBEKENDEN = {"quarantaine_overzicht"}
BESLIST = {"opgelost", "gesloten", "teruggetrokken"}
ADRES = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"https?://\S+")


@pytest.fixture
def proefmails(app, db_session):
    from app.links import link_url
    from app.mail import instellingen, proefadressen
    from notifications.proefdruk import maak_proefmails

    with app.test_request_context():
        uit = maak_proefmails(db_session, link_url, instellingen(), adressen=proefadressen())
    return uit


def _soorten_met_templates() -> set[str]:
    """Every mail kind the code can send: each is composed from templates/email/<kind>.txt (and .html);
    a name starting with _ is a part that mails include."""
    from notifications.uitgaand import TEMPLATES

    return {p.name.split(".")[0] for p in TEMPLATES.glob("*.txt") if not p.name.startswith("_")}


def _soorten_in_de_code() -> set[str]:
    """Every kind the code names where it makes mail: `soort="..."` and `SOORT(EN) = ...`, the values of the
    tables that map what happened to a mail (notifications.uitgaand), and any "<kind>.txt" template it reads."""
    import ast
    from pathlib import Path

    from notifications import uitgaand

    uit = set(uitgaand.NAAR_DIENST.values()) | {s for s, _ in uitgaand.TERMIJNMAILS.values()} | set(
        uitgaand.NAAR_TEAM.values()) | set(uitgaand.RANG) | uitgaand.STAPMELDINGEN_DIENST | uitgaand.STAPMELDINGEN_TEAM
    uit |= {f"team_{s}" for s, ook_team in uitgaand.TERMIJNMAILS.values() if ook_team}
    wortel = Path(uitgaand.__file__).resolve().parent.parent
    for pad in [*wortel.glob("notifications/*.py"), *wortel.glob("app/**/*.py"), *wortel.glob("workflows/**/*.py")]:
        if pad.name == "proefdruk.py":
            continue
        for knoop in ast.walk(ast.parse(pad.read_text(encoding="utf-8"))):
            if isinstance(knoop, ast.keyword) and knoop.arg == "soort" and isinstance(knoop.value, ast.Constant) \
                    and isinstance(knoop.value.value, str) and pad.parts[-2] == "notifications":
                uit.add(knoop.value.value)
            if isinstance(knoop, ast.Assign) and any(isinstance(d, ast.Name) and d.id in ("SOORT", "SOORTEN")
                                                     for d in knoop.targets) and pad.parts[-2] == "notifications":
                waarden = knoop.value.elts if isinstance(knoop.value, (ast.Tuple, ast.List, ast.Set)) else [knoop.value]
                uit |= {w.value for w in waarden if isinstance(w, ast.Constant) and isinstance(w.value, str)}
            if isinstance(knoop, ast.Constant) and isinstance(knoop.value, str) and re.fullmatch(
                    r"[a-z_]+\.(?:onderwerp\.)?txt", knoop.value) and not knoop.value.startswith("_"):
                uit.add(knoop.value.split(".")[0])
    return uit


def test_every_kind_the_code_names_has_its_templates():
    from notifications.uitgaand import TEMPLATES

    for soort in _soorten_in_de_code():
        for deel in (".txt", ".html"):
            assert (TEMPLATES / f"{soort}{deel}").exists(), (soort, deel)


def test_every_kind_the_code_can_send_is_made_for_review_and_for_these_checks(proefmails):
    gemaakt = {v.soort for v in proefmails}
    ontbreekt = sorted(_soorten_met_templates() - gemaakt)
    assert not ontbreekt, f"make these in notifications/proefdruk.py, as production makes them: {ontbreekt}"
    # KAN_IN says in which states each kind can be sent; the first test holds the preview to it.
    zonder, onbekend = sorted(gemaakt - set(KAN_IN)), sorted(set(KAN_IN) - gemaakt)
    assert not zonder, f"say in KAN_IN when these can be sent: {zonder}"
    assert not onbekend, f"KAN_IN names kinds the preview never makes: {onbekend}"


def test_dev_mails_lists_every_kind_the_code_can_send(client):
    pagina = client.get("/dev/mails").get_data(as_text=True)
    for soort in _soorten_met_templates():
        assert f"?soort={soort}\"" in pagina or f"<strong>{soort}</strong>" in pagina, soort


def _eigenaars(db_session) -> dict[str, str]:
    """Every address whose owner has a name: person or dienst."""
    from sqlalchemy import select

    from workflows.models import Contactpersoon, Dienst, Gebruiker

    uit = {cp.email.lower(): cp.naam for cp in db_session.scalars(select(Contactpersoon))}
    for g in db_session.scalars(select(Gebruiker)):
        uit[g.email.lower()] = g.naam
        if g.contact_email:
            uit[g.contact_email.lower()] = g.naam
    uit.update({d.mailbox.lower(): d.naam for d in db_session.scalars(select(Dienst))})
    return uit


def _zonder_links(tekst: str) -> str:
    return URL.sub("", re.sub(r'(href|src)="[^"]*"', "", tekst))


def test_every_mail_kind_is_made_in_every_state_it_can_be_sent_in(proefmails):
    gemaakt = defaultdict(set)
    for v in proefmails:
        gemaakt[v.soort].add(v.toestand)
    for soort, toestanden in KAN_IN.items():
        assert toestanden <= gemaakt[soort], (soort, toestanden - gemaakt[soort])


def test_no_mail_has_an_unrendered_placeholder_or_leaves_the_resident_in(proefmails):
    for v in proefmails:
        for deel in (v.onderwerp, v.tekst, v.html):
            assert "{{" not in deel and "{%" not in deel and "None" not in deel and "Undefined" not in deel, (
                v.soort, v.wat)
            assert "FEY-2026-014" not in deel, (v.soort, "the cliëntreferentie never leaves the municipality")


def test_no_mail_shows_a_bare_address_where_a_name_exists(proefmails, db_session):
    eigenaars = _eigenaars(db_session)
    for v in proefmails:
        for deel in (v.tekst, _zonder_links(v.html)):
            for m in ADRES.finditer(deel):
                adres = m.group(0).lower()
                if adres.startswith("zaak+"):
                    continue  # a case's reply address belongs to nobody
                naam = eigenaars.get(adres)
                if naam is None and v.soort in NOEMT_ONBEKENDEN:
                    continue
                assert naam is not None, (v.soort, adres, "an address nobody in the municipality has")
                ervoor = deel[max(0, m.start() - 200):m.start()]
                assert naam in ervoor, (v.soort, v.wat, adres, "shown without its owner's name")


def test_subjects_lead_with_the_case_number_and_say_one_thing(proefmails):
    for v in proefmails:
        if v.zaak_id is not None and v.toestand != "concept":  # (a concept gets its number when it is sent)
            assert re.match(r"(KN|ES|AV)-\d{4}-\d{4}: \S", v.onderwerp), v.onderwerp
        assert "Herinnering: Herinnering" not in v.onderwerp and "@" not in v.onderwerp, v.onderwerp
        assert len(v.onderwerp) <= 130, v.onderwerp


def test_nothing_is_said_that_no_longer_holds(proefmails):
    for v in proefmails:
        if v.toestand in BESLIST:
            for deel in (v.tekst, v.html):
                assert "vóór" not in deel and "Wanneer" not in deel, (v.soort, v.toestand, "a deadline after a decision")
                assert "Antwoorden per e-mail" not in deel and "ONTVANGEN" not in deel, (v.soort, "keywords")
        if v.voor_team:
            assert "om het wijkteam te laten reageren" not in v.tekst
            assert "Antwoorden per e-mail" not in v.tekst, (v.soort, "keywords are the dienst's, not the team's")


def test_every_mail_to_the_dienst_says_what_is_needed_by_when_whom_to_call_and_what_each_keyword_does(proefmails):
    uitleg = {woord: OVERGANGEN[actie].uitleg for woord, actie in TREFWOORDEN.items()}
    gezien = 0
    for v in proefmails:
        if v.voor_team or not v.zaak_id or v.toestand in BESLIST:
            continue
        gezien += 1
        for deel in (v.tekst, v.html):
            nodig = "De vraag" if v.soort == "adviesvraag" else "Wat is er nodig"  # advice: the question
            assert nodig in deel and "Wanneer" in deel, (v.soort, v.toestand)
            assert "Contact bij het wijkteam" in deel and "Rachid Benali" in deel, (v.soort, v.toestand)
            assert "/link/" in deel, (v.soort, "the case's link")
            # While the dienst waits on the team no keyword does anything; otherwise they are explained.
            assert ("Antwoorden per e-mail" in deel) == (v.toestand != "wacht_op_wijkteam"), (v.soort, v.toestand)
        woorden = re.findall(r"^- ([A-Z ]+): (.+(?:\n  .+)*)", v.tekst, re.M)
        assert woorden or v.toestand == "wacht_op_wijkteam", (v.soort, v.toestand)
        for woord, tekst in woorden:
            assert " ".join(tekst.split()) == uitleg[woord], (woord, tekst)
    assert gezien > 30


def test_every_team_mail_links_to_the_case_and_says_what_a_reply_does(proefmails):
    for v in proefmails:
        if not v.voor_team or not v.zaak_id:
            continue
        assert re.search(rf"/zaken/{v.zaak_id}\b", v.tekst) and f"/zaken/{v.zaak_id}" in v.html, v.soort
        # Nothing to answer on a concept (the dienst has not got it) nor on a case that is over.
        assert ("Antwoord op deze e-mail" in v.tekst) == (v.toestand not in (BESLIST - {"opgelost"}) | {"concept"}), (
            v.soort)
        if v.soort in STAPMELDINGEN_TEAM:
            assert "/wijkteam/mail" in v.tekst, "a step notice says how to choose the daily overview"


def test_the_teams_phone_is_only_shown_to_the_dienst_that_handles_the_case(proefmails):
    telefoon = "06 12 34 56 78"  # Rachid Benali's
    for v in proefmails:
        getoond = telefoon in v.tekst or telefoon in v.html
        naar_dienst = not v.voor_team and v.soort not in {"beheer", "overzicht_dienst"} and (
            v.zaak_id or v.soort == "dagoverzicht_ladder")
        if getoond:
            assert naar_dienst, (v.soort, v.aan)


def test_text_parts_have_lines_a_mail_client_shows_as_written(proefmails):
    for v in proefmails:
        for regel in v.tekst.splitlines():
            if URL.search(regel) or ADRES.search(regel):
                continue  # a link or address is never broken
            assert len(regel) <= 72, (v.soort, regel)
        if v.zaak_id:  # (an overview sets its cases apart with two blank lines)
            assert "\n\n\n" not in v.tekst, (v.soort, "stray blank lines")


def test_html_parts_are_a_document_in_dutch_with_headings_and_real_lists(proefmails):
    for v in proefmails:
        h = v.html
        assert h.startswith("<!doctype html>") and '<html lang="nl">' in h, v.soort
        assert 'name="viewport"' in h and f"<title>{v.onderwerp.replace('&', '&amp;')}</title>" in h.replace(
            "&#39;", "'"), v.soort
        assert "<h1" in h, v.soort
        if "\n- " in v.tekst:
            assert "<ul" in h and "<li>" in h, (v.soort, "the text's list is a real list in HTML")
