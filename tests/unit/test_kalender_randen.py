"""The calendar at its edges: the moments exactly at 08:30 and 17:00, zero and one werkdag, empty intervals.

Written against the mutants that survived `make mutation` (docs/testing.md): each test names the change to
workflows/kalender.py it catches.
"""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from workflows.kalender import Werkdagkalender

AMS = ZoneInfo("Europe/Amsterdam")
KAL = Werkdagkalender()


def t(s: str) -> datetime:
    return datetime.strptime(s, "%Y-%m-%d %H:%M").replace(tzinfo=AMS)


def test_zero_werkdagen_after_a_date_is_that_date_and_a_negative_count_is_refused():
    """Catches `if n < 0` becoming `if n <= 0` in plus_werkdagen (0 would be refused)."""
    assert KAL.plus_werkdagen(date(2026, 3, 14), 0) == date(2026, 3, 14)  # a Saturday stays itself
    with pytest.raises(ValueError):
        KAL.plus_werkdagen(date(2026, 3, 14), -1)


def test_a_term_of_zero_werkdagen_is_refused_with_the_reason():
    """Catches the reason of termijn_einde's refusal being dropped or garbled."""
    with pytest.raises(ValueError, match=r"^a term is at least 1 werkdag$"):
        KAL.termijn_einde(t("2026-03-10 10:00"), 0)


def test_moving_a_deadline_by_zero_werkdagen_keeps_it_and_by_one_moves_it():
    """Catches `werkdagen <= 0` in verschuif becoming `< 0` (a 12:00 deadline would jump to 17:00) or `<= 1`
    (a one-werkdag pause would move nothing)."""
    assert KAL.verschuif(t("2026-03-13 12:00"), 0) == t("2026-03-13 12:00")
    assert KAL.verschuif(t("2026-03-13 17:00"), 1) == t("2026-03-16 17:00")


def test_no_17h_lies_in_an_empty_or_reversed_interval():
    """Catches werkdag_eindes_tussen answering 1 instead of 0 when the wait ends before it began."""
    assert KAL.werkdag_eindes_tussen(t("2026-03-16 18:00"), t("2026-03-16 09:00")) == 0
    assert KAL.werkdag_eindes_tussen(t("2026-03-16 17:00"), t("2026-03-16 17:00")) == 0


def test_a_wait_from_monday_evening_to_tuesday_17h_passes_one_17h():
    """Catches a wait that starts after 17:00 skipping two days instead of one (`days=2`)."""
    assert KAL.werkdag_eindes_tussen(t("2026-03-16 18:00"), t("2026-03-17 17:00")) == 1


def test_office_hours_start_at_0830_exactly():
    """Catches `BEGIN_WERKDAG <= time` becoming `<` in kantoormoment: mail at 08:30 on a werkdag goes at once."""
    assert KAL.kantoormoment(t("2026-03-16 08:30")) == t("2026-03-16 08:30")


def test_a_minute_of_working_time_is_a_five_hundred_and_tenth_of_a_werkdag():
    """Catches werkdagen_tussen starting its sum at 1 instead of 0, or rounding to 5 decimals instead of 4."""
    assert KAL.werkdagen_tussen(t("2026-03-16 10:00"), t("2026-03-16 10:01")) == 0.002  # 1/510 = 0.00196...
    assert KAL.werkdagen_tussen(t("2026-03-16 10:00"), t("2026-03-17 10:00")) == 1.0


def test_one_second_of_working_time_is_rounded_away():
    """Catches werkdagen_tussen starting its sum at one second (`totaal = 1.0`): 2 s would round to 0.0001."""
    begin = t("2026-03-16 10:00")
    assert KAL.werkdagen_tussen(begin, begin.replace(second=1)) == 0.0


def test_the_refusals_say_what_was_wrong():
    """Catches the messages of a naive moment and a negative count being dropped or garbled."""
    with pytest.raises(ValueError, match=r"^naive datetime: pass an aware datetime$"):
        KAL.termijn_einde(datetime(2026, 3, 10, 10, 0), 1)
    with pytest.raises(ValueError, match=r"^n must be >= 0$"):
        KAL.plus_werkdagen(date(2026, 3, 10), -1)
