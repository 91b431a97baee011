# jixiao — the two commands a fresh machine needs are `make demo` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
JOBS ?=

.PHONY: demo test lint unit build install schema bench fuzz doc-converter clean

## demo: extracts every bundled example file into out/: out/<format>/<name>.json, out/all.jsonl, out/all.csv, out/all.xlsx
# .doc files need LibreOffice; without it they are left out of the demo, and the demo says so.
FORMATS := text docx xlsx xls html pdf $(if $(shell command -v soffice || command -v libreoffice),doc,)
demo: build
	rm -rf out && mkdir -p out
	@$(if $(findstring doc,$(filter doc,$(FORMATS))),,echo "LibreOffice (soffice) is not installed: fixtures/doc is left out (make doc-converter installs it)")
	./target/release/jixiao extract $(addprefix fixtures/,$(FORMATS)) -o out/all.jsonl
	./target/release/jixiao extract $(addprefix fixtures/,$(FORMATS)) --out-dir out --quiet
	./target/release/jixiao extract $(addprefix fixtures/,$(FORMATS)) --format csv -o out/all.csv --quiet
	./target/release/jixiao extract $(addprefix fixtures/,$(FORMATS)) --format xlsx -o out/all.xlsx --quiet
	@echo "wrote $$(ls out/*/*.json | wc -l) documents under out/<format>/, out/all.jsonl, out/all.csv and out/all.xlsx"

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
