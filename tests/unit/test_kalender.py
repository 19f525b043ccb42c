"""The business calendar: werkdagen per the Algemene termijnenwet, terms, the pause rule, office hours."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from workflows.kalender import Werkdagkalender, pauzeer_oplostermijn

AMS = ZoneInfo("Europe/Amsterdam")
KAL = Werkdagkalender()

ATW = {
    2025: ["2025-01-01", "2025-04-18", "2025-04-21", "2025-04-26", "2025-05-05", "2025-05-29", "2025-06-09",
           "2025-12-25", "2025-12-26"],
    2026: ["2026-01-01", "2026-01-02", "2026-04-03", "2026-04-06", "2026-04-27", "2026-05-05", "2026-05-14",
           "2026-05-15", "2026-05-25", "2026-12-25", "2026-12-26"],
    2027: ["2027-01-01", "2027-03-26", "2027-03-29", "2027-04-27", "2027-05-05", "2027-05-06", "2027-05-07",
           "2027-05-17", "2027-12-25", "2027-12-26"],
    2028: ["2028-01-01", "2028-04-14", "2028-04-17", "2028-04-27", "2028-04-28", "2028-05-05", "2028-05-25",
           "2028-05-26", "2028-06-05", "2028-12-25", "2028-12-26"],
}


def d(s: str) -> date:
    return date.fromisoformat(s)


def t(s: str) -> datetime:
    return datetime.strptime(s, "%Y-%m-%d %H:%M").replace(tzinfo=AMS)


@pytest.mark.parametrize("jaar", sorted(ATW))
def test_every_atw_day_and_gelijkstellingsdag_of_the_year_is_no_werkdag(jaar):
    for dag in ATW[jaar]:
        assert not KAL.is_werkdag(d(dag)), dag
        assert KAL.vrije_dag_reden(d(dag)), dag


@pytest.mark.parametrize("jaar", sorted(ATW))
def test_every_other_weekday_of_the_year_is_a_werkdag(jaar):
    vrij = {d(x) for x in ATW[jaar]}
    dag = date(jaar, 1, 1)
    while dag.year == jaar:
        verwacht = dag.weekday() < 5 and dag not in vrij
        assert KAL.is_werkdag(dag) == verwacht, dag
        dag = date.fromordinal(dag.toordinal() + 1)


def test_koningsdag_2025_falls_on_26_april_because_the_27th_is_a_sunday():
    assert KAL.vrije_dag_reden(d("2025-04-26")) == "Koningsdag"
    assert KAL.vrije_dag_reden(d("2025-04-27")) == "zondag"


def test_bevrijdingsdag_is_free_every_year_not_only_in_lustrum_years():
    for jaar in (2026, 2027, 2028):
        assert KAL.vrije_dag_reden(date(jaar, 5, 5)) == "Bevrijdingsdag"


def test_the_gelijkstellingsdagen_2026_to_2028_are_named():
    for dag in ("2026-01-02", "2026-05-15", "2027-05-07", "2028-04-28", "2028-05-26"):
        assert "gelijkstellingsdag" in KAL.vrije_dag_reden(d(dag))


def test_a_term_of_one_werkdag_sent_friday_evening_ends_monday_17h():
    assert KAL.termijn_einde(t("2026-03-13 18:00"), 1) == t("2026-03-16 17:00")


def test_the_end_depends_on_the_calendar_date_not_the_hour():
    assert KAL.termijn_einde(t("2026-03-10 08:00"), 2) == KAL.termijn_einde(t("2026-03-10 23:59"), 2) == t(
        "2026-03-12 17:00")


def test_a_moment_given_in_utc_counts_by_its_amsterdam_date():
    # 23:30 UTC on 9 March is 00:30 on 10 March in Amsterdam.
    assert KAL.termijn_einde(datetime(2026, 3, 9, 23, 30, tzinfo=timezone.utc), 1) == t("2026-03-11 17:00")


def test_a_term_across_easter_2026_skips_goede_vrijdag_and_tweede_paasdag():
    assert KAL.termijn_einde(t("2026-04-02 10:00"), 1) == t("2026-04-07 17:00")


def test_a_term_across_christmas_and_new_year_2026_2027():
    # Thu 24 Dec: Fri 25, Sat, Sun, Mon 28 is the first werkdag; ... 1 Jan is free.
    assert KAL.termijn_einde(t("2026-12-24 10:00"), 1) == t("2026-12-28 17:00")
    assert KAL.termijn_einde(t("2026-12-24 10:00"), 4) == t("2026-12-31 17:00")
    assert KAL.termijn_einde(t("2026-12-24 10:00"), 5) == t("2027-01-04 17:00")


def test_a_closing_day_of_the_beheerder_is_skipped():
    kal = Werkdagkalender([d("2026-03-11")])
    assert kal.termijn_einde(t("2026-03-10 10:00"), 1) == t("2026-03-12 17:00")
    assert kal.vrije_dag_reden(d("2026-03-11")) == "sluitingsdag"


def test_the_end_is_17h_local_in_winter_and_summer_time():
    winter = KAL.termijn_einde(t("2026-03-26 10:00"), 1)  # Friday 27 March; DST starts Sunday 29 March
    zomer = KAL.termijn_einde(t("2026-03-26 10:00"), 2)  # Monday 30 March
    assert winter.astimezone(timezone.utc).hour == 16 and zomer.astimezone(timezone.utc).hour == 15
    assert winter.astimezone(AMS).hour == zomer.astimezone(AMS).hour == 17


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError):
        KAL.termijn_einde(datetime(2026, 3, 10, 10, 0), 1)


def test_a_wait_from_tuesday_to_thursday_morning_moves_the_deadline_two_werkdagen():
    deadline = t("2026-03-13 17:00")
    assert pauzeer_oplostermijn(KAL, deadline, t("2026-03-10 10:00"), t("2026-03-12 09:00")) == t("2026-03-17 17:00")


def test_a_wait_over_a_weekend_counts_only_werkdagen():
    # Friday 16:00 to Monday 10:00: only Friday 17:00 passes.
    assert KAL.werkdag_eindes_tussen(t("2026-03-13 16:00"), t("2026-03-16 10:00")) == 1


def test_a_wait_that_ends_before_17h_the_same_day_moves_nothing():
    deadline = t("2026-03-13 17:00")
    assert pauzeer_oplostermijn(KAL, deadline, t("2026-03-10 09:00"), t("2026-03-10 16:59")) == deadline


def test_17h_exactly_counts_for_the_end_of_a_wait_not_for_its_start():
    assert KAL.werkdag_eindes_tussen(t("2026-03-10 12:00"), t("2026-03-10 17:00")) == 1
    assert KAL.werkdag_eindes_tussen(t("2026-03-10 17:00"), t("2026-03-11 12:00")) == 0


def test_deadline_mail_outside_office_hours_waits_for_the_next_werkdag_0830():
    assert KAL.kantoormoment(t("2026-03-13 17:00")) == t("2026-03-13 17:00")
    assert KAL.kantoormoment(t("2026-03-13 17:01")) == t("2026-03-16 08:30")
    assert KAL.kantoormoment(t("2026-03-14 12:00")) == t("2026-03-16 08:30")
    assert KAL.kantoormoment(t("2026-03-16 07:00")) == t("2026-03-16 08:30")
    assert KAL.kantoormoment(t("2026-04-03 10:00")) == t("2026-04-07 08:30")  # Goede Vrijdag, Easter


def test_elapsed_werkdagen_count_working_time_only():
    assert KAL.werkdagen_tussen(t("2026-03-13 08:30"), t("2026-03-16 17:00")) == 2.0
    assert KAL.werkdagen_tussen(t("2026-03-13 12:45"), t("2026-03-13 17:00")) == 0.5
    assert KAL.werkdagen_tussen(t("2026-03-16 10:00"), t("2026-03-13 10:00")) == 0.0
