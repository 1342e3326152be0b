# optolink: `make demo` and `make test` work on a fresh clone (they create .venv when missing).
# EXTRAS selects the optional dependency groups installed with the project (CI adds the peers).
comma := ,
PYTHON ?= python3
EXTRAS ?= dev
VENV := .venv
BIN := $(VENV)/bin
STAMP = $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))

.PHONY: demo test bench lint fuzz clean check-nli

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/optolink demo --out out/

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: EXTRAS = dev,peers
bench: $(STAMP)
	$(BIN)/python -m benchmarks

# a long fuzz campaign over the public API (CI runs a bounded, seeded one in tests/test_fuzz.py)
fuzz: $(STAMP)
	OPTOLINK_FUZZ_EXAMPLES=$${OPTOLINK_FUZZ_EXAMPLES:-5000} $(BIN)/python -m pytest -q tests/test_fuzz.py

lint: $(STAMP)
	$(BIN)/ruff check photonics links layouts optolink tests benchmarks

clean:
	rm -rf $(VENV) out .pytest_cache

# the bigger WDM split-step check of the NLI models (minutes)
check-nli: $(STAMP)
	$(BIN)/python -c "from benchmarks.bench_nli import split_step_campaign; split_step_campaign()"
