# The two commands a fresh machine needs: `make demo` and `make test`.
PY ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test run lint faults bench bench-small clean

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null || { echo "Python 3.11 is needed (set PY=...)"; exit 1; }
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first and pinned: the CPU build; an unpinned torch pulls a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	# compile the clustering loop (numba) into its on-disk cache now, not in the first run
	$(BIN)/python -m briefing.kernels
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/briefing demo --out out

test: $(STAMP)
	$(BIN)/python -m pytest -q

run: $(STAMP)
	$(BIN)/briefing run --config feeds.toml

lint: $(STAMP)
	$(BIN)/ruff check briefing tests benchmarks tools

faults: $(STAMP)
	$(BIN)/python -m benchmarks.faults

bench: $(STAMP)
	$(BIN)/python -m benchmarks.bench

bench-small: $(STAMP)
	$(BIN)/python -m benchmarks.bench --small

clean:
	rm -rf out $(VENV) .pytest_cache
