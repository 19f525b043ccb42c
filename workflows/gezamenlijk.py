"""One case, several diensten: a joint case (DOMAIN.md "Learning between teams"; issue 18, point 5).

A team asks two or more diensten at once about one situation (the e-bike that the Wmo and bijzondere bijstand
each refuse). Each dienst gets its own part, and each part is an ordinary escalation `Zaak` to that dienst:
its own vaste contactpersoon, clocks, ladder, reply by mail and link page, all unchanged. This module only
groups the parts (`GezamenlijkeZaak`, `GezamenlijkDeel`) and adds what belongs to the group:

- `aanmaken`: the one use case that makes the group and its parts (and sends them, for the manager);
- `versturen`: the manager sends the parts a colleague saved as concepts;
- `overbruggen`: one dienst takes the whole question on for all (an *overbrugging*: help now, settle who pays
  later). It locks the group, then every part in id order (a fixed order: two overbruggingen at once cannot
  deadlock, and only one wins), records the overbrugging on the group, solves the taking part as
  toegekend and settles every other open part as anders opgelost, each with an event that says so;
- `stand`: the joint case is solved when every part (not withdrawn) is, or when it was overbrugd;
- `rapporttabel`: joint cases and overbruggingen per dienst for the bottleneck report.

The group holds no free text: the explanation of an overbrugging is an event on the parts, so the retention
erase (`workflows.bewaring`) removes it with the rest of the case's text; the report's facts stay.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, case, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from . import bewaking, vastleggen, zaken
from .db import insert_if_absent
from .fouten import DomeinFout, GeenToegang, OngeldigeInvoer, OngeldigeOvergang
from .kalender import amsterdam
from .models import Base, Dienst, Rol, Status, Uitkomst, UTCDateTime, Wijkteam, Zaak, Zaaknummer, ZaakSoort
from .overgangen import LOPEND, Actor, Voorval
from .privacy import BSN_MELDING, vind_bsn

MIN_DIENSTEN = 2
MAX_DIENSTEN = 5  # more than this is a casusoverleg, not a question by mail
PREFIX = "GZ"


class GezamenlijkeZaak(Base):
    """A joint case: ordinary escalations to several diensten, asked together about one situation."""

    __tablename__ = "gezamenlijke_zaak"
    id: Mapped[int] = mapped_column(primary_key=True)
    nummer: Mapped[str] = mapped_column(String(20), unique=True)
    wijkteam_id: Mapped[int] = mapped_column(ForeignKey("wijkteam.id"), index=True)
    aangemaakt_door_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"))
    aangemaakt_op: Mapped[datetime] = mapped_column(UTCDateTime)
    # The overbrugging: which dienst took it on for all, when, and who recorded it (a label, as events keep).
    overbrugd_door_dienst_id: Mapped[int | None] = mapped_column(ForeignKey("dienst.id"), index=True)
    overbrugd_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overbrugging_vastgelegd_door: Mapped[str] = mapped_column(String(200), default="", server_default="")
    wijkteam: Mapped[Wijkteam] = relationship()
    overbrugd_door: Mapped[Dienst | None] = relationship()
    delen: Mapped[list["GezamenlijkDeel"]] = relationship(back_populates="groep", order_by="GezamenlijkDeel.zaak_id")

    @property
    def zaken(self) -> list[Zaak]:
        return [d.zaak for d in self.delen]


class GezamenlijkDeel(Base):
    """One dienst's part of a joint case: an ordinary escalation. A case is part of at most one joint case."""

    __tablename__ = "gezamenlijk_deel"
    id: Mapped[int] = mapped_column(primary_key=True)
    gezamenlijke_zaak_id: Mapped[int] = mapped_column(ForeignKey("gezamenlijke_zaak.id"), index=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id"), unique=True)
    groep: Mapped[GezamenlijkeZaak] = relationship(back_populates="delen")
    zaak: Mapped[Zaak] = relationship()


@dataclass
class GezamenlijkResultaat:
    """What a joint use case did: the group, and per changed part the ordinary `usecases.Resultaat` that the
    caller turns into mail (`notifications.uitgaand.na_resultaat`, once per part) before it commits once."""

    groep: GezamenlijkeZaak
    delen: list = field(default_factory=list)  # usecases.Resultaat per part


class GezamenlijkOnbekend(DomeinFout):
    """The joint case does not exist, or is not the caller's team's (the caller answers 404)."""


# ---------------------------------------------------------------- reading


STANDEN = {
    "concept": "Concept",
    "lopend": "Loopt",
    "opgelost": "Opgelost: elke dienst heeft besloten",
    "overbrugd": "Overbrugd",
    "teruggetrokken": "Teruggetrokken",
}
AFGEROND = (Status.OPGELOST, Status.GESLOTEN)


def stand(groep: GezamenlijkeZaak) -> str:
    """Where the joint case is: solved when every part that was not withdrawn is solved, or when one dienst
    took it on for all (overbrugd)."""
    if groep.overbrugd_op is not None:
        return "overbrugd"
    statussen = [z.status for z in groep.zaken]
    if statussen and all(s == Status.CONCEPT for s in statussen):
        return "concept"
    actief = [s for s in statussen if s != Status.TERUGGETROKKEN]
    if not actief:
        return "teruggetrokken"
    if all(s in AFGEROND for s in actief):
        return "opgelost"
    return "lopend"


def is_opgelost(groep: GezamenlijkeZaak) -> bool:
    return stand(groep) in ("opgelost", "overbrugd")


def van_zaak(session: Session, zaak_id: int) -> GezamenlijkeZaak | None:
    """The joint case a case is a part of, if any."""
    return session.execute(select(GezamenlijkeZaak).join(GezamenlijkDeel)
                           .where(GezamenlijkDeel.zaak_id == zaak_id)).scalar_one_or_none()


def van_team(session: Session, wijkteam_id: int, groep_id: int) -> GezamenlijkeZaak:
    """The joint case if it is this team's; GezamenlijkOnbekend otherwise (no hint that it exists)."""
    groep = session.get(GezamenlijkeZaak, groep_id)
    if groep is None or groep.wijkteam_id != wijkteam_id:
        raise GezamenlijkOnbekend("Deze gezamenlijke vraag bestaat niet.")
    return groep


def van_het_team(session: Session, wijkteam_id: int, limiet: int = 50) -> list[GezamenlijkeZaak]:
    """The team's joint cases, newest first."""
    return list(session.scalars(select(GezamenlijkeZaak).where(GezamenlijkeZaak.wijkteam_id == wijkteam_id)
                                .order_by(GezamenlijkeZaak.id.desc()).limit(limiet)))


def opsomming(namen: list[str]) -> str:
    """"A", "A en B", "A, B en C"."""
    namen = list(namen)
    if len(namen) <= 1:
        return "".join(namen)
    return ", ".join(namen[:-1]) + " en " + namen[-1]


def voor_mail(session: Session, zaak: Zaak) -> dict | None:
    """What a dienst's mail about a part says of the joint case: which other diensten are asked (never the
    team's file or the resident), and who took it on for all. None for a case that is no part of one."""
    groep = van_zaak(session, zaak.id)
    if groep is None:
        return None
    andere = [z.dienst.naam for z in groep.zaken if z.id != zaak.id]
    return {"nummer": groep.nummer, "andere": opsomming(andere), "aantal_andere": len(andere),
            "overbrugd_door": groep.overbrugd_door.naam if groep.overbrugd_door else None,
            "zelf_overbrugd": groep.overbrugd_door_dienst_id == zaak.dienst_id}


# ---------------------------------------------------------------- making a joint case


def invoerfouten(session: Session, dienst_ids: list[int], invoer: zaken.ZaakInvoer) -> list[OngeldigeInvoer]:
    """Every problem with the team's input at once: the diensten (`dienstfouten`), then the fields every part
    shares, checked as for one escalation."""
    ids = [int(i) for i in dienst_ids if i]
    fouten = dienstfouten(session, ids)
    # The shared fields, as one escalation checks them; the dienst is checked above.
    proef = replace(invoer, dienst_id=ids[0] if ids else 0)
    fouten += [f for f in zaken.invoerfouten(session, ZaakSoort.ESCALATIE, proef) if f.veld != "dienst_id"]
    return fouten


def dienstfouten(session: Session, dienst_ids: list[int]) -> list[OngeldigeInvoer]:
    """What is wrong with the chosen diensten: at least two, each once, existing and active, and never the
    Landelijk Maatwerkloket (it takes a case only after local escalation failed)."""
    fouten: list[OngeldigeInvoer] = []
    ids = [int(i) for i in dienst_ids if i]
    if len(set(ids)) != len(ids):
        fouten.append(OngeldigeInvoer("Kies elke dienst één keer: elke dienst krijgt één deel van de vraag.",
                                      veld="diensten"))
    elif len(ids) < MIN_DIENSTEN:
        fouten.append(OngeldigeInvoer("Kies minstens twee diensten. Voor één dienst opent u een gewone escalatie.",
                                      veld="diensten"))
    elif len(ids) > MAX_DIENSTEN:
        fouten.append(OngeldigeInvoer(f"Kies hooguit {MAX_DIENSTEN} diensten; bespreek een grotere vraag in een "
                                      "casusoverleg.", veld="diensten"))
    else:
        for dienst_id in ids:
            dienst = session.get(Dienst, dienst_id)
            if dienst is None or not dienst.actief:
                fouten.append(OngeldigeInvoer("Kies alleen bestaande, actieve diensten.", veld="diensten"))
                break
            if dienst.landelijk:
                fouten.append(OngeldigeInvoer(zaken.LMW_NIET_EERST, veld="diensten"))
                break
    return fouten


def _nummer(session: Session, now: datetime) -> str:
    jaar = amsterdam(now).year
    insert_if_absent(session, Zaaknummer, {"prefix": PREFIX, "jaar": jaar, "laatste": 0}, ["prefix", "jaar"])
    teller = session.execute(
        select(Zaaknummer).where(Zaaknummer.prefix == PREFIX, Zaaknummer.jaar == jaar)
        .with_for_update().execution_options(populate_existing=True)).scalar_one()
    teller.laatste += 1
    return f"{PREFIX}-{jaar}-{teller.laatste:04d}"


def _ook_gevraagd(groep: GezamenlijkeZaak, zaak: Zaak, namen: dict[int, str]) -> str:
    andere = [namen[z.dienst_id] for z in groep.zaken if z.id != zaak.id]
    return f"Deel van gezamenlijke vraag {groep.nummer}; ook gevraagd aan {opsomming(andere)}."


def aanmaken(session: Session, actor: Actor, dienst_ids: list[int], invoer: zaken.ZaakInvoer, now: datetime, *,
             versturen: bool = False) -> GezamenlijkResultaat:
    """A joint case: one ordinary escalation per dienst, grouped; sent at once when `versturen` (the manager).

    Everything is checked before anything is made; a refusal further on (a colleague sending) raises, and the
    caller rolls the one transaction back, so nothing is half-applied."""
    from . import usecases

    if actor.rol not in (Rol.WIJKTEAMMANAGER.value, Rol.MEDEWERKER.value) or actor.wijkteam_id is None:
        raise GeenToegang("Alleen een wijkteam stelt een gezamenlijke vraag.")
    if versturen and actor.rol != Rol.WIJKTEAMMANAGER.value:
        raise GeenToegang("Alleen de wijkteammanager verstuurt; sla de vraag op als concept.")
    fouten = invoerfouten(session, dienst_ids, invoer)
    if fouten:
        raise fouten[0]
    ids = [int(i) for i in dienst_ids]
    groep = GezamenlijkeZaak(nummer=_nummer(session, now), wijkteam_id=actor.wijkteam_id,
                             aangemaakt_door_id=actor.gebruiker_id, aangemaakt_op=now)
    session.add(groep)
    session.flush()
    for dienst_id in ids:
        zaak = zaken.nieuwe_zaak(session, actor, ZaakSoort.ESCALATIE, replace(invoer, dienst_id=dienst_id), now)
        session.add(GezamenlijkDeel(gezamenlijke_zaak_id=groep.id, zaak_id=zaak.id))
    session.flush()
    session.refresh(groep)
    namen = {d.id: d.naam for d in session.scalars(select(Dienst).where(Dienst.id.in_(ids)))}
    uit = GezamenlijkResultaat(groep)
    for zaak in groep.zaken:
        g = vastleggen.gebeurtenis(session, zaak, actor, Voorval.GEZAMENLIJK, None, None,
                                   _ook_gevraagd(groep, zaak, namen), now)
        r = usecases.Resultaat(zaak, [g])
        if versturen:
            usecases.vergrendel(session, zaak.id)
            r.gebeurtenissen.append(zaken.uitvoeren(session, actor, zaak, zaken.Actie.VERSTUREN, now))
        uit.delen.append(r)
    return uit


# ---------------------------------------------------------------- acting on the whole


def _vergrendel(session: Session, actor: Actor, groep_id: int) -> tuple[GezamenlijkeZaak, list[Zaak]]:
    """Lock the group row, then every part in id order (the order every joint use case takes), reading the
    current state of each. A case on its own is locked by `usecases.vergrendel` alone, so no use case holds a
    part and waits for the group: there is no cycle to deadlock on."""
    from . import usecases

    groep = session.execute(select(GezamenlijkeZaak).where(GezamenlijkeZaak.id == groep_id).with_for_update()
                            .execution_options(populate_existing=True)).scalar_one_or_none()
    if groep is None or actor.wijkteam_id is None or groep.wijkteam_id != actor.wijkteam_id:
        raise GezamenlijkOnbekend("Deze gezamenlijke vraag bestaat niet.")
    ids = session.scalars(select(GezamenlijkDeel.zaak_id).where(GezamenlijkDeel.gezamenlijke_zaak_id == groep.id)
                          .order_by(GezamenlijkDeel.zaak_id)).all()
    return groep, [usecases.vergrendel(session, i) for i in ids]


def versturen(session: Session, actor: Actor, groep_id: int, now: datetime) -> GezamenlijkResultaat:
    """The manager sends every part that is still a concept (a colleague saved the joint question)."""
    from . import usecases

    groep, delen = _vergrendel(session, actor, groep_id)
    if not actor.rol == Rol.WIJKTEAMMANAGER.value:
        raise GeenToegang("Alleen de wijkteammanager verstuurt een gezamenlijke vraag.")
    concepten = [z for z in delen if z.status == Status.CONCEPT]
    if not concepten:
        raise OngeldigeOvergang("Deze gezamenlijke vraag is al verstuurd.")
    uit = GezamenlijkResultaat(groep)
    for zaak in concepten:
        uit.delen.append(usecases.Resultaat(zaak, [zaken.uitvoeren(session, actor, zaak, zaken.Actie.VERSTUREN,
                                                                   now)]))
    return uit


MAX_TOELICHTING = 2000


def overbruggen(session: Session, actor: Actor, groep_id: int, dienst_id: int, toelichting: str,
                now: datetime) -> GezamenlijkResultaat:
    """One dienst takes the joint case on for all: it helps now, and the diensten settle who pays later.

    Recorded by the team's manager (the dienst says so in its part's thread, by mail or link). The group
    records which dienst and when; that dienst's part is solved as toegekend, every other open part is
    settled as anders opgelost, each with an "Overbrugging" event that says who took it on; the parts'
    clocks stop. Of two overbruggingen at once, the second waits for the group's lock and is refused."""
    from . import usecases

    groep, delen = _vergrendel(session, actor, groep_id)
    if not actor.rol == Rol.WIJKTEAMMANAGER.value:
        raise GeenToegang("Alleen de wijkteammanager legt een overbrugging vast.")
    if groep.overbrugd_op is not None:
        raise OngeldigeOvergang(f"Deze vraag is al overbrugd door {groep.overbrugd_door.naam}.")
    toelichting = (toelichting or "").strip()
    if not toelichting:
        raise OngeldigeInvoer("Schrijf in een paar woorden wat de dienst nu doet en hoe de kosten later worden "
                              "verrekend.", veld="toelichting")
    if len(toelichting) > MAX_TOELICHTING:
        raise OngeldigeInvoer(f"De toelichting is hooguit {MAX_TOELICHTING} tekens.", veld="toelichting")
    if vind_bsn(toelichting):
        raise OngeldigeInvoer(BSN_MELDING, veld="toelichting")
    neemt = next((z for z in delen if z.dienst_id == dienst_id), None)
    if neemt is None:
        raise OngeldigeInvoer("Kies een dienst die bij deze vraag is gevraagd.", veld="dienst_id")
    if stand(groep) == "opgelost":
        raise OngeldigeOvergang("Elke dienst heeft al over zijn deel besloten; er is niets meer te overbruggen.")
    if neemt.status not in LOPEND:
        raise OngeldigeOvergang(f"Het deel van {neemt.dienst.naam} is {neemt.status.label.lower()}; alleen een "
                                "dienst waar de vraag nog loopt, kan haar voor allen op zich nemen.")

    dienst = neemt.dienst
    groep.overbrugd_door_dienst_id = dienst.id
    groep.overbrugd_door = dienst
    groep.overbrugd_op = now
    groep.overbrugging_vastgelegd_door = actor.label[:200]
    anderen = opsomming([z.dienst.naam for z in delen if z.id != neemt.id])
    uit = GezamenlijkResultaat(groep)
    for zaak in delen:
        if zaak.status not in LOPEND:
            continue  # already decided or withdrawn: that part stays as it is
        if zaak.id == neemt.id:
            tekst = (f"Overbrugging: {dienst.naam} neemt de hele vraag op zich, ook het deel van {anderen}, en "
                     f"helpt nu; wie wat betaalt, verrekenen de diensten later.\n\n{toelichting}")
            uitkomst = Uitkomst.TOEGEKEND
        else:
            tekst = (f"Overbrugd door {dienst.naam}: die dienst neemt de hele vraag op zich en helpt nu. Dit deel "
                     f"is daarmee opgelost; wie wat betaalt, verrekenen de diensten later.\n\n{toelichting}")
            uitkomst = Uitkomst.ANDERS_OPGELOST
        uit.delen.append(usecases.Resultaat(zaak, [_los_op(session, actor, zaak, uitkomst, tekst, now)]))
    return uit


def _los_op(session: Session, actor: Actor, zaak: Zaak, uitkomst: Uitkomst, tekst: str, now: datetime):
    """Solve one part as the overbrugging says: as a decision would (clocks stop, the report's measures are
    fixed), but recorded as an overbrugging, made by the team."""
    kal = zaken.kalender(session)
    van = zaak.status
    zaken._pauze_beeindigen(zaak, now, kal)
    zaak.ontvangen_op = zaak.ontvangen_op or now
    zaak.opgelost_op = now
    zaak.uitkomst = uitkomst
    zaak.status = Status.OPGELOST
    zaken._meet(zaak, kal)
    g = vastleggen.gebeurtenis(session, zaak, actor, Voorval.OVERBRUGD, van, Status.OPGELOST, tekst, now)
    bewaking.herbereken(session, zaak, kal)
    return g


# ---------------------------------------------------------------- the report


@dataclass(frozen=True)
class DienstCijfers:
    dienst_id: int
    naam: str
    delen: int  # parts this dienst was asked
    opgelost: int  # of which solved (decided, or settled by an overbrugging)
    overbrugd: int  # joint cases this dienst took on for all


@dataclass(frozen=True)
class Cijfers:
    gezamenlijk: int  # joint cases sent in the period
    opgelost: int  # of which solved or overbrugd
    overbrugd: int  # of which overbrugd
    per_dienst: list[DienstCijfers]


def cijfers(session: Session, begin: datetime, einde: datetime, *, wijkteam_id: int | None = None,
            dienst_id: int | None = None) -> Cijfers:
    """Joint cases whose first part was sent in [begin, einde), and per dienst its parts and overbruggingen."""
    eerste = (select(GezamenlijkDeel.gezamenlijke_zaak_id.label("gid"), func.min(Zaak.verstuurd_op).label("op"))
              .join(Zaak, Zaak.id == GezamenlijkDeel.zaak_id).group_by(GezamenlijkDeel.gezamenlijke_zaak_id)
              .subquery())
    groepen = (select(GezamenlijkeZaak.id).join(eerste, eerste.c.gid == GezamenlijkeZaak.id)
               .where(eerste.c.op.is_not(None), eerste.c.op >= begin, eerste.c.op < einde))
    if wijkteam_id:
        groepen = groepen.where(GezamenlijkeZaak.wijkteam_id == wijkteam_id)
    if dienst_id:
        groepen = groepen.where(GezamenlijkeZaak.id.in_(
            select(GezamenlijkDeel.gezamenlijke_zaak_id).join(Zaak, Zaak.id == GezamenlijkDeel.zaak_id)
            .where(Zaak.dienst_id == dienst_id)))
    ids = groepen.scalar_subquery()
    per_groep = session.execute(
        select(GezamenlijkeZaak.id, GezamenlijkeZaak.overbrugd_op.is_not(None),
               func.count(Zaak.id).filter(Zaak.status != Status.TERUGGETROKKEN),
               func.count(Zaak.id).filter(Zaak.status.in_(AFGEROND)))
        .join(GezamenlijkDeel, GezamenlijkDeel.gezamenlijke_zaak_id == GezamenlijkeZaak.id)
        .join(Zaak, Zaak.id == GezamenlijkDeel.zaak_id)
        .where(GezamenlijkeZaak.id.in_(ids)).group_by(GezamenlijkeZaak.id, GezamenlijkeZaak.overbrugd_op)).all()
    totaal = len(per_groep)
    overbrugd = sum(1 for _, o, _, _ in per_groep if o)
    opgelost = sum(1 for _, o, actief, klaar in per_groep if o or (actief and klaar == actief))
    rijen = session.execute(
        select(Dienst.id, Dienst.naam, func.count(GezamenlijkDeel.id),
               func.sum(case((Zaak.status.in_(AFGEROND), 1), else_=0)),
               func.sum(case((GezamenlijkeZaak.overbrugd_door_dienst_id == Dienst.id, 1), else_=0)))
        .select_from(GezamenlijkDeel).join(Zaak, Zaak.id == GezamenlijkDeel.zaak_id)
        .join(Dienst, Dienst.id == Zaak.dienst_id)
        .join(GezamenlijkeZaak, GezamenlijkeZaak.id == GezamenlijkDeel.gezamenlijke_zaak_id)
        .where(GezamenlijkeZaak.id.in_(ids)).group_by(Dienst.id, Dienst.naam).order_by(Dienst.naam)).all()
    return Cijfers(totaal, opgelost, overbrugd,
                   [DienstCijfers(i, naam, int(n), int(o or 0), int(b or 0)) for i, naam, n, o, b in rijen])


def rapporttabel(session: Session, filters):
    """The report's table of joint cases (a `workflows.rapportage.Tabel`, key "gezamenlijk"), for the period and
    the filters of team and dienst; the filters of cause and urgency do not apply to the group."""
    from .rapportage import Kolom, Tabel

    c = cijfers(session, filters.begin, filters.einde, wijkteam_id=filters.wijkteam_id, dienst_id=filters.dienst_id)
    rijen = [[d.naam, d.delen, d.opgelost, d.overbrugd] for d in c.per_dienst]
    if c.gezamenlijk:
        rijen.append(["Gezamenlijke vragen (totaal)", c.gezamenlijk, c.opgelost, c.overbrugd])
    return Tabel("gezamenlijk", "Gezamenlijke vragen en overbruggingen per dienst",
                 [Kolom("Dienst"), Kolom("Gevraagd", "aantal"), Kolom("Opgelost", "aantal"),
                  Kolom("Overbrugd door deze dienst", "aantal")], rijen,
                 "Een gezamenlijke vraag gaat naar twee of meer diensten tegelijk; elke dienst krijgt zijn eigen deel. "
                 "Overbrugd: één dienst nam de hele vraag op zich en hielp meteen, de verrekening volgt later. Per "
                 "vraag waarvan het eerste deel in de periode is verstuurd; de filters oorzaak en urgentie gelden "
                 "hier niet.")
