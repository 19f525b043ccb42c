"""The demo moved 20 werkdagen ahead, tick by tick, as the scheduler would: one ladder, few mails (issue 11).

Before one ladder per case, moving the demo two weeks ahead wrote 112 mails, with four "uitgeput"
mails to one team for one case. This test prints the figures and holds the rules:
- per step (one case, one moment) at most one mail per recipient;
- no running oplostermijn ends before its reactietermijn;
- a case is told "uitgeput" at most once.
"""
from collections import Counter
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from notifications.models import UitgaandeMail
from workflows.models import Zaak


def test_twenty_werkdagen_ahead_each_recipient_gets_at_most_one_mail_per_step(app, db_session):
    from app.bewaking import sweep
    from app.demo import vul_demo
    from workflows.overgangen import OPEN_BIJ_DIENST
    from workflows.zaken import kalender

    begin = datetime(2026, 11, 30, 7, 0, tzinfo=timezone.utc)  # a Monday morning
    vul_demo(db_session, now=begin)
    db_session.commit()
    voor = db_session.execute(select(func.max(UitgaandeMail.id))).scalar() or 0
    kal = kalender(db_session)
    eind = datetime.combine(kal.plus_werkdagen(begin.date(), 20), datetime.min.time(), tzinfo=timezone.utc)
    moment, ticks, scheef = begin, 0, []
    while moment <= eind + timedelta(hours=18):
        sweep(moment)
        ticks += 1
        scheef += db_session.execute(select(Zaak.nummer).where(
            Zaak.status.in_(OPEN_BIJ_DIENST), Zaak.ontvangen_op.is_(None),
            Zaak.oplos_deadline < Zaak.reactie_deadline)).scalars().all()
        moment += timedelta(minutes=30)
    mails = db_session.execute(select(UitgaandeMail).where(UitgaandeMail.id > voor)).scalars().all()
    per_stap = Counter((m.zaak_id, m.aangemaakt_op, m.aan.lower()) for m in mails)
    per_zaak = Counter(m.zaak_id for m in mails)
    per_ontvanger = Counter(m.aan for m in mails)
    uitgeput = Counter((m.zaak_id, m.aan) for m in mails if m.soort == "team_uitgeput")
    print(f"\n{ticks} ticks over 20 werkdagen: {len(mails)} mails over {len(per_zaak)} zaken; "
          f"per zaak hoogstens {max(per_zaak.values(), default=0)}, gemiddeld "
          f"{len(mails) / max(len(per_zaak), 1):.1f}; per ontvanger: {per_ontvanger.most_common(5)}; "
          f"soorten: {Counter(m.soort for m in mails).most_common()}")
    assert mails, "the demo has open cases whose deadlines pass in 20 werkdagen"
    assert max(per_stap.values()) == 1, [k for k, n in per_stap.items() if n > 1][:5]
    assert not scheef, f"oplostermijn before reactietermijn: {sorted(set(scheef))[:5]}"
    assert max(uitgeput.values(), default=0) <= 1, uitgeput
