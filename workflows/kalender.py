"""The business calendar: werkdagen per the Algemene termijnenwet, terms, the pause rule.

A werkdag is Monday to Friday, except the days of the Algemene termijnenwet
(Atw), the days a Besluit gelijkstelling adds, and the closing days the
beheerder sets. A term of N werkdagen started at moment t ends at 17:00
Europe/Amsterdam on the N-th werkdag after the calendar date of t.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Iterable
from zoneinfo import ZoneInfo

import holidays

TZ = ZoneInfo("Europe/Amsterdam")
EINDE_WERKDAG = time(17, 0)
BEGIN_WERKDAG = time(8, 30)

# Besluit gelijkstelling dagen (Atw art. 3): days treated as a public holiday.
GELIJKSTELLINGSDAGEN: dict[date, str] = {
    date(2026, 1, 2): "gelijkstellingsdag (vrijdag na Nieuwjaarsdag)",
    date(2026, 5, 15): "gelijkstellingsdag (vrijdag na Hemelvaartsdag)",
    date(2027, 5, 7): "gelijkstellingsdag (vrijdag na Hemelvaartsdag)",
    date(2028, 4, 28): "gelijkstellingsdag (vrijdag na Koningsdag)",
    date(2028, 5, 26): "gelijkstellingsdag (vrijdag na Hemelvaartsdag)",
}

# The holidays package names these in English; the Atw days in Dutch.
_NAMEN = {
    "New Year's Day": "Nieuwjaarsdag",
    "Good Friday": "Goede Vrijdag",
    "Easter Sunday": "eerste Paasdag",
    "Easter Monday": "tweede Paasdag",
    "King's Day": "Koningsdag",
    "Liberation Day": "Bevrijdingsdag",
    "Ascension Day": "Hemelvaartsdag",
    "Pentecost": "eerste Pinksterdag",
    "Pentecost Monday": "tweede Pinksterdag",
    "Christmas Day": "eerste Kerstdag",
    "Second Day of Christmas": "tweede Kerstdag",
}
_WEEKEND = {5: "zaterdag", 6: "zondag"}


@lru_cache(maxsize=64)
def atw_dagen(jaar: int) -> dict[date, str]:
    """The Atw holidays and gelijkstellingsdagen of a year, with their Dutch names."""
    dagen = {d: _NAMEN.get(naam, naam) for d, naam in holidays.country_holidays("NL", years=jaar).items()}
    # The holidays package lists Liberation Day only in lustrum years; the Atw has it every year.
    dagen[date(jaar, 5, 5)] = "Bevrijdingsdag"
    dagen.update({d: n for d, n in GELIJKSTELLINGSDAGEN.items() if d.year == jaar})
    return dagen


def amsterdam(dt: datetime) -> datetime:
    """The same moment in Europe/Amsterdam; refuses naive datetimes."""
    if dt.tzinfo is None:
        raise ValueError("naive datetime: pass an aware datetime")
    return dt.astimezone(TZ)


class Werkdagkalender:
    """Werkdagen, term ends and the pause rule, with the beheerder's closing days."""

    def __init__(self, sluitingsdagen: Iterable[date] = ()) -> None:
        self.sluitingsdagen = frozenset(sluitingsdagen)

    def vrije_dag_reden(self, d: date) -> str | None:
        """Why `d` is not a werkdag, in Dutch, or None when it is one."""
        naam = atw_dagen(d.year).get(d)
        if naam:
            return naam
        if d.weekday() in _WEEKEND:
            return _WEEKEND[d.weekday()]
        if d in self.sluitingsdagen:
            return "sluitingsdag"
        return None

    def is_werkdag(self, d: date) -> bool:
        """True for Monday to Friday that is no Atw day, gelijkstellingsdag or closing day."""
        return d.weekday() < 5 and d not in atw_dagen(d.year) and d not in self.sluitingsdagen

    def volgende_werkdag(self, d: date) -> date:
        """The first werkdag strictly after `d`."""
        d += timedelta(days=1)
        while not self.is_werkdag(d):
            d += timedelta(days=1)
        return d

    def plus_werkdagen(self, d: date, n: int) -> date:
        """The n-th werkdag strictly after calendar date `d` (n=0 gives `d`)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        for _ in range(n):
            d = self.volgende_werkdag(d)
        return d

    def termijn_einde(self, start: datetime, n: int) -> datetime:
        """17:00 Europe/Amsterdam on the n-th werkdag after the calendar date of `start`."""
        if n < 1:
            raise ValueError("a term is at least 1 werkdag")
        dag = self.plus_werkdagen(amsterdam(start).date(), n)
        return datetime.combine(dag, EINDE_WERKDAG, tzinfo=TZ)

    def werkdag_eindes_tussen(self, van: datetime, tot: datetime) -> int:
        """How many moments 17:00 (Amsterdam) on a werkdag m lie in van < m <= tot."""
        van_a, tot_a = amsterdam(van), amsterdam(tot)
        if tot_a <= van_a:
            return 0
        d = van_a.date()
        if van_a.time() >= EINDE_WERKDAG:
            d += timedelta(days=1)
        aantal = 0
        while d <= tot_a.date():
            moment = datetime.combine(d, EINDE_WERKDAG, tzinfo=TZ)
            if van_a < moment <= tot_a and self.is_werkdag(d):
                aantal += 1
            d += timedelta(days=1)
        return aantal

    def verschuif(self, deadline: datetime, werkdagen: int) -> datetime:
        """Move a deadline `werkdagen` werkdagen later, at 17:00 Amsterdam."""
        if werkdagen <= 0:
            return deadline
        dag = self.plus_werkdagen(amsterdam(deadline).date(), werkdagen)
        return datetime.combine(dag, EINDE_WERKDAG, tzinfo=TZ)

    def kantoormoment(self, moment: datetime) -> datetime:
        """`moment` itself when it lies in office hours (08:30-17:00 on a werkdag), else the next 08:30."""
        m = amsterdam(moment)
        if self.is_werkdag(m.date()) and BEGIN_WERKDAG <= m.time() <= EINDE_WERKDAG:
            return moment
        dag = m.date() if self.is_werkdag(m.date()) and m.time() < BEGIN_WERKDAG else self.volgende_werkdag(m.date())
        return datetime.combine(dag, BEGIN_WERKDAG, tzinfo=TZ)

    def werkdagen_tussen(self, van: datetime, tot: datetime) -> float:
        """Elapsed working time between two moments, in werkdagen.

        Working time is 08:30-17:00 Amsterdam on werkdagen; 8.5 hours is one
        werkdag, so a case answered the next morning took a fraction of one.
        """
        van_a, tot_a = amsterdam(van), amsterdam(tot)
        if tot_a <= van_a:
            return 0.0
        dag_seconden = 8.5 * 3600
        totaal = 0.0
        d = van_a.date()
        while d <= tot_a.date():
            if self.is_werkdag(d):
                begin = max(datetime.combine(d, BEGIN_WERKDAG, tzinfo=TZ), van_a)
                einde = min(datetime.combine(d, EINDE_WERKDAG, tzinfo=TZ), tot_a)
                if einde > begin:
                    totaal += (einde - begin).total_seconds()
            d += timedelta(days=1)
        return round(totaal / dag_seconden, 4)


def pauzeer_oplostermijn(kalender: Werkdagkalender, oplos_deadline: datetime, pauze_van: datetime,
                         pauze_tot: datetime) -> datetime:
    """The pause rule: one werkdag later for each 17:00 on a werkdag that passed during the wait."""
    return kalender.verschuif(oplos_deadline, kalender.werkdag_eindes_tussen(pauze_van, pauze_tot))
