# zorgtafel: `make run` for a local demo, `make test` for the checks. Everything goes into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
TESTDEPS := $(VENV)/.test-installed
DEDUCE := $(VENV)/.deduce-cache
CATALOGS := $(patsubst %.po,%.mo,$(wildcard zorgtafel/translations/*/LC_MESSAGES/messages.po))

.PHONY: run test lint bench soak mutate messages clean

run: $(RUNTIME) $(CATALOGS) $(DEDUCE)
	$(BIN)/zorgtafel init --demo
	$(BIN)/zorgtafel demo
	@echo "zorgtafel draait op http://127.0.0.1:5000 (Ctrl-C stopt)"
	$(BIN)/zorgtafel serve --bind 127.0.0.1:5000

test: $(TESTDEPS) $(CATALOGS) $(DEDUCE) lint
	$(BIN)/python -m pytest

lint: $(TESTDEPS)
	$(BIN)/ruff check zorgtafel tests bench
	$(BIN)/ruff format --check zorgtafel tests bench

bench: $(TESTDEPS) $(DEDUCE)
	$(BIN)/python -m bench

# ten minutes of mixed load on PostgreSQL (ZORGTAFEL_BENCH_DATABASE_URL); not part of `make bench`
soak: $(TESTDEPS) $(DEDUCE) $(CATALOGS)
	$(BIN)/python -m bench soak

# mutation testing of the privacy core (see "Mutation testing" in the README); not part of
# `make test`: it takes long, and at the lowest priority, since the machine may be shared
mutate: $(TESTDEPS) $(CATALOGS)
	nice -n 19 $(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(RUNTIME): pyproject.toml $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(TESTDEPS): pyproject.toml $(RUNTIME)
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

# deduce builds its lookup cache (a 75 MB pickle in its own package folder in the venv) on
# first use: ~2-3 minutes and ~1.2 GB once per venv; after that it loads in ~15 s
# `make run` builds it before serving, so the service starts in seconds and pages never wait
$(DEDUCE): $(RUNTIME)
	@echo "deduce: opzoekcache van de pseudonimiseerder nakijken of bouwen, vóór het starten (de eerste keer 2-3 minuten, ~1,2 GB)"
	$(BIN)/python -c "import deduce; deduce.Deduce()"
	touch $@

%.mo: %.po $(RUNTIME)
	$(BIN)/pybabel compile -i $< -o $@

# after changing UI text: extract and merge into the English catalogue, then translate
messages: $(RUNTIME)
	$(BIN)/pybabel extract -F babel.cfg -k _l -o zorgtafel/translations/messages.pot .
	$(BIN)/pybabel update -i zorgtafel/translations/messages.pot -d zorgtafel/translations

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache mutants
