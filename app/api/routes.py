"""The JSON API: the same domain calls and permissions as the screens, errors as problem details.

Resource names are Dutch (the Dutch government's API design rules, as the
ZGW APIs use them); times are ISO 8601 with their offset (Europe/Amsterdam).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from functools import wraps
from typing import Any

from flask import current_app, g, jsonify, request, url_for
from sqlalchemy import func, select

from workflows import knipkaart, usecases, zaken, zoeken
from workflows.fouten import (
    DienstAccepteertGeenKnippen,
    DomeinFout,
    GeenToegang,
    KnipkaartVol,
    OngeldigeInvoer,
    OngeldigeOvergang,
)
from workflows.kalender import amsterdam
from workflows.models import (
    Bericht,
    Dienst,
    Oorzaak,
    Prijspost,
    Rol,
    Status,
    UitzonderingSoort,
    Urgentie,
    Wijkteam,
    Zaak,
    ZaakSoort,
)
from workflows.rapportage import Filters, maak_rapport, tabellen

from .. import audit, idempotentie, mail
from ..auth.guards import TEAMROLLEN
from ..extensions import csrf, db
from ..zoekparameters import lees_zoekvraag
from . import bp
from .openapi import document
from .tokens import gebruiker_bij_verzoek

MAX_ID = 2**31 - 1
PROBLEEM = "application/problem+json"


# ---------------------------------------------------------------- problems


class Probleem(Exception):
    """An RFC 9457 problem: raise it anywhere in a view."""

    def __init__(self, status: int, titel: str, detail: str, soort: str = "", fouten: list | None = None,
                 headers: dict | None = None):
        super().__init__(detail)
        self.status, self.titel, self.detail, self.soort = status, titel, detail, soort
        self.fouten, self.headers = fouten, headers or {}

    def antwoord(self):
        body: dict[str, Any] = {"type": f"urn:knipkaart:probleem:{self.soort}" if self.soort else "about:blank",
                                "title": self.titel, "status": self.status, "detail": self.detail,
                                "instance": request.path}
        if self.fouten:
            body["errors"] = self.fouten
        r = jsonify(body)
        r.status_code = self.status
        r.mimetype = PROBLEEM
        r.headers.update(self.headers)
        return r


API_VERSIE = "1.1.0"  # the OpenAPI document's info.version (Dutch API Design Rules: API-Version on every answer)


@bp.after_request
def _api_versie(response):
    response.headers["API-Version"] = API_VERSIE
    return response


@bp.errorhandler(Probleem)
def _probleem(p: Probleem):
    db.session.rollback()
    return p.antwoord()


def _ongeldig(veld: str | None, melding: str) -> Probleem:
    return Probleem(422, "De invoer klopt niet", melding, "ongeldige-invoer",
                    [{"name": veld or "", "reason": melding}])


def _domeinfout(fout: DomeinFout) -> Probleem:
    if isinstance(fout, KnipkaartVol):
        return Probleem(409, "De knipkaart is vol", fout.melding, "knipkaart-vol")
    if isinstance(fout, GeenToegang):
        return Probleem(403, "Geen toegang", fout.melding, "geen-toegang")
    if isinstance(fout, OngeldigeInvoer):
        return _ongeldig(getattr(fout, "veld", None), fout.melding)
    if isinstance(fout, DienstAccepteertGeenKnippen):
        return _ongeldig("dienst_id", fout.melding)
    if isinstance(fout, OngeldigeOvergang):
        return Probleem(409, "Deze handeling kan nu niet", fout.melding, "ongeldige-overgang")
    return Probleem(409, "Conflict", fout.melding, "conflict")


# ---------------------------------------------------------------- authentication and scope


def token_vereist(*rollen: Rol):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            gebruiker = gebruiker_bij_verzoek()
            if gebruiker is None:
                raise Probleem(401, "Niet geautoriseerd", "Geef een geldig token mee: Authorization: Bearer kk_...",
                               "niet-geautoriseerd", headers={"WWW-Authenticate": 'Bearer realm="knipkaart"'})
            if rollen and gebruiker.rol not in rollen:
                raise Probleem(403, "Geen toegang", f"Een {gebruiker.rol.label.lower()} mag dit niet.", "geen-toegang")
            g.api_gebruiker = gebruiker
            return view(*args, **kwargs)

        wrapped.toegestane_rollen = rollen
        return wrapped

    return decorator


def _actor() -> zaken.Actor:
    return zaken.Actor.gebruiker(g.api_gebruiker)


def _zaak_van_team(zaak_id: int, *, vergrendel: bool = False) -> Zaak:
    """The case if it is the caller's team's; 404 otherwise, as on the screens."""
    if not 1 <= zaak_id <= MAX_ID:
        raise Probleem(404, "Niet gevonden", "Deze zaak bestaat niet of is niet van uw team.", "niet-gevonden")
    stmt = select(Zaak).where(Zaak.id == zaak_id, Zaak.wijkteam_id == g.api_gebruiker.wijkteam_id)
    if vergrendel:
        stmt = stmt.with_for_update()
    zaak = db.session.execute(stmt).scalar_one_or_none()
    audit.zet_zaak(zaak_id)
    if zaak is None:
        raise Probleem(404, "Niet gevonden", "Deze zaak bestaat niet of is niet van uw team.", "niet-gevonden")
    return zaak


def _nu() -> datetime:
    return datetime.now(timezone.utc)


def _tijd(dt: datetime | None) -> str | None:
    return amsterdam(dt).isoformat(timespec="seconds") if dt else None


# ---------------------------------------------------------------- reading JSON bodies


def _body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Probleem(400, "Geen JSON-object", "Stuur een JSON-object met Content-Type: application/json.",
                       "geen-json")
    return data


@dataclass
class Veld:
    naam: str
    soort: type
    verplicht: bool = False
    max_lengte: int = 4000
    keuzes: tuple = ()


def _lees(data: dict, velden: list[Veld], *, alle_fouten: list | None = None) -> dict:
    """Check every field: type, length, choices; collect all problems at once.

    With `alle_fouten` the problems are added to that list instead of raised, so the caller can add the
    domain's own checks and answer with every wrong field in one go."""
    uit, fouten = {}, []
    bekend = {v.naam for v in velden}
    for naam in data:
        if naam not in bekend:
            fouten.append({"name": naam, "reason": "Onbekend veld."})
    for v in velden:
        waarde = data.get(v.naam)
        if waarde is None:
            if v.verplicht:
                fouten.append({"name": v.naam, "reason": "Dit veld is verplicht."})
            continue
        if v.soort is int:
            if isinstance(waarde, bool) or not isinstance(waarde, int) or not 1 <= waarde <= MAX_ID:
                fouten.append({"name": v.naam, "reason": "Verwacht een geheel getal vanaf 1."})
                continue
        elif v.soort is bool:
            if not isinstance(waarde, bool):
                fouten.append({"name": v.naam, "reason": "Verwacht true of false."})
                continue
        elif v.soort is str:
            if not isinstance(waarde, str):
                fouten.append({"name": v.naam, "reason": "Verwacht tekst."})
                continue
            if "\x00" in waarde:
                fouten.append({"name": v.naam, "reason": "Tekst met een NUL-teken kan niet."})
                continue
            if len(waarde) > v.max_lengte:
                fouten.append({"name": v.naam, "reason": f"Hoogstens {v.max_lengte} tekens."})
                continue
            if v.keuzes and waarde not in v.keuzes:
                fouten.append({"name": v.naam, "reason": "Kies een van: " + ", ".join(v.keuzes) + "."})
                continue
        elif v.soort is list:
            if not isinstance(waarde, list):
                fouten.append({"name": v.naam, "reason": "Verwacht een lijst."})
                continue
        uit[v.naam] = waarde
    if alle_fouten is not None:
        alle_fouten.extend(fouten)
    elif fouten:
        raise Probleem(422, "De invoer klopt niet", "Een of meer velden kloppen niet; zie errors.", "ongeldige-invoer",
                       fouten)
    return uit


