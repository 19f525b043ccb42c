"""A maatwerkbudget to test against, on top of conftest's Wereld: settings, professionals, a budget."""
from __future__ import annotations

from datetime import datetime, timezone

from workflows.maatwerk import aanvragen as mw
from workflows.maatwerk import budget as budgetboek
from workflows.maatwerk.modellen import MaatwerkProfessional
from workflows.termijnen import kalender

IBAN_WOONSTAD = "NL91ABNA0417164300"


class Maatwerk:
    """Feyenoord's budget of € 1.000 in 2026; its schuldhulp and inkomen professionals; finance."""

    def __init__(self, s, w, bedrag_centen: int = 100_000):
        self.w = w
        inst = mw.instelling(s)
        inst.financien_naam, inst.financien_email = "Fenna Financiën", "financien@test.local"
        inst.rekening_naam, inst.rekening_iban = "Gemeente Testdam", "NL02ABNA0123456789"
        self.schuldhulp = MaatwerkProfessional(naam="Sven Schuld", email="schuldhulp@test.local",
                                               discipline="schuldhulp", wijkteam_id=w.team.id)
        self.inkomen = MaatwerkProfessional(naam="Ilse Inkomen", email="inkomen@test.local", discipline="inkomen",
                                            wijkteam_id=None)
        self.zorg = MaatwerkProfessional(naam="Zora Zorg", email="zorg@test.local", discipline="zorg",
                                         wijkteam_id=w.team.id)
        s.add_all([self.schuldhulp, self.inkomen, self.zorg])
        s.flush()
        # The year of the tests' fixed moment (NU) and the app's own year (a form posts at the real time).
        for jaar in {2026, mw.jaar_van(datetime.now(timezone.utc))}:
            budgetboek.budget_instellen(s, w.team.id, jaar, bedrag_centen)
        s.flush()

    @staticmethod
    def invoer(**over) -> mw.AanvraagInvoer:
        velden = dict(discipline="zorg", bedrag="450,50", clientreferentie="FEY-2026-031",
                      wat_nodig="Huurachterstand van twee maanden aflossen bij de verhuurder.",
                      waarom_werkt="Een ontruiming is aangekondigd; met de betaling trekt de verhuurder die in.",
                      wat_doet_inwoner="Start met budgetbeheer en betaalt de huur voortaan automatisch.",
                      crediteur_naam="Woonstad Rotterdam", crediteur_iban="NL91 ABNA 0417 1643 00",
                      betalingskenmerk="Huurnota 2026-03")
        velden.update(over)
        return mw.AanvraagInvoer(**velden)

    def vraag(self, s, now, gebruiker=None, **over):
        return mw.aanvragen(s, gebruiker or self.w.medewerker, self.invoer(**over), now, kalender(s)).aanvraag

    def betaald(self, s, betaald_op, **over):
        """A request made, approved by the two other professionals, batched and confirmed paid at `betaald_op`."""
        from datetime import timedelta

        from workflows.maatwerk.modellen import Oordeel

        a = self.vraag(s, betaald_op - timedelta(hours=5), **over)
        for b in list(a.beoordelingen):
            mw.beoordelen(s, a.id, b.professional_id, Oordeel.AKKOORD, "", betaald_op - timedelta(hours=4),
                          kanaal="scherm")
        opdracht = mw.betaalronde(s, betaald_op - timedelta(hours=3)).betaalopdracht
        mw.betaald_melden(s, opdracht.id, None, "Fenna Financiën", "e-mail", betaald_op)
        s.commit()
        return a
