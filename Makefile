# jixiao — the two commands a fresh machine needs are `make demo` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
JOBS ?=

.PHONY: demo test lint unit build schema bench fuzz doc-converter clean

## demo: extracts every bundled example file into out/ (one JSON per input, plus out/all.csv)
demo: build
	rm -rf out && mkdir -p out
	./target/release/jixiao extract fixtures/text fixtures/docx fixtures/doc fixtures/xlsx \
	    fixtures/xls fixtures/html fixtures/pdf --out-dir out ; test $$? -le 1
	./target/release/jixiao extract fixtures/docx --format csv -o out/all.csv
	@echo "wrote $$(ls out/*.json | wc -l) documents to out/ and out/all.csv"

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