def _zaakinvoer_of_alle_fouten(body: dict, soort: ZaakSoort) -> tuple[dict, zaken.ZaakInvoer]:
    """The body as a case's input, or a 422 that names every wrong field: types first, then the domain's rules
    (an unknown dienst or cause, a BSN, the Landelijk Maatwerkloket as first stop) for the fields that had
    the right type."""
    fouten: list[dict] = []
    data = _lees(body, KNIPVELDEN if soort == ZaakSoort.KNIP else ESCALATIEVELDEN, alle_fouten=fouten)
    fout_velden = {f["name"] for f in fouten}
    try:
        scenario = _scenario(data.get("scenario", []))
    except Probleem as p:
        fouten.extend(p.fouten or [])
        scenario = []
    escalatie = soort == ZaakSoort.ESCALATIE
    invoer = zaken.ZaakInvoer(
        dienst_id=data.get("dienst_id", 0), clientreferentie=data.get("clientreferentie", ""),
        gevraagd=data.get("gevraagd", ""), blokkerende_regel=data.get("blokkerende_regel", ""),
        urgentie=Urgentie(data.get("urgentie", Urgentie.NORMAAL.value)), oorzaak_id=data.get("oorzaak_id", 0),
        oorzaak_toelichting=data.get("oorzaak_toelichting", ""),
        voorgestelde_oplossing=data.get("voorgestelde_oplossing", ""),
        uitzondering=None if escalatie or "uitzondering" not in data else UitzonderingSoort(data["uitzondering"]),
        geen_inkomen=data.get("geen_inkomen", False), bovenlokaal=data.get("bovenlokaal", False),
        rendement=data.get("rendement", "") if escalatie else "",
        legitimiteit=data.get("legitimiteit", "") if escalatie else "",
        betrokkenheid=data.get("betrokkenheid", "") if escalatie else "", scenario=scenario)
    for fout in zaken.invoerfouten(db.session, soort, invoer):
        if fout.veld not in fout_velden and not (fout.veld == "scenario" and any(
                f["name"].startswith("scenario") for f in fouten)):
            fouten.append({"name": fout.veld or "", "reason": fout.melding})
    if fouten:
        detail = fouten[0]["reason"] if len(fouten) == 1 else "Een of meer velden kloppen niet; zie errors."
        raise Probleem(422, "De invoer klopt niet", detail, "ongeldige-invoer", fouten)
    return data, invoer


