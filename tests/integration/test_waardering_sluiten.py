"""Feedback both ways (issue 18, point 4): on closing, the team rates how the dienst handled the case; the
contactpersoon who handled it sees their own ratings on "Mijn zaken", nobody else's; the report shows the
ratings per dienst beside its terms."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from workflows import usecases, waardering
from workflows.bewaring import wis_zaken
from workflows.models import Status, Zaak, ZaakSoort
from workflows.overgangen import Actor


def _opgeloste_escalatie(db_session, wereld, dienst=None, wie=None) -> Zaak:
    """An escalatie sent by the team and granted by `wie` (Sanne Vos of Werk & Inkomen by default)."""
    dienst = dienst or wereld.wi
    wie = wie or wereld.cp_wi
    now = datetime.now(timezone.utc)
    zaak = usecases.zaak_aanmaken(db_session, Actor.gebruiker(wereld.manager), ZaakSoort.ESCALATIE,
                                  wereld.invoer(dienst, uitzondering=None), now, versturen=True).zaak
    usecases.handelen(db_session, Actor.dienst(f"{wie.naam} ({dienst.naam})", wie.id, wie.functie.value), zaak.id,
                      "toegekend", now)
    db_session.commit()
    return zaak


def _sluiten(client, zaak, **velden):
    return client.post(f"/zaken/{zaak.id}/actie", data={"actie": "sluiten", "structureel": "ja", **velden})


def test_a_rating_is_stored_when_the_team_closes_the_case(client, inlog, wereld, db_session):
    zaak = _opgeloste_escalatie(db_session, wereld, wie=wereld.cp_wi_vervanger)  # the vervanger decided
    inlog.als("manager@test.local")
    assert "Hoe heeft de dienst deze zaak behandeld?" in client.get(f"/zaken/{zaak.id}").get_data(as_text=True)
    r = _sluiten(client, zaak, waardering="4", waardering_toelichting="Snel en duidelijk, dank.")
    assert r.status_code == 302
    db_session.expire_all()
    assert db_session.get(Zaak, zaak.id).status == Status.GESLOTEN
    w = waardering.van_zaak(db_session, zaak.id)
    assert (w.score, w.toelichting, w.dienst_id, w.wijkteam_id) == (4, "Snel en duidelijk, dank.", wereld.wi.id,
                                                                    wereld.team.id)
    assert w.contactpersoon_id == wereld.cp_wi_vervanger.id  # who handled it, not the vaste contactpersoon
    assert "4 · Goed" in client.get(f"/zaken/{zaak.id}").get_data(as_text=True)


def test_closing_without_a_rating_stores_none_and_a_rating_off_the_scale_closes_nothing(
        client, inlog, wereld, db_session):
    zonder, buiten = _opgeloste_escalatie(db_session, wereld), _opgeloste_escalatie(db_session, wereld)
    inlog.als("manager@test.local")
    assert _sluiten(client, zonder).status_code == 302
    assert _sluiten(client, buiten, waardering="9").status_code == 422  # not one of the choices
    r = _sluiten(client, buiten, waardering="2", waardering_toelichting="x" * 501)
    assert r.status_code == 422
    db_session.expire_all()
    assert waardering.van_zaak(db_session, zonder.id) is None
    assert db_session.get(Zaak, zonder.id).status == Status.GESLOTEN
    assert db_session.get(Zaak, buiten.id).status == Status.OPGELOST and waardering.van_zaak(db_session, buiten.id) is None


def test_the_contactpersoon_sees_only_their_own_ratings_on_mijn_zaken(client, inlog, wereld, db_session):
    from app.links import mijn_zaken_url

    van_sanne = _opgeloste_escalatie(db_session, wereld)
    van_ineke = _opgeloste_escalatie(db_session, wereld, dienst=wereld.wmo, wie=wereld.cp_wmo)
    inlog.als("manager@test.local")
    _sluiten(client, van_sanne, waardering="5", waardering_toelichting="Top geregeld voor de inwoner.")
    _sluiten(client, van_ineke, waardering="2", waardering_toelichting="Drie keer moeten bellen.")
    client.post("/logout")
    db_session.expire_all()

    sanne = client.get(mijn_zaken_url(wereld.cp_wi).replace("http://localhost", "")).get_data(as_text=True)
    assert "5 · Uitstekend" in sanne and "Top geregeld" in sanne and van_sanne.nummer in sanne
    assert "Drie keer moeten bellen" not in sanne and van_ineke.nummer not in sanne
    ineke = client.get(mijn_zaken_url(wereld.cp_wmo).replace("http://localhost", "")).get_data(as_text=True)
    assert "2 · Matig" in ineke and "Drie keer moeten bellen" in ineke and "Top geregeld" not in ineke
    ahmed = client.get(mijn_zaken_url(wereld.cp_wi_vervanger).replace("http://localhost", "")).get_data(as_text=True)
    assert "Nog geen waarderingen" in ahmed and "Top geregeld" not in ahmed  # same dienst, not his case
    # The link page of the case shows no rating: the rating is the contactpersoon's own, on their own page.
    assert "Top geregeld" not in client.get(f"/zaken/{van_sanne.id}").get_data(as_text=True)


def test_the_report_shows_ratings_per_dienst_beside_its_terms(client, inlog, wereld, db_session):
    zaken = [_opgeloste_escalatie(db_session, wereld) for _ in range(2)] + [
        _opgeloste_escalatie(db_session, wereld, dienst=wereld.wmo, wie=wereld.cp_wmo)]
    inlog.als("manager@test.local")
    for zaak, score in zip(zaken, ("5", "2", "3")):
        _sluiten(client, zaak, waardering=score, waardering_toelichting="Een zin die niet in het rapport hoort.")
    inlog.als("mt@test.local")
    html = client.get("/rapportage").get_data(as_text=True)
    diensten = html[html.index('id="diensten"'):]
    tabel = diensten[diensten.index('id="tabel-waarderingen"'):diensten.index("</table>", diensten.index(
        'id="tabel-waarderingen"'))]
    assert diensten.index('id="tabel-diensten"') < diensten.index('id="tabel-waarderingen"')  # beside the terms
    wi = tabel[tabel.index("Werk &amp; Inkomen"):]
    assert '<td data-label="Waarderingen" class="getal">2</td>' in wi[:400]
    assert '<td data-label="Gemiddeld (1–5)" class="getal">3,5</td>' in wi[:400]
    assert '<td data-label="Slecht of matig" class="getal">1</td>' in wi[:400]
    assert '<td data-label="Gemiddeld (1–5)" class="getal">3,0</td>' in tabel[tabel.index("Wmo"):]
    assert "niet in het rapport hoort" not in html
    per_dienst = waardering.per_dienst(db_session, datetime(2000, 1, 1, tzinfo=timezone.utc),
                                       datetime(2100, 1, 1, tzinfo=timezone.utc), dienst_id=wereld.wmo.id)
    assert list(per_dienst) == ["Wmo"] and per_dienst["Wmo"].aantal == 1
    # The exports carry the same table (it was on the screen only): CSV, XLSX sheet and PDF.
    import io

    import openpyxl

    csv = client.get("/rapportage.csv").get_data().decode("utf-8-sig")
    blok = csv[csv.index("Waardering door de teams per dienst"):]
    assert "Werk & Inkomen;2;3,5;1" in blok and "Wmo;1;3,0;0" in blok
    blad = openpyxl.load_workbook(io.BytesIO(client.get("/rapportage.xlsx").data))["Waardering per dienst"]
    assert ["Werk & Inkomen", 2, 3.5, 1] in [[c.value for c in rij] for rij in blad.iter_rows()]


def test_retention_erases_the_sentence_and_keeps_the_score(client, inlog, wereld, db_session):
    zaak = _opgeloste_escalatie(db_session, wereld)
    inlog.als("manager@test.local")
    _sluiten(client, zaak, waardering="1", waardering_toelichting="Niemand nam op.")
    wis_zaken(db_session, [zaak.id], datetime.now(timezone.utc))
    db_session.commit()
    db_session.expire_all()
    w = db_session.scalars(select(waardering.Waardering)).one()
    assert (w.score, w.toelichting) == (1, "")
