"""The OpenAPI 3.1 document of /api/v1, kept beside the code it describes.

tests/api/test_fuzz.py runs Schemathesis against it in CI: every response must
match this document and none may be a 5xx, so document and code cannot drift.
"""
from __future__ import annotations

from workflows.models import Status, UitzonderingSoort, Uitkomst, Urgentie, ZaakSoort

TIJD = {"type": ["string", "null"], "format": "date-time",
        "description": "ISO 8601 met verschuiving (Europe/Amsterdam), of null."}
ID = {"type": "integer", "minimum": 1, "maximum": 2147483647}
TEKST = {"type": "string"}


def _ref(naam: str) -> dict:
    return {"$ref": f"#/components/schemas/{naam}"}


def _json(schema: dict, beschrijving: str, headers: dict | None = None) -> dict:
    uit = {"description": beschrijving, "content": {"application/json": {"schema": schema}}}
    if headers:
        uit["headers"] = headers
    return uit


def _problemen(*codes: int) -> dict:
    teksten = {400: "Verzoek klopt niet (geen JSON-object of ongeldige parameters).",
               401: "Geen of ongeldig token.", 403: "Deze rol mag dit niet.",
               404: "Bestaat niet, of is niet van uw team.", 409: "Kan nu niet (knipkaart vol, ongeldige overgang).",
               422: "Invoer klopt niet; zie errors."}
    return {str(c): {"description": teksten[c], "content": {"application/problem+json": {"schema": _ref("Probleem")}}}
            for c in codes}


def _object(eigenschappen: dict, verplicht: list[str] | None = None, extra: bool = True) -> dict:
    uit = {"type": "object", "properties": eigenschappen}
    if verplicht:
        uit["required"] = verplicht
    if not extra:
        uit["additionalProperties"] = False
    return uit


def _zaakinvoer(soort: str) -> dict:
    velden = {
        "dienst_id": ID, "clientreferentie": {"type": "string", "minLength": 1, "maxLength": 60,
                                              "description": "Het dossiernummer of pseudoniem van het team; nooit "
                                                             "een naam of BSN."},
        "gevraagd": {"type": "string", "minLength": 1, "maxLength": 4000},
        "blokkerende_regel": {"type": "string", "minLength": 1, "maxLength": 1000},
        "urgentie": {"enum": ["acuut", "hoog", "normaal"]}, "oorzaak_id": ID,
        "oorzaak_toelichting": {"type": "string", "maxLength": 400},
        "voorgestelde_oplossing": {"type": "string", "maxLength": 4000},
        "geen_inkomen": {"type": "boolean"}, "bovenlokaal": {"type": "boolean"},
        "scenario": {"type": "array", "items": _object({"prijspost_id": ID, "aantal": {"type": "integer",
                                                                                       "minimum": 1, "maximum": 10000}},
                                                        ["prijspost_id", "aantal"], extra=False)},
        "versturen": {"type": "boolean", "default": True,
                      "description": "false: bewaar als concept (een medewerker kan alleen dat)."},
    }
    verplicht = ["dienst_id", "clientreferentie", "gevraagd", "blokkerende_regel", "urgentie", "oorzaak_id"]
    if soort == "knip":
        velden["uitzondering"] = {"enum": [u.value for u in UitzonderingSoort]}
        verplicht.append("uitzondering")
    else:
        for naam in ("rendement", "legitimiteit", "betrokkenheid"):
            velden[naam] = {"type": "string", "maxLength": 2000}
    return _object(velden, verplicht, extra=False)


ZAAK_KORT = {
    "id": ID, "nummer": {"type": ["string", "null"]}, "soort": {"enum": [s.value for s in ZaakSoort]},
    "status": {"enum": [s.value for s in Status]}, "uitkomst": {"enum": [u.value for u in Uitkomst] + [None]},
    "dienst": TEKST, "dienst_id": ID, "urgentie": TEKST, "verstuurd_op": TIJD, "eerstvolgende_deadline": TIJD,
    "url": TEKST,
}


JA_NEE = {"enum": ["ja", "nee", "true", "false", "1", "0"]}

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 64},
    "description": "Maakt een nieuwe poging veilig: dezelfde sleutel van dezelfde gebruiker met hetzelfde verzoek "
                   "geeft de zaak van de eerste keer (200) in plaats van een tweede zaak. Sleutels gelden per "
                   "gebruiker; dezelfde sleutel met een ander verzoek geeft 422.",
}