URGENTIES = tuple(u.value for u in (Urgentie.ACUUT, Urgentie.HOOG, Urgentie.NORMAAL))
ZAAKVELDEN = [
    Veld("dienst_id", int, True), Veld("clientreferentie", str, True, 60), Veld("gevraagd", str, True),
    Veld("blokkerende_regel", str, True, 1000), Veld("urgentie", str, True, keuzes=URGENTIES),
    Veld("oorzaak_id", int, True), Veld("oorzaak_toelichting", str, False, 400),
    Veld("voorgestelde_oplossing", str, False), Veld("geen_inkomen", bool), Veld("bovenlokaal", bool),
    Veld("scenario", list), Veld("versturen", bool),
]
KNIPVELDEN = ZAAKVELDEN + [Veld("uitzondering", str, True, keuzes=tuple(u.value for u in UitzonderingSoort))]
ESCALATIEVELDEN = ZAAKVELDEN + [Veld("rendement", str, False, 2000), Veld("legitimiteit", str, False, 2000),
                                Veld("betrokkenheid", str, False, 2000)]


def _scenario(regels: list) -> list[tuple[int, int]]:
    uit = []
    for i, regel in enumerate(regels):
        if not isinstance(regel, dict) or set(regel) != {"prijspost_id", "aantal"} or not all(
                isinstance(regel[k], int) and not isinstance(regel[k], bool) for k in regel):
            raise _ongeldig(f"scenario[{i}]", "Elke regel is {\"prijspost_id\": getal, \"aantal\": getal}.")
        if not 1 <= regel["prijspost_id"] <= MAX_ID:
            raise _ongeldig(f"scenario[{i}]", "Kies een post uit de prijslijst.")
        uit.append((regel["prijspost_id"], regel["aantal"]))
    return uit


# ---------------------------------------------------------------- representations


