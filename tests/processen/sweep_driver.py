"""A scheduler process for the tests: sweeps and dispatches over simulated time, printing progress.

Usage: python tests/processen/sweep_driver.py START END STAP_MINUTEN OUTBOX_DIR
(DATABASE_URL in the environment). Times are "YYYY-MM-DD HH:MM" in Europe/Amsterdam.
"""
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def main() -> None:
    start, eind, stap, outbox = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    tz = ZoneInfo("Europe/Amsterdam")
    moment = datetime.strptime(start, "%Y-%m-%d %H:%M").replace(tzinfo=tz)
    einde = datetime.strptime(eind, "%Y-%m-%d %H:%M").replace(tzinfo=tz)

    from app import create_app
    from app.bewaking import sweep
    from app.extensions import db
    from notifications.backends import OutboxBackend
    from notifications.verzender import verstuur_wachtrij

    app = create_app({"OUTBOX_DIR": outbox})
    backend = OutboxBackend(outbox, "knipkaart@test.local")
    with app.app_context():
        print("gestart", flush=True)
        while moment <= einde:
            nu = moment
            rapport = sweep(nu, na_zaak=lambda zid: print(f"zaak {zid}", flush=True))
            verstuur_wachtrij(db.session, backend, lambda: nu, max_aantal=100000)
            print(f"tik {nu:%Y-%m-%d %H:%M} leider={rapport.leider} stappen={len(rapport.stappen)}", flush=True)
            moment += timedelta(minutes=stap)
        print("klaar", flush=True)


if __name__ == "__main__":
    main()
