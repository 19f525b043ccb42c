"""Server-rendered SVG charts for the bottleneck report.

Each chart is an `<svg role="img">` with a title and a description, its
values written beside the bars (readable in print and in grey), and the same
data as a table next to it on the page. Colours keep 3:1 against white
(WCAG 1.4.11); the two series differ in colour and in pattern.
"""
from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

from markupsafe import Markup, escape

from workflows.rapportage import Kolom, Rapport, maand_label

BREEDTE = 720  # the monthly columns
SMAL = 440  # the bar charts: legible when a phone scales them to its width
TEKENS_PER_REGEL = 52  # about 8 px per character at 14 px
EENHEDEN = {"aantal": "aantal zaken", "knippen": "aantal knippen", "werkdagen": "werkdagen", "euro": "euro"}
LABEL_HOOGTE = 18
STAAF = 16
KNIP = "#154273"
ESCALATIE = "#a34700"
GRIJS = "#6b6b6b"
_DAGEN = Kolom("", "werkdagen")
_EURO = Kolom("", "euro")


@dataclass
class Segment:
    waarde: float
    kleur: str
    patroon: bool = False


@dataclass
class Rij:
    label: str
    segmenten: list[Segment]
    tekst: str  # the value(s) written after the bar
    markering: float | None = None  # e.g. the 90th percentile, drawn as a tick


def _svg(sleutel: str, titel: str, beschrijving: str, hoogte: int, inhoud: str, legenda: list[tuple[str, str, bool]],
         breedte: int = BREEDTE):
    leg = ""
    x = 0
    for naam, kleur, patroon in legenda:
        vulling = f"url(#streep-{sleutel})" if patroon else kleur
        leg += (f'<rect x="{x}" y="0" width="14" height="14" fill="{vulling}" stroke="{kleur}"/>'
                f'<text x="{x + 20}" y="12">{escape(naam)}</text>')
        x += 30 + 8 * len(naam)
    kop = 24 if legenda else 0
    return Markup(
        f'<svg class="grafiek" viewBox="0 0 {breedte} {hoogte + kop}" role="img" '
        f'aria-labelledby="g-{sleutel}-titel" aria-describedby="g-{sleutel}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="Segoe UI, Roboto, DejaVu Sans, Arial, sans-serif" font-size="14" fill="#1a1a1a">'
        f'<title id="g-{sleutel}-titel">{escape(titel)}</title><desc id="g-{sleutel}-desc">{escape(beschrijving)}</desc>'
        f'<defs><pattern id="streep-{sleutel}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<rect width="3" height="6" fill="{ESCALATIE}"/></pattern></defs>'
        f'<g>{leg}</g><g transform="translate(0,{kop})">{inhoud}</g></svg>')


def _maatstreepjes(grootste: float) -> list[float]:
    """Round values for an axis from 0 to at least `grootste`: 1, 2 or 5 times a power of ten apart."""
    if grootste <= 0:
        return [0, 1]
    ruw = grootste / 4
    macht = 10 ** math.floor(math.log10(ruw))
    stap = next(m * macht for m in (1, 2, 5, 10) if m * macht >= ruw)
    if stap < 1 and grootste >= 1:
        stap = 1
    n = math.ceil(grootste / stap - 1e-9)
    return [i * stap for i in range(n + 1)]


def _as_label(waarde: float, eenheid: str) -> str:
    if eenheid == "euro":
        return _EURO.opmaak(waarde)
    if float(waarde).is_integer():
        return f"{int(waarde):,}".replace(",", ".")
    return f"{waarde:g}".replace(".", ",")


