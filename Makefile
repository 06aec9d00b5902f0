# One-command entry points. `make demo` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
API_PORT ?= 8000
PORTAL_PORT ?= 8765

.PHONY: install demo test bench crawl-real clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

install: $(VENV)/.installed

## Start the sample portal, crawl it, index into SQLite, serve the API on 127.0.0.1:$(API_PORT)
demo: install
	PY=$(PY) API_PORT=$(API_PORT) PORTAL_PORT=$(PORTAL_PORT) bash scripts/demo.sh

## Run the whole test suite (unit, API and end-to-end over local HTTP)
test: install
	$(PY) -m pytest -q tests

## Benchmarks (not tests): pipeline throughput vs bare trafilatura+jieba; search latency at 10k/100k
bench: install
	$(PY) bench/pipeline_throughput.py
	$(PY) bench/search_latency.py --sizes 10000 100000

## Crawl the real portals in seeds/real_portals.yaml with the polite settings (needs internet)
crawl-real: install
	$(VENV)/bin/scrapy crawl reports -a seeds=seeds/real_portals.yaml

clean:
	rm -rf data/demo.sqlite* data/portal.url
