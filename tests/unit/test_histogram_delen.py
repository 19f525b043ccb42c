"""The period as signed years, months and days for the report's time histograms (workflows.rapportfeiten.
histogram_delen): whatever the choice, every day of the period is counted once and no other day at all."""
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.rapportfeiten import Deel, histogram_delen, som_delen, volgende_maand

dagen = st.dates(min_value=date(2014, 1, 1), max_value=date(2030, 12, 31))


def _geteld(delen: list[Deel]) -> dict[date, int]:
    uit: dict[date, int] = {}
    for d in delen:
        dag = d.begin
        while dag < d.einde:
            uit[dag] = uit.get(dag, 0) + d.teken
            dag += timedelta(days=1)
    return {dag: n for dag, n in uit.items() if n}


def _heel(d: Deel) -> bool:
    if d.korrel == "jaar":
        return (d.begin.month, d.begin.day) == (1, 1) and d.einde == date(d.begin.year + 1, 1, 1)
    if d.korrel == "maand":
        return d.begin.day == 1 and d.einde == volgende_maand(d.begin)
    return d.korrel == "dag" and d.begin < d.einde


@settings(max_examples=400, deadline=None)
@given(dagen, st.integers(min_value=0, max_value=4000), dagen)
def test_every_day_of_the_period_is_counted_once_and_no_other(van, lengte, vandaag):
    tot = van + timedelta(days=lengte)
    delen = histogram_delen(van, tot, vandaag)
    assert all(_heel(d) and d.teken in (1, -1) for d in delen), delen
    periode = {van + timedelta(days=i): 1 for i in range(lengte + 1)}
    assert _geteld(delen) == periode


def test_last_year_up_to_yesterday_is_this_years_histogram_minus_what_is_still_to_come():
    delen = histogram_delen(date(2025, 11, 23), date(2026, 11, 22), date(2026, 11, 23))
    assert Deel("jaar", date(2026, 1, 1), date(2027, 1, 1)) in delen
    assert Deel("maand", date(2026, 12, 1), date(2027, 1, 1), -1) in delen
    assert not [d for d in delen if d.korrel == "maand" and d.teken == 1 and d.begin.year == 2026]  # no months read


def test_a_period_in_the_past_reads_its_months_when_that_is_cheaper():
    delen = histogram_delen(date(2024, 3, 1), date(2024, 4, 30), date(2026, 11, 23))
    assert delen == [Deel("maand", date(2024, 3, 1), date(2024, 4, 1)), Deel("maand", date(2024, 4, 1), date(2024, 5, 1))]


@settings(max_examples=400, deadline=None)
@given(dagen, st.integers(min_value=0, max_value=800), dagen)
def test_the_sums_read_every_day_of_the_period_once_from_months_and_days_only(van, lengte, vandaag):
    tot = van + timedelta(days=lengte)
    delen = som_delen(van, tot, vandaag)
    assert all(d.korrel in ("maand", "dag") and _heel(d) and d.teken in (1, -1) for d in delen), delen
    assert _geteld(delen) == {van + timedelta(days=i): 1 for i in range(lengte + 1)}


def test_the_sums_of_last_year_read_this_november_as_its_month_minus_today():
    delen = som_delen(date(2025, 11, 23), date(2026, 11, 22), date(2026, 11, 23))
    assert delen == [Deel("dag", date(2025, 11, 23), date(2025, 12, 1)),
                     *[Deel("maand", date(j, m, 1), volgende_maand(date(j, m, 1)))
                       for j, m in [(2025, 12)] + [(2026, m) for m in range(1, 12)]],
                     Deel("dag", date(2026, 11, 23), date(2026, 12, 1), -1)]
