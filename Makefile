# Two commands: `make run` (set up .venv and start the dashboard) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run serve test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/streamlit run app.py

# several app processes (one per core) behind nginx on 127.0.0.1:8080, all on one store
# (ATLAS_STORE); e.g. `make serve SERVE_ARGS="--workers 4 --listen 0.0.0.0:80"`.
# See README, Deployment.
SERVE_ARGS ?=
serve: $(STAMP)
	$(PY) scripts/serve.py $(SERVE_ARGS)

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy  # geo/, ui/, views/ and app.py, configured in pyproject.toml [tool.mypy]
	$(PY) -m pytest

# the library and page benchmarks (minutes); bench_browser.py and load_sessions.py start
# servers and take longer: run them by hand (see README, Performance)
bench: $(STAMP)
	for b in registry metrics maps figures pages; do $(PY) benchmarks/bench_$$b.py || exit 1; done

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache .mypy_cache
