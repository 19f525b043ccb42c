"""A hand-built data set for the bottleneck report whose answers are worked out in the comments.

Working time is 08:30-17:00 (8.5 hours = 1 werkdag) on werkdagen; the cases
straddle Goede Vrijdag and tweede Paasdag (3 and 6 April 2026), Koningsdag
(27 April), Hemelvaart and its gelijkstellingsdag (14 and 15 May) and a month
boundary that lies on another day in UTC than in Amsterdam.
"""
from __future__ import annotations

from datetime import date, datetime

from workflows import bewaking, usecases, zaken
from workflows.kalender import TZ
from workflows.models import LadderTrede, Urgentie, Vervolgactie, VervolgSoort, ZaakSoort
from workflows.prijslijst import zorg_voor_standaardlijst


def t(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


NU = t(2026, 6, 1, 12, 0)


class Dataset:
    """Seven cases with known answers (see the module docstring and the comments per case)."""

    def __init__(self, s, w):
        self.w = w
        s.add(LadderTrede(dienst_id=w.wi.id, niveau=1, contactpersoon_id=w.teamleider_wi.id))
        s.flush()
        prijs = {naam: p.id for naam, p in zorg_voor_standaardlijst(s).items()}
        mgr = zaken.Actor.gebruiker(w.manager)
        oost = zaken.Actor.gebruiker(w.andere_manager)
        wi = zaken.Actor.dienst("Sanne Vos (Werk & Inkomen)", w.cp_wi.id)
        wmo = zaken.Actor.dienst("Wmo", w.cp_wmo.id)

        def zaak(actor, soort, verstuurd, **invoer):
            z = zaken.nieuwe_zaak(s, actor, soort, w.invoer(**invoer), verstuurd)
            zaken.uitvoeren(s, actor, z, "versturen", verstuurd)
            return z

        # 1. knip, sent Thu 2 Apr 09:00; received Tue 7 Apr 09:00 over Easter: 8 h + 0.5 h = 1.0 werkdag.
        #    Bezwaar Thu 9 Apr 09:00: 8 + 8.5 + 8.5 + 0.5 = 25.5 h = 3.0 werkdagen.
        z1 = zaak(mgr, ZaakSoort.KNIP, t(2026, 4, 2, 9, 0), scenario=[(prijs["Huisuitzetting"], 1)])
        zaken.uitvoeren(s, wi, z1, "ontvangen", t(2026, 4, 7, 9, 0))
        zaken.uitvoeren(s, wi, z1, "bezwaar", t(2026, 4, 9, 9, 0), toelichting="Juridisch risico")
        # 2. knip, sent Mon 9 Mar 08:30; received 12:45: 0.5. Executed Tue 10 Mar 12:45: 8.5 + 4.25 = 1.5.
        z2 = zaak(mgr, ZaakSoort.KNIP, t(2026, 3, 9, 8, 30), clientreferentie="FEY-2026-002",
                  blokkerende_regel="  de ZOEKTERMIJN van vier weken ")
        zaken.uitvoeren(s, wi, z2, "ontvangen", t(2026, 3, 9, 12, 45))
        zaken.uitvoeren(s, wi, z2, "uitgevoerd", t(2026, 3, 10, 12, 45), toelichting="Gedaan")
        # 3. escalatie "Anders", sent Fri 24 Apr 13:15; received Wed 29 Apr 13:15 over Koningsdag:
        #    3.75 + 8.5 + 4.75 = 17 h = 2.0. Its blocking rule names a resident and the cliëntreferentie.
        z3 = zaak(mgr, ZaakSoort.ESCALATIE, t(2026, 4, 24, 13, 15), oorzaak_id=w.anders.id,
                  oorzaak_toelichting="Belastingdienst", uitzondering=None, clientreferentie="FEY-2026-003",
                  blokkerende_regel="Mevrouw Jansen (FEY-2026-003) krijgt geen IB60 van de Belastingdienst")
        zaken.uitvoeren(s, wi, z3, "ontvangen", t(2026, 4, 29, 13, 15))
        # 4. escalatie "Anders", acuut, sent Wed 13 May 08:30; nobody answers by Mon 18 May 17:00 (Hemelvaart and
        #    15 May are no werkdagen): the sweep records the missed deadline and climbs to the teamleider.
        #    Received Tue 19 May 12:45: 8.5 + 8.5 + 4.25 = 21.25 h = 2.5.
        z4 = zaak(mgr, ZaakSoort.ESCALATIE, t(2026, 5, 13, 8, 30), oorzaak_id=w.anders.id, oorzaak_toelichting="x",
                  uitzondering=None, urgentie=Urgentie.ACUUT, blokkerende_regel="De intake duurt zes weken")
        usecases.termijnstappen_nemen(s, z4.id, t(2026, 5, 19, 12, 0), zaken.kalender(s))
        zaken.uitvoeren(s, zaken.Actor.dienst("Teun Leider", w.teamleider_wi.id), z4, "ontvangen",
                        t(2026, 5, 19, 12, 45))
        # 5. escalatie, sent Mon 2 Mar 09:00; a question Mon 9 Mar 09:00 is the first reaction: 8 + 34 + 0.5 = 5.0.
        #    Answered Wed 11 Mar 09:00 (a wait of 2.0), granted Thu 12 Mar 09:00: 68 h = 8.0 minus 2.0 = 6.0.
        z5 = zaak(mgr, ZaakSoort.ESCALATIE, t(2026, 3, 2, 9, 0), uitzondering=None,
                  scenario=[(prijs["Maatschappelijke opvang / daklozenopvang"], 30)])
        zaken.uitvoeren(s, wi, z5, "vraag", t(2026, 3, 9, 9, 0), toelichting="Sinds wanneer geen inkomen?")
        zaken.uitvoeren(s, mgr, z5, "beantwoorden", t(2026, 3, 11, 9, 0), toelichting="Sinds februari.")
        zaken.uitvoeren(s, wi, z5, "toegekend", t(2026, 3, 12, 9, 0), toelichting="Toegekend")
        # 6. escalatie sent Wed 1 Apr 00:30 in Amsterdam (31 March 22:30 UTC): an April case. No answer yet.
        zaak(mgr, ZaakSoort.ESCALATIE, t(2026, 4, 1, 0, 30), uitzondering=None, blokkerende_regel="Geen regel bekend")
        # 7. Oosterflank to the Wmo (its general mailbox), "Anders", sent Tue 10 Mar 10:00, received 14:15: 0.5.
        z7 = zaak(oost, ZaakSoort.ESCALATIE, t(2026, 3, 10, 10, 0), dienst=w.wmo, oorzaak_id=w.anders.id,
                  oorzaak_toelichting="y", blokkerende_regel="Wmo verwijst naar bijzondere bijstand")
        zaken.uitvoeren(s, wmo, z7, "ontvangen", t(2026, 3, 10, 14, 15))
        s.add(Vervolgactie(oorzaak_id=w.oorzaak.id, soort=VervolgSoort.REGEL_GEWIJZIGD, besluit="Beleidsregel",
                           eigenaar="Beleidsadviseur", datum=date(2026, 5, 1), afgerond=True,
                           vastgelegd_door_id=w.management.id, vastgelegd_op=NU))
        s.commit()
        self.zaken = [z1, z2, z3, z4, z5, z7]
