"""The beheerder's screens for held mail, allowed senders and out-of-office messages, in real Chromium: filled
with real content, no WCAG 2.1 AA violations (axe), and the one-button absence works as a person uses it."""
from datetime import datetime, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.test_reizen import _axe_overtredingen, _inloggen
from tests.integration.test_afwezigheidsberichten import _nl, exchange
from tests.integration.test_mail_in import AUTH, antwoord, verstuurde_knip  # noqa: F401 (fixture)
from tests.integration.test_mail_in_aanval import sendgrid
from tests.integration.test_mail_uit import t0  # noqa: F401 (fixture)
from workflows.kalender import TZ
from workflows.models import Afwezigheid


def test_the_beheerder_records_an_absence_and_allows_a_sender_on_accessible_pages(server, pagina, client,
                                                                                  db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    terug = datetime.now(TZ).date() + timedelta(days=9)
    sendgrid(client, exchange(origineel, f"Ik ben afwezig tot en met {_nl(terug)}."))
    vreemd = sendgrid(client, antwoord(origineel, "Ik kijk ernaar.", van="kees@test.local")).get_json()["id"]
    client.post("/logout")
    db_session.close()  # on SQLite even a read holds the write lock: leave the database to the server

    _inloggen(pagina, server, "beheer@test.local")
    for pad in ["/beheer/quarantaine", f"/beheer/quarantaine/{vreemd}", "/beheer/afwezigheidsberichten"]:
        pagina.goto(server + pad)
        assert _axe_overtredingen(pagina) == [], pad

    pagina.goto(server + "/beheer/afwezigheidsberichten")
    expect(pagina.get_by_text(f"Ik ben afwezig tot en met {_nl(terug)}.")).to_be_visible()
    assert pagina.get_by_label("Laatste dag (tot en met)").input_value() == terug.isoformat()
    pagina.get_by_role("button", name="Afwezigheid vastleggen voor Sanne Vos").click()
    expect(pagina.get_by_text("Sanne Vos is afwezig van")).to_be_visible()
    assert _axe_overtredingen(pagina) == [], "after recording"

    pagina.goto(server + f"/beheer/quarantaine/{vreemd}")
    pagina.get_by_role("button", name="Afzender toestaan voor Werk & Inkomen").click()
    expect(pagina.get_by_text("kees@test.local mag voortaan antwoorden")).to_be_visible()
    pagina.goto(server + "/beheer/toegestane-afzenders")
    expect(pagina.get_by_role("rowheader", name="kees@test.local")).to_be_visible()
    assert _axe_overtredingen(pagina) == [], "/beheer/toegestane-afzenders"
    db_session.expire_all()
    assert db_session.execute(select(Afwezigheid.tot)).scalar_one() == terug
