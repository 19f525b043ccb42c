"""The audit log (DOMAIN.md "Privacy"): every read and write of a case, append-only.

The log is written by the app (app/audit.py) after each request; the
database itself refuses to change or delete a row, with the triggers below
(installed by migration 0007).
"""
from __future__ import annotations

ALLEEN_TOEVOEGEN = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION auditregel_alleen_toevoegen() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'auditregel is append-only'; END $$",
        "CREATE TRIGGER auditregel_alleen_toevoegen BEFORE UPDATE OR DELETE ON auditregel "
        "FOR EACH ROW EXECUTE FUNCTION auditregel_alleen_toevoegen()",
    ],
    "sqlite": [
        "CREATE TRIGGER auditregel_geen_update BEFORE UPDATE ON auditregel "
        "BEGIN SELECT RAISE(ABORT, 'auditregel is append-only'); END",
        "CREATE TRIGGER auditregel_geen_delete BEFORE DELETE ON auditregel "
        "BEGIN SELECT RAISE(ABORT, 'auditregel is append-only'); END",
    ],
}

WEG = {
    "postgresql": ["DROP TRIGGER IF EXISTS auditregel_alleen_toevoegen ON auditregel",
                   "DROP FUNCTION IF EXISTS auditregel_alleen_toevoegen()"],
    "sqlite": ["DROP TRIGGER IF EXISTS auditregel_geen_update", "DROP TRIGGER IF EXISTS auditregel_geen_delete"],
}
