"""/rapportage over HTTP: the screen, every export equal to it, access per role, follow-up actions."""
from __future__ import annotations

import csv
import html
import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.rapportage.export import BLADNAMEN
from tests.rapportage_gegevens import Dataset
from workflows.models import Vervolgactie

PERIODE = "van=2026-01-01&tot=2026-06-30"


@pytest.fixture
def dataset(db_session, wereld):
    return Dataset(db_session, wereld)


def _schermtabellen(pagina: str) -> dict[str, list[list[str]]]:
    """The report tables on the page, by id, as the cells' text."""
    uit = {}
    for sleutel, body in re.findall(r'<table class="responsief rapporttabel" id="tabel-(\w+)"[^>]*>.*?<tbody>(.*?)</tbody>',
                                    pagina, re.S):
        rijen = []
        for rij in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            cellen = [html.unescape(re.sub(r"<[^>]+>", "", re.sub(r'<span class="sr-only">.*?</span>', "", c))).strip()
                      for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", rij, re.S)]
            if cellen != ["Geen gegevens in deze periode."]:
                rijen.append(cellen)
        uit[sleutel] = rijen
    return uit


def _csv_tabellen(data: bytes) -> dict[str, list[list[str]]]:
    tekst = data.decode("utf-8-sig")
    blokken = tekst.split("\r\n\r\n")[1:]
    uit = {}
    for blok in blokken:
        rijen = list(csv.reader(io.StringIO(blok), delimiter=";"))
        uit[rijen[0][0]] = rijen[2:]
    return uit


def test_management_sees_the_report_with_charts_and_every_section(client, inlog, dataset):
    inlog.als("mt@test.local")
    r = client.get(f"/rapportage?{PERIODE}")
    assert r.status_code == 200
    pagina = r.get_data(as_text=True)
    for kop in ("Welke oorzaken leiden tot knippen en escalaties", "Hoe snel diensten reageren en oplossen",
                "Gebruik van de knipkaart", "Regels die het vaakst blokkeren", "Vermeden maatschappelijke kosten",
                "Vervolgacties per oorzaak", "Prijslijst"):
        assert kop in pagina
    # Accessible charts: role img, labelled by a title and a description.
    svgs = re.findall(r'<svg class="grafiek"[^>]*role="img"[^>]*aria-labelledby="([^"]+)" aria-describedby="([^"]+)"',
                      pagina)
    assert len(svgs) >= 5
    for titel, beschrijving in svgs:
        assert f'<title id="{titel}">' in pagina and f'<desc id="{beschrijving}">' in pagina
    tabellen = _schermtabellen(pagina)
    assert ["Werk & Inkomen", "6", "2,0", "4,0", "3,0", "5,4", "1", "1", "teamleider", "1"] in tabellen["diensten"]
    assert tabellen["kosten"][-1] == ["Totaal", "–", "", "2", "–", "€ 8.700"]
    assert "Mevrouw [naam] ([…]) krijgt geen IB60 van de Belastingdienst" in [r[0] for r in tabellen["regels"]]
    assert "Jansen" not in pagina and "FEY-2026-003" not in pagina


def test_csv_xlsx_and_pdf_hold_the_same_figures_as_the_screen(client, inlog, dataset):
    inlog.als("mt@test.local")
    scherm = _schermtabellen(client.get(f"/rapportage?{PERIODE}").get_data(as_text=True))
    titels = {"oorzaken": "Knippen en escalaties per oorzaak", "diensten": "Reactie en oplossing per dienst (werkdagen)",
              "knipkaarten": "Gebruik van de knipkaart per team", "kosten": "Vermeden maatschappelijke kosten",
              "regels": "Meest genoemde blokkerende regels", "per_maand": "Aantal per oorzaak per maand"}

    r = client.get(f"/rapportage.csv?{PERIODE}")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    uit_csv = _csv_tabellen(r.data)
    for sleutel, titel in titels.items():
        assert uit_csv[titel] == scherm[sleutel], sleutel

    r = client.get(f"/rapportage.xlsx?{PERIODE}")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.data))
    blad = wb["Reactie en oplossing per dienst"]
    rijen = [[c.value for c in rij] for rij in blad.iter_rows(min_row=3)]
    wi = next(rij for rij in rijen if rij[0] == "Werk & Inkomen")
    assert wi == ["Werk & Inkomen", 6, 2.0, 4.0, 3.0, 5.4, 1, 1, "teamleider", 1]
    assert blad.cell(row=3, column=3).number_format == "0.0"
    kosten = wb["Vermeden kosten"]
    totaal = next([c.value for c in rij] for rij in kosten.iter_rows(min_row=3) if rij[0].value == "Totaal")
    assert totaal[-1] == 8700
    # Every number on screen is the XLSX number shown the way the screen shows it.
    for sleutel, titel in titels.items():
        ws = wb[BLADNAMEN[sleutel]]
        kolommen = [c.value for c in ws[2]]
        xlsx_rijen = [[c.value for c in rij][:len(kolommen)] for rij in ws.iter_rows(min_row=3, max_row=2 + len(scherm[sleutel]))]
        assert [[_zoals_scherm(v, s) for v, s in zip(rij, schermrij)] for rij, schermrij in zip(xlsx_rijen, scherm[sleutel])] \
            == scherm[sleutel], sleutel

    r = client.get(f"/rapportage.pdf?{PERIODE}")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    tekst = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages)
    tekst = re.sub(r"\s+", " ", tekst)
    for sleutel in titels:  # all six tables, every row
        assert scherm[sleutel], sleutel
        for rij in scherm[sleutel]:
            assert " ".join(c for c in rij if c) in tekst, (sleutel, rij)


