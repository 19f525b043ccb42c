"""The demo moved 20 werkdagen ahead, tick by tick, as the scheduler would: one ladder, and the mail budget.

Moving the demo two weeks ahead once wrote 112 mails (31 to one team manager, 30 to the maatwerkfunctionaris);
one ladder per case brought 20 werkdagen down to 80. The mail budget (issue 13) holds:
- per step (one case, one moment) at most one mail per recipient, a step held for an overview included;
- no running oplostermijn ends before its reactietermijn; a case is told "uitgeput" at most once;
- people above the contactpersoon on a ladder get no mail per case for a deadline step, but one daily
  overview (08:30, werkdagen, only when something was held); so does a team member who chose it;
- every step held before an overview is in that overview.
The figures (per case, per recipient, per kind) are printed for docs/performance.md.
"""
from collections import Counter
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from notifications.models import Overzichtsmelding, UitgaandeMail
from notifications.uitgaand import STAPMELDINGEN_DIENST, STAPMELDINGEN_TEAM, boven_de_contactpersoon
from workflows.kalender import amsterdam
from workflows.models import Gebruiker, MailVoorkeur, Zaak


def test_twenty_werkdagen_ahead_each_recipient_gets_at_most_one_mail_per_step_and_one_overview_a_day(app, db_session):
    from app.bewaking import sweep
    from app.demo import vul_demo
    from app.links import link_url
    from app.mail import instellingen
    from notifications.dagoverzicht import dagoverzichten
    from workflows.overgangen import OPEN_BIJ_DIENST
    from workflows.zaken import kalender

    begin = datetime(2026, 11, 30, 7, 0, tzinfo=timezone.utc)  # a Monday morning
    vul_demo(db_session, now=begin)
    db_session.commit()
    voor = db_session.execute(select(func.max(UitgaandeMail.id))).scalar() or 0
    kal = kalender(db_session)
    eind = datetime.combine(kal.plus_werkdagen(begin.date(), 20), datetime.min.time(), tzinfo=timezone.utc)
    moment, ticks, scheef, overzichtstikken = begin, 0, [], []
    while moment <= eind + timedelta(hours=18):
        sweep(moment)
        if amsterdam(moment).strftime("%H:%M") == "08:30":  # the scheduler's cron for the daily overview
            dagoverzichten(db_session, moment, instellingen(), kal, link_url)
            db_session.commit()
            overzichtstikken.append(moment)
        ticks += 1
        scheef += db_session.execute(select(Zaak.nummer).where(
            Zaak.status.in_(OPEN_BIJ_DIENST), Zaak.ontvangen_op.is_(None),
            Zaak.oplos_deadline < Zaak.reactie_deadline)).scalars().all()
        moment += timedelta(minutes=30)

    mails = db_session.execute(select(UitgaandeMail).where(UitgaandeMail.id > voor)).scalars().all()
    gehouden = db_session.execute(select(Overzichtsmelding)).scalars().all()
    nummers = dict(db_session.execute(select(Zaak.id, Zaak.nummer)).all())
    zaakmails = [m for m in mails if m.zaak_id is not None]
    overzichten = [m for m in mails if m.soort.startswith("dagoverzicht")]
    print(f"\n{ticks} ticks over 20 werkdagen: {len(mails)} mails ({len(zaakmails)} over "
          f"{len({m.zaak_id for m in zaakmails})} zaken, {len(overzichten)} dagoverzichten); "
          f"{len(gehouden)} stappen in een dagoverzicht in plaats van een eigen mail")
    print("per zaak:", sorted(Counter(nummers[m.zaak_id] for m in zaakmails).items()))
    print("per ontvanger:", Counter(m.aan for m in mails).most_common())
    print("per soort:", Counter(m.soort for m in mails).most_common())
    print("gehouden per ontvanger:", Counter(m.aan for m in gehouden).most_common())
    print("gehouden per zaak:", sorted(Counter(nummers[m.zaak_id] for m in gehouden).items()))
    print("gehouden per soort:", Counter(m.soort for m in gehouden).most_common())

    assert zaakmails and overzichten, "the demo has open cases whose deadlines pass in 20 werkdagen"
    # One mail per recipient per step, a held step counting as one.
    per_stap = Counter([(m.zaak_id, m.aangemaakt_op, m.aan.lower()) for m in zaakmails]
                       + [(m.zaak_id, m.op, m.aan) for m in gehouden])
    assert max(per_stap.values()) == 1, [k for k, n in per_stap.items() if n > 1][:5]
    assert not scheef, f"oplostermijn before reactietermijn: {sorted(set(scheef))[:5]}"
    uitgeput = Counter((m.zaak_id, m.aan) for m in zaakmails if m.soort == "team_uitgeput")
    assert max(uitgeput.values(), default=0) <= 1, uitgeput
    # Above the contactpersoon, and for a team member who chose it, deadline steps only come in the overview.
    for m in zaakmails:
        if m.soort in STAPMELDINGEN_DIENST:
            assert not boven_de_contactpersoon(db_session, m.zaak, m.aan), (m.soort, m.aan, nummers[m.zaak_id])
    dagelijks = set(db_session.execute(select(Gebruiker.email).where(
        Gebruiker.mail_voorkeur == MailVoorkeur.DAGELIJKS)).scalars())
    assert dagelijks, "the demo has a team member who chose the daily overview"
    assert not [m for m in zaakmails if m.soort in STAPMELDINGEN_TEAM and m.aan in dagelijks]
    assert {m.aan for m in overzichten if m.soort == "dagoverzicht_team"} <= dagelijks
    # One overview per recipient per day, on a werkdag at 08:30, and every step held before it is in it.
    per_dag = Counter((m.aan, amsterdam(m.aangemaakt_op).date()) for m in overzichten)
    assert max(per_dag.values()) == 1
    assert all(amsterdam(m.aangemaakt_op).strftime("%H:%M") == "08:30" and kal.is_werkdag(
        amsterdam(m.aangemaakt_op).date()) for m in overzichten)
    laatste = max(overzichtstikken)
    assert all(m.overzicht_id is not None for m in gehouden if m.op < laatste)
    assert all(m.overzicht.aan == m.aan and m.overzicht.aangemaakt_op > m.op for m in gehouden if m.overzicht_id)
    # The maatwerkfunctionaris, 30 mails in two weeks before the budget, now reads one overview a day at most.
    mwf = Counter(amsterdam(m.aangemaakt_op).date() for m in mails if m.aan == "maatwerkfunctionaris@demo.local")
    assert max(mwf.values(), default=0) <= 1
