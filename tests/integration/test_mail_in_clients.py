"""Replies as the clients people use write them: only the new text reaches the case (DOMAIN.md "Replies by email").

Each sample follows the layout of a real client: its mobile signature, its attribution line as the client wraps
it, its quoted header block (plain, bold or HTML), its separator. They are POSTed as SendGrid's Inbound Parse
does, and the message stored on the case is compared whole.
"""
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from sqlalchemy import select

from tests.integration.test_mail_in import AUTH, verstuurde_knip  # noqa: F401 (fixture)
from tests.integration.test_mail_in_aanval import sendgrid
from tests.integration.test_mail_uit import t0  # noqa: F401 (fixture)
from workflows.models import Bericht, Zaak


def _gequoot(tekst: str) -> str:
    return "\n".join(("> " + r).rstrip() for r in tekst.splitlines())


def _iphone_nl(adres, orig):
    return ("Prima, ik bel de cliënt morgen.\n\nVerstuurd vanaf mijn iPhone\n\n"
            f"> Op 2 mrt. 2026 om 10:00 heeft Knipkaart <{adres}> het volgende geschreven:\n>\n{_gequoot(orig)}\n")


def _iphone_outlook_nl(adres, orig):
    return ("Prima, ik bel de cliënt morgen.\n\nVerzonden vanaf mijn iPhone\n\n"
            f"Op 2 mrt. 2026 om 10:00 heeft Knipkaart <{adres}> het volgende geschreven:\n\n{_gequoot(orig)}\n")


def _samsung_nl(adres, orig):
    return ("Prima, ik bel de cliënt morgen.\n\n\n\nVerstuurd vanaf mijn Samsung Galaxy-smartphone.\n\n"
            "-------- Oorspronkelijk bericht --------\n"
            f"Van: Knipkaart <{adres}>\nDatum: 02-03-2026 10:00 (GMT+01:00)\nAan: wi@test.local\n"
            f"Onderwerp: Knip KN-2026-0001\n\n{orig}\n")


def _outlook_android_en(adres, orig):
    return ("Prima, ik bel de cliënt morgen.\n\nSent from Outlook for Android<https://aka.ms/AAb9ysg>\n"
            "________________________________\n"
            f"From: Knipkaart <{adres}>\nSent: Monday, March 2, 2026 10:00:00 AM\nTo: Sanne Vos <wi@test.local>\n"
            f"Subject: Knip KN-2026-0001\n\n{orig}\n")


def _outlook_ios_en(adres, orig):
    return ("Prima, ik bel de cliënt morgen.\n\nGet Outlook for iOS<https://aka.ms/o0ukef>\n"
            "________________________________\n"
            f"From: Knipkaart <{adres}>\nSent: Monday, March 2, 2026 10:00:03 AM\nTo: Sanne Vos <wi@test.local>\n"
            f"Subject: Knip KN-2026-0001\n\n{orig}\n")


def _outlook_android_nl(adres, orig):
    return ("Prima, ik bel de cliënt morgen.\n\nOutlook voor Android downloaden<https://aka.ms/AAb9ysg>\n"
            "________________________________\n"
            f"Van: Knipkaart <{adres}>\nVerzonden: maandag, maart 2, 2026 10:00 AM\nAan: Sanne Vos <wi@test.local>\n"
            f"Onderwerp: Knip KN-2026-0001\n\n{orig}\n")


def _gmail_nl_gewikkeld(adres, orig):
    # Gmail wraps the attribution near 80 characters: a long reply address leaves ">:" alone on the next line.
    return (f"Prima, ik bel de cliënt morgen.\n\nOp ma 2 mrt 2026 om 10:00 schreef Knipkaart <{adres}\n>:\n\n"
            f"{_gequoot(orig)}\n")


def _gmail_nl_adres_op_volgende_regel(adres, orig):
    return (f"Prima, ik bel de cliënt morgen.\n\nOp ma 2 mrt 2026 om 10:00 schreef Knipkaart <\n{adres}>:\n\n"
            f"{_gequoot(orig)}\n")


def _gmail_en_gewikkeld(adres, orig):
    return (f"Prima, ik bel de cliënt morgen.\n\nOn Mon, Mar 2, 2026 at 10:00 AM Knipkaart <\n{adres}> wrote:\n\n"
            f"{_gequoot(orig)}\n")


