"""The report's first page on a phone, in a real Chromium, with axe (issue 16)."""
from tests.browser.test_reizen import _axe_overtredingen, _inloggen
from tests.rapportage_gegevens import Dataset


def test_management_reads_the_first_page_on_a_phone_and_writes_its_conclusions(server, pagina, wereld, db_session):
    Dataset(db_session, wereld)
    db_session.close()  # leave the SQLite database to the server
    pagina.set_viewport_size({"width": 390, "height": 844})
    _inloggen(pagina, server, "mt@test.local")
    pagina.goto(server + "/rapportage?van=2026-04-01&tot=2026-04-30")
    assert pagina.get_by_role("heading", name="Samenvatting van de periode").is_visible()
    kern = pagina.locator("#tabel-kern")
    assert "Vorige periode" in kern.inner_text() and "+3.300" in kern.inner_text()
    assert _axe_overtredingen(pagina) == [], "/rapportage on a phone"
    # Nothing runs off the side: the page does not scroll sideways, every bar chart fits the screen.
    assert pagina.evaluate("document.documentElement.scrollWidth") <= 390
    for breedte in pagina.locator("svg.grafiek").evaluate_all("els => els.filter(e => e.getBoundingClientRect()"
                                                             ".width > 0).map(e => e.getBoundingClientRect().right)"):
        assert breedte <= 390
    # Chart text stays legible when the phone scales the chart down (at least 10 px on screen).
    assert pagina.locator("#diensten svg.grafiek text").count() > 0
    kleinste = pagina.locator("#diensten svg.grafiek text").evaluate_all(
        "els => Math.min(...els.map(e => e.getBoundingClientRect().height))")
    assert kleinste >= 10
    pagina.get_by_role("link", name="Conclusies schrijven voor deze periode").click()
    assert _axe_overtredingen(pagina) == [], "/rapportage/conclusie"
    pagina.get_by_label("Conclusies van management").fill("Wachttijden bij Werk & Inkomen agenderen bij de raad.")
    pagina.get_by_role("button", name="Vastleggen").click()
    pagina.get_by_text("Wachttijden bij Werk & Inkomen agenderen bij de raad.").first.wait_for()
    assert "Vastgelegd door" in pagina.locator("#conclusies").inner_text()
    assert _axe_overtredingen(pagina) == [], "/rapportage with conclusions"
    # The table of contents leads to each section.
    pagina.get_by_role("link", name="Vermeden maatschappelijke kosten").click()
    assert pagina.url.endswith("#kosten")
    # From a cause to the anonymised cases behind it, on the phone too.
    pagina.locator("#tabel-oorzaken tbody th a").first.click()
    pagina.get_by_role("heading", name="Zaken achter het cijfer").wait_for()
    assert pagina.locator("#tabel-zaken tbody tr").count() >= 1
    assert _axe_overtredingen(pagina) == [], "/rapportage/zaken"
