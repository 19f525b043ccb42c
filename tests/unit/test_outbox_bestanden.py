"""The development outbox keeps every send: a double send of one mail is two files, never one overwritten.

Guards against file names that two sends of the same mail within one second share (a name of second, id and
kind): the second send replaced the first and hid exactly the double send the process tests look for."""
import email
from email import policy

from notifications.backends import OutboxBackend
from notifications.models import UitgaandeMail


def _mail(id_: int = 7) -> UitgaandeMail:
    return UitgaandeMail(id=id_, soort="vraag", aan="wi.smit@test.local", onderwerp="Knip K-2026-0001",
                         tekst="Goedemorgen,\n\nDit is de vraag.\n", html="<p>Dit is de vraag.</p>",
                         message_id="<k-2026-0001.1@knipkaart.test>")


def test_the_same_mail_sent_twice_at_once_leaves_two_files(tmp_path):
    backend = OutboxBackend(str(tmp_path), "Knipkaart <knipkaart@test.local>")
    namen = [backend.verstuur(_mail()) for _ in range(5)]
    bestanden = sorted(tmp_path.glob("*.eml"))
    assert len(set(namen)) == 5 and len(bestanden) == 5
    assert all(b.name.split("-")[1] == "000007" for b in bestanden)  # the id stays where the process tests read it
    for b in bestanden:
        assert email.message_from_bytes(b.read_bytes(), policy=policy.default)["Subject"] == "Knip K-2026-0001"
    assert not list(tmp_path.glob("*.tmp"))
