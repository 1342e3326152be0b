# optolink: `make demo` and `make test` work on a fresh clone (they create .venv when missing).
# EXTRAS selects the optional dependency groups installed with the project (CI adds the peers).
comma := ,
PYTHON ?= python3
EXTRAS ?= dev
VENV := .venv
BIN := $(VENV)/bin
STAMP = $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))

.PHONY: demo test bench lint fuzz clean check-nli docs peers-solvers

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/optolink demo --out out/

test: $(STAMP)
	$(BIN)/python -m pytest -q

# the peers are needed (a sub-make installs them, so that the stamp's name follows the extras)
bench:
	$(MAKE) --no-print-directory EXTRAS=dev,peers $(VENV)/.installed-dev-peers
	$(BIN)/python -m benchmarks

# a long fuzz campaign over the public API (CI runs a bounded, seeded one: tests/test_fuzz.py, tests/test_fuzz_api.py);
# OPTOLINK_FUZZ_API_EXAMPLES examples per public constructor/function (~12 min at 300), OPTOLINK_FUZZ_LOG records them
fuzz: $(STAMP)
	OPTOLINK_FUZZ_EXAMPLES=$${OPTOLINK_FUZZ_EXAMPLES:-5000} OPTOLINK_FUZZ_API_EXAMPLES=$${OPTOLINK_FUZZ_API_EXAMPLES:-300} \
		nice $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_fuzz.py tests/test_fuzz_api.py

# the documentation site into site/: the examples draw the gallery, then a strict build (warnings are errors)
# (EXTRAS plus docs; the install runs in a sub-make so that the stamp's name follows those extras)
DOCS_EXTRAS = $(if $(findstring docs,$(EXTRAS)),$(EXTRAS),$(EXTRAS)$(comma)docs)
docs:
	$(MAKE) --no-print-directory EXTRAS=$(DOCS_EXTRAS) $(VENV)/.installed-$(subst $(comma),-,$(DOCS_EXTRAS))
	OPTOLINK_EXAMPLES_OUT=out/gallery MPLBACKEND=Agg sh -c 'for f in examples/*.py; do $(BIN)/python "$$f" >/dev/null || exit 1; done'
	NO_MKDOCS_2_WARNING=1 OPTOLINK_DOCS_GALLERY=out/gallery $(BIN)/mkdocs build --strict --quiet

lint: $(STAMP)
	$(BIN)/ruff check photonics links layouts optolink tests benchmarks examples docs/hooks.py

clean:
	rm -rf $(VENV) out site .pytest_cache

# the mode-solver peer (femwell: gmsh, VTK, CadQuery) in its own venv, out of the project's pins; writes the
# reference tests/data/peer_femwell_strip.json that tests/test_modes_peer.py and bench_modes compare with (hours)
peers-solvers: $(STAMP)
	test -x .venv-peers/bin/python || $(PYTHON) -m venv .venv-peers
	.venv-peers/bin/python -m pip install --quiet femwell
	$(BIN)/python benchmarks/peer_femwell_strip.py --indices .venv-peers/indices.json
	.venv-peers/bin/python benchmarks/peer_femwell_strip.py .venv-peers/indices.json tests/data/peer_femwell_strip.json

# the bigger WDM split-step check of the NLI models (minutes)
check-nli: $(STAMP)
	$(BIN)/python -c "from benchmarks.bench_nli import split_step_campaign; split_step_campaign()"