def _zaak_kort(z: Zaak) -> dict:
    return {"id": z.id, "nummer": z.nummer, "soort": z.soort.value, "status": z.status.value,
            "uitkomst": z.uitkomst.value if z.uitkomst else None, "dienst": z.dienst.naam, "dienst_id": z.dienst_id,
            "urgentie": z.urgentie.value, "verstuurd_op": _tijd(z.verstuurd_op),
            "eerstvolgende_deadline": _tijd(zaken.eerstvolgende_deadline(z)),
            "url": url_for("api.zaak", zaak_id=z.id)}


def _zaak(z: Zaak, now: datetime) -> dict:
    uit = _zaak_kort(z)
    uit.update({
        "clientreferentie": z.clientreferentie, "gevraagd": z.gevraagd, "blokkerende_regel": z.blokkerende_regel,
        "voorgestelde_oplossing": z.voorgestelde_oplossing,
        "uitzondering": z.uitzondering.value if z.uitzondering else None,
        "oorzaak": {"id": z.oorzaak_id, "naam": z.oorzaak.naam, "toelichting": z.oorzaak_toelichting},
        "geen_inkomen": z.geen_inkomen, "bovenlokaal": z.bovenlokaal, "structureel": z.structureel,
        "wijkteam": {"id": z.wijkteam_id, "naam": z.wijkteam.naam},
        "termijnen": [{"naam": t.naam, "deadline": _tijd(t.deadline), "gehaald_op": _tijd(t.gehaald_op),
                       "gepauzeerd": t.gepauzeerd, "te_laat": t.te_laat(now)} for t in zaken.termijnstanden(z)],
        "routering": {"ontvanger": z.ontvanger_email, "reden": z.routering_reden, "trede": z.trede},
        "scenario": [{"prijspost_id": s.prijspost_id, "prijspost": s.prijspost.naam, "aantal": s.aantal}
                     for s in z.scenario],
        "gebeurtenissen": [{"op": _tijd(e.op), "actie": e.actie,
                            "van_status": e.van_status.value if e.van_status else None,
                            "naar_status": e.naar_status.value if e.naar_status else None,
                            "door": e.actor_label, "toelichting": e.toelichting} for e in z.gebeurtenissen],
        "berichten": [{"op": _tijd(b.op), "van_wijkteam": b.van_wijkteam, "afzender": b.afzender, "kanaal": b.kanaal,
                       "tekst": b.tekst} for b in z.berichten],
        "acties": [o.actie for o in zaken.mogelijke_acties(_actor(), z, db.session)],
    })
    return uit


def _json(body, status: int = 200, headers: dict | None = None):
    r = jsonify(body)
    r.status_code = status
    if headers:
        r.headers.update(headers)
    return r


# ---------------------------------------------------------------- the document


@bp.route("/openapi.json")
def openapi():
    return _json(document())


# ---------------------------------------------------------------- knipkaarten


@bp.route("/knipkaarten/<int:wijkteam>/<int:jaar>")
@token_vereist(Rol.WIJKTEAMMANAGER, Rol.MEDEWERKER, Rol.MANAGEMENT, Rol.BEHEERDER)
def knipkaart_(wijkteam: int, jaar: int):
    gebruiker = g.api_gebruiker
    if gebruiker.rol in TEAMROLLEN and gebruiker.wijkteam_id != wijkteam:
        raise Probleem(403, "Geen toegang", "U ziet alleen de knipkaart van uw eigen wijkteam.", "geen-toegang")
    team = db.session.get(Wijkteam, wijkteam) if 1 <= wijkteam <= MAX_ID else None
    if team is None or not 2000 <= jaar <= 2100:
        raise Probleem(404, "Niet gevonden", "Dit wijkteam of dit jaar bestaat niet.", "niet-gevonden")
    stand, mutaties = knipkaart.lees_kaart(db.session, wijkteam, jaar,
                                           standaard_quotum=current_app.config["STANDAARD_QUOTUM"])
    return _json({"wijkteam": {"id": team.id, "naam": team.naam}, "jaar": jaar, "quotum": stand.quotum,
                  "ingezet": stand.ingezet, "teruggegeven": stand.teruggegeven, "resterend": stand.resterend,
                  "knippen": [{"zaak_id": m.zaak_id, "nummer": m.zaak.nummer, "mutatie": m.soort.value,
                               "op": _tijd(m.op), "door": m.door, "reden": m.reden} for m in mutaties]})


