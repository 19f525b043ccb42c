"""Every route in the URL map, for every role: allowed only where the rules below say so.

A route added later without a rule here fails `test_every_route_has_an_access_rule`.
"""
import re

import pytest

from tests.conftest import NU
from workflows.models import ZaakSoort
from workflows.zaken import Actor, nieuwe_zaak, uitvoeren

ROLLEN = ["anoniem", "beheerder", "management", "wijkteammanager", "medewerker", "andere_manager"]
TEAM = {"wijkteammanager", "medewerker"}

# Who may reach which path (by prefix). "team" routes with a case id are scoped to the case's team.
REGELS = [
    (r"^/static/", set(ROLLEN)),
    (r"^/login$", set(ROLLEN)),
    (r"^/login/(tweede-factor|sso)", set(ROLLEN)),  # the steps of logging in: tests/integration/test_accounts.py
    (r"^/(wachtwoord-vergeten|wachtwoord-herstellen/|uitnodiging/)", set(ROLLEN)),  # a one-time link, not a role
    (r"^/account", set(ROLLEN) - {"anoniem"}),  # one's own account
    (r"^/logout$", set(ROLLEN) - {"anoniem"}),
    (r"^/$", set(ROLLEN) - {"anoniem"}),
    (r"^/beheer/", {"beheerder"}),
    (r"^/rapportage/vervolg", {"management"}),  # follow-up actions: management records them
    (r"^/rapportage/conclusie", {"management"}),  # conclusions per period: management writes them, others read
    (r"^/rapportage", {"beheerder", "management", "wijkteammanager", "andere_manager"}),  # own team only: test_rapportage
    (r"^/wijkteam$", TEAM | {"andere_manager"}),
    (r"^/wijkteam/mail$", TEAM | {"andere_manager"}),  # one's own mail settings: test_mailbudget
    (r"^/wijkteam/knipkaart$", TEAM | {"andere_manager"}),  # one's own team's card: test_werkvoorraad, test_werkvoorraad_scherm
    (r"^/wijkteam/team-mail$", {"wijkteammanager", "andere_manager"}),  # the team's, by its manager
    (r"^/zaken$", TEAM | {"andere_manager"}),  # the team's case list: its own cases only (test_zakenlijst)
    (r"^/(knippen|escalaties)/nieuw$", TEAM | {"andere_manager"}),
    (r"^/zaken/<int:zaak_id>/overdracht$", {"wijkteammanager"}),  # hand-over by the manager: test_overdracht_toegang
    # A second opinion, asked by the manager: test_tweede_mening_schermen
    (r"^/zaken/<int:zaak_id>/tweede-mening$", {"wijkteammanager"}),
    (r"^/zaken/<int:zaak_id>", TEAM),
    (r"^/overdrachten", {"wijkteammanager", "andere_manager"}),  # hand-overs to or from one's team: test_overdracht_toegang
    # A second opinion: who was asked (a manager of another team or a rayonmanager) only: test_tweede_mening_schermen
    (r"^/tweede-mening", {"wijkteammanager", "andere_manager"}),
    (r"^/wie-beslist-waarover$", TEAM | {"andere_manager"}),  # the team's own routing: test_leren
    (r"^/voorbeelden$", TEAM | {"andere_manager", "management"}),  # approved examples, for all teams
    (r"^/voorbeelden/te-beoordelen$", {"wijkteammanager", "andere_manager"}),  # own team's: test_leren
    (r"^/voorbeelden/<int:voorbeeld_id>/beoordelen$", {"wijkteammanager", "andere_manager"}),  # own team's only
    (r"^/voorbeelden/<int:voorbeeld_id>/vastzetten$", {"management"}),
    (r"^/adviesvragen/nieuw$", TEAM | {"andere_manager"}),  # a team member asks an expert: test_advies_vraag
    (r"^/adviezen$", TEAM | {"andere_manager", "management"}),  # shared advice, anonymised, for all teams
    (r"^/gezamenlijk/<int:groep_id>/(versturen|overbruggen)$", {"wijkteammanager", "andere_manager"}),  # own team's
    (r"^/gezamenlijk", TEAM | {"andere_manager"}),  # the team's own joint questions: test_gezamenlijk_schermen
    (r"^/maatwerk/(beoordelen|betaalopdracht)/<token>", set(ROLLEN)),  # a signed link: test_maatwerk_beslissen
    (r"^/maatwerk", TEAM | {"andere_manager"}),  # the team's own budget and requests: test_maatwerk_beslissen
    (r"^/link/<token>", set(ROLLEN)),  # access through the token, not the role: tested in test_dienst_link
    (r"^/mijn-zaken", set(ROLLEN)),  # a contactpersoon's personal link, no account: tested in test_mijn_zaken
    (r"^/dev/(outbox|mails)", set(ROLLEN)),  # development only (404 in production): the demo's mailbox, every mail
    (r"^/mail/(inbound|events)/sendgrid$", set(ROLLEN)),  # webhooks: a shared secret, tested in test_mail_in
    (r"^/(healthz|readyz)$", set(ROLLEN)),  # for load balancers: no data, no login
    (r"^/api/v1/", set(ROLLEN)),  # a token, not the session: every API route has its rule in tests/api/test_api.py
]


def _regel(rule: str):
    for patroon, rollen in REGELS:
        if re.search(patroon, rule):
            return rollen
    return None


def test_every_route_has_an_access_rule(app):
    zonder = [r.rule for r in app.url_map.iter_rules() if _regel(r.rule) is None]
    assert zonder == [], f"routes without an access rule in tests/integration/test_toegang.py: {zonder}"


EMAILS = {"beheerder": "beheer@test.local", "management": "mt@test.local", "wijkteammanager": "manager@test.local",
          "medewerker": "medewerker@test.local", "andere_manager": "oost@test.local"}


@pytest.mark.parametrize("rol", ROLLEN)
def test_each_role_reaches_only_what_it_may(app, client, inlog, wereld, db_session, rol):
    manager = Actor.gebruiker(wereld.manager)
    zaak = nieuwe_zaak(db_session, manager, ZaakSoort.ESCALATIE, wereld.invoer(dienst=wereld.wmo), NU)
    uitvoeren(db_session, manager, zaak, "versturen", NU)
    db_session.commit()
    if rol != "anoniem":
        inlog.als(EMAILS[rol])

    for r in app.url_map.iter_rules():
        if r.rule.startswith(("/static", "/link", "/logout", "/mail/", "/api/")):
            continue
        pad = r.rule.replace("<int:zaak_id>", str(zaak.id))
        pad = re.sub(r"<int:[a-z_]+>", "1", pad)
        if "<" in pad:
            continue  # routes keyed by something else are covered by their own tests
        for methode in sorted((r.methods or set()) - {"HEAD", "OPTIONS"}):
            antwoord = client.open(pad, method=methode, data={})
            mag = rol in _regel(r.rule)
            assert antwoord.status_code < 500, (rol, methode, pad, antwoord.status_code)
            if mag:
                assert antwoord.status_code not in (401, 403), (rol, methode, pad, antwoord.status_code)
                if rol == "anoniem" or pad.startswith("/zaken"):
                    continue
                assert not (antwoord.status_code == 302 and "/login" in antwoord.headers.get("Location", "")), \
                    (rol, methode, pad)
            elif rol == "anoniem":
                assert antwoord.status_code == 302 and "/login" in antwoord.headers["Location"], (methode, pad)
            else:
                assert antwoord.status_code in (403, 404), (rol, methode, pad, antwoord.status_code)