def _zoals_scherm(waarde, scherm: str) -> str:
    """Format an XLSX value as the screen does, to compare them."""
    if waarde is None:
        return "–" if scherm == "–" else ""
    if isinstance(waarde, float) or re.fullmatch(r"\d+,\d", scherm):  # werkdagen (XLSX gives 2.0 back as 2)
        return f"{waarde:.1f}".replace(".", ",")
    if isinstance(waarde, int):
        tekst = f"{waarde:,}".replace(",", ".")
        if scherm.startswith("€"):
            return "€ " + tekst
        return tekst + "%" if scherm.endswith("%") else tekst
    return str(waarde)


def test_a_wijkteammanager_sees_only_their_own_team(client, inlog, dataset):
    inlog.als("oost@test.local")  # Oosterflank: one Wmo case
    r = client.get(f"/rapportage?{PERIODE}&wijkteam={dataset.w.team.id}")  # asks for Feyenoord: ignored
    pagina = r.get_data(as_text=True)
    assert r.status_code == 200
    tabellen = _schermtabellen(pagina)
    assert [rij[0] for rij in tabellen["diensten"]] == ["Wmo"]
    assert [rij[0] for rij in tabellen["knipkaarten"]] == ["Oosterflank"]
    assert "Feyenoord" not in pagina
    csv_ = _csv_tabellen(client.get(f"/rapportage.csv?{PERIODE}&wijkteam={dataset.w.team.id}").data)
    assert [rij[0] for rij in csv_["Reactie en oplossing per dienst (werkdagen)"]] == ["Wmo"]


@pytest.mark.parametrize("email", ["medewerker@test.local"])
def test_others_get_no_figures(client, inlog, dataset, email):
    assert client.get("/rapportage").status_code == 302  # anonymous: to the login
    inlog.als(email)
    for pad in ("/rapportage", "/rapportage.csv", "/rapportage.xlsx", "/rapportage.pdf"):
        assert client.get(pad).status_code == 403, pad


