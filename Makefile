# The two set-up commands: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-suite test-fuzz bench fuzz lint clean openapi model

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# Not echoed: a refused second run prints its one line, then make adds its own (README, "Set-up").
run: $(STAMP)
	@$(BIN)/python -m infra.local

# The dashboard's browser tests (tests/browser) drive Debian's Chromium; installed when missing.
# The HTTP suites then run once more through a real PgBouncer in transaction mode (Debian's, also
# installed when missing; tests/pooler.py starts it), as behind Supabase's pooler or RDS Proxy.
# The suite runs in three pytest-xdist workers on the two cores (a whole file per worker, each
# worker its own cluster): a third fills the time the others spend waiting on browsers, servers and
# subprocesses. The fuzzer (a plain run: schemathesis expands its cases per operation only there)
# takes the CPU they leave idle at the lowest priority (nice 19, its cluster too); each prints its
# output when it ends. Then the pooled run. About 6 minutes on two cores (5m46s on 7 Dec 2026).
FUZZ := tests/end_to_end/test_fuzz.py
# Through PgBouncer: the suites of every HTTP route, marked `pooled` (pytestmark in each module;
# pyproject.toml lists the marker). The mail sender's, the scheduled jobs' and the inbox plans'
# suites pass through it too (AVENIR_TEST_POOLER=1 by hand) but carry no mark, to keep `make test`
# under 10 minutes on two cores.
test: $(STAMP)
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		(apt-get update -qq && apt-get install -y -qq chromium chromium-driver)
	@test -x /usr/sbin/pgbouncer || (apt-get update -qq && apt-get install -y -qq pgbouncer)
	$(BIN)/ruff check shared functions infra tests
	$(MAKE) --no-print-directory -j 2 --output-sync=target test-suite test-fuzz
	AVENIR_TEST_POOLER=1 $(BIN)/pytest -q -p no:cacheprovider -n 3 --dist loadfile -m pooled --ignore=$(FUZZ)

test-suite: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider -n 3 --dist loadfile --ignore=$(FUZZ)

test-fuzz: $(STAMP)
	nice -n 19 $(BIN)/pytest -q -p no:cacheprovider $(FUZZ)

# Benchmarks (tests/bench, ~10 min on both cores; AVENIR_BENCH_QUICK=1 for a short run): wrk from
# Debian drives the HTTP load (installed when missing); writes BENCHMARKS.md.
bench: $(STAMP)
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m tests.bench

# More generated cases per operation than `make test` runs (AVENIR_FUZZ_EXAMPLES=N to choose).
fuzz: $(STAMP)
	AVENIR_FUZZ_EXAMPLES=$${AVENIR_FUZZ_EXAMPLES:-150} $(BIN)/pytest -q -p no:cacheprovider $(FUZZ)

lint: $(STAMP)
	$(BIN)/ruff check shared functions infra tests
	$(BIN)/cfn-lint    # template.yaml for ca-central-1 (.cfnlintrc.yaml); tests/deploy runs it in `make test`

# Retrain the enrichment model from tests/fixtures/enrichment and cross-validate the engine
# (deterministic, ~2.5 min on two cores): shared/enrichment/model.json.
model: $(STAMP)
	$(BIN)/python -m tests.enrichment.train

clean:
	rm -rf $(VENV) .pytest_cache
