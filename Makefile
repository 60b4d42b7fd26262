# Two commands: `make run` (set up .venv and start the dashboard) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/streamlit run app.py

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest

# the library and page benchmarks (minutes); bench_browser.py and load_sessions.py start
# servers and take longer: run them by hand (see README, Performance)
bench: $(STAMP)
	for b in registry metrics maps figures pages; do $(PY) benchmarks/bench_$$b.py || exit 1; done

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache
