# One command runs the app, one runs the tests; both install what they need.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test test-fast lint typecheck pytest bench bench-ui screenshots translations clean

QM := resources/i18n/ikodesk_en.qm

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# PySide6 6.12 split QtPdf/WebEngine into wheels of their own that a downgrade
	@# to the pinned version leaves behind, mismatched: remove them first.
	-$(BIN)/python -m pip uninstall --quiet --yes PySide6_Pdf PySide6_WebEngine 2>/dev/null
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: start the desktop client on the demo database (created on first run)
run: $(STAMP) $(QM)
	$(BIN)/ikodesk --demo

# The English translation (the Dutch UI needs none); the app also compiles it when missing.
$(QM): resources/i18n/ikodesk_en.ts $(STAMP)
	$(BIN)/pyside6-lrelease -silent $< -qm $@

## translations: collect new UI strings into the .ts (then translate them in pyside6-linguist)
## (the services' message templates too: QT_TRANSLATE_NOOP("services", ...), see errors.py)
translations: $(STAMP)
	$(BIN)/pyside6-lupdate $$(find src/ikodesk/ui src/ikodesk/services src/ikodesk/storage/server -name "*.py") \
		src/ikodesk/errors.py -ts resources/i18n/ikodesk_en.ts -no-obsolete

## test: lint, type-check and run the whole test suite
test: lint typecheck pytest

## test-fast: lint and every test not marked slow, on all cores; `make test` before a merge
test-fast: lint
	scripts/ensure_postgres.sh
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q -m "not slow" -n auto $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts installer
	$(BIN)/ruff format --check src tests benchmarks scripts installer

typecheck: $(STAMP)
	$(BIN)/mypy

# The whole suite, spread over the cores (each worker starts its own PostgreSQL cluster).
pytest: $(STAMP)
	scripts/ensure_postgres.sh
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q -n auto $(PYTEST_ARGS)

## bench: every row of issue #16's table beside its limit measured in the same run
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_table.py

## bench-ui: cold start, first paint on 1,000,000 cases, memory while scrolling
bench-ui: $(STAMP)
	$(BIN)/python benchmarks/bench_ui.py

## screenshots: every screen with demo data, at 100% and 150%, into shots/
screenshots: $(STAMP) $(QM)
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshots.py --out shots

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
