"""The maatwerkbudget in the report: budget use per team (use and under-use: Rotterdam's 8%, seed 003) and the
time from the decision by three to payment, median and 90th percentile against the 24 hours (Zaanstad, 002).

Plain queries returning the report's `Tabel`s; app/rapportage adds them to the screen and the exports.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..kalender import amsterdam
from ..models import Wijkteam
from ..rapportage import Filters, Kolom, Tabel
from . import budget as budgetboek
from .modellen import AanvraagStatus, BudgetMutatieSoort, MaatwerkAanvraag, MaatwerkBudget, MaatwerkMutatie

ONDERBENUT = 0.5  # less than half of the budget used, pro rata the part of the year gone by


def _percentiel(waarden: list[float], p: float) -> float | None:
    """Linear interpolation between the closest ranks, as the rest of the report does."""
    if not waarden:
        return None
    w = sorted(waarden)
    k = (len(w) - 1) * p
    onder = int(k)
    boven = min(onder + 1, len(w) - 1)
    return w[onder] + (w[boven] - w[onder]) * (k - onder)


def _deel_van_jaar(jaar: int, tot: date, now: datetime) -> float:
    eind = min(tot, amsterdam(now).date())
    if eind.year > jaar:
        return 1.0
    if eind.year < jaar:
        return 0.0
    return max(1, (eind - date(jaar, 1, 1)).days + 1) / (date(jaar, 12, 31) - date(jaar, 1, 1)).days


def budgetgebruik(session: Session, f: Filters, now: datetime) -> Tabel:
    """Per team and year in the period: budget, used (committed net of returns), paid, in progress, % used."""
    stmt = (select(MaatwerkBudget, Wijkteam.naam).join(Wijkteam, Wijkteam.id == MaatwerkBudget.wijkteam_id)
            .where(MaatwerkBudget.jaar >= f.van.year, MaatwerkBudget.jaar <= f.tot.year)
            .order_by(MaatwerkBudget.jaar, Wijkteam.naam))
    if f.wijkteam_id:
        stmt = stmt.where(MaatwerkBudget.wijkteam_id == f.wijkteam_id)
    uit_pool = _uit_pool(session, f)

    def rij(naam: str, b: MaatwerkBudget, pool: int | None) -> list:
        s = budgetboek.stand(session, b)
        deel = _deel_van_jaar(b.jaar, f.tot, now)
        onderbenut = bool(s.bedrag) and s.benut < ONDERBENUT * deel * s.bedrag
        return [naam, str(b.jaar), s.bedrag // 100, s.benut // 100, s.betaald // 100, s.in_behandeling // 100, pool,
                round(100 * s.benut / s.bedrag) if s.bedrag else None, "ja" if onderbenut else "nee"]

    rijen = [rij(naam, b, uit_pool.get((b.wijkteam_id, b.jaar), 0) // 100) for b, naam in session.execute(stmt).all()]
    if not f.wijkteam_id:
        rijen += [rij("Gemeentelijke pool", b, None) for b in session.scalars(
            select(MaatwerkBudget).where(MaatwerkBudget.wijkteam_id.is_(None), MaatwerkBudget.jaar >= f.van.year,
                                         MaatwerkBudget.jaar <= f.tot.year).order_by(MaatwerkBudget.jaar))]
    return Tabel("maatwerkbudget", "Gebruik van het maatwerkbudget per team",
                 [Kolom("Wijkteam"), Kolom("Jaar"), Kolom("Budget", "euro"), Kolom("Benut", "euro"),
                  Kolom("Betaald", "euro"), Kolom("In behandeling", "euro"), Kolom("Uit de gemeentelijke pool", "euro"),
                  Kolom("Benut van budget", "procent"), Kolom("Onderbenut")], rijen,
                 "Per kalenderjaar en team, in hele euro's. Benut: vastgelegd min teruggeboekt (afgewezen of "
                 "ingetrokken); in behandeling: vastgelegd maar nog niet betaald. Uit de gemeentelijke pool: wat de "
                 "aanvragen van het team daarnaast op de pool vastlegden (benut, niet in het eigen budget geteld); "
                 "de pool zelf staat op een eigen regel, zonder teamfilter. Onderbenut: minder dan de helft van "
                 "het budget benut, naar rato van het verstreken deel van het jaar. De filters dienst, oorzaak en "
                 "urgentie gelden hier niet.")


def _uit_pool(session: Session, f: Filters) -> dict[tuple[int, int], int]:
    """{(team, year): cents committed net of returns on the municipal pool by that team's requests}."""
    teken = case((MaatwerkMutatie.soort == BudgetMutatieSoort.VASTGELEGD, MaatwerkMutatie.bedrag_centen),
                 (MaatwerkMutatie.soort == BudgetMutatieSoort.TERUGGEBOEKT, -MaatwerkMutatie.bedrag_centen), else_=0)
    stmt = (select(MaatwerkAanvraag.wijkteam_id, MaatwerkBudget.jaar, func.sum(teken))
            .select_from(MaatwerkMutatie).join(MaatwerkBudget, MaatwerkBudget.id == MaatwerkMutatie.budget_id)
            .join(MaatwerkAanvraag, MaatwerkAanvraag.id == MaatwerkMutatie.aanvraag_id)
            .where(MaatwerkBudget.wijkteam_id.is_(None), MaatwerkBudget.jaar >= f.van.year,
                   MaatwerkBudget.jaar <= f.tot.year)
            .group_by(MaatwerkAanvraag.wijkteam_id, MaatwerkBudget.jaar))
    return {(team, jaar): int(n or 0) for team, jaar, n in session.execute(stmt)}


def betaaltijden(session: Session, f: Filters, now: datetime) -> Tabel:
    """Hours from approval (two AKKOORD) to finance's confirmation, per team and in total, for the requests
    approved in the period; still unpaid ones beyond 24 hours count as late."""
    stmt = (select(MaatwerkAanvraag, Wijkteam.naam).join(Wijkteam, Wijkteam.id == MaatwerkAanvraag.wijkteam_id)
            .where(MaatwerkAanvraag.besloten_op >= f.begin, MaatwerkAanvraag.besloten_op < f.einde,
                   MaatwerkAanvraag.status.in_((AanvraagStatus.GOEDGEKEURD, AanvraagStatus.BETAALOPDRACHT,
                                                AanvraagStatus.BETAALD))))
    if f.wijkteam_id:
        stmt = stmt.where(MaatwerkAanvraag.wijkteam_id == f.wijkteam_id)
    per_team: dict[str, dict] = {}
    for a, naam in session.execute(stmt).all():
        for sleutel in (naam, "Alle teams"):
            d = per_team.setdefault(sleutel, {"uren": [], "open": 0, "te_laat": 0})
            if a.betaald_op is not None:
                uren = (a.betaald_op - a.besloten_op).total_seconds() / 3600
                d["uren"].append(uren)
                d["te_laat"] += uren > 24
            else:
                d["open"] += 1
                d["te_laat"] += a.betaal_deadline is not None and a.betaal_deadline < now
    rijen = []
    for naam in sorted(per_team, key=lambda n: (n == "Alle teams", n)):
        d = per_team[naam]
        p50, p90 = _percentiel(d["uren"], 0.5), _percentiel(d["uren"], 0.9)
        binnen = sum(1 for u in d["uren"] if u <= 24)
        rijen.append([naam, len(d["uren"]), round(p50, 1) if p50 is not None else None,
                      round(p90, 1) if p90 is not None else None, binnen, d["open"], d["te_laat"],
                      "ja" if p90 is not None and p90 <= 24 and not d["te_laat"] else "nee"])
    return Tabel("maatwerk_betaling", "Tijd tot betaling van het maatwerkbudget (uren, norm 24 uur)",
                 [Kolom("Wijkteam"), Kolom("Betaald", "aantal"), Kolom("Mediaan (uur)", "werkdagen"),
                  Kolom("90e percentiel (uur)", "werkdagen"), Kolom("Binnen 24 uur", "aantal"),
                  Kolom("Nog niet betaald", "aantal"), Kolom("Te laat", "aantal"), Kolom("Norm gehaald")], rijen,
                 "Per aanvraag goedgekeurd in de periode: klokuren van het tweede akkoord tot de bevestiging door "
                 "financiën (BETAALD, de pagina of een CSV). Te laat: later dan 24 uur betaald, of nog niet betaald "
                 "terwijl de 24 uur voorbij zijn. Percentielen met lineaire interpolatie.")


def rapporttabellen(session: Session, f: Filters, now: datetime) -> list[Tabel]:
    """The maatwerkbudget's tables for the bottleneck report and its exports."""
    return [budgetgebruik(session, f, now), betaaltijden(session, f, now)]
