"""Server-rendered SVG charts for the bottleneck report.

Each chart is an `<svg role="img">` with a title and a description, its
values written beside the bars (readable in print and in grey), and the same
data as a table next to it on the page. Colours keep 3:1 against white
(WCAG 1.4.11); the two series differ in colour and in pattern.
"""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from workflows.rapportage import Kolom, Rapport, maand_label

BREEDTE = 720
LABEL_HOOGTE = 18
STAAF = 16
RIJ = 44
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


def _svg(sleutel: str, titel: str, beschrijving: str, hoogte: int, inhoud: str, legenda: list[tuple[str, str, bool]]):
    leg = ""
    x = 0
    for naam, kleur, patroon in legenda:
        vulling = f"url(#streep-{sleutel})" if patroon else kleur
        leg += (f'<rect x="{x}" y="0" width="14" height="14" fill="{vulling}" stroke="{kleur}"/>'
                f'<text x="{x + 20}" y="12">{escape(naam)}</text>')
        x += 30 + 8 * len(naam)
    kop = 24 if legenda else 0
    return Markup(
        f'<svg class="grafiek" viewBox="0 0 {BREEDTE} {hoogte + kop}" role="img" '
        f'aria-labelledby="g-{sleutel}-titel" aria-describedby="g-{sleutel}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="Segoe UI, Roboto, Arial, sans-serif" font-size="13" fill="#1a1a1a">'
        f'<title id="g-{sleutel}-titel">{escape(titel)}</title><desc id="g-{sleutel}-desc">{escape(beschrijving)}</desc>'
        f'<defs><pattern id="streep-{sleutel}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<rect width="3" height="6" fill="{ESCALATIE}"/></pattern></defs>'
        f'<g>{leg}</g><g transform="translate(0,{kop})">{inhoud}</g></svg>')


def horizontaal(sleutel: str, titel: str, beschrijving: str, rijen: list[Rij],
                legenda: list[tuple[str, str, bool]] = ()) -> Markup:
    """A bar per row, its label above it and its value after it; segments stack."""
    grootste = max([sum(s.waarde for s in r.segmenten) for r in rijen] + [r.markering or 0 for r in rijen] + [1])
    # room for the value text after the longest bar: about 7 px per character at 13 px
    ruimte = BREEDTE - min(400, max([len(r.tekst) for r in rijen] + [10]) * 7 + 16)
    delen = []
    for i, r in enumerate(rijen):
        y = i * RIJ
        delen.append(f'<text x="0" y="{y + 14}">{escape(r.label)}</text>')
        x = 0.0
        for s in r.segmenten:
            w = ruimte * s.waarde / grootste
            if w > 0:
                vulling = f"url(#streep-{sleutel})" if s.patroon else s.kleur
                delen.append(f'<rect x="{x:.1f}" y="{y + LABEL_HOOGTE + 2}" width="{w:.1f}" height="{STAAF}" '
                             f'fill="{vulling}" stroke="{s.kleur}"/>')
            x += w
        if r.markering is not None:
            mx = ruimte * r.markering / grootste
            delen.append(f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="{y + LABEL_HOOGTE - 2}" y2="{y + LABEL_HOOGTE + STAAF + 6}" '
                         f'stroke="#1a1a1a" stroke-width="3"/>')
            x = max(x, mx)
        delen.append(f'<text x="{x + 8:.1f}" y="{y + LABEL_HOOGTE + 14}">{escape(r.tekst)}</text>')
    return _svg(sleutel, titel, beschrijving, max(len(rijen), 1) * RIJ, "".join(delen), list(legenda))


def kolommen(sleutel: str, titel: str, beschrijving: str, maanden: list[str], knippen: list[int],
             escalaties: list[int]) -> Markup:
    """Stacked columns per month (knips below, escalaties above), the total on top."""
    hoogte, onder, links = 220, 36, 8
    n = max(len(maanden), 1)
    stap = (BREEDTE - links) / n
    breed = max(2.0, stap * 0.7)
    grootste = max([k + e for k, e in zip(knippen, escalaties)] + [1])
    elke = max(1, round(n / 12))  # at most about twelve labels on the axis
    delen = [f'<line x1="0" x2="{BREEDTE}" y1="{hoogte}" y2="{hoogte}" stroke="{GRIJS}"/>']
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
                 f"{_DAGEN.opmaak(_rond(d.reactie_p90))} werkdagen", markering=d.reactie_p90) for d in r.diensten])
        g["diensten_oplos"] = horizontaal(
            "diensten_oplos", "Oplostijd per dienst",
            "Per dienst de mediaan van de tijd tot de oplossing in werkdagen (staaf) en het 90e percentiel (streep).",
            [Rij(d.naam, [Segment(d.oplos_mediaan or 0, KNIP)],
                 f"mediaan {_DAGEN.opmaak(_rond(d.oplos_mediaan))}, 90e percentiel "
                 f"{_DAGEN.opmaak(_rond(d.oplos_p90))} werkdagen", markering=d.oplos_p90) for d in r.diensten])
    laatste = max((k.jaar for k in r.knipkaarten), default=None)
    kaarten = [k for k in r.knipkaarten if k.jaar == laatste]
    if kaarten:
        g["knipkaarten"] = horizontaal(
            "knipkaarten", f"Gebruik van de knipkaart per team in {laatste}",
            "Per team het aantal gebruikte knippen (donkerblauw) en wat er nog op de kaart staat (grijs). Onderbenutte kaarten "
            "zijn gemarkeerd. De cijfers staan ook in de tabel hieronder.",
            [Rij(k.wijkteam, [Segment(k.gebruikt, KNIP), Segment(max(k.quotum - k.gebruikt, 0), "#8c8c8c")],
                 f"{k.gebruikt} van {k.quotum} ({k.procent}%)" + (" · onderbenut" if k.onderbenut else ""))
             for k in kaarten])
    kosten = [o for o in sorted(r.oorzaken, key=lambda o: -o.vermeden) if o.vermeden]
    if kosten:
        g["kosten_oorzaak"] = horizontaal(
            "kosten_oorzaak", "Vermeden maatschappelijke kosten per oorzaak",
            "Per oorzaak de geschatte vermeden maatschappelijke kosten in euro's, hoogste eerst, volgens de "
            "prijslijst op deze pagina. De bedragen staan ook in de tabel hieronder.",
            [Rij(o.naam, [Segment(o.vermeden, KNIP)], _EURO.opmaak(o.vermeden)) for o in kosten])
    return g


def _rond(x: float | None) -> float | None:
    return None if x is None else round(x, 1)