def _outlook_nl(adres, orig):
    return ("Prima, ik bel de cliënt morgen.\n\nMet vriendelijke groet,\n\nSanne Vos\nConsulent Werk & Inkomen\n"
            "T 010 123 45 67\n\n"
            f"Van: Knipkaart <{adres}>\nVerzonden: maandag 2 maart 2026 10:00\nAan: Vos, Sanne <wi@test.local>\n"
            f"Onderwerp: Knip KN-2026-0001\n\n{orig}\n")


def _outlook_nl_vet(adres, orig):
    # Outlook for Mac and some gateways write the header block's labels in bold in the text part.
    return ("Prima, ik bel de cliënt morgen.\n\n"
            f"*Van: *Knipkaart <{adres}>\n*Datum: *maandag, 2 maart 2026 om 10:00\n*Aan: *Sanne Vos <wi@test.local>\n"
            f"*Onderwerp: *Knip KN-2026-0001\n\n{orig}\n")


def _oorspronkelijk_bericht(adres, orig):
    return ("Prima, ik bel de cliënt morgen.\n\n-----Oorspronkelijk bericht-----\n"
            f"Van: Knipkaart [mailto:{adres}]\nVerzonden: dinsdag 10 maart 2026 11:00\nAan: Vos, Sanne\n"
            f"Onderwerp: Knip KN-2026-0001\n\n{orig}\n")


TEKSTEN = [_iphone_nl, _iphone_outlook_nl, _samsung_nl, _outlook_android_en, _outlook_ios_en, _outlook_android_nl,
           _gmail_nl_gewikkeld, _gmail_nl_adres_op_volgende_regel, _gmail_en_gewikkeld, _outlook_nl,
           _outlook_nl_vet, _oorspronkelijk_bericht]


def _outlook_html(adres, orig):
    """Outlook for Windows, HTML only: Word's paragraphs, the header block in bold above a top border."""
    return f"""<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style><!-- p.MsoNormal {{margin:0cm;}} --></style>
</head><body lang="NL" link="#0563C1" vlink="#954F72" style="word-wrap:break-word"><div class="WordSection1">
<p class="MsoNormal">Prima, ik bel de cliënt
morgen.<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<div><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">
<p class="MsoNormal"><b><span lang="NL">Van:</span></b><span lang="NL"> Knipkaart &lt;{adres}&gt;
<br>
<b>Verzonden:</b> maandag 2 maart 2026 10:00<br>
<b>Aan:</b> Vos, Sanne &lt;wi@test.local&gt;<br>
<b>Onderwerp:</b> Knip KN-2026-0001<o:p></o:p></span></p>
</div></div>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">{orig.splitlines()[0]}<o:p></o:p></p>
</div></body></html>"""