def test_a_contactpersoon_link_gives_no_report(client, dataset):
    # Contact persons have no account; their signed link reaches their case only, never /rapportage.
    from app.links import maak_token

    zaak = dataset.zaken[0]
    assert client.get(f"/link/{maak_token(zaak, zaak.ontvanger_email)}").status_code == 200
    for pad in ("/rapportage", "/rapportage.csv", "/rapportage.pdf"):
        r = client.get(pad)
        assert r.status_code == 302 and "/login" in r.headers["Location"], pad


def test_bad_filters_get_a_clear_dutch_answer(client, inlog, dataset):
    inlog.als("mt@test.local")
    r = client.get("/rapportage?van=2026-06-30&tot=2026-01-01")
    assert r.status_code == 400
    assert "De einddatum ligt vóór de begindatum." in r.get_data(as_text=True)
    r = client.get("/rapportage?van=morgen&tot=2026-01-01")
    assert r.status_code == 400 and "Van" in r.get_data(as_text=True)
    r = client.get("/rapportage.csv?van=2026-06-30&tot=2026-01-01")
    assert r.status_code == 400 and "einddatum" in r.get_data(as_text=True)
    assert client.get("/rapportage?van=2026-01-01&tot=2026-06-30&dienst=9999").status_code == 400


def test_management_records_a_follow_up_action_shown_beside_the_cause(client, inlog, dataset, db_session):
    w = dataset.w
    inlog.als("mt@test.local")
    r = client.post("/rapportage/vervolg", data={"oorzaak_id": w.anders.id, "soort": "gesprek_dienst",
                                                 "besluit": "", "eigenaar": "Beleid", "datum": "2026-05-20"})
    assert r.status_code == 400 and "Beschrijf het besluit" in r.get_data(as_text=True)
    r = client.post("/rapportage/vervolg", data={"oorzaak_id": w.anders.id, "soort": "gesprek_dienst",
                                                 "besluit": "Gesprek met de Belastingdienst over IB60",
                                                 "eigenaar": "Strategisch adviseur", "datum": "2026-05-20"})
    assert r.status_code == 302
    pagina = client.get(f"/rapportage?{PERIODE}").get_data(as_text=True)
    anders = next(rij for rij in _schermtabellen(pagina)["oorzaken"] if rij[0] == "Anders")
    assert anders[-1] == "20-05-2026 · Gesprek met de dienst (loopt)"
    actie = db_session.query(Vervolgactie).filter_by(besluit="Gesprek met de Belastingdienst over IB60").one()
    assert client.post(f"/rapportage/vervolg/{actie.id}/afronden").status_code == 302
    db_session.expire_all()
    assert db_session.get(Vervolgactie, actie.id).afgerond
    inlog.als("manager@test.local")
    assert client.get("/rapportage/vervolg").status_code == 403


def test_the_beheerder_edits_the_price_list_and_retires_a_used_item(client, inlog, dataset, db_session):
    from workflows.models import Prijspost

    inlog.als("beheer@test.local")
    pagina = client.get("/beheer/prijslijst").get_data(as_text=True)
    assert "Huisuitzetting" in pagina and "effectencalculator" in pagina
    post = db_session.query(Prijspost).filter_by(naam="Huisuitzetting").one()
    r = client.post(f"/beheer/prijslijst/{post.id}", data={"naam": "Huisuitzetting", "eenheid": "huisuitzetting",
                                                            "prijs": "-5", "bron": "x", "volgorde": "1", "actief": "y"})
    assert r.status_code == 422 and "Kies 0 tot 10.000.000." in r.get_data(as_text=True)
    r = client.post(f"/beheer/prijslijst/{post.id}", data={"naam": "Huisuitzetting", "eenheid": "huisuitzetting",
                                                            "prijs": "7000", "bron": "Eigen raming 2026",
                                                            "volgorde": "1", "actief": "y"})
    assert r.status_code == 302
    # The report counts with the new price and shows its source.
    inlog.als("mt@test.local")
    pagina = client.get(f"/rapportage?{PERIODE}").get_data(as_text=True)
    assert _schermtabellen(pagina)["kosten"][-1][-1] == "€ 9.700" and "Eigen raming 2026" in pagina
    inlog.als("beheer@test.local")
    r = client.post(f"/beheer/prijslijst/{post.id}/verwijderen")
    assert r.status_code == 409 and "niet-actief" in r.get_data(as_text=True)
    assert db_session.get(Prijspost, post.id) is not None


