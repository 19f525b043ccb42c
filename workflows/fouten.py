"""Named domain errors. Views translate them into answers for people."""


class DomeinFout(Exception):
    """Base of every rule the domain refuses to break."""

    def __init__(self, melding: str):
        super().__init__(melding)
        self.melding = melding


class KnipkaartVol(DomeinFout):
    """The team's card for this year has no knip left."""


class OngeldigeOvergang(DomeinFout):
    """This action is not possible in the case's current state."""


class GeenToegang(DomeinFout):
    """This actor may not take this action on this case."""


class OngeldigeInvoer(DomeinFout):
    """Input that breaks a rule (e.g. a BSN in free text)."""

    def __init__(self, melding: str, veld: str | None = None):
        super().__init__(melding)
        self.veld = veld


class DienstAccepteertGeenKnippen(OngeldigeInvoer):
    """A knip can only go to a dienst that accepts knips (a wrong choice of dienst)."""

    def __init__(self, melding: str, veld: str | None = "dienst_id"):
        super().__init__(melding, veld)
