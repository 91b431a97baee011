# jixiao — the two commands a fresh machine needs are `make demo` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
JOBS ?=

.PHONY: demo test lint unit build schema bench bench-doc fuzz doc-converter doc-fixtures fixtures-web test-tools clean real

## demo: extracts every bundled example file into out/: out/<format>/<name>.json, out/all.jsonl, out/all.csv
FORMATS := text docx doc xlsx xls html pdf
demo: build
	rm -rf out && mkdir -p out
	./target/release/jixiao extract $(addprefix fixtures/,$(FORMATS)) -o out/all.jsonl ; test $$? -le 1
	for format in $(FORMATS); do \
	    ./target/release/jixiao extract fixtures/$$format --out-dir out/$$format --quiet ; test $$? -le 1 || exit 1 ; \
	done
	./target/release/jixiao extract $(addprefix fixtures/,$(FORMATS)) --format csv -o out/all.csv --quiet ; test $$? -le 1
	@echo "wrote $$(ls out/*/*.json | wc -l) documents under out/<format>/, out/all.jsonl and out/all.csv"

build:
	$(CARGO) build --release --locked

## test: formatting, lints and every test (no office suite needed: .doc and RTF are read natively)
test: test-tools lint unit

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

unit:
	$(CARGO) test --workspace --locked $(JOBS)

## doc-converter: installs LibreOffice (Debian package libreoffice-writer-nogui) when missing, for
## the opt-in `--doc-converter soffice` fallback and its test (skipped, with a note, without it)
doc-converter:
	@scripts/install-libreoffice.sh || true

## test-tools: GNU time, which the hostile-input tests use to measure peak memory exactly
## (without it they sample /proc instead)
test-tools:
	@test -x /usr/bin/time || (apt-get install -y time >/dev/null 2>&1 || \
	    (apt-get update >/dev/null 2>&1 && apt-get install -y time >/dev/null 2>&1)) || true

## doc-fixtures: remakes fixtures/rtf and fixtures/doc/abiword (installs LibreOffice and AbiWord)
doc-fixtures:
	scripts/make-doc-fixtures.sh

## bench-doc: .doc files/s and memory, native against LibreOffice, on the same files
bench-doc:
	scripts/bench-doc.sh

## schema: rewrites schemas/document.schema.json from the output types
schema:
	$(CARGO) run --quiet -- schema > schemas/document.schema.json

## real: reads every real published document of ../shared/corpus/real/ and prints per document its
## status, tables, indicators, warning counts and the gold F1 (a report to read; not part of CI)
REAL ?= ../shared/corpus/real
real: build
	python3 scripts/real_report.py ./target/release/jixiao $(REAL)

## fixtures-web: rewrites fixtures/web/ (text dialects, saved government pages, Chromium-printed PDFs) from ../shared/corpus; installs Debian's chromium when missing
fixtures-web:
	scripts/web-fixtures.sh

## bench: throughput and memory figures, written into BENCHMARKS.md
bench:
	scripts/bench.sh

## fuzz: runs every fuzz target for FUZZ_SECONDS each (not part of CI)
FUZZ_SECONDS ?= 60
fuzz:
	scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	$(CARGO) clean
	rm -rf out bench-work
