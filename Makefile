# jixiao — the two commands a fresh machine needs are `make demo` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
JOBS ?=

.PHONY: demo test lint unit python-test bench-python build install schema bench bench-review bench-doc fuzz doc-converter doc-fixtures fixtures-web test-tools clean real

## demo: extracts every bundled example file into out/: out/<format>/<name>.json, out/all.jsonl, out/all.csv, out/all.xlsx
# Every format is read natively, .doc and RTF included: no office suite is needed.
FORMATS := text docx xlsx xls html pdf doc rtf
demo: build
	rm -rf out && mkdir -p out
	./target/release/jixiao extract $(addprefix fixtures/,$(FORMATS)) -o out/all.jsonl
	./target/release/jixiao extract $(addprefix fixtures/,$(FORMATS)) --out-dir out --quiet
	./target/release/jixiao extract $(addprefix fixtures/,$(FORMATS)) --format csv -o out/all.csv --quiet
	./target/release/jixiao extract $(addprefix fixtures/,$(FORMATS)) --format xlsx -o out/all.xlsx --quiet
	@echo "wrote $$(find out -mindepth 2 -name '*.json' | wc -l) documents under out/<format>/, out/all.jsonl, out/all.csv and out/all.xlsx"

build:
	$(CARGO) build --release --locked

## install: installs jixiao into PREFIX/bin (default ~/.local) with its manual page and bash, zsh and fish completions
PREFIX ?= $(HOME)/.local
install:
	$(CARGO) install --locked --path . --root $(PREFIX)
	mkdir -p $(PREFIX)/share/man/man1 $(PREFIX)/share/bash-completion/completions \
	    $(PREFIX)/share/zsh/site-functions $(PREFIX)/share/fish/vendor_completions.d
	$(PREFIX)/bin/jixiao manpage > $(PREFIX)/share/man/man1/jixiao.1
	$(PREFIX)/bin/jixiao completions bash > $(PREFIX)/share/bash-completion/completions/jixiao
	$(PREFIX)/bin/jixiao completions zsh > $(PREFIX)/share/zsh/site-functions/_jixiao
	$(PREFIX)/bin/jixiao completions fish > $(PREFIX)/share/fish/vendor_completions.d/jixiao.fish
	@echo "installed $(PREFIX)/bin/jixiao, its manual page and completions"

## test: formatting, lints and every test (no office suite needed: .doc and RTF are read natively),
## then the Python package's tests (see python-test)
test: test-tools lint unit python-test

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

unit:
	$(CARGO) test --workspace --locked $(JOBS)

## python-test: builds the `jixiao` wheel into .venv and runs its pytest suite; the packages
## (maturin, pytest, pyarrow, orjson, pyspark, pandas from PyPI) and Java (Debian's openjdk-17-jre-headless,
## when missing) are installed by scripts/python-env.sh; the Spark tests are skipped, saying why,
## when pyspark or Java cannot be had
python-test:
	scripts/python-test.sh

## doc-converter: installs LibreOffice (Debian package libreoffice-writer-nogui) when missing, for
## the opt-in `--doc-converter soffice` fallback and its test (skipped, with a note, without it)
doc-converter:
	@scripts/install-libreoffice.sh || true

## test-tools: GNU time, which the hostile-input tests use to measure peak memory exactly
## (without it they sample /proc instead), and Chromium, in which the review page is tested
## (the test is skipped, saying why, without it)
test-tools:
	@test -x /usr/bin/time || (apt-get install -y time >/dev/null 2>&1 || \
	    (apt-get update >/dev/null 2>&1 && apt-get install -y time >/dev/null 2>&1)) || true
	@scripts/install-chromium.sh || true

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

## bench-python: Spark (local[2]) and extract_many against the command line on the same files, and
## the Parquet writer's peak memory; writes its section of BENCHMARKS.md
bench-python:
	scripts/bench-python.sh

## bench-review: `jixiao review` against `jixiao extract` on the same 1,000 files (limit 1.3x)
bench-review:
	scripts/bench-review.sh

## fuzz: runs every fuzz target for FUZZ_SECONDS each (not part of CI)
FUZZ_SECONDS ?= 60
fuzz:
	scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	$(CARGO) clean
	rm -rf out bench-work .venv
