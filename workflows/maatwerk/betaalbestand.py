"""The payment instruction for finance: a SEPA credit transfer file (pain.001.001.09, made and validated against
its XSD by sepaxml) or a CSV for the municipality's financial system, per the beheerder's setting; and the
reading of finance's CSV confirmation, matched to the requests by their number.

The file carries what a payment needs and nothing more about the resident: the creditor's name and IBAN, the
amount, and as description the request's number and the creditor's own reference (never the cliëntreferentie).
"""
from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sepaxml import SepaTransfer

from ..fouten import DomeinFout, OngeldigeInvoer
from ..kalender import amsterdam
from .modellen import MaatwerkAanvraag, MaatwerkInstelling

PAIN_SCHEMA = "pain.001.001.09"
CSV_KOPPEN = ["kenmerk", "crediteur", "iban", "bedrag", "omschrijving", "uitvoerdatum"]


class BetaalgegevensOntbreken(DomeinFout):
    """The municipality's own account (debtor) is not set: no SEPA file can be made."""


def omschrijving(a: MaatwerkAanvraag) -> str:
    """The remittance text: the request's number and the creditor's reference, never the cliëntreferentie."""
    return f"{a.nummer} {a.betalingskenmerk}".strip()[:140]


def maak_bestand(inst: MaatwerkInstelling, kenmerk: str, aanvragen: list[MaatwerkAanvraag], now: datetime
                 ) -> tuple[str, bytes]:
    """(message id, file) for a batch: pain.001 or CSV as configured."""
    datum = amsterdam(now).date()
    if inst.betaalwijze == "csv":
        uit = io.StringIO()
        w = csv.writer(uit, delimiter=";", lineterminator="\r\n")
        w.writerow(CSV_KOPPEN)
        for a in aanvragen:
            w.writerow([a.nummer, a.crediteur_naam, a.crediteur_iban, _bedrag(a.bedrag_centen), omschrijving(a),
                        datum.isoformat()])
        return kenmerk, uit.getvalue().encode("utf-8")
    if not (inst.rekening_naam and inst.rekening_iban):
        raise BetaalgegevensOntbreken("De rekening van de gemeente (naam en IBAN) is niet ingesteld: er kan geen "
                                      "SEPA-bestand worden gemaakt. Stel hem in bij Beheer > Maatwerkbudget.")
    config = {"name": inst.rekening_naam, "IBAN": inst.rekening_iban, "batch": True, "currency": "EUR"}
    if inst.rekening_bic:
        config["BIC"] = inst.rekening_bic
    sepa = SepaTransfer(config, schema=PAIN_SCHEMA, clean=True)
    for a in aanvragen:
        sepa.add_payment({"name": a.crediteur_naam, "IBAN": a.crediteur_iban, "amount": int(a.bedrag_centen),
                          "execution_date": datum, "description": omschrijving(a), "endtoend_id": a.nummer})
    return sepa.msg_id, sepa.export(validate=True)


def _bedrag(centen: int) -> str:
    return f"{centen // 100},{centen % 100:02d}"


@dataclass
class Bevestiging:
    """What finance's CSV says was paid: the numbers that match a request in the batch with the same amount,
    and each line that does not, with why."""

    betaald: list[str] = field(default_factory=list)
    niet_gekoppeld: list[str] = field(default_factory=list)


def lees_bevestiging(data: bytes, aanvragen: list[MaatwerkAanvraag]) -> Bevestiging:
    """Read a CSV of payments made (columns `kenmerk` and `bedrag`; ; or , separated, as Excel writes it) and
    match each line to a request of the batch by number and amount. Raises OngeldigeInvoer when unreadable."""
    try:
        tekst = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            tekst = data.decode("cp1252")
        except UnicodeDecodeError:
            raise OngeldigeInvoer("Het bestand is geen tekst (CSV). Er is niets verwerkt.", veld="bestand")
    try:
        dialect = csv.Sniffer().sniff(tekst.splitlines()[0] if tekst.strip() else "", delimiters=";,")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";"
    lezer = csv.DictReader(io.StringIO(tekst), dialect=dialect)
    koppen = {(k or "").strip().lower() for k in (lezer.fieldnames or [])}
    if not {"kenmerk", "bedrag"} <= koppen:
        raise OngeldigeInvoer("Het bestand heeft geen kolommen 'kenmerk' en 'bedrag' op de eerste regel. Er is "
                              "niets verwerkt.", veld="bestand")
    per_nummer = {a.nummer: a for a in aanvragen}
    uit = Bevestiging()
    for i, rij in enumerate(lezer, start=2):
        rij = {(k or "").strip().lower(): (v or "").strip() for k, v in rij.items() if k is not None}
        nummer = rij.get("kenmerk", "").split(" ")[0]
        a = per_nummer.get(nummer)
        if a is None:
            uit.niet_gekoppeld.append(f"Regel {i}: kenmerk '{nummer or '(leeg)'}' hoort niet bij deze betaalopdracht.")
            continue
        try:
            centen = int(Decimal(rij.get("bedrag", "").replace("€", "").replace(".", "").replace(",", ".")
                                 .strip() or "x") * 100)
        except InvalidOperation:
            uit.niet_gekoppeld.append(f"Regel {i}: het bedrag van {nummer} is niet te lezen.")
            continue
        if centen != a.bedrag_centen:
            uit.niet_gekoppeld.append(f"Regel {i}: {nummer} is {_bedrag(centen)} betaald, maar de aanvraag was "
                                      f"{_bedrag(a.bedrag_centen)}. Niet als betaald geboekt.")
            continue
        uit.betaald.append(nummer)
    return uit


def nieuw_kenmerk(now: datetime) -> str:
    return f"KK-MW-{amsterdam(now):%Y%m%d%H%M}-{secrets.token_hex(3).upper()}"