# ---------------------------------------------------------------- new cases


def _nieuwe_zaak(soort: ZaakSoort):
    data, invoer = _zaakinvoer_of_alle_fouten(_body(), soort)
    versturen = data.get("versturen", True)  # only the manager may (the domain refuses others: 403, nothing kept)
    sleutel = request.headers.get("Idempotency-Key")
    vingerafdruk = idempotentie.verzoek_hash(request.path, data)
    if sleutel:
        if len(sleutel) > idempotentie.MAX_SLEUTEL:
            raise _ongeldig("Idempotency-Key", f"Hoogstens {idempotentie.MAX_SLEUTEL} tekens.")
        eerder = idempotentie.api_eerder(g.api_gebruiker.id, sleutel)
        if eerder is not None:
            return _herhaling(eerder, vingerafdruk)
    now = _nu()
    claim = idempotentie.api_claim(g.api_gebruiker.id, sleutel, vingerafdruk) if sleutel else None
    if sleutel and claim is None:  # a concurrent request with this key finished first: answer as it did
        return _herhaling(idempotentie.api_eerder(g.api_gebruiker.id, sleutel), vingerafdruk)
    try:
        r = usecases.zaak_aanmaken(db.session, _actor(), soort, invoer, now, versturen=versturen,
                                   standaard_quotum=current_app.config["STANDAARD_QUOTUM"])
        zaak = r.zaak
        mail.meld(r, now)
    except DomeinFout as fout:
        raise _domeinfout(fout) from None
    locatie = url_for("api.zaak", zaak_id=zaak.id)
    if claim is not None:
        claim.resultaat_url, claim.zaak_id = locatie, zaak.id
    audit.zet_zaak(zaak.id)
    db.session.commit()
    return _json(_zaak(zaak, now), 201, {"Location": locatie})


def _herhaling(eerder, vingerafdruk: str):
    """A retry with a known Idempotency-Key: the case the first request made, not a second one."""
    if eerder is None or eerder.zaak_id is None:  # the other request is still running or was rolled back
        raise Probleem(409, "Nog bezig", "Een verzoek met deze Idempotency-Key wordt nog verwerkt; probeer het "
                                         "zo opnieuw.", "idempotency-key-bezig")
    if eerder.verzoek_hash and eerder.verzoek_hash != vingerafdruk:
        raise _ongeldig("Idempotency-Key", "Deze sleutel hoort bij een ander verzoek; kies een nieuwe sleutel.")
    return _json(_zaak(_zaak_van_team(eerder.zaak_id), _nu()), 200, {"Location": eerder.resultaat_url})


@bp.route("/knippen", methods=["POST"])
@token_vereist(*TEAMROLLEN)
def knippen():
    return _nieuwe_zaak(ZaakSoort.KNIP)


@bp.route("/escalaties", methods=["POST"])
@token_vereist(*TEAMROLLEN)
def escalaties():
    return _nieuwe_zaak(ZaakSoort.ESCALATIE)


# ---------------------------------------------------------------- cases


@bp.route("/zaken")
@token_vereist(*TEAMROLLEN)
def zaken_lijst():
    """The team's cases with the same search, filters and order as the screen (/zaken); every wrong
    parameter is named at once."""
    now = _nu()
    vraag, fouten = lees_zoekvraag(request.args)
    if fouten:
        raise Probleem(400, "Ongeldige parameters", "Een of meer parameters kloppen niet; zie errors.",
                       "ongeldige-parameters", [{"name": k, "reason": v} for k, v in fouten.items()])
    if "sorteer" not in request.args:  # the API's documented default: newest first
        vraag = replace(vraag, sorteer="nieuw")
    r = zoeken.zoek_zaken(db.session, g.api_gebruiker.wijkteam_id, vraag, now)
    audit.zet_zaak(None, f"zaken gelezen: {', '.join(str(z.id) for z in r.zaken)}"[:400])
    return _json({"totaal": r.totaal, "pagina": vraag.pagina, "per_pagina": vraag.per_pagina,
                  "zaken": [_zaak_kort(z) for z in r.zaken]})


