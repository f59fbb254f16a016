# The two set-up commands: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench fuzz lint clean openapi model

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m infra.local

# The dashboard's browser tests (tests/browser) drive Debian's Chromium; installed when missing.
# The HTTP suites then run once more through a real PgBouncer in transaction mode (Debian's, also
# installed when missing; tests/pooler.py starts it), as behind Supabase's pooler or RDS Proxy.
# The suite runs on both cores (pytest-xdist, a whole file per worker, each worker its own cluster);
# the fuzzer alone after it: schemathesis expands its cases per operation only in a plain run.
FUZZ := tests/end_to_end/test_fuzz.py
POOLED_SUITES := tests/leads/test_intake.py tests/leads/test_follow_up_context.py tests/platform/test_pooler.py tests/platform/test_round_trips.py
test: $(STAMP)
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		(apt-get update -qq && apt-get install -y -qq chromium chromium-driver)
	@test -x /usr/sbin/pgbouncer || (apt-get update -qq && apt-get install -y -qq pgbouncer)
	$(BIN)/ruff check shared functions infra tests
	$(BIN)/pytest -q -n 2 --dist loadfile --ignore=$(FUZZ)
	$(BIN)/pytest -q -p no:cacheprovider $(FUZZ)
	AVENIR_TEST_POOLER=1 $(BIN)/pytest -q -p no:cacheprovider $(POOLED_SUITES)

# Benchmarks (tests/bench, ~10 min; AVENIR_BENCH_QUICK=1 for a short run): wrk from Debian drives
# the HTTP load, py-spy profiles a target that is missed; both are installed when missing.
bench: $(STAMP)
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	@$(BIN)/python -m pip show -q py-spy >/dev/null 2>&1 || $(BIN)/pip install -q py-spy
	$(BIN)/python -m tests.bench

# More generated cases per operation than `make test` runs (AVENIR_FUZZ_EXAMPLES=N to choose).
fuzz: $(STAMP)
	AVENIR_FUZZ_EXAMPLES=$${AVENIR_FUZZ_EXAMPLES:-150} $(BIN)/pytest -q -p no:cacheprovider $(FUZZ)

lint: $(STAMP)
	$(BIN)/ruff check shared functions infra tests
	$(BIN)/cfn-lint    # template.yaml for ca-central-1 (.cfnlintrc.yaml); tests/deploy runs it in `make test`

# Retrain the enrichment model from tests/fixtures/enrichment (deterministic, ~1 min): shared/enrichment/model.json.
model: $(STAMP)
	$(BIN)/python -m tests.enrichment.train

clean:
	rm -rf $(VENV) .pytest_cache