def test_a_cause_with_follow_up_actions_is_retired_not_deleted(client, inlog, dataset, db_session):
    from workflows.models import Oorzaak

    inlog.als("beheer@test.local")
    leeg = Oorzaak(naam="Nog niet gebruikt", volgorde=5)
    db_session.add(leeg)
    db_session.commit()
    r = client.post(f"/beheer/oorzaken/{dataset.w.oorzaak.id}/verwijderen")
    assert r.status_code == 409
    assert client.post(f"/beheer/oorzaken/{leeg.id}/verwijderen").status_code == 302


@pytest.mark.parametrize("pad,velden", [
    ("/beheer/oorzaken/nieuw", {"volgorde": "5", "actief": "y"}),
    ("/beheer/prijslijst/nieuw", {"eenheid": "dag", "prijs": "10", "bron": "Eigen", "volgorde": "5", "actief": "y"}),
])
def test_a_name_outside_ascii_cannot_be_added_twice(client, inlog, wereld, pad, velden):
    # SQLite's lower() folds ASCII only; the duplicate check must still see the exact same name (found by fuzzing).
    inlog.als("beheer@test.local")
    assert client.post(pad, data={"naam": "Ölçü", **velden}).status_code == 302
    r = client.post(pad, data={"naam": "Ölçü", **velden})
    assert r.status_code == 422 and "Er is al een" in r.get_data(as_text=True)


# ---------------------------------------------------------------- page 1, conclusions and exports (issue 16)


def test_the_first_section_tells_the_story_then_a_table_of_contents(client, inlog, dataset):
    inlog.als("mt@test.local")
    pagina = client.get("/rapportage?van=2026-04-01&tot=2026-04-30").get_data(as_text=True)
    samenvatting, inhoud = pagina.index('id="samenvatting"'), pagina.index('class="inhoudsopgave"')
    assert samenvatting < inhoud < pagina.index('id="oorzaken"')
    tabellen = _schermtabellen(pagina)
    # Key figures beside March (the previous month) and April 2025, with the change.
    assert ["Knippen", "1", "1", "0", "0", "+1"] in tabellen["kern"]
    assert ["Vermeden maatschappelijke kosten (euro)", "6.000", "2.700", "+3.300", "0", "+6.000"] in tabellen["kern"]
    assert "vorige periode: 01-03-2026 t/m 31-03-2026; jaar eerder: 01-04-2025 t/m 30-04-2025" in pagina
    assert [rij[0] for rij in tabellen["termijnen"]] == ["Werk & Inkomen"]
    assert tabellen["kaartgebruik"][0][0] == "2026"
    for sectie in ("samenvatting", "oorzaken", "diensten", "knipkaart", "regels", "kosten", "vervolg"):
        assert f'<a href="#{sectie}">' in pagina and f'id="{sectie}"' in pagina, sectie
    # Every table says what it counts, right under it.
    for sleutel in tabellen:
        assert f'id="tabel-{sleutel}-uitleg"' in pagina, sleutel


