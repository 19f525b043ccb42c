"""The municipal pool on the screens (issue 17, point 1): the beheerder sets it per year beside the team budgets;
the team sees what the pool has left; a request beyond the team's own budget says it went on the pool."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from tests.maatwerk_gegevens import Maatwerk
from workflows.maatwerk import budget as budgetboek
from workflows.maatwerk.modellen import MaatwerkAanvraag


def test_the_beheerder_sets_the_pool_and_a_request_beyond_the_teams_budget_goes_on_it(client, inlog, db_session,
                                                                                        wereld):
    Maatwerk(db_session, wereld)
    db_session.commit()
    jaar = datetime.now(timezone.utc).year
    inlog.als("beheer@test.local")
    r = client.post("/beheer/maatwerk/budget", data={"wijkteam_id": "0", "jaar": jaar, "bedrag": "5.000"})
    assert r.status_code == 422 and "Kies een wijkteam of de gemeentelijke pool." in r.get_data(as_text=True)
    r = client.post("/beheer/maatwerk/budget", data={"wijkteam_id": "-1", "jaar": jaar, "bedrag": "5.000"})
    assert r.status_code == 302
    assert budgetboek.pool(db_session, jaar).bedrag_centen == 500_000
    beheer = client.get("/beheer/maatwerk").get_data(as_text=True)
    assert "Gemeentelijke pool (voor alle teams)" in beheer and "<td>Gemeentelijke pool</td><td>€ 5.000</td>" in beheer

    inlog.als("medewerker@test.local")
    assert "Gemeentelijke pool" in client.get("/maatwerk").get_data(as_text=True)
    r = client.post("/maatwerk/aanvragen/nieuw", data={
        "discipline": "zorg", "bedrag": "1.500", "clientreferentie": "FEY-2026-040",
        "wat_nodig": "Een energieschuld aflossen.", "waarom_werkt": "De levering blijft doorgaan.",
        "wat_doet_inwoner": "Neemt budgetbeheer.", "crediteur_naam": "Eneco", "crediteur_iban": "NL69INGB0123456789",
        "betalingskenmerk": "", "prijspost_id": "0", "scenario_aantal": ""})
    assert r.status_code == 302
    a = db_session.scalars(select(MaatwerkAanvraag)).one()
    assert a.budget.is_pool
    pagina = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "vastgelegd op de gemeentelijke pool" in pagina.lower()
