# ctct-mylibrary — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
PORT ?= 8080
EMULATOR := target/release/mylibrary-emulator

.PHONY: all bootstrap emulator demo test test-native lint fmt clean

all: emulator

bootstrap:
	@scripts/bootstrap

emulator:
	$(CARGO) build --release -p mylibrary-emulator

## demo: build everything and serve the demo against the emulator on http://127.0.0.1:$(PORT)
demo: bootstrap emulator
	$(EMULATOR) --port $(PORT) --upload-delay-ms 3000

## test: every test
test: bootstrap lint test-native

test-native:
	$(CARGO) test --workspace --all-targets

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

clean:
	$(CARGO) clean
	rm -rf pkg build artifacts
