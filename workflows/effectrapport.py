"""The report's part after the decision: effects six months on per cause and per instrument, end points, and
missing consent as a cause of delay (issue 17, points 4 and 5).

Called from workflows.rapportage (`maak_rapport` keeps the tables on the report; `tabellen` shows them after
its own), so the screen, CSV, XLSX, PDF and the API show the same numbers. The same cases as the rest of the
report: sent in the period, with the same filters (`Filters.voorwaarden`); beside them the effects of maatwerk
payments whose request was made in the period (per instrument and end point only). Each figure is a SQL aggregate
(grouped counts and averages); Python only pivots the few grouped rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import and_, bindparam, case, func, literal, null, or_, select, union_all
from sqlalchemy.orm import Session

from .maatwerk.effect import INSTRUMENT
from .maatwerk.modellen import MaatwerkAanvraag
from .models import Zaak
from .nazorg import INSTRUMENT_LABELS, EffectSchaal, Effectmeting, Eindpunt, ZaakNazorg

SCHALEN = list(EffectSchaal)
VERBETERD = (EffectSchaal.VERBETERD, EffectSchaal.STERK_VERBETERD)
BEKEND = (EffectSchaal.VERSLECHTERD, EffectSchaal.GELIJK, EffectSchaal.VERBETERD, EffectSchaal.STERK_VERBETERD)


ONTBRAK = ZaakNazorg.toestemming_ontbrak.is_(True)


@dataclass
class Tellingen:
    """What the after-care tables count, read in one statement (_tellingen)."""

    per_oorzaak: dict = field(default_factory=dict)  # {cause: {scale: count}} over the period's cases
    per_instrument: dict = field(default_factory=dict)  # {instrument: {scale: count}}, maatwerk included
    eind: dict = field(default_factory=dict)  # {instrument: {end point: count}}, maatwerk included
    met_ontbrekende: list = field(default_factory=list)  # the diensten with a case whose consent was missing


def _tellingen(session: Session, f) -> Tellingen:
    """In one statement: the effects recorded for the period's cases per cause, instrument, scale and end point;
    those recorded for maatwerk requests made in the period (the team filter applies; a request has no dienst,
    cause or urgency, so those filters leave them out); the diensten with a case whose consent was missing."""
    uit = Tellingen()
    for soort, id_, instrument, schaal, punt, n in session.execute(_tellingen_select(f.vorm()), f.parameters()).all():
        if soort == "ontbrak":
            uit.met_ontbrekende.append(id_)
            continue
        if soort == "maatwerk":
            instrument = INSTRUMENT
        if schaal is not None:
            if soort == "zaak":
                _tel(uit.per_oorzaak, id_, schaal, n)
            _tel(uit.per_instrument, instrument, schaal, n)
        if punt is not None:
            _tel(uit.eind, instrument, punt, n)
    uit.met_ontbrekende.sort()
    return uit


@lru_cache(maxsize=16)
def _tellingen_select(vorm: tuple[bool, bool, bool, bool]):
    """The statement of _tellingen for filters of this shape (Filters.vorm), built once, the filters' values bound
    (Filters.parameters)."""
    from .rapportage import Filters

    dienst, team, oorzaak, urgentie = vorm
    w = Filters.gebonden_voorwaarden(vorm)
    effecten = or_(Effectmeting.schaal.is_not(None), Effectmeting.eindpunt.is_not(None))
    delen = [
        select(literal("zaak").label("soort"), Zaak.oorzaak_id.label("id"), Effectmeting.instrument.label("instrument"),
               Effectmeting.schaal.label("schaal"), Effectmeting.eindpunt.label("punt"), func.count().label("n"))
        .select_from(Zaak).join(Effectmeting, Effectmeting.zaak_id == Zaak.id).where(*w, effecten)
        .group_by(Zaak.oorzaak_id, Effectmeting.instrument, Effectmeting.schaal, Effectmeting.eindpunt),
        # Only diensten with such a case get a row in the consent table: found from the aftercare rows (a join on
        # the case's key), so that its averages scan only those diensten' cases (at 1M cases that scan was half
        # the report: docs/performance.md, issue 16 point 5).
        select(literal("ontbrak"), Zaak.dienst_id, null(), null(), null(), func.count()).select_from(ZaakNazorg)
        .join(Zaak, Zaak.id == ZaakNazorg.zaak_id).where(*w, ONTBRAK).group_by(Zaak.dienst_id),
    ]
    if not (dienst or oorzaak or urgentie):
        m = [MaatwerkAanvraag.aangevraagd_op >= bindparam("begin"),
             MaatwerkAanvraag.aangevraagd_op < bindparam("einde"), effecten]
        if team:
            m.append(MaatwerkAanvraag.wijkteam_id == bindparam("wijkteam_id"))
        delen.append(select(literal("maatwerk"), null(), null(), Effectmeting.schaal, Effectmeting.eindpunt,
                            func.count()).select_from(MaatwerkAanvraag)
                     .join(Effectmeting, Effectmeting.aanvraag_id == MaatwerkAanvraag.id).where(*m)
                     .group_by(Effectmeting.schaal, Effectmeting.eindpunt))
    return union_all(*delen)


def _tel(uit: dict, sleutel, waarde, n) -> None:
    per = uit.setdefault(sleutel, {})
    per[waarde] = per.get(waarde, 0) + int(n)


def _effectrij(naam: str, tellingen: dict) -> list:
    totaal = sum(tellingen.values())
    bekend = sum(tellingen.get(s, 0) for s in BEKEND)
    beter = sum(tellingen.get(s, 0) for s in VERBETERD)
    return [naam, totaal, *[tellingen.get(s, 0) for s in SCHALEN], round(100 * beter / bekend) if bekend else None]


def nazorgtabellen(session: Session, f, namen=None) -> list:
    """The tables: effect per cause, effect per instrument, end points per instrument, missing consent per dienst.
    `namen`: the report's names (workflows.rapportage.Namen), when it has read them already."""
    from .rapportage import Kolom, Tabel, lees_namen

    effectkolommen = [Kolom("Effect vastgelegd", "aantal"), *[Kolom(s.label, "aantal") for s in SCHALEN],
                      Kolom("Verbeterd (van bekend)", "procent")]
    namen = namen or lees_namen(session)
    oorzaken = {oid: naam for oid, (naam, _, _) in namen.oorzaken.items()}
    diensten = namen.diensten
    tellingen = _tellingen(session, f)
    per_oorzaak, per_instrument, eind = tellingen.per_oorzaak, tellingen.per_instrument, tellingen.eind
    uitleg = ("Zes maanden na de oplossing legt het team vast hoe de situatie van de inwoner is, vergeleken met "
              "vóór de knip of escalatie (Zaanstad: het effect na zes maanden). Per zaak verstuurd in de periode, "
              "met dezelfde filters. Verbeterd van bekend: verbeterd en sterk verbeterd, als deel van de zaken "
              "waarvan het effect bekend is.")
    effect_oorzaak = Tabel(
        "effect_oorzaak", "Effect na zes maanden per oorzaak", [Kolom("Oorzaak"), *effectkolommen],
        [_effectrij(oorzaken.get(oid, "?"), t) for oid, t in sorted(per_oorzaak.items(),
                                                                     key=lambda x: -sum(x[1].values()))],
        uitleg, [{"oorzaak": str(oid)} for oid, _ in sorted(per_oorzaak.items(), key=lambda x: -sum(x[1].values()))])
    effect_instrument = Tabel(
        "effect_instrument", "Effect na zes maanden per instrument", [Kolom("Instrument"), *effectkolommen],
        [_effectrij(INSTRUMENT_LABELS.get(i, i), per_instrument[i]) for i in INSTRUMENT_LABELS if i in per_instrument],
        "Knip, escalatie en maatwerkbudget: welk instrument helpt de inwoner het meest. Een betaling uit het "
        "maatwerkbudget telt mee als de aanvraag in de periode is gedaan, zes maanden na de betaling gevraagd; "
        "de filters dienst, oorzaak en urgentie laten betalingen weg (die hebben ze niet). "
        + uitleg.split(". ", 1)[1])

    eindpunten = Tabel(
        "eindpunt", "Eindpunt per instrument",
        [Kolom("Instrument"), *[Kolom(e.label, "aantal") for e in Eindpunt]],
        [[INSTRUMENT_LABELS.get(i, i), *[eind[i].get(e, 0) for e in Eindpunt]] for i in INSTRUMENT_LABELS if i in eind],
        "Elke zaak eindigt met een duidelijk eindpunt (Zaanstad): een vervolgtraject, een warme overdracht of geen "
        "vervolg nodig omdat de inwoner zelfredzaam is.")

    rijen, doorklik = [], []
    met_ontbrekende = tellingen.met_ontbrekende  # none: no scan of the cases for the averages
    for did, n, met, nu, wacht, oplos_met, oplos_zonder in [] if not met_ontbrekende else session.execute(
            select(Zaak.dienst_id, func.count(),
                   func.sum(case((ONTBRAK, 1), else_=0)),
                   func.sum(case((ZaakNazorg.ontbreekt_sinds.is_not(None), 1), else_=0)),
                   func.avg(case((and_(ONTBRAK, ZaakNazorg.ontbreekt_sinds.is_(None)), ZaakNazorg.ontbrak_werkdagen))),
                   func.avg(case((ONTBRAK, Zaak.oplos_werkdagen))),
                   func.avg(case((ONTBRAK, None), else_=Zaak.oplos_werkdagen)))
            .outerjoin(ZaakNazorg, ZaakNazorg.zaak_id == Zaak.id)
            .where(*f.voorwaarden(), Zaak.dienst_id.in_(met_ontbrekende))
            .group_by(Zaak.dienst_id).order_by(Zaak.dienst_id)):
        if not met:
            continue
        rijen.append([diensten.get(did, "?"), int(n), int(met), int(nu or 0), _dag(wacht), _dag(oplos_met),
                      _dag(oplos_zonder)])
        doorklik.append({"dienst": str(did)})
    toestemming = Tabel(
        "toestemming", "Ontbrekende toestemming als oorzaak van vertraging",
        [Kolom("Dienst"), Kolom("Zaken", "aantal"), Kolom("Toestemming ontbrak", "aantal"),
         Kolom("Ontbreekt nu nog", "aantal"), Kolom("Werkdagen zonder toestemming (gemiddeld)", "werkdagen"),
         Kolom("Oplossing met ontbrekende toestemming (gemiddeld)", "werkdagen"),
         Kolom("Oplossing overige zaken (gemiddeld)", "werkdagen")],
        rijen,
        "Zaken waarbij de toestemming van de inwoner om informatie te delen een tijd ontbrak (Lelystad: zonder "
        "getekend formulier loopt het traject vertraging op). Werkdagen zonder toestemming: de werktijd tussen "
        "'ontbreekt' en 'gegeven' of 'niet nodig', van zaken waar die periode voorbij is. Oplossing: werkdagen "
        "tot het besluit, zoals elders in dit rapport. Alleen diensten met minstens één zaak zonder toestemming.",
        doorklik)
    return [effect_oorzaak, effect_instrument, eindpunten, toestemming]


def _dag(x) -> float | None:
    return None if x is None else round(float(x), 1)