# ---------------------------------------------------------------- what a client needs to fill in a case


@bp.route("/diensten")
@token_vereist()
def diensten():
    rijen = db.session.scalars(select(Dienst).where(Dienst.actief.is_(True)).order_by(Dienst.naam)).all()
    return _json({"diensten": [{"id": d.id, "naam": d.naam, "accepteert_knippen": d.accepteert_knippen,
                                "landelijk": d.landelijk, "eerste_stop": not d.landelijk} for d in rijen]})


@bp.route("/oorzaken")
@token_vereist()
def oorzaken():
    rijen = db.session.scalars(select(Oorzaak).where(Oorzaak.actief.is_(True))
                               .order_by(Oorzaak.volgorde, Oorzaak.naam)).all()
    return _json({"oorzaken": [{"id": o.id, "naam": o.naam, "voorbeeld": o.voorbeeld,
                                "toelichting_verplicht": o.vrije_tekst} for o in rijen]})


@bp.route("/prijsposten")
@token_vereist()
def prijsposten():
    rijen = db.session.scalars(select(Prijspost).where(Prijspost.actief.is_(True))
                               .order_by(Prijspost.volgorde, Prijspost.naam)).all()
    return _json({"prijsposten": [{"id": p.id, "naam": p.naam, "eenheid": p.eenheid, "prijs": p.prijs,
                                   "bandbreedte": p.bandbreedte, "bron": p.bron} for p in rijen]})


@bp.route("/wijkteams/mij")
@token_vereist(*TEAMROLLEN)
def mijn_wijkteam():
    gebruiker = g.api_gebruiker
    jaar = knipkaart.jaar_van(_nu())
    stand, _ = knipkaart.lees_kaart(db.session, gebruiker.wijkteam_id, jaar,
                                    standaard_quotum=current_app.config["STANDAARD_QUOTUM"])
    team = gebruiker.wijkteam
    return _json({"id": team.id, "naam": team.naam, "soort": team.soort, "gebied": team.gebied,
                  "knipkaart": {"jaar": jaar, "quotum": stand.quotum, "ingezet": stand.ingezet,
                                "teruggegeven": stand.teruggegeven, "resterend": stand.resterend,
                                "url": url_for("api.knipkaart_", wijkteam=team.id, jaar=jaar)}})


@bp.route("/zaken/<int:zaak_id>")
@token_vereist(*TEAMROLLEN)
def zaak(zaak_id: int):
    return _json(_zaak(_zaak_van_team(zaak_id), _nu()))


@bp.route("/zaken/<int:zaak_id>/acties", methods=["POST"])
@token_vereist(*TEAMROLLEN)
def acties(zaak_id: int):
    zaak_ = _zaak_van_team(zaak_id)  # another team's case: 404 before anything is read
    data = _lees(_body(), [Veld("actie", str, True, 40), Veld("toelichting", str, False, 4000),
                           Veld("structureel", bool)])
    now = _nu()
    try:
        r = usecases.handelen(db.session, _actor(), zaak_.id, data["actie"], now,
                              toelichting=data.get("toelichting", ""), structureel=data.get("structureel"),
                              standaard_quotum=current_app.config["STANDAARD_QUOTUM"])
        mail.meld(r, now)
    except DomeinFout as fout:
        raise _domeinfout(fout) from None
    db.session.commit()
    return _json(_zaak(r.zaak, now))


