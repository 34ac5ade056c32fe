# Podium: `make run` serves the demo, `make test` runs every check against real PostgreSQL and Redis.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.DEFAULT_GOAL := help
.PHONY: help run test bench lint typecheck imports pytest messages clean

help:
	@echo "make run    - set up, migrate, seed the demo on first start, serve on http://127.0.0.1:8000"
	@echo "make test   - set up and run lint, types, import layers and the whole suite (PostgreSQL, Redis, chromium)"
	@echo "make bench  - throughput and latency of a signed-in page vs a bare route (PostgreSQL, 2 processes)"
	@echo "make messages - extract translatable strings and update the catalogues"

$(STAMP): pyproject.toml
	@scripts/system-packages.sh python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

run: $(STAMP)
	$(BIN)/podium migrate
	$(BIN)/podium demo --if-empty
	$(BIN)/podium run

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy podium

imports: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	@scripts/system-packages.sh test
	$(BIN)/pytest

test: lint typecheck imports pytest

bench: $(STAMP)
	@scripts/system-packages.sh bench
	$(BIN)/podium bench

messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext --no-location --sort-output --project=Podium -o podium/locale/messages.pot .
	$(BIN)/pybabel update -i podium/locale/messages.pot -d podium/locale --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d podium/locale --statistics
	$(BIN)/python -m podium.tooling.catalogs

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache bench-results
