# Targets named in README. Everything runs from the project's own virtual environment.
PY := .venv/bin/python

.PHONY: setup run demo test test-fast lint format typecheck bench bench-matching clean

setup:
	python3.11 -m venv .venv && .venv/bin/pip install -q -e '.[dev]'

run:            ## one full run on inbox/ (fills an empty inbox with the demo first)
	.venv/bin/evidence run --demo

demo:           ## write the demo inbox (refuses a non-empty inbox)
	.venv/bin/evidence demo

test:           ## the whole suite, as CI runs it
	$(PY) -m pytest -q

test-fast:      ## skip OCR, LibreOffice, Chromium and slow end-to-end tests
	$(PY) -m pytest -q -m "not ocr and not slow and not libreoffice and not chromium"

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

typecheck:
	.venv/bin/mypy

bench:          ## throughput and memory at 1,000 and 10,000 files (minutes)
	$(PY) benchmarks/run.py --files 1000 --files 10000

bench-matching: ## precision@1, recall@3 and matching speed on the labelled set
	$(PY) benchmarks/matching.py

clean:
	rm -rf outbox/.state outbox/*.xlsx outbox/*.csv outbox/*.html outbox/reports outbox/binder outbox/mail
