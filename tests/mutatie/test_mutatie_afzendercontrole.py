"""The sender check of inbound mail, rule by rule (notifications/inkomend.py, "the sender's authentication").

Written against the mutants mutmut left alive (docs/testing.md, "Mutation testing"): each test names in its
docstring the change to the code it fails on. The end-to-end attacks (a forged From, a look-alike domain,
trace headers above our Received line) are in tests/integration/test_mail_in_aanval.py; these read the
verdicts as plain values, so a mutant is seen in milliseconds.
"""
import pytest

from notifications.inkomend import (
    BinnenkomendBericht,
    _adres_token,
    _domein,
    _verdicten_uit_kopregels,
    _zonder_commentaar,
    geauthenticeerd,
    lees_dkim,
    lees_spf,
    uitgelijnd,
)
from notifications.uitgaand import MailInstellingen


def _bericht(afzender="sanne@werk.gemeente.nl", **kw) -> BinnenkomendBericht:
    return BinnenkomendBericht(message_id="<m@x>", afzender=afzender, aan=[], onderwerp="", tekst="", **kw)


# ---------------------------------------------------------------- reading the verdicts


@pytest.mark.parametrize("waarde,uitslag", [
    ("pass", "pass"),
    ("Pass (mx.gemeente.nl: domain of a@b.nl designates 1.2.3.4 as permitted sender)", "pass"),
    ("  SoftFail; client-ip=1.2.3.4", "softfail"),
    ("fail:", "fail"),
    ("neutral.", "neutral"),
    ("none", "none"),
    ("temperror", "temperror"),
    ("permerror,", "permerror"),
    ("passed", ""),
    ("bogus pass", ""),
    ("", ""),
    (None, ""),
    ("   ", ""),
])
def test_an_spf_verdict_is_its_first_word_in_lower_case_and_only_a_known_one(waarde, uitslag):
    """Fails when lees_spf reads another word than the first, stops lowering or stripping its punctuation,
    accepts an unknown word, or breaks on None or an empty value."""
    assert lees_spf(waarde) == uitslag


def test_sendgrids_dkim_field_gives_each_signing_domain_and_its_verdict():
    """Fails when lees_dkim stops lowering the domain or the verdict, keeps a trailing dot, or breaks on None."""
    assert lees_dkim("{@Example.NL. : PASS, @mailer.test : fail}") == [("example.nl", "pass"), ("mailer.test", "fail")]
    assert lees_dkim("{@a.nl:pass}") == [("a.nl", "pass")]
    assert lees_dkim(None) == [] and lees_dkim("") == []


def test_comments_in_a_trace_header_are_removed_even_nested():
    """Fails when _zonder_commentaar stops after one pass (a nested comment's outer half stays) or replaces a
    comment by nothing (the words around it run together)."""
    assert _zonder_commentaar("pass (a (b) c) smtp.mailfrom=x@y.nl").split() == ["pass", "smtp.mailfrom=x@y.nl"]
    assert _zonder_commentaar("a(b)c") == "a c"
    assert _zonder_commentaar("geen commentaar") == "geen commentaar"


def _verdicten(koppen):
    b = _bericht()
    _verdicten_uit_kopregels(b, koppen)
    return b.spf, b.envelop_van, b.dkim


def test_authentication_results_above_our_received_line_give_spf_and_dkim():
    """Fails when _verdicten_uit_kopregels stops reading dkim= or spf= results, header.d or header.i, the
    smtp.mailfrom, skips the result after the authserv-id, or stops lowering the domain, verdict or address."""
    koppen = [
        ("Authentication-Results", "mx.gemeente.nl; dkim=PASS (2048-bit key) header.d=Werk.Gemeente.NL. "
                                   "header.s=s1; spf=Pass smtp.mailfrom=Bounce@Werk.Gemeente.nl"),
        ("Received", "from mail.werk.gemeente.nl by mx.gemeente.nl"),
    ]
    assert _verdicten(koppen) == ("pass", "bounce@werk.gemeente.nl", [("werk.gemeente.nl", "pass")])


def test_dkim_by_header_i_when_there_is_no_header_d():
    """Fails when the header.i fallback (the domain after the @) is removed or reads the wrong part."""
    koppen = [("Authentication-Results", "mx.gemeente.nl; dkim=fail header.i=@Mailer.test")]
    assert _verdicten(koppen) == ("", "", [("mailer.test", "fail")])
    koppen = [("Authentication-Results", "mx.gemeente.nl; dkim=pass header.i=sanne@werk.gemeente.nl")]
    assert _verdicten(koppen)[2] == [("werk.gemeente.nl", "pass")]


def test_a_dkim_result_without_a_domain_counts_for_nothing():
    """Fails when a dkim= result without header.d or header.i is recorded anyway."""
    assert _verdicten([("Authentication-Results", "mx; dkim=pass header.s=s1")]) == ("", "", [])


