"""A dispatcher process for the chaos test: the app's own `verstuur_nu`, in a loop, on a fast clock.

Usage: python tests/processen/verzender_driver.py
Everything comes from the environment, as in production (DATABASE_URL, MAIL_BACKEND,
SENDGRID_API_HOST, MAIL_TIMEOUT_SECONDEN, MAIL_LEASE_MINUTEN), plus the clock the
test and its fake provider share: KLOK_START (ISO), KLOK_ECHT_START (epoch seconds)
and KLOK_VERSNELLING (simulated seconds per real second), so that back-off and the
lease, counted in minutes, pass in seconds while network timeouts stay real.
"""
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def klok():
    start = datetime.fromisoformat(os.environ["KLOK_START"])
    echt = float(os.environ["KLOK_ECHT_START"])
    versnelling = float(os.environ["KLOK_VERSNELLING"])
    return lambda: start + timedelta(seconds=(time.time() - echt) * versnelling)


def main() -> None:
    from app import create_app
    from app.extensions import db
    from app.mail import verstuur_nu

    app = create_app()
    nu = klok()
    ouder = os.getppid()
    with app.app_context():
        print("gestart", flush=True)
        while os.getppid() == ouder:  # a test that died leaves no dispatcher behind
            r = verstuur_nu(max_aantal=25, klok=nu)
            if r.overgenomen or r.onzeker or r.verloren_claim:
                print(f"overgenomen={','.join(map(str, r.overgenomen))} onzeker={len(r.onzeker)} "
                      f"verloren_claim={len(r.verloren_claim)}", flush=True)
            if not (r.verzonden or r.uitgesteld or r.mislukt):
                db.session.remove()
                time.sleep(0.05)


if __name__ == "__main__":
    main()