def test_charts_have_an_axis_with_its_unit_and_a_numbered_caption(client, inlog, dataset):
    inlog.als("mt@test.local")
    pagina = client.get(f"/rapportage?{PERIODE}").get_data(as_text=True)
    diensten = re.search(r'<svg[^>]*aria-labelledby="g-diensten-titel".*?</svg>', pagina, re.S).group(0)
    assert ">werkdagen</text>" in diensten and ">0</text>" in diensten
    assert ">euro</text>" in re.search(r'<svg[^>]*g-kosten_oorzaak-titel.*?</svg>', pagina, re.S).group(0)
    assert ">aantal zaken</text>" in re.search(r'<svg[^>]*g-per_maand-titel.*?</svg>', pagina, re.S).group(0)
    assert "<figcaption>Figuur 3. Tijd tot de eerste reactie in werkdagen" in pagina


def test_management_writes_conclusions_per_period_kept_with_who_and_when(client, inlog, dataset, db_session):
    from workflows.rapportage import Rapportconclusie

    april = {"van": "2026-04-01", "tot": "2026-04-30"}
    inlog.als("mt@test.local")
    pagina = client.get("/rapportage?van=2026-04-01&tot=2026-04-30").get_data(as_text=True)
    assert "nog geen conclusies vastgelegd" in pagina
    assert "/rapportage/conclusie?van=2026-04-01&amp;tot=2026-04-30" in pagina
    assert client.get("/rapportage/conclusie?van=2026-04-01&tot=2026-04-30").status_code == 200
    r = client.post("/rapportage/conclusie", data={**april, "tekst": "  "})
    assert r.status_code == 400 and "Schrijf de conclusies" in r.get_data(as_text=True)
    r = client.post("/rapportage/conclusie", data={**april, "tekst": "Inwoner met BSN 111222333"})
    assert r.status_code == 400 and "BSN" in r.get_data(as_text=True)
    r = client.post("/rapportage/conclusie", data={**april, "tekst": "Wachttijden bij Werk & Inkomen agenderen."})
    assert r.status_code == 302 and "van=2026-04-01" in r.headers["Location"]
    r = client.post("/rapportage/conclusie", data={**april, "tekst": "Eerste alinea.\nIB60 bespreken met de raad."})
    assert r.status_code == 302
    # The form opens with the newest version.
    assert "IB60 bespreken met de raad." in client.get("/rapportage/conclusie?van=2026-04-01&tot=2026-04-30").get_data(
        as_text=True)
    pagina = client.get("/rapportage?van=2026-04-01&tot=2026-04-30").get_data(as_text=True)
    assert "<p>IB60 bespreken met de raad.</p>" in pagina and "Vastgelegd door" in pagina
    eerder = _schermtabellen(pagina)["conclusies"]
    assert [rij[0] for rij in eerder] == ["Eerste alinea.\nIB60 bespreken met de raad.",
                                          "Wachttijden bij Werk & Inkomen agenderen."]
    assert all(rij[1] and re.fullmatch(r"\d\d-\d\d-\d{4} \d\d:\d\d", rij[2]) for rij in eerder)
    assert db_session.query(Rapportconclusie).count() == 2
    # Kept per period: another period has none of them.
    assert "nog geen conclusies vastgelegd" in client.get(f"/rapportage?{PERIODE}").get_data(as_text=True)
    # In the PDF, on the first page.
    pdf = PdfReader(io.BytesIO(client.get("/rapportage.pdf?van=2026-04-01&tot=2026-04-30").data))
    assert "IB60 bespreken met de raad." in re.sub(r"\s+", " ", pdf.pages[0].extract_text())
    # A team manager and the beheerder read them but cannot write them.
    for email in ("manager@test.local", "beheer@test.local"):
        inlog.als(email)
        assert client.post("/rapportage/conclusie", data={**april, "tekst": "x"}).status_code == 403
        assert client.get("/rapportage/conclusie?van=2026-04-01&tot=2026-04-30").status_code == 403
    assert "IB60 bespreken met de raad." in client.get("/rapportage?van=2026-04-01&tot=2026-04-30").get_data(
        as_text=True)