def test_the_authserv_id_is_not_a_result():
    """Fails when the first part of Authentication-Results (the authserv-id) is read as a result."""
    assert _verdicten([("Authentication-Results", "spf=pass smtp.mailfrom=a@b.nl")]) == ("", "", [])


def test_received_spf_gives_the_verdict_and_the_envelope_from():
    """Fails when Received-SPF is not read, its envelope-from is missed (quoted, in angle brackets, any case),
    or its comment is believed."""
    koppen = [("Received-SPF", 'Fail (mx.gemeente.nl: pass for nobody) receiver=mx; '
                               'Envelope-From="<Bounce@Mailer.test>"; client-ip=1.2.3.4')]
    assert _verdicten(koppen) == ("fail", "bounce@mailer.test", [])


def test_trace_headers_below_the_first_received_line_are_the_senders_own_and_ignored():
    """Fails when the scan does not stop at the first Received line (a sender's own Authentication-Results
    or Received-SPF believed), or the header names are compared case-sensitively."""
    koppen = [
        ("received", "from mail.mailer.test by mx.gemeente.nl"),
        ("Authentication-Results", "mx.gemeente.nl; dkim=pass header.d=werk.gemeente.nl; spf=pass "
                                   "smtp.mailfrom=a@werk.gemeente.nl"),
        ("Received-SPF", "pass envelope-from=a@werk.gemeente.nl"),
    ]
    assert _verdicten(koppen) == ("", "", [])
    assert _verdicten([("RECEIVED-SPF", "softfail envelope-from=a@b.nl")]) == ("softfail", "a@b.nl", [])


def test_the_first_spf_verdict_and_envelope_from_win_and_every_dkim_result_counts():
    """Fails when a later SPF verdict or envelope-from overwrites the first (the nearest to our side), or only
    one DKIM result is kept."""
    koppen = [
        ("Received-SPF", "softfail envelope-from=eerst@a.nl"),
        ("Authentication-Results", "mx; spf=pass smtp.mailfrom=later@b.nl; dkim=pass header.d=a.nl; "
                                   "dkim=fail header.d=b.nl"),
        ("Received-SPF", "pass envelope-from=derde@c.nl"),
    ]
    assert _verdicten(koppen) == ("softfail", "eerst@a.nl", [("a.nl", "pass"), ("b.nl", "fail")])
    koppen = [("Authentication-Results", "mx; spf=neutral; spf=pass smtp.mailfrom=x@y.nl")]
    assert _verdicten(koppen)[:2] == ("neutral", "x@y.nl")


def test_folded_header_values_are_read_as_one_line():
    """Fails when the whitespace of a folded header (newlines, tabs) is not made single spaces before reading."""
    koppen = [("Authentication-Results", "mx.gemeente.nl;\r\n\tdkim=pass\r\n\theader.d=werk.gemeente.nl")]
    assert _verdicten(koppen)[2] == [("werk.gemeente.nl", "pass")]


# ---------------------------------------------------------------- alignment


@pytest.mark.parametrize("adres,domein", [
    ("Sanne@Werk.Gemeente.NL", "werk.gemeente.nl"),
    ("a@b@c.nl", "c.nl"),
    ("a@c.nl. ", "c.nl"),
    ("info@Belasting.TAX", "belasting.tax"),
    ("geen-domein", "geen-domein"),
    ("", ""),
    (None, ""),
])
def test_the_domain_of_an_address_is_after_the_last_at_in_lower_case(adres, domein):
    """Fails when _domein takes the part before the last @, stops lowering or stripping dots and spaces,
    strips other characters than dots (an upper-case X of .TAX before lowering), or breaks on None."""
    assert _domein(adres) == domein


@pytest.mark.parametrize("a,b,uit", [
    ("werk.gemeente.nl", "werk.gemeente.nl", True),
    ("WERK.gemeente.nl.", "werk.GEMEENTE.nl", True),
    ("werk.gemeente.nl", "Werk.Gemeente.NL.", True),
    ("gemeente.nl", "bz.gemeente.nl", True),
    ("bz.gemeente.nl", "gemeente.nl", True),
    ("gemeente.nl", "werk.gemeente.nl", True),
    ("werk.gemeente.nl", "gemeente.nl", True),
    ("a.gemeente.nl", "b.gemeente.nl", False),
    ("nl", "gemeente.nl", False),
    ("gemeente.nl", "nl", False),
    ("evilgemeente.nl", "gemeente.nl", False),
    ("gemeente.nl", "evilgemeente.nl", False),
    ("gemeente.nl.evil.test", "gemeente.nl", False),
    ("", "gemeente.nl", False),
    ("gemeente.nl", "", False),
    ("", "", False),
])
def test_alignment_is_the_same_domain_or_a_subdomain_never_a_top_level_domain(a, b, uit):
    """Fails when uitgelijnd drops the empty-domain guard, the case or trailing-dot normalisation of either
    domain, the subdomain rule's dot (a look-alike aligns), the no-top-level-domain rule, works one way only,
    or orders the two domains other than by length (bz.gemeente.nl sorts before gemeente.nl)."""
    assert uitgelijnd(a, b) is uit