@bp.route("/zaken/<int:zaak_id>/omzetten", methods=["POST"])
@token_vereist(*TEAMROLLEN)
def omzetten(zaak_id: int):
    """An answered adviesvraag turned into an escalatie to the same dienst, its question and advice carried
    over (workflows.advies.omzetten): sent at once by the manager, a concept for the manager from a medewerker.
    201 with the new escalatie and its Location."""
    from workflows import advies

    zaak_ = _zaak_van_team(zaak_id)
    data = _lees(_body(), [Veld("urgentie", str, False, keuzes=URGENTIES), Veld("clientreferentie", str, False, 60)])
    now = _nu()
    try:
        r, r_esc = advies.omzetten(db.session, _actor(), zaak_.id, now,
                                   urgentie=Urgentie(data.get("urgentie", Urgentie.NORMAAL.value)),
                                   clientreferentie=data.get("clientreferentie", ""),
                                   standaard_quotum=current_app.config["STANDAARD_QUOTUM"])
        mail.meld(r, now)
        mail.meld(r_esc, now)
    except DomeinFout as fout:
        raise _domeinfout(fout) from None
    escalatie = r_esc.zaak
    audit.zet_zaak(escalatie.id, f"omgezet uit adviesvraag {zaak_.id}")
    db.session.commit()
    return _json(_zaak(escalatie, now), 201, {"Location": url_for("api.zaak", zaak_id=escalatie.id)})


@bp.route("/zaken/<int:zaak_id>/berichten", methods=["POST"])
@token_vereist(*TEAMROLLEN)
def berichten(zaak_id: int):
    zaak_ = _zaak_van_team(zaak_id)
    data = _lees(_body(), [Veld("tekst", str, True, 10000), Veld("alleen_bericht", bool)])
    now = _nu()
    try:
        # While the dienst waits on the team, a message is the answer unless "alleen_bericht" is true.
        r = usecases.bericht_plaatsen(db.session, _actor(), zaak_.id, data["tekst"], now, kanaal="api",
                                      als_antwoord=False if data.get("alleen_bericht") else None)
        mail.meld(r, now)
    except DomeinFout as fout:
        raise _domeinfout(fout) from None
    db.session.commit()
    b = r.berichten[-1] if r.berichten else db.session.scalars(
        select(Bericht).where(Bericht.zaak_id == r.zaak.id).order_by(Bericht.id.desc()).limit(1)).one()
    return _json({"op": _tijd(b.op), "van_wijkteam": b.van_wijkteam, "afzender": b.afzender, "kanaal": b.kanaal,
                  "tekst": b.tekst}, 201)


# ---------------------------------------------------------------- the report


def _datum(naam: str) -> date:
    waarde = request.args.get(naam)
    try:
        d = date.fromisoformat(waarde or "")
    except ValueError:
        raise Probleem(400, "Ongeldige parameters", f"Geef '{naam}' als datum jjjj-mm-dd.", "ongeldige-parameters",
                       [{"name": naam, "reason": "Verwacht een datum jjjj-mm-dd."}]) from None
    if not 2000 <= d.year <= 2100:
        raise Probleem(400, "Ongeldige parameters", f"'{naam}' ligt tussen 2000 en 2100.", "ongeldige-parameters",
                       [{"name": naam, "reason": "Tussen 2000 en 2100."}])
    return d


@bp.route("/rapportage")
@token_vereist(Rol.MANAGEMENT, Rol.BEHEERDER, Rol.WIJKTEAMMANAGER)
def rapportage():
    van, tot = _datum("van"), _datum("tot")
    if tot < van:
        raise Probleem(400, "Ongeldige parameters", "'tot' ligt vóór 'van'.", "ongeldige-parameters",
                       [{"name": "tot", "reason": "Ligt vóór 'van'."}])
    team = g.api_gebruiker.wijkteam_id if g.api_gebruiker.rol == Rol.WIJKTEAMMANAGER else None
    filters = Filters(van, tot, wijkteam_id=team)
    rapport = maak_rapport(db.session, filters, _nu(), standaard_quotum=current_app.config["STANDAARD_QUOTUM"])
    db.session.commit()  # the roll-up's catch-up (workflows.rapportfeiten)
    return _json({"van": van.isoformat(), "tot": tot.isoformat(), "wijkteam_id": team,
                  "tabellen": [{"sleutel": t.sleutel, "titel": t.titel,
                                "kolommen": [{"naam": k.naam, "soort": k.soort} for k in t.kolommen],
                                "rijen": t.rijen} for t in tabellen(rapport)]})


def init_app(app) -> None:
    from .tokens import init_app as tokens_init

    csrf.exempt(bp)
    app.register_blueprint(bp)
    tokens_init(app)
