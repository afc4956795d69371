# Two commands on a fresh machine with Python 3.11+ and make: `make site` and `make test`.
PYTHON ?= python3
# MkDocs prints a banner about 2.0 on every build otherwise.
export NO_MKDOCS_2_WARNING := 1
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: site offline serve test test-fast lint check schema bench screenshots clean chromium

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

site: $(STAMP)
	$(BIN)/mkdocs build --strict

# The site for reading from disk (file://): links name files, search works without a server.
offline: $(STAMP)
	$(BIN)/mkdocs build --strict -f mkdocs-offline.yml

# --dirty: incremental rebuilds, an edit rebuilds only the pages it changes (generator/incremental.py).
serve: $(STAMP)
	$(BIN)/mkdocs serve --dirty

check: $(STAMP)
	$(BIN)/briefings check

schema: $(STAMP)
	$(BIN)/briefings schema --out schema

# Debian's Chromium for the browser tests (never `playwright install`: no browser downloads here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

lint: $(TEST_STAMP)
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/mypy

test: lint chromium
	$(BIN)/python -m pytest -q

# The suite without the tests that drive Chromium: the quick loop while editing.
test-fast: lint
	$(BIN)/python -m pytest -q -m "not browser"

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# Pages, pictures and the claims filter as PNG files in /tmp/briefings-shots/, for a human eye (nothing checked).
screenshots: $(TEST_STAMP) chromium
	$(BIN)/python benchmarks/screenshots.py

clean:
	rm -rf site site-offline build .pytest_cache .ruff_cache .hypothesis
