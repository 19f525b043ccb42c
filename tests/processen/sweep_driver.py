"""A scheduler process for the tests: sweeps and dispatches over simulated time, printing progress.

Usage: python tests/processen/sweep_driver.py START END STAP_MINUTEN UITGANG [--pauzeer-na N --vrijgave PAD]
(DATABASE_URL in the environment). Times are "YYYY-MM-DD HH:MM" in Europe/Amsterdam. UITGANG is an outbox
directory, or smtp://HOST:PORT to hand every mail to a real SMTP server (which counts what arrives).

Per tick it prints `tik MOMENT leider=BOOL stappen=N begin=T eind=T`, with the wall-clock seconds (time.time())
between which it held the sweep's lock (app/bewaking.Sweeprapport), so that a test can see whether two
processes ever swept at the same time.
With --pauzeer-na N the process stops inside its sweep after N cases (holding the lock), prints `gepauzeerd`,
and goes on once the file PAD exists.
"""
import argparse
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo


def _backend(uitgang: str):
    from notifications.backends import OutboxBackend, SmtpBackend

    if uitgang.startswith("smtp://"):
        host, _, poort = uitgang.removeprefix("smtp://").partition(":")
        return SmtpBackend(host, int(poort), "knipkaart@test.local", timeout=30)
    return OutboxBackend(uitgang, "knipkaart@test.local")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("start")
    p.add_argument("eind")
    p.add_argument("stap", type=int)
    p.add_argument("uitgang")
    p.add_argument("--pauzeer-na", type=int, default=0)
    p.add_argument("--vrijgave", type=Path)
    a = p.parse_args()
    tz = ZoneInfo("Europe/Amsterdam")
    moment = datetime.strptime(a.start, "%Y-%m-%d %H:%M").replace(tzinfo=tz)
    einde = datetime.strptime(a.eind, "%Y-%m-%d %H:%M").replace(tzinfo=tz)

    from app import create_app
    from app.bewaking import sweep
    from app.extensions import db
    from notifications.verzender import verstuur_wachtrij

    app = create_app({"OUTBOX_DIR": a.uitgang if not a.uitgang.startswith("smtp://") else tempfile.mkdtemp()})
    backend = _backend(a.uitgang)
    gedaan = 0

    def na_zaak(zaak_id: int) -> None:
        nonlocal gedaan
        print(f"zaak {zaak_id}", flush=True)
        gedaan += 1
        if a.pauzeer_na and gedaan == a.pauzeer_na:
            print("gepauzeerd", flush=True)
            tot = time.monotonic() + 300
            while not a.vrijgave.exists():
                if time.monotonic() > tot:
                    sys.exit("niet vrijgegeven binnen 300 s")
                time.sleep(0.05)

    with app.app_context():
        print("gestart", flush=True)
        while moment <= einde:
            nu = moment
            rapport = sweep(nu, na_zaak=na_zaak)
            # A leader's span is from just after it took the lock to just before it let go: timed around the
            # call, a second process's tick could begin before the first let go and then take the lock fairly.
            begin, eind = (rapport.geleid_van, rapport.geleid_tot) if rapport.leider else (time.time(),) * 2
            verstuur_wachtrij(db.session, backend, lambda: nu, max_aantal=100000)
            print(f"tik {nu:%Y-%m-%d %H:%M} leider={rapport.leider} stappen={len(rapport.stappen)} "
                  f"begin={begin:.6f} eind={eind:.6f}", flush=True)
            moment += timedelta(minutes=a.stap)
        print("klaar", flush=True)


if __name__ == "__main__":
    main()
