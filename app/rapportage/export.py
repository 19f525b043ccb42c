"""The report as CSV, XLSX and PDF: the same tables (workflows.rapportage.tabellen) as the screen."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from workflows.rapportage import Tabel

# Excel number formats per column kind: the numbers stay numbers, shown as on screen.
FORMATEN = {"aantal": "#,##0", "verschil": "+#,##0;-#,##0;0", "werkdagen": "0.0", "euro": '"€" #,##0',
            "procent": '0"%"'}
# Excel allows 31 characters in a sheet name: each table's name in full within that.
BLADNAMEN = {
    "effect_oorzaak": "Effect na 6 maanden per oorzaak", "effect_instrument": "Effect na 6 mnd per instrument",
    "eindpunt": "Eindpunt per instrument", "toestemming": "Ontbrekende toestemming",
    "kern": "Kerncijfers en vergelijking", "acuut": "Oorzaken met meeste acute nood",
    "kaartgebruik": "Knipkaartgebruik alle teams", "termijnen": "Termijnen gehaald per dienst",
    "conclusies": "Conclusies van management", "samenvatting": "Samenvatting",
    "oorzaken": "Knippen, escalaties per oorzaak", "per_maand": "Aantal per oorzaak per maand",
    "diensten": "Reactie en oplossing per dienst", "knipkaarten": "Knipkaartgebruik per team",
    "regels": "Meest genoemde regels", "kosten": "Vermeden kosten", "kosten_oorzaak": "Vermeden kosten per oorzaak",
    "prijslijst": "Prijslijst", "vervolg": "Vervolgacties per oorzaak",
    "gezamenlijk": "Gezamenlijke vragen per dienst", "waarderingen": "Waardering per dienst",
    "maatwerkbudget": "Maatwerkbudget per team", "maatwerk_betaling": "Maatwerk, tijd tot betaling",
}
MAX_BLADNAAM = 31


def als_csv(kop: list[tuple[str, str]], tabellen: list[Tabel]) -> bytes:
    """One CSV for Dutch Excel: semicolons, UTF-8 with BOM, a block per table, values as on screen."""
    uit = io.StringIO()
    w = csv.writer(uit, delimiter=";", lineterminator="\r\n")
    for naam, waarde in kop:
        w.writerow([naam, waarde])
    for t in tabellen:
        w.writerow([])
        w.writerow([t.titel])
        w.writerow([k.naam for k in t.kolommen])
        w.writerows(t.opgemaakt())
    return ("\ufeff" + uit.getvalue()).encode("utf-8")


def als_xlsx(kop: list[tuple[str, str]], tabellen: list[Tabel]) -> bytes:
    """A workbook: the filters on the first sheet, then a sheet per table with real numbers."""
    wb = Workbook()
    blad = wb.active
    blad.title = "Over dit rapport"
    for naam, waarde in kop:
        blad.append([naam, waarde])
    blad.column_dimensions["A"].width = 28
    blad.column_dimensions["B"].width = 60
    for t in tabellen:
        ws = wb.create_sheet(_bladnaam(t, wb.sheetnames))
        ws.append([t.titel])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([k.naam for k in t.kolommen])
        for cel in ws[2]:
            cel.font = Font(bold=True)
            cel.alignment = Alignment(wrap_text=True, vertical="top")
        for rij in t.rijen:
            ws.append([_cel(k, v) for k, v in zip(t.kolommen, rij)])
            for k, cel in zip(t.kolommen, ws[ws.max_row]):
                if k.soort in FORMATEN:
                    cel.number_format = FORMATEN[k.soort]
        if t.toelichting:
            ws.append([])
            ws.append([t.toelichting])
        for i, k in enumerate(t.kolommen, start=1):
            ws.column_dimensions[get_column_letter(i)].width = 14 if k.is_getal else 40
        ws.freeze_panes = "A3"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cel(kolom, waarde):
    if waarde is None:
        return None
    if kolom.soort in ("aantal", "verschil", "euro", "procent"):
        return int(waarde)
    if kolom.soort == "werkdagen":
        return float(waarde)
    return str(waarde)


def bladnaam(t: Tabel) -> str:
    """The table's sheet name: its short name, or its title cut after the last whole word that fits."""
    naam = BLADNAMEN.get(t.sleutel) or t.titel
    for teken in '/\\?*[]:':
        naam = naam.replace(teken, "-")
    if len(naam) > MAX_BLADNAAM:
        naam = naam[:MAX_BLADNAAM + 1].rsplit(" ", 1)[0].rstrip(",;-")
    return naam


def _bladnaam(t: Tabel, bestaand: list[str]) -> str:
    naam, i = bladnaam(t), 2
    while naam in bestaand:
        naam = f"{bladnaam(t)[:MAX_BLADNAAM - 3]} {i}"
        i += 1
    return naam


def als_pdf(html: str, basis_url: str) -> bytes:
    """The print view rendered by WeasyPrint (needs Pango; see README, Operations) as PDF/UA-1.

    The PDF/UA variant tags the structure (headings, tables, lists) for screen readers and takes the
    document's title and language from the HTML's <title> and lang.
    """
    from weasyprint import HTML

    return HTML(string=html, base_url=basis_url).write_pdf(pdf_variant="pdf/ua-1")


def bestandsnaam(van, tot, extensie: str) -> str:
    return f"knelpuntenrapportage_{van:%Y%m%d}-{tot:%Y%m%d}.{extensie}"
