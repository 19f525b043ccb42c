"""Every mail's HTML part in real Chromium on a phone's screen: WCAG 2.1 AA by axe, and nothing wider than it."""
from tests.browser.test_reizen import _axe_overtredingen

TELEFOON = {"width": 390, "height": 844}


def test_every_mail_html_passes_axe_and_fits_a_phone(app, server, browser, db_session):
    from app.links import link_url
    from app.mail import instellingen, proefadressen
    from notifications.proefdruk import maak_proefmails

    with app.test_request_context():
        proefmails = maak_proefmails(db_session, link_url, instellingen(), adressen=proefadressen())
    db_session.rollback()
    # One of each kind, state and side is enough: the same template in the same state renders the same way;
    # and every variant of a mail about no single case (an invitation with or without a password, ...).
    uniek = {(v.soort, v.toestand, v.voor_team, "" if v.zaak_id else v.onderwerp + v.aan): v for v in proefmails}
    assert len(uniek) > 40
    context = browser.new_context(viewport=TELEFOON, locale="nl-NL", java_script_enabled=True)
    pagina = context.new_page()
    try:
        for sleutel, v in sorted(uniek.items()):
            pagina.set_content(v.html)
            assert _axe_overtredingen(pagina) == [], sleutel
            breedte = pagina.evaluate("document.documentElement.scrollWidth")
            assert breedte <= TELEFOON["width"], (sleutel, breedte)
            assert pagina.evaluate("getComputedStyle(document.body).fontSize") == "16px"
    finally:
        context.close()
