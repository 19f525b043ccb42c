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
