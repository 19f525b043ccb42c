"""Every maatwerk mail shows in /dev/mails (the mail rules in test_mails_voor_mensen.py read the same list)."""
import pytest

SOORTEN = ["maatwerk_beoordelen", "maatwerk_herinnering", "maatwerk_besluit", "maatwerk_betaalopdracht",
           "maatwerk_betaalherinnering", "maatwerk_betaald", "maatwerk_effectvraag"]


def test_every_maatwerk_mail_kind_is_in_dev_mails_without_the_resident(app, client):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip(reason="/dev/mails builds its mails in an in-memory SQLite database of its own, whatever the "
                           "app's database: the PostgreSQL run would repeat the SQLite run exactly")
    from app.mail import _proefmails

    with app.test_request_context():
        mails = [v for v in _proefmails(vernieuw=True) if v.soort.startswith("maatwerk_")]
    assert sorted({v.soort for v in mails}) == sorted(SOORTEN)
    for v in mails:
        assert "FEY-2026-0" not in v.tekst + v.html and "NL91ABNA" not in v.tekst + v.html, v.soort
        assert "None" not in v.tekst + v.html + v.onderwerp, v.soort
        assert all(len(r) <= 72 or "http" in r for r in v.tekst.splitlines()), v.soort
    pagina = client.get("/dev/mails?soort=maatwerk_besluit")
    assert pagina.status_code == 200 and "goedgekeurd, betaling volgt" in pagina.get_data(as_text=True)