def horizontaal(sleutel: str, titel: str, beschrijving: str, rijen: list[Rij],
                legenda: list[tuple[str, str, bool]] = (), eenheid: str = "aantal") -> Markup:
    """A bar per row under a line with its label and value (wrapped to fit a phone); an axis with the unit below.

    The chart is narrow (SMAL px) so that its text stays legible when a phone scales it to the screen.
    """
    hoogste = max([sum(s.waarde for s in r.segmenten) for r in rijen] + [r.markering or 0 for r in rijen] + [0])
    streepjes = _maatstreepjes(hoogste)
    grootste = streepjes[-1] or 1
    links, ruimte = 4, SMAL - 24
    delen, y = [], 0
    for r in rijen:
        for regel in textwrap.wrap(f"{r.label}: {r.tekst}", TEKENS_PER_REGEL) or [""]:
            delen.append(f'<text x="0" y="{y + 14}">{escape(regel)}</text>')
            y += LABEL_HOOGTE
        x = float(links)
        for s in r.segmenten:
            w = ruimte * s.waarde / grootste
            if w > 0:
                vulling = f"url(#streep-{sleutel})" if s.patroon else s.kleur
                delen.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="{STAAF}" '
                             f'fill="{vulling}" stroke="{s.kleur}"/>')
            x += w
        if r.markering is not None:
            mx = links + ruimte * r.markering / grootste
            delen.append(f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="{y - 2}" y2="{y + STAAF + 6}" '
                         f'stroke="#1a1a1a" stroke-width="3"/>')
        y += STAAF + 14
    # the axis: a line, ticks with their values, the unit at the end
    delen.append(f'<line x1="{links}" x2="{links + ruimte}" y1="{y}" y2="{y}" stroke="{GRIJS}"/>')
    for w in streepjes:
        x = links + ruimte * w / grootste
        anker = "start" if w == 0 else ("end" if w == streepjes[-1] else "middle")
        delen.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y}" y2="{y + 5}" stroke="{GRIJS}"/>'
                     f'<text x="{x:.1f}" y="{y + 19}" text-anchor="{anker}">{escape(_as_label(w, eenheid))}</text>')
    delen.append(f'<text x="{links + ruimte:.1f}" y="{y + 37}" text-anchor="end">{escape(EENHEDEN[eenheid])}</text>')
    return _svg(sleutel, titel, beschrijving, y + 44, "".join(delen), list(legenda), breedte=SMAL)


def kolommen(sleutel: str, titel: str, beschrijving: str, maanden: list[str], knippen: list[int],
             escalaties: list[int]) -> Markup:
    """Stacked columns per month (knips below, escalaties above), the total on top, a y axis in cases."""
    hoogte, onder, links = 220, 36, 48
    n = max(len(maanden), 1)
    stap = (BREEDTE - links) / n
    breed = max(2.0, stap * 0.7)
    streepjes = _maatstreepjes(max([k + e for k, e in zip(knippen, escalaties)] + [1]))
    grootste = streepjes[-1]
    elke = max(1, round(n / 12))  # at most about twelve labels on the axis
    delen = [f'<line x1="{links - 4}" x2="{BREEDTE}" y1="{hoogte}" y2="{hoogte}" stroke="{GRIJS}"/>',
             f'<line x1="{links - 4}" x2="{links - 4}" y1="10" y2="{hoogte}" stroke="{GRIJS}"/>',
             f'<text x="0" y="8" font-size="12">aantal zaken</text>']
    for w in streepjes:
        y = hoogte - (hoogte - 20) * w / grootste
        delen.append(f'<line x1="{links - 8}" x2="{links - 4}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRIJS}"/>'
                     f'<text x="{links - 10}" y="{y + 5:.1f}" text-anchor="end">{escape(_as_label(w, "aantal"))}</text>')
    for i, (m, k, e) in enumerate(zip(maanden, knippen, escalaties)):
        x = links + i * stap
        hk = (hoogte - 20) * k / grootste
        he = (hoogte - 20) * e / grootste
        if hk:
            delen.append(f'<rect x="{x:.1f}" y="{hoogte - hk:.1f}" width="{breed:.1f}" height="{hk:.1f}" fill="{KNIP}"/>')
        if he:
            delen.append(f'<rect x="{x:.1f}" y="{hoogte - hk - he:.1f}" width="{breed:.1f}" height="{he:.1f}" '
                         f'fill="url(#streep-{sleutel})" stroke="{ESCALATIE}"/>')
        if n <= 24 and k + e:
            delen.append(f'<text x="{x + breed / 2:.1f}" y="{hoogte - hk - he - 4:.1f}" text-anchor="middle">{k + e}</text>')
        if i % elke == 0:
            delen.append(f'<text x="{x + breed / 2:.1f}" y="{hoogte + 16}" text-anchor="middle">'
                         f'{escape(maand_label(m).split()[0])}</text>')
            if i == 0 or m.endswith("-01"):
                delen.append(f'<text x="{x + breed / 2:.1f}" y="{hoogte + 32}" text-anchor="middle">{m[:4]}</text>')
    return _svg(sleutel, titel, beschrijving, hoogte + onder, "".join(delen),
                [("Knippen", KNIP, False), ("Escalaties", ESCALATIE, True)])


