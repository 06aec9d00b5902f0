# One-command entry points. `make demo` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
API_PORT ?= 8000
PORTAL_PORT ?= 8765

.PHONY: install system-deps demo test lint format screenshots bench crawl-real clean

# requirements.txt pins every package; `-e .` installs our packages and console scripts (pyproject.toml).
$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt -e .
	touch $@

install: $(VENV)/.installed

## Debian packages the tests need (Chromium, LibreOffice, tesseract): installed when missing and run as root
system-deps:
	bash scripts/system_deps.sh

## Start the sample portal, crawl it, index into SQLite, serve the API on 127.0.0.1:$(API_PORT)
demo: install
	BIN=$(BIN) API_PORT=$(API_PORT) PORTAL_PORT=$(PORTAL_PORT) bash scripts/demo.sh

## Run the whole test suite (unit, API, end-to-end over local HTTP, documents, the site in Chromium)
test: install system-deps
	$(BIN)/pytest -q

## Lint, format check and type check
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## Apply the formatter and the safe lint fixes
format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Retake the README's screenshots of the site (docs/screenshots) in headless Chromium, on the sample portal's data
screenshots: install
	$(BIN)/pytest -q tests/browser/test_browser_readme.py
	mkdir -p docs/screenshots
	cp tests/browser/screenshots/readme/search.png tests/browser/screenshots/readme/agency.png docs/screenshots/

## Benchmarks (not tests): pipeline throughput vs bare trafilatura+jieba; search latency at 10k/100k/1M (SQLite files kept in data/bench; also Elasticsearch when ES_URL is set); distributed crawl with 1, 2, 4 workers
bench: install
	$(BIN)/python bench/pipeline_throughput.py
	$(BIN)/python -u bench/search_latency.py --sizes 10000 100000 1000000 --keep data/bench
	if [ -n "$$ES_URL" ]; then $(BIN)/python -u bench/search_latency.py --backend es --sizes 10000 100000 1000000; fi
	$(BIN)/python -u bench/distributed_crawl.py --workers 1 2 4

## Crawl the real portals in seeds/real_portals.yaml with the polite settings (needs internet)
crawl-real: install
	$(BIN)/reports-crawl seeds/real_portals.yaml

clean:
	rm -rf data/demo.sqlite* data/portal.url