def document() -> dict:
    zaak = _object({
        **ZAAK_KORT,
        "clientreferentie": TEKST, "gevraagd": TEKST, "blokkerende_regel": TEKST, "voorgestelde_oplossing": TEKST,
        "uitzondering": {"enum": [u.value for u in UitzonderingSoort] + [None]},
        "oorzaak": _object({"id": ID, "naam": TEKST, "toelichting": TEKST}, ["id", "naam"]),
        "geen_inkomen": {"type": "boolean"}, "bovenlokaal": {"type": "boolean"},
        "structureel": {"type": ["boolean", "null"]},
        "wijkteam": _object({"id": ID, "naam": TEKST}, ["id", "naam"]),
        "termijnen": {"type": "array", "items": _object(
            {"naam": TEKST, "deadline": TIJD, "gehaald_op": TIJD, "gepauzeerd": {"type": "boolean"},
             "te_laat": {"type": "boolean"}}, ["naam", "deadline", "gehaald_op", "te_laat"])},
        "routering": _object({"ontvanger": {"type": ["string", "null"]}, "reden": TEKST, "trede": {"type": "integer"}},
                             ["ontvanger", "reden", "trede"]),
        "scenario": {"type": "array", "items": _object({"prijspost_id": ID, "prijspost": TEKST,
                                                        "aantal": {"type": "integer"}})},
        "gebeurtenissen": {"type": "array", "items": _object(
            {"op": TIJD, "actie": TEKST, "van_status": {"type": ["string", "null"]},
             "naar_status": {"type": ["string", "null"]}, "door": TEKST, "toelichting": TEKST}, ["op", "actie", "door"])},
        "berichten": {"type": "array", "items": _ref("Bericht")},
        "acties": {"type": "array", "items": TEKST,
                   "description": "De handelingen die u nu mag doen (POST .../acties)."},
    }, ["id", "soort", "status", "termijnen", "routering", "gebeurtenissen", "berichten", "acties"])
    zaak_pad = {"name": "zaak_id", "in": "path", "required": True, "schema": ID}
    herhaald = _json(_ref("Zaak"), "Deze Idempotency-Key was al verwerkt: de zaak van de eerste keer.",
                     {"Location": {"schema": TEKST, "description": "De URL van de zaak."}})
    beveiligd = [{"token": []}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Knipkaart API", "version": "1.1.0",
                 "description": "Knippen, escalaties en de knelpuntenrapportage. Authenticatie: een persoonlijk "
                                "token (`flask --app app create-token EMAIL`) als `Authorization: Bearer kk_...`. "
                                "Dezelfde rechten als de schermen. Fouten zijn RFC 9457 problem details. Tijden "
                                "zijn ISO 8601 met verschuiving. Elk antwoord draagt de kop API-Version."},
        "servers": [{"url": "/api/v1"}],
        "security": beveiligd,
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer",
                                          "description": "Een persoonlijk token dat begint met kk_."}},
            "schemas": {
                "Probleem": _object({"type": TEKST, "title": TEKST, "status": {"type": "integer"}, "detail": TEKST,
                                     "instance": TEKST,
                                     "errors": {"type": "array", "items": _object({"name": TEKST, "reason": TEKST},
                                                                                   ["name", "reason"])}},
                                    ["type", "title", "status"]),
                "Bericht": _object({"op": TIJD, "van_wijkteam": {"type": "boolean"}, "afzender": TEKST,
                                    "kanaal": TEKST, "tekst": TEKST}, ["op", "van_wijkteam", "afzender", "tekst"]),
                "ZaakKort": _object(ZAAK_KORT, ["id", "soort", "status", "dienst", "url"]),
                "Zaak": zaak,
                "KnipInvoer": _zaakinvoer("knip"),
                "EscalatieInvoer": _zaakinvoer("escalatie"),
            },
        },
        "paths": {
            "/openapi.json": {"get": {
                "operationId": "openapi", "summary": "Dit document.", "security": [],
                "responses": {"200": _json({"type": "object"}, "Het OpenAPI-document.")}}},
            "/knipkaarten/{wijkteam}/{jaar}": {"get": {
                "operationId": "knipkaart", "summary": "De knipkaart van een wijkteam in een jaar.",
                "parameters": [{"name": "wijkteam", "in": "path", "required": True, "schema": ID},
                               {"name": "jaar", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 2000, "maximum": 2100}}],
                "responses": {"200": _json(_object({
                    "wijkteam": _object({"id": ID, "naam": TEKST}, ["id", "naam"]), "jaar": {"type": "integer"},
                    "quotum": {"type": "integer"}, "ingezet": {"type": "integer"},
                    "teruggegeven": {"type": "integer"}, "resterend": {"type": "integer"},
                    "knippen": {"type": "array", "items": _object(
                        {"zaak_id": ID, "nummer": {"type": ["string", "null"]},
                         "mutatie": {"enum": ["ingezet", "teruggegeven"]}, "op": TIJD, "door": TEKST, "reden": TEKST},
                        ["zaak_id", "mutatie", "op"])}},
                    ["wijkteam", "jaar", "quotum", "ingezet", "teruggegeven", "resterend", "knippen"]), "De kaart."),
                    **_problemen(401, 403, 404)}}},
            "/knippen": {"post": {
                "operationId": "knipInzetten", "summary": "Een knip inzetten (en versturen).",
                "parameters": [IDEMPOTENCY_KEY],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("KnipInvoer")}}},
                "responses": {"201": _json(_ref("Zaak"), "De nieuwe zaak.",
                                           {"Location": {"schema": TEKST, "description": "De URL van de zaak."}}),
                              "200": herhaald,
                              **_problemen(400, 401, 403, 409, 422)}}},
            "/escalaties": {"post": {
                "operationId": "escalatieOpenen", "summary": "Een escalatie openen (en versturen).",
                "parameters": [IDEMPOTENCY_KEY],
                "requestBody": {"required": True,
                                "content": {"application/json": {"schema": _ref("EscalatieInvoer")}}},
                "responses": {"201": _json(_ref("Zaak"), "De nieuwe zaak.", {"Location": {"schema": TEKST}}),
                              "200": herhaald,
                              **_problemen(400, 401, 403, 409, 422)}}},
            "/zaken": {"get": {
                "operationId": "zaken",
                "summary": "De zaken van uw wijkteam: zoeken en filteren zoals op het scherm /zaken; nieuwste eerst "
                           "tenzij 'sorteer' anders zegt. Elke foute parameter staat in errors.",
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200},
                     "description": "Zoek op (een deel van) zaaknummer, cliëntreferentie of tekst."},
                    {"name": "status", "in": "query", "schema": {"enum": [s.value for s in Status]}},
                    {"name": "soort", "in": "query", "schema": {"enum": [s.value for s in ZaakSoort]}},
                    {"name": "urgentie", "in": "query", "schema": {"enum": [u.value for u in Urgentie]}},
                    {"name": "dienst_id", "in": "query", "schema": ID},
                    {"name": "trede", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 10}},
                    {"name": "te_laat", "in": "query", "schema": JA_NEE},
                    {"name": "wacht_op_ons", "in": "query", "schema": JA_NEE},
                    {"name": "uitgeput", "in": "query", "schema": JA_NEE},
                    {"name": "sorteer", "in": "query", "schema": {"enum": ["deadline", "nieuw", "oud"]}},
                    {"name": "pagina", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100000}},
                    {"name": "per_pagina", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}],
                "responses": {"200": _json(_object({"totaal": {"type": "integer"}, "pagina": {"type": "integer"},
                                                    "per_pagina": {"type": "integer"},
                                                    "zaken": {"type": "array", "items": _ref("ZaakKort")}},
                                                   ["totaal", "pagina", "per_pagina", "zaken"]), "Een pagina zaken."),
                              **_problemen(400, 401, 403)}}},
            "/diensten": {"get": {
                "operationId": "diensten", "summary": "De actieve diensten; eerste_stop false: het Landelijk "
                                                      "Maatwerkloket, dat een zaak pas na lokale escalatie neemt.",
                "responses": {"200": _json(_object({"diensten": {"type": "array", "items": _object(
                    {"id": ID, "naam": TEKST, "accepteert_knippen": {"type": "boolean"},
                     "landelijk": {"type": "boolean"}, "eerste_stop": {"type": "boolean"}},
                    ["id", "naam", "accepteert_knippen", "landelijk", "eerste_stop"])}}, ["diensten"]),
                    "De diensten."), **_problemen(401)}}},
            "/oorzaken": {"get": {
                "operationId": "oorzaken", "summary": "De systeemoorzaken om uit te kiezen (oorzaak_id).",
                "responses": {"200": _json(_object({"oorzaken": {"type": "array", "items": _object(
                    {"id": ID, "naam": TEKST, "voorbeeld": TEKST, "toelichting_verplicht": {"type": "boolean"}},
                    ["id", "naam", "toelichting_verplicht"])}}, ["oorzaken"]), "De oorzaken."),
                    **_problemen(401)}}},
            "/prijsposten": {"get": {
                "operationId": "prijsposten", "summary": "De maatschappelijke prijslijst (scenario.prijspost_id).",
                "responses": {"200": _json(_object({"prijsposten": {"type": "array", "items": _object(
                    {"id": ID, "naam": TEKST, "eenheid": TEKST, "prijs": {"type": "integer"}, "bandbreedte": TEKST,
                     "bron": TEKST}, ["id", "naam", "eenheid", "prijs"])}}, ["prijsposten"]), "De prijslijst."),
                    **_problemen(401)}}},
            "/wijkteams/mij": {"get": {
                "operationId": "mijnWijkteam", "summary": "Uw wijkteam en zijn knipkaart van dit jaar.",
                "responses": {"200": _json(_object({
                    "id": ID, "naam": TEKST, "soort": TEKST, "gebied": TEKST,
                    "knipkaart": _object({"jaar": {"type": "integer"}, "quotum": {"type": "integer"},
                                          "ingezet": {"type": "integer"}, "teruggegeven": {"type": "integer"},
                                          "resterend": {"type": "integer"}, "url": TEKST},
                                         ["jaar", "quotum", "ingezet", "teruggegeven", "resterend"])},
                    ["id", "naam", "knipkaart"]), "Het team en de kaart."), **_problemen(401, 403)}}},
            "/zaken/{zaak_id}": {"get": {
                "operationId": "zaak", "summary": "Een zaak: status, beide termijnen, routering, gebeurtenissen, "
                                                  "berichten.",
                "parameters": [zaak_pad],
                "responses": {"200": _json(_ref("Zaak"), "De zaak."), **_problemen(401, 403, 404)}}},
            "/zaken/{zaak_id}/acties": {"post": {
                "operationId": "actie", "summary": "Een handeling op de zaak (zie 'acties' in de zaak).",
                "parameters": [zaak_pad],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _object(
                    {"actie": {"type": "string", "minLength": 1, "maxLength": 40},
                     "toelichting": {"type": "string", "maxLength": 4000},
                     "structureel": {"type": "boolean"}}, ["actie"], extra=False)}}},
                "responses": {"200": _json(_ref("Zaak"), "De zaak na de handeling."),
                              **_problemen(400, 401, 403, 404, 409, 422)}}},
            "/zaken/{zaak_id}/omzetten": {"post": {
                "operationId": "omzetten", "summary": "Een beantwoorde adviesvraag omzetten in een escalatie aan "
                                                      "dezelfde dienst, met vraag en advies erin.",
                "parameters": [zaak_pad],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _object(
                    {"urgentie": {"type": "string", "enum": ["acuut", "hoog", "normaal"]},
                     "clientreferentie": {"type": "string", "maxLength": 60,
                                          "description": "Nodig als de adviesvraag er geen had."}},
                    [], extra=False)}}},
                "responses": {"201": _json(_ref("Zaak"), "De nieuwe escalatie (de manager verstuurt direct; van een "
                                                         "medewerker is het een concept)."),
                              **_problemen(400, 401, 403, 404, 409, 422)}}},
            "/zaken/{zaak_id}/berichten": {"post": {
                "operationId": "bericht", "summary": "Een bericht aan de dienst in het gesprek van de zaak.",
                "parameters": [zaak_pad],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _object(
                    {"tekst": {"type": "string", "minLength": 1, "maxLength": 10000},
                     "alleen_bericht": {"type": "boolean", "description": "Terwijl de dienst op het team wacht is "
                                        "een bericht het antwoord; true plaatst alleen een bericht."}},
                    ["tekst"], extra=False)}}},
                "responses": {"201": _json(_ref("Bericht"), "Het geplaatste bericht."),
                              **_problemen(400, 401, 403, 404, 409, 422)}}},
            "/rapportage": {"get": {
                "operationId": "rapportage", "summary": "De knelpuntenrapportage als tabellen (zoals op het scherm).",
                "parameters": [{"name": "van", "in": "query", "required": True,
                                "schema": {"type": "string", "format": "date"}},
                               {"name": "tot", "in": "query", "required": True,
                                "schema": {"type": "string", "format": "date"}}],
                "responses": {"200": _json(_object({
                    "van": {"type": "string", "format": "date"}, "tot": {"type": "string", "format": "date"},
                    "wijkteam_id": {"type": ["integer", "null"]},
                    "tabellen": {"type": "array", "items": _object(
                        {"sleutel": TEKST, "titel": TEKST,
                         "kolommen": {"type": "array", "items": _object({"naam": TEKST, "soort": TEKST})},
                         "rijen": {"type": "array", "items": {"type": "array"}}},
                        ["sleutel", "titel", "kolommen", "rijen"])}}, ["van", "tot", "tabellen"]), "Het rapport."),
                    **_problemen(400, 401, 403)}}},
        },
    }
