# Knipkaart — the two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FLASK := $(BIN)/flask --app app

.PHONY: run test install migrate seed clean

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

migrate: $(STAMP)
	$(FLASK) db upgrade

clean:
	rm -rf $(VENV) .pytest_cache