def voor_rapport(r: Rapport) -> dict[str, Markup]:
    """The report's charts by the key of the table they sit beside."""
    g: dict[str, Markup] = {}
    oorzaken = [o for o in r.oorzaken if o.totaal]
    if oorzaken:
        g["oorzaken"] = horizontaal(
            "oorzaken", "Knippen en escalaties per oorzaak",
            "Per systeemoorzaak het aantal knippen (donkerblauw) en escalaties (gestreept), meeste eerst. "
            "De cijfers staan ook in de tabel hieronder.",
            [Rij(o.naam, [Segment(o.knippen, KNIP), Segment(o.escalaties, ESCALATIE, True)],
                 f"{o.knippen} knip{'pen' if o.knippen != 1 else ''}, {o.escalaties} escalatie"
                 f"{'s' if o.escalaties != 1 else ''}") for o in oorzaken],
            [("Knippen", KNIP, False), ("Escalaties", ESCALATIE, True)])
        knippen, escalaties = r.knippen_per_maand, r.escalaties_per_maand
        g["per_maand"] = kolommen(
            "per_maand", "Knippen en escalaties per maand",
            "Per maand het aantal verstuurde knippen en escalaties, gestapeld. De cijfers per oorzaak staan in de "
            "tabel hieronder.", r.maanden, [knippen.get(m, 0) for m in r.maanden],
            [escalaties.get(m, 0) for m in r.maanden])
    if r.diensten:
        g["diensten"] = horizontaal(
            "diensten", "Reactietijd per dienst",
            "Per dienst de mediaan van de tijd tot de eerste reactie in werkdagen (staaf) en het 90e percentiel "
            "(streep). De cijfers staan ook in de tabel hieronder.",
            [Rij(d.naam, [Segment(d.reactie_mediaan or 0, KNIP)],
                 f"mediaan {_DAGEN.opmaak(_rond(d.reactie_mediaan))}, 90e percentiel "
                 f"{_DAGEN.opmaak(_rond(d.reactie_p90))} werkdagen", markering=d.reactie_p90) for d in r.diensten],
            eenheid="werkdagen")
        g["diensten_oplos"] = horizontaal(
            "diensten_oplos", "Oplostijd per dienst",
            "Per dienst de mediaan van de tijd tot de oplossing in werkdagen (staaf) en het 90e percentiel (streep).",
            [Rij(d.naam, [Segment(d.oplos_mediaan or 0, KNIP)],
                 f"mediaan {_DAGEN.opmaak(_rond(d.oplos_mediaan))}, 90e percentiel "
                 f"{_DAGEN.opmaak(_rond(d.oplos_p90))} werkdagen", markering=d.oplos_p90) for d in r.diensten],
            eenheid="werkdagen")
    laatste = max((k.jaar for k in r.knipkaarten), default=None)
    kaarten = [k for k in r.knipkaarten if k.jaar == laatste]
    if kaarten:
        g["knipkaarten"] = horizontaal(
            "knipkaarten", f"Gebruik van de knipkaart per team in {laatste}",
            "Per team het aantal gebruikte knippen (donkerblauw) en wat er nog op de kaart staat (grijs). Onderbenutte kaarten "
            "zijn gemarkeerd. De cijfers staan ook in de tabel hieronder.",
            [Rij(k.wijkteam, [Segment(k.gebruikt, KNIP), Segment(max(k.quotum - k.gebruikt, 0), "#8c8c8c")],
                 f"{k.gebruikt} van {k.quotum} ({k.procent}%)" + (" · onderbenut" if k.onderbenut else ""))
             for k in kaarten], eenheid="knippen")
    kosten = [o for o in sorted(r.oorzaken, key=lambda o: -o.vermeden) if o.vermeden]
    if kosten:
        g["kosten_oorzaak"] = horizontaal(
            "kosten_oorzaak", "Vermeden maatschappelijke kosten per oorzaak",
            "Per oorzaak de geschatte vermeden maatschappelijke kosten in euro's, hoogste eerst, volgens de "
            "prijslijst op deze pagina. De bedragen staan ook in de tabel hieronder.",
            [Rij(o.naam, [Segment(o.vermeden, KNIP)], _EURO.opmaak(o.vermeden)) for o in kosten], eenheid="euro")
    return g


def _rond(x: float | None) -> float | None:
    return None if x is None else round(x, 1)