def test_a_sender_vouched_for_by_hand_is_authenticated():
    """Fails when geauthenticeerd ignores geverifieerd_door."""
    assert geauthenticeerd(_bericht(geverifieerd_door="beheerder"))
    assert not geauthenticeerd(_bericht())


@pytest.mark.parametrize("dkim,uit", [
    ([("werk.gemeente.nl", "pass")], True),
    ([("gemeente.nl", "pass")], True),
    ([("mailer.test", "fail"), ("werk.gemeente.nl", "pass")], True),
    ([("werk.gemeente.nl", "fail")], False),
    ([("werk.gemeente.nl", "PASS")], False),
    ([("mailer.test", "pass")], False),
    ([], False),
])
def test_a_passing_aligned_dkim_signature_authenticates(dkim, uit):
    """Fails when geauthenticeerd accepts a signature that did not pass, one of another domain, or needs every
    signature to pass instead of one."""
    assert geauthenticeerd(_bericht(dkim=dkim)) is uit


@pytest.mark.parametrize("spf,envelop,uit", [
    ("pass", "bounce@werk.gemeente.nl", True),
    ("pass", "bounce@mail.werk.gemeente.nl", True),
    ("pass", "bounce@mailer.test", False),
    ("softfail", "bounce@werk.gemeente.nl", False),
    ("neutral", "bounce@werk.gemeente.nl", False),
    ("pass", "", False),
    ("", "bounce@werk.gemeente.nl", False),
])
def test_a_passing_spf_result_authenticates_only_for_an_aligned_envelope_from(spf, envelop, uit):
    """Fails when geauthenticeerd accepts SPF without a pass, for an envelope-from of another domain, or
    compares the envelope-from's domain with itself instead of with the From domain."""
    assert geauthenticeerd(_bericht(spf=spf, envelop_van=envelop, dkim=[("mailer.test", "fail")])) is uit


# ---------------------------------------------------------------- the reply address


INST = MailInstellingen(inbound_domain="reply.knipkaart.nl")


def test_the_token_is_read_from_our_reply_address_only():
    """Fails when _adres_token accepts another local part or domain, a token of the wrong length or alphabet,
    text around the address, stops stripping spaces or lowering the token, or stops at the first address."""
    token = "0123456789abcdef0123"
    lokaal = INST.inbound_localpart
    assert _adres_token([f"{lokaal}+{token}@reply.knipkaart.nl"], INST) == token
    assert _adres_token([f" {lokaal.upper()}+{token.upper()}@REPLY.knipkaart.nl "], INST) == token
    assert _adres_token(["team@gemeente.nl", f"{lokaal}+{token}@reply.knipkaart.nl"], INST) == token
    for fout in [f"x{lokaal}+{token}@reply.knipkaart.nl", f"{lokaal}+{token}@reply.knipkaart.nl.evil.test",
                 f"{lokaal}+{token}0@reply.knipkaart.nl", f"{lokaal}+{token[:-1]}@reply.knipkaart.nl",
                 f"{lokaal}+{token[:-1]}g@reply.knipkaart.nl", f"{lokaal}-{token}@reply.knipkaart.nl",
                 f"{lokaal}+{token}@replyXknipkaart.nl"]:
        assert _adres_token([fout], INST) is None, fout
    assert _adres_token([], INST) is None


def test_a_received_spf_without_envelope_from_gives_no_envelope_and_an_unknown_method_is_skipped():
    """Fails when a Received-SPF without envelope-from is read as an envelope anyway (mutmut: `if m or True`,
    or a default "XXXX"), or when a result of another method (arc=, dmarc=) stops the reading of the dkim=
    and spf= results after it (mutmut: `break` for `continue`)."""
    koppen = [("Received-SPF", "Pass (mx.gemeente.nl: domain of werk.gemeente.nl designates 10.0.0.1 as permitted)"),
              ("Received", "from mail.werk.gemeente.nl by mx.gemeente.nl")]
    assert _verdicten(koppen) == ("pass", "", [])
    koppen = [("Authentication-Results", "mx.gemeente.nl; arc=none; dmarc=pass header.from=werk.gemeente.nl; "
                                         "dkim=pass header.d=werk.gemeente.nl; spf=pass smtp.mailfrom=b@werk.gemeente.nl"),
              ("Received", "from mail.werk.gemeente.nl by mx.gemeente.nl")]
    assert _verdicten(koppen) == ("pass", "b@werk.gemeente.nl", [("werk.gemeente.nl", "pass")])
