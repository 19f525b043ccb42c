# Knipkaart — the two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FLASK := $(BIN)/flask --app app

.PHONY: run test serve install migrate clean mutation

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

## Serve the app on http://127.0.0.1:5000 with SQLite under instance/ and the demo data.
run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) seed-demo --als-leeg
	$(FLASK) run --debug --host 127.0.0.1 --port 5000

## Run the whole suite: SQLite always, PostgreSQL too when TEST_DATABASE_URL is set.
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Mutation testing (docs/testing.md): mutmut 3 on the knipkaart ledger, the werkdag calendar, routing, the
## case transitions and use cases, and the inbound matching and sender check; one worker, the focused tests in
## pyproject.toml's [tool.mutmut]. Slow; not part of `make test` or CI. MUTANTS chooses which mutants run
## (of notifications/inkomend.py only the matching and the sender check); `make mutation MUTANTS=...` for others.
## With TEST_DATABASE_URL set (a database of its own) the PostgreSQL tests run for each mutant too.
MUTANTS ?= 'workflows.knipkaart.*' 'workflows.kalender.*' 'workflows.routering.*' 'workflows.overgangen.*' \
	$(foreach f,vergrendel zaak_aanmaken concept_bijwerken handelen _eerste_reactie bericht_plaatsen \
	antwoord_toepassen automatisch_antwoord _naam_van herrouteren termijnstappen_nemen,'workflows.usecases.x_$(f)__*') \
	$(foreach f,lees_spf lees_dkim _zonder_commentaar _verdicten_uit_kopregels _domein uitgelijnd geauthenticeerd \
	interne_dienst _adres_token zoek_zaak afzender_mag,'notifications.inkomend.x_$(f)__*')
mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,mutation]'
	$(BIN)/mutmut run --max-children 1 $(MUTANTS)
	$(BIN)/mutmut results

## The production setup on one machine: gunicorn (2 workers) on :8000 plus the scheduler process.
## Needs KNIPKAART_ENV=production, SECRET_KEY and DATABASE_URL=postgresql+psycopg://... (see README).
serve: $(STAMP)
	@test -n "$$DATABASE_URL" -a -n "$$SECRET_KEY" || { echo "make serve needs SECRET_KEY and DATABASE_URL (README, Operations)"; exit 1; }
	KNIPKAART_ENV=production $(FLASK) db upgrade
	KNIPKAART_ENV=production bash -c 'trap "kill 0" EXIT; $(FLASK) scheduler & $(BIN)/gunicorn -w $${WEB_WORKERS:-2} -b $${BIND:-127.0.0.1:8000} --access-logfile - "app:create_app()"'

migrate: $(STAMP)
	$(FLASK) db upgrade

clean:
	rm -rf $(VENV) .pytest_cache