def test_the_pdf_is_tagged_a4_portrait_in_one_font_with_title_and_language(client, inlog, dataset):
    inlog.als("mt@test.local")
    pdf = PdfReader(io.BytesIO(client.get(f"/rapportage.pdf?{PERIODE}").data))
    root = pdf.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert root["/Lang"] == "nl"
    assert pdf.metadata.title.startswith("Knelpuntenrapportage Gemeente")
    breedte, hoogte = (float(x) for x in pdf.pages[0].mediabox.upper_right)
    assert (round(breedte), round(hoogte)) == (595, 842)  # A4 portrait, in points
    fonts = set()
    for pagina in pdf.pages:
        for font in (pagina["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts and all(f.startswith(("DejaVuSans", "DejaVu-Sans")) for f in fonts), fonts  # one family
    eerste = re.sub(r"\s+", " ", pdf.pages[0].extract_text())
    assert "Samenvatting van de periode" in eerste and "Kerncijfers vergeleken met eerdere perioden" in eerste


def test_xlsx_sheets_are_named_in_full_and_the_csv_says_its_charset_once(client, inlog, dataset):
    inlog.als("mt@test.local")
    wb = load_workbook(io.BytesIO(client.get(f"/rapportage.xlsx?{PERIODE}").data))
    assert wb.sheetnames[:3] == ["Over dit rapport", "Kerncijfers en vergelijking", "Oorzaken met meeste acute nood"]
    assert all(len(naam) <= 31 for naam in wb.sheetnames)
    assert set(wb.sheetnames[1:]) == set(BLADNAMEN.values())
    assert wb["Kerncijfers en vergelijking"]["D3"].number_format == "+#,##0;-#,##0;0"
    r = client.get(f"/rapportage.csv?{PERIODE}")
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "Kerncijfers vergeleken met eerdere perioden" in _csv_tabellen(r.data)


def test_from_a_cause_to_its_anonymised_cases(client, inlog, dataset):
    w = dataset.w
    inlog.als("mt@test.local")
    pagina = client.get(f"/rapportage?{PERIODE}").get_data(as_text=True)
    assert f'/rapportage/zaken?van=2026-01-01&amp;tot=2026-06-30&amp;oorzaak={w.anders.id}"' in pagina
    r = client.get(f"/rapportage/zaken?{PERIODE}&oorzaak={w.anders.id}")
    assert r.status_code == 200
    pagina = r.get_data(as_text=True)
    zaken = _schermtabellen(pagina)["zaken"]
    # Cases 3, 4 and 7: newest first, with number, dienst, team, dates, the blocking rule and the outcome.
    assert [(z[2], z[3], z[4], z[6]) for z in zaken] == [
        ("Werk & Inkomen", "Feyenoord", "Anders", "13-05-2026"), ("Werk & Inkomen", "Feyenoord", "Anders", "24-04-2026"),
        ("Wmo", "Oosterflank", "Anders", "10-03-2026")]
    assert all(z[0] != "–" for z in zaken) and zaken[0][9] == "loopt nog"
    assert zaken[1][8] == "Mevrouw [naam] ([…]) krijgt geen IB60 van de Belastingdienst"
    assert "Jansen" not in pagina and "FEY-2026" not in pagina and "Sinds februari" not in pagina
    assert "3 zaken" in pagina


def test_a_team_manager_drills_down_into_their_own_team_only(client, inlog, dataset):
    w = dataset.w
    inlog.als("oost@test.local")
    r = client.get(f"/rapportage/zaken?{PERIODE}&wijkteam={w.team.id}")
    assert r.status_code == 200
    assert {z[3] for z in _schermtabellen(r.get_data(as_text=True))["zaken"]} == {"Oosterflank"}
    inlog.als("beheer@test.local")
    assert len(_schermtabellen(client.get(f"/rapportage/zaken?{PERIODE}").get_data(as_text=True))["zaken"]) == 7
    inlog.als("medewerker@test.local")
    assert client.get(f"/rapportage/zaken?{PERIODE}").status_code == 403
