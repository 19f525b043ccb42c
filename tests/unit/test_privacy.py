"""No BSN in free text: the eleven-test, as people type numbers."""
from workflows.privacy import is_bsn, vind_bsn


def test_a_number_passing_the_eleven_test_is_a_bsn():
    assert is_bsn("111222333")
    assert is_bsn("123456782")


def test_a_nine_digit_number_failing_the_eleven_test_is_not_a_bsn():
    assert not is_bsn("123456789")
    assert not is_bsn("000000000")


def test_a_bsn_is_found_inside_text_also_with_dots_or_spaces():
    assert vind_bsn("client met bsn 111222333 woont hier") == "111222333"
    assert vind_bsn("BSN: 111.222.333") == "111.222.333"
    assert vind_bsn("nummer 1234 56 782 genoemd") == "1234 56 782"


def test_longer_digit_runs_and_other_numbers_are_not_taken_for_a_bsn():
    assert vind_bsn("dossier 1112223334 en iban NL91ABNA0417164300") is None
    assert vind_bsn("FEY-2026-014, huur 123456789 cent") is None
    assert vind_bsn("") is None
    assert vind_bsn(None) is None


# Issue 12.7: a BSN typed with other separators passed every free-text field, the API and messages.
BSN = "111222333"


def test_a_bsn_is_found_with_any_separator_people_type_or_paste():
    for scheiding in ("-", "/", "_", "\u00a0", "\u202f", "\u2009", "\u2007", "\u2013", "\u2010", "\u2212",
                      ",", "\\", " - ", " / ", "  ", "\t"):
        tekst = f"inwoner {scheiding.join(('111', '222', '333'))} belt"
        assert vind_bsn(tekst), repr(scheiding)
    assert vind_bsn("BSN 1112-22-333") and vind_bsn("BSN 1112/22/333")


def test_invisible_characters_do_not_hide_a_bsn():
    for onzichtbaar in ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"):
        assert vind_bsn(f"nummer 111{onzichtbaar}222{onzichtbaar}333"), repr(onzichtbaar)
        assert vind_bsn(f"nummer 1{onzichtbaar}11222333"), repr(onzichtbaar)  # anywhere, not only between groups
    assert vind_bsn("nummer 111\u00a0222\u200b333")


def test_digits_from_other_scripts_are_read_as_digits():
    assert vind_bsn("nummer \uff11\uff11\uff11\uff12\uff12\uff12\uff13\uff13\uff13")  # full-width, as phones type


def test_other_separators_do_not_make_a_bsn_of_other_numbers():
    assert vind_bsn("dossier FEY-2026-00014") is None  # 4 and 5 digits: not a BSN's grouping
    assert vind_bsn("bel 06-1112-22333") is None
    assert vind_bsn("datum 10-03-2026, zaak FEY-2026-014") is None
    assert vind_bsn("111-222-334") is None  # fails the eleven-test
    assert vind_bsn("1111-222-333") is None  # ten digits


# ---------------------------------------------------------------- anonymised excerpts: the names of many people

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from workflows.privacy import anonimiseer  # noqa: E402

_LETTERS = st.sampled_from(list("aAbBsSıiİſkK[]… -.") + ["Vos", "vos", "Sanne", "Jan"])
_WOORD = st.lists(_LETTERS, min_size=1, max_size=6).map("".join)


@settings(max_examples=400, deadline=None)
@given(tekst=st.lists(_LETTERS, max_size=30).map("".join), ref=_WOORD, personen=st.lists(_WOORD, max_size=8))
def test_the_names_of_people_given_once_for_many_texts_are_taken_out_as_if_given_with_each(tekst, ref, personen):
    """A report anonymises many excerpts against the same names of users and contact persons; given as
    `personen`, they are looked for once per text with one pattern, and the excerpt is the same as with every
    name in `weg` (where each is replaced in turn, the longest first)."""
    assert anonimiseer(tekst, [ref], personen=tuple(personen)) == anonimiseer(tekst, [ref, *personen])


def test_a_name_in_an_excerpt_is_taken_out_when_given_as_one_of_the_people():
    personen = ("Sanne Vos", "Vos", "Jan de Boer", "Boer")
    assert anonimiseer("Mevrouw Vos belde; sanne vos zegt nee. Jan de Boer ook.", ["KL-12"],
                       personen=personen) == "Mevrouw […] belde; […] zegt nee. […] ook."
    assert anonimiseer("Geen naam hier, wel KL-12.", ["KL-12"], personen=personen) == "Geen naam hier, wel […]."
