# Payer Exchange. `make demo` and `make test` each set up everything from nothing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
P2P := $(BIN)/p2p
INSTALLED := $(VENV)/.installed
NEO4J_LIB := infra/neo4j/target/lib
JARS := $(NEO4J_LIB)/.fetched

.PHONY: help setup chromium jars neo4j neo4j-stop demo test test-unit test-integration fuzz check format bench reliability clean

help:
	@echo "make demo   set up everything and run the main job: two payers exchange members' histories (DEMO_ARGS=\"--exit\")"
	@echo "make test   set up everything and run the whole test suite against a real Neo4j"
	@echo "make check  lint (ruff) and type-check (mypy)"
	@echo "make bench  run the benchmarks in benchmarks/ (prints figures; not part of CI)"
	@echo "make fuzz   schemathesis over the OpenAPI document with valid tokens (FUZZ_EXAMPLES per operation, default 200)"
	@echo "make reliability   the reliability suite: crashes (SIGKILL of APIs, workers, Neo4j during 500 transfers), 200 simultaneous"
	@echo "                   duplicates, schemathesis on a live API, audit tampering; one table, exit 1 if a row fails (RELIABILITY_ARGS; not CI)"
	@echo "make neo4j / neo4j-stop   start or stop the local Neo4j"

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	@touch $@

# Debian's chromium for the dashboard's browser test (Playwright drives /usr/bin/chromium; it downloads no browser).
# Idempotent: installs only when absent and only as root (CI runs as root); otherwise says what to do.
CHROMIUM := /usr/bin/chromium

chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else echo "chromium is missing: run 'apt-get install -y chromium' as root (the dashboard test needs it)"; fi

setup: $(INSTALLED) chromium

$(JARS): infra/neo4j/pom.xml
	@command -v mvn >/dev/null || { echo "Maven (mvn) is needed once to fetch the Neo4j jars"; exit 1; }
	mvn -B -q -f infra/neo4j/pom.xml package
	@touch $@

jars: $(JARS)

neo4j: setup jars
	$(P2P) neo4j start

neo4j-stop: setup
	$(P2P) neo4j stop

# Two payers, each on a Neo4j server of its own under var/demo (started and stopped by the demo).
demo: setup jars
	$(P2P) demo $(DEMO_ARGS)

test: neo4j
	$(BIN)/pytest $(PYTEST_ARGS)

test-unit: setup
	$(BIN)/pytest tests/unit $(PYTEST_ARGS)

test-integration: neo4j
	$(BIN)/pytest tests/integration $(PYTEST_ARGS)

# Schemathesis over the OpenAPI document with valid partner and steward tokens: no 5xx, responses match the schema.
# Runs against the test database (wiped per test, like `make test`). The test suite runs the same test with 15 examples.
fuzz: neo4j
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} $(BIN)/pytest tests/e2e/test_api_fuzz.py $(PYTEST_ARGS)

check: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: neo4j
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b $(BENCH_ARGS) || exit 1; done

# The reliability suite between two local payers, each on a throw-away Neo4j of its own under var/reliability
# (the project's database is not touched). RELIABILITY_ARGS="--only crashes --transfers 200" runs a part, smaller.
reliability: setup jars
	$(BIN)/python benchmarks/reliability_transfers.py $(RELIABILITY_ARGS)

clean:
	-$(P2P) neo4j stop
	rm -rf $(VENV) infra/neo4j/target .neo4j var
