# jixiao — the two commands a fresh machine needs are `make demo` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
JOBS ?=

.PHONY: demo test lint unit build schema bench fuzz doc-converter fixtures-web clean

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

## test: formatting, lints and every test (installs LibreOffice for the .doc tests when it can)
test: doc-converter lint unit

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

unit:
	$(CARGO) test --workspace --locked $(JOBS)

## doc-converter: installs LibreOffice (Debian package libreoffice-writer-nogui) when missing
doc-converter:
	@scripts/install-libreoffice.sh || true

## schema: rewrites schemas/document.schema.json from the output types
schema:
	$(CARGO) run --quiet -- schema > schemas/document.schema.json

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
