"""Schemathesis against /api/v1/openapi.json: no 5xx, and every response as the document says.

Schemathesis's pytest plugin cannot read pytest 9's nodes yet, so each operation's Hypothesis strategy
(`as_strategy`) is driven here by hand; the checks are Schemathesis's own (`call_and_validate`).
"""
from __future__ import annotations

from datetime import datetime, timezone

import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance
from hypothesis import HealthCheck, given, settings

from app.api.tokens import maak_token
from workflows.prijslijst import zorg_voor_standaardlijst

VOORBEELDEN = 30


def test_the_api_keeps_to_its_document(app, db_session, wereld):
    zorg_voor_standaardlijst(db_session)
    token = maak_token(wereld.manager, "fuzz", datetime.now(timezone.utc))
    db_session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    geprobeerd = []
    for resultaat in schema.get_all_operations():
        operatie = resultaat.ok()

        @given(case=operatie.as_strategy())
        @settings(max_examples=VOORBEELDEN, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def probeer(case):
            db_session.rollback()  # the app and the test share the session: no open transaction in between
            # A schema-valid body may name a dienst or cause that does not exist: 422 is the right answer there,
            # so the check that every schema-valid request succeeds does not apply. All other checks do.
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"},
                                   excluded_checks=[positive_data_acceptance])

        probeer()
        geprobeerd.append(f"{operatie.method.upper()} {operatie.path}")
    # Every operation was fuzzed (Schemathesis leaves out the document's own path).
    assert sorted(geprobeerd) == ["GET /diensten", "GET /knipkaarten/{wijkteam}/{jaar}", "GET /oorzaken",
                                  "GET /prijsposten", "GET /rapportage", "GET /wijkteams/mij", "GET /zaken",
                                  "GET /zaken/{zaak_id}", "POST /escalaties", "POST /knippen",
                                  "POST /zaken/{zaak_id}/acties", "POST /zaken/{zaak_id}/berichten",
                                  "POST /zaken/{zaak_id}/omzetten"]
