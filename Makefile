# Two commands on a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_STORE := build/demo-store
DEMO_OUT   := build/demo

.PHONY: demo test install clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -rf $(DEMO_STORE) $(DEMO_OUT)
	mkdir -p $(DEMO_OUT)
	$(BIN)/kg build examples/ --store $(DEMO_STORE)
	$(BIN)/kg stats --store $(DEMO_STORE)
	$(BIN)/kg query --store $(DEMO_STORE) entities-by-type
	$(BIN)/kg query --store $(DEMO_STORE) relations --limit 15
	$(BIN)/kg export --store $(DEMO_STORE) --format turtle --out $(DEMO_OUT)/graph.ttl
	$(BIN)/kg export --store $(DEMO_STORE) --format graphml --out $(DEMO_OUT)/graph.graphml
	$(BIN)/kg export --store $(DEMO_STORE) --format html --out $(DEMO_OUT)/graph.html
	$(BIN)/kg export --store $(DEMO_STORE) --view comentions --format gexf --out $(DEMO_OUT)/comentions.gexf
	$(BIN)/kg export --store $(DEMO_STORE) --format csv --out $(DEMO_OUT)/graph.csv
	@echo "Exports written to $(DEMO_OUT)/"

test: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/build_vs_pipe.py

clean:
	rm -rf $(VENV) build kg-store *.egg-info
