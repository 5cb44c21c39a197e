# Two commands do everything on a fresh machine with Python 3.11:
#   make demo   set up, analyse the bundled example corpus, print the cross-check, write the reports
#   make test   set up, then lint, type-check and run the tests
#   make serve  the review workspace over the demo database (after make demo)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: demo test lint setup clean bench serve

$(BIN)/parallax: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(BIN)/parallax

setup: $(BIN)/parallax

demo: setup
	mkdir -p $(OUT)
	rm -f $(OUT)/demo.db
	$(BIN)/parallax analyze examples --gazetteer examples/gazetteer.json --db $(OUT)/demo.db
	$(BIN)/parallax export $(OUT)/demo.db --format html -o $(OUT)/report.html
	$(BIN)/parallax export $(OUT)/demo.db --format md -o $(OUT)/report.md
	$(BIN)/parallax export $(OUT)/demo.db --format json -o $(OUT)/record.json
	@echo "Report: $(OUT)/report.html (also $(OUT)/report.md, $(OUT)/record.json)"

lint: setup
	$(BIN)/ruff check parallax tests bench
	$(BIN)/ruff format --check parallax tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pip install --quiet -e ".[dev,ray]"  # the Ray path's tests run on a local Ray
	$(BIN)/pytest

serve: setup
	test -f $(OUT)/demo.db || $(MAKE) demo
	$(BIN)/parallax serve $(OUT)/demo.db --gazetteer examples/gazetteer.json

bench: setup
	$(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) $(OUT) *.egg-info
