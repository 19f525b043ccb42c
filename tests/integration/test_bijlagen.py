"""Attachments from the team: uploaded on the case page, type sniffed, size limited, reached by the dienst
through its link and never in a mail (issue 14, point 4)."""
import io

from sqlalchemy import select

from notifications.models import Bijlage, UitgaandeMail
from tests.conftest import NU
from workflows import usecases
from workflows.models import Gebeurtenis, ZaakSoort
from workflows.zaken import Actor

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000"
                    "0500010d0a2db40000000049454e44ae426082")


def _zaak(db_session, wereld):
    r = usecases.zaak_aanmaken(db_session, Actor.gebruiker(wereld.manager), ZaakSoort.ESCALATIE,
                               wereld.invoer(dienst=wereld.wmo, uitzondering=None), NU, versturen=True)
    db_session.commit()
    return r.zaak


def _upload(client, zaak, data: bytes, naam: str):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    # Encoded in memory: the test client's own encoding spools big bodies to a temporary file it never closes.
    grens, body = encode_multipart({"bestand": FileStorage(io.BytesIO(data), filename=naam,
                                                           content_type="application/octet-stream")})
    return client.post(f"/zaken/{zaak.id}/bijlagen", data=body,
                       content_type=f"multipart/form-data; boundary={grens}")


def test_the_team_uploads_a_pdf_and_the_dienst_gets_a_link_not_the_file(app, client, inlog, wereld, db_session):
    zaak = _zaak(db_session, wereld)
    inlog.als("manager@test.local")
    r = _upload(client, zaak, PDF, "verklaring.pdf")
    assert r.status_code == 302
    b = db_session.execute(select(Bijlage)).scalar_one()
    assert (b.content_type, b.geupload_door, b.inkomende_mail_id, b.data) == ("application/pdf", "Mila Manager",
                                                                             None, PDF)
    mail = db_session.scalars(select(UitgaandeMail).where(UitgaandeMail.soort == "bijlage")).one()
    assert mail.aan == "wmo@test.local" and "verklaring.pdf" in mail.tekst and "/link/" in mail.tekst
    assert "%PDF" not in mail.tekst + mail.html  # the file is never in the mail
    from app.links import maak_token

    with app.test_request_context():
        link = f"/link/{maak_token(zaak, zaak.ontvanger_email)}"
    client.post("/logout")
    pagina = client.get(link).get_data(as_text=True)
    assert "verklaring.pdf" in pagina
    assert client.get(f"{link}/bijlagen/{b.id}").data == PDF
    assert any(g.actie == "bijlage_toegevoegd" for g in db_session.scalars(select(Gebeurtenis)))


def test_a_file_of_several_megabytes_is_taken(client, inlog, wereld, db_session):
    zaak = _zaak(db_session, wereld)
    inlog.als("manager@test.local")
    assert _upload(client, zaak, PDF + b"0" * (3 * 1024 * 1024), "scan.pdf").status_code == 302


def test_the_type_is_read_from_the_content_not_the_name(client, inlog, wereld, db_session):
    zaak = _zaak(db_session, wereld)
    inlog.als("manager@test.local")
    r = _upload(client, zaak, b"MZ\x90\x00 dit is een programma", "rapport.pdf")
    assert r.status_code == 422 and "Dit soort bestand kan niet mee" in r.get_data(as_text=True)
    r = _upload(client, zaak, PNG, "foto.exe")
    assert r.status_code == 302
    assert db_session.execute(select(Bijlage.content_type)).scalar_one() == "image/png"


def test_too_big_empty_or_a_bsn_in_the_name_is_refused_and_nothing_kept(client, inlog, wereld, db_session):
    zaak = _zaak(db_session, wereld)
    inlog.als("manager@test.local")
    r = _upload(client, zaak, PDF + b"0" * (10 * 1024 * 1024), "groot.pdf")
    assert r.status_code == 422 and "hooguit 10 MB" in r.get_data(as_text=True)
    assert _upload(client, zaak, PDF + b"0" * (12 * 1024 * 1024), "te-groot.pdf").status_code == 413
    assert _upload(client, zaak, b"", "leeg.pdf").status_code == 422
    r = _upload(client, zaak, PDF, "inwoner 111222333.pdf")
    assert r.status_code == 422 and "BSN" in r.get_data(as_text=True)
    assert db_session.execute(select(Bijlage)).first() is None


def test_another_team_cannot_upload_to_or_read_the_case(client, inlog, wereld, db_session):
    zaak = _zaak(db_session, wereld)
    inlog.als("oost@test.local")
    assert _upload(client, zaak, PDF, "x.pdf").status_code == 404


def test_the_teams_files_are_erased_with_the_cases_free_text(app, client, inlog, wereld, db_session):
    """Guards against retention reaching attachments only through an inbound mail."""
    from datetime import timedelta

    from app.retentie import voer_uit

    zaak = _zaak(db_session, wereld)
    inlog.als("manager@test.local")
    assert _upload(client, zaak, PDF, "verklaring van de huisarts.pdf").status_code == 302
    usecases.handelen(db_session, Actor.dienst("Ineke de Wit (Wmo)", wereld.cp_wmo.id), zaak.id, "toegekend", NU)
    usecases.handelen(db_session, Actor.gebruiker(wereld.manager), zaak.id, "sluiten", NU, structureel=False)
    db_session.commit()
    assert db_session.execute(select(Bijlage.data)).scalar_one() == PDF
    voer_uit(NU + timedelta(days=400))
    db_session.expire_all()
    b = db_session.execute(select(Bijlage)).scalar_one()
    assert b.data is None and "huisarts" not in b.bestandsnaam
