"""Reading the return date from an out-of-office, in Dutch and English, as the beheerder's proposal."""
from datetime import date

import pytest

from notifications.afwezigheid import lees_terugkeer

ONTVANGEN = date(2026, 3, 10)  # a Tuesday


@pytest.mark.parametrize("tekst, tot", [
    # the last day of the absence, as stated
    ("Ik ben afwezig tot en met 20 maart.", date(2026, 3, 20)),
    ("Ik ben tot en met vrijdag 20 maart niet aanwezig.", date(2026, 3, 20)),
    ("Afwezig t/m 20 mrt. In dringende gevallen: bel 010-1234567.", date(2026, 3, 20)),
    ("Ik ben met verlof tot 20-03-2026.", date(2026, 3, 20)),
    ("I am out of the office until 14 April with limited access to e-mail.", date(2026, 4, 14)),
    ("I'm on leave until Monday, April 13th 2026.", date(2026, 4, 13)),
    # the first day back: the absence ends the day before
    ("Ik ben terug op 3 januari.", date(2027, 1, 2)),
    ("Vanaf maandag 23 maart ben ik weer aanwezig.", date(2026, 3, 22)),
    ("Op 23 maart ben ik weer op kantoor.", date(2026, 3, 22)),
    ("I will be back on March 31st.", date(2026, 3, 30)),
    ("I'm back in the office on 16 March 2026.", date(2026, 3, 15)),
    ("Returning on the 16th of March.", date(2026, 3, 15)),
])
def test_the_return_date_is_read_in_dutch_and_english(tekst, tot):
    terugkeer = lees_terugkeer(tekst, ONTVANGEN)
    assert terugkeer is not None and terugkeer.tot == tot
    assert terugkeer.zin and terugkeer.zin in " ".join(tekst.split())


def test_the_sentence_the_date_was_read_from_is_shown_whole():
    tekst = "Beste afzender,\n\nIk ben afwezig tot en met 20 maart. Voor dringende zaken: bel 010-1234567."
    assert lees_terugkeer(tekst, ONTVANGEN).zin == "Ik ben afwezig tot en met 20 maart."
    assert lees_terugkeer("Ik ben terug op 3 januari", ONTVANGEN).zin == "Ik ben terug op 3 januari"


def test_a_date_without_a_year_is_the_next_one_to_come():
    assert lees_terugkeer("Ik ben terug op 3 januari.", date(2026, 12, 20)).tot == date(2027, 1, 2)
    assert lees_terugkeer("Afwezig tot en met 20 maart.", date(2026, 3, 20)).tot == date(2026, 3, 20)


@pytest.mark.parametrize("tekst", [
    "Ik ben afwezig. Uw mail wordt niet doorgestuurd.",
    "Bel bij spoed 010-1234567 of mail naar wi.vervanger@test.local.",
    "Ik was tot en met 2 maart 2026 afwezig.",  # already over
    "Ik ben terug op 10 maart 2026.",  # back today: nothing to record
    "I will be back on March 3rd.",  # a message left on after the return: not a year's absence
    "Wij behandelen uw vraag binnen 2 weken.",
    "tot en met 31 februari",  # no such day
])
def test_no_return_date_is_proposed_where_none_is_stated_or_it_has_passed(tekst):
    assert lees_terugkeer(tekst, ONTVANGEN) is None


def test_the_first_stated_return_date_counts():
    tekst = "Ik ben afwezig tot en met 20 maart. Vanaf 6 april ben ik op vakantie tot en met 17 april."
    assert lees_terugkeer(tekst, ONTVANGEN).tot == date(2026, 3, 20)