def _outlook_web_html(adres, orig):
    """Outlook on the web / new Outlook: the quoted header in div#divRplyFwdMsg below a rule."""
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>
<div class="elementToProof" style="font-family: Aptos, Calibri, Helvetica, sans-serif; font-size: 12pt;">
Prima, ik bel de cliënt morgen.</div>
<div id="appendonsend"></div>
<hr style="display:inline-block;width:98%" tabindex="-1">
<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000">
<b>Van:</b> Knipkaart &lt;{adres}&gt;<br><b>Verzonden:</b> maandag 2 maart 2026 10:00<br>
<b>Aan:</b> Sanne Vos &lt;wi@test.local&gt;<br><b>Onderwerp:</b> Knip KN-2026-0001</font>
<div>&nbsp;</div></div>
<div>{orig.splitlines()[0]}</div>
</body></html>"""


def _gmail_html(adres, orig):
    """Gmail, HTML only: the attribution in div.gmail_attr, the history in blockquote.gmail_quote."""
    return (f'<div dir="ltr">Prima, ik bel de cliënt morgen.</div><br><div class="gmail_quote gmail_quote_container">'
            f'<div dir="ltr" class="gmail_attr">Op ma 2 mrt 2026 om 10:00 schreef Knipkaart &lt;<a href="mailto:'
            f'{adres}">{adres}</a>&gt;:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;'
            f'border-left:1px solid rgb(204,204,204);padding-left:1ex">{orig.splitlines()[0]}<br>'
            f'{orig.splitlines()[1]}</blockquote></div>')


def _apple_html(adres, orig):
    """Apple Mail (macOS, iOS), HTML only: the history in blockquote type=cite after a Dutch attribution."""
    return (f'<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
            f'<body dir="auto"><div dir="ltr">Prima, ik bel de cliënt morgen.</div><div dir="ltr"><br></div>'
            f'<div dir="ltr">Verstuurd vanaf mijn iPhone</div><div dir="ltr"><br><blockquote type="cite">Op 2 mrt. '
            f'2026 om 10:00 heeft Knipkaart &lt;{adres}&gt; het volgende geschreven:<br><br></blockquote></div>'
            f'<blockquote type="cite"><div dir="ltr">{orig.splitlines()[0]}</div></blockquote></body></html>')


HTML = [_outlook_html, _outlook_web_html, _gmail_html, _apple_html]


def _antwoord(origineel, inhoud: str, subtype: str = "plain") -> bytes:
    msg = EmailMessage()
    msg["From"] = "Sanne Vos <wi@test.local>"
    msg["To"] = origineel["Reply-To"]
    msg["Subject"] = "RE: " + origineel["Subject"]
    msg["Message-ID"] = make_msgid(domain="client.test")
    msg["In-Reply-To"] = origineel["Message-ID"]
    msg.set_content(inhoud, subtype=subtype)
    return bytes(msg)


def _opgeslagen(client, db_session, verstuurde_knip, inhoud: str, subtype: str = "plain") -> str:
    zaak, origineel = verstuurde_knip
    r = sendgrid(client, _antwoord(origineel, inhoud, subtype))
    assert r.status_code == 200 and r.get_json()["status"] == "toegepast", r.get_data(as_text=True)
    return db_session.execute(select(Bericht.tekst).where(Bericht.zaak_id == zaak.id)).scalar_one()


@pytest.mark.parametrize("client_layout", TEKSTEN, ids=lambda f: f.__name__.strip("_"))
def test_a_reply_keeps_only_the_new_text_whatever_the_client(client, db_session, verstuurde_knip, client_layout):
    zaak, origineel = verstuurde_knip
    orig = origineel.get_body(("plain",)).get_content()
    tekst = _opgeslagen(client, db_session, verstuurde_knip, client_layout(origineel["Reply-To"], orig))
    assert tekst == "Prima, ik bel de cliënt morgen."


@pytest.mark.parametrize("client_layout", HTML, ids=lambda f: f.__name__.strip("_"))
def test_an_html_only_reply_keeps_only_the_new_text(client, db_session, verstuurde_knip, client_layout):
    zaak, origineel = verstuurde_knip
    orig = origineel.get_body(("plain",)).get_content()
    tekst = _opgeslagen(client, db_session, verstuurde_knip, client_layout(origineel["Reply-To"], orig), "html")
    assert tekst == "Prima, ik bel de cliënt morgen."


def test_a_keyword_above_a_wrapped_gmail_attribution_keeps_the_reason_and_nothing_of_the_quote(
        client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    orig = origineel.get_body(("plain",)).get_content()
    r = sendgrid(client, _antwoord(origineel, "UITGEVOERD\nDe uitkering gaat vandaag in.\n\n"
                                   + _gmail_nl_gewikkeld(origineel["Reply-To"], orig).split("\n\n", 1)[1]))
    assert r.get_json()["status"] == "toegepast"
    db_session.expire_all()
    laatste = db_session.get(Zaak, zaak.id).gebeurtenissen[-1]
    assert (laatste.actie, laatste.toelichting) == ("uitgevoerd", "De uitkering gaat vandaag in.")


def test_lines_of_the_message_itself_stay_as_written(client, db_session, verstuurde_knip):
    zaak, origineel = verstuurde_knip
    tekst = ("Twee dingen:\n1. de cliënt belt morgen;\n2. de verhuurder wacht tot vrijdag.\n\n"
             "Op dinsdag ben ik er niet, dan kan Ahmed helpen.")
    assert _opgeslagen(client, db_session, verstuurde_knip, tekst) == tekst


def test_an_html_reply_keeps_its_lines_and_lists(client, db_session, verstuurde_knip):
    html = ("<div>Twee dingen:</div><ul><li>de cliënt belt morgen;</li><li>de verhuurder wacht tot vrijdag."
            "</li></ul><p>Groet,<br>Sanne</p>")
    assert _opgeslagen(client, db_session, verstuurde_knip, html, "html") == (
        "Twee dingen:\n- de cliënt belt morgen;\n- de verhuurder wacht tot vrijdag.\nGroet,\nSanne")
