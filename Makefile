# ctct-mylibrary — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
PORT ?= 8080
EMULATOR := target/release/mylibrary-emulator
TSC := tools/node_modules/.bin/tsc

.PHONY: all bootstrap emulator pkg demo test lint test-native test-wasm test-node test-types fmt clean

all: emulator pkg

bootstrap:
	@scripts/bootstrap

emulator:
	$(CARGO) build --release -p mylibrary-emulator

## pkg: the npm package in pkg/ (wasm-bindgen --target web, wasm-opt -Oz)
pkg: bootstrap
	scripts/build-pkg

## demo: build everything and serve the demo against the emulator on http://127.0.0.1:$(PORT)
demo: bootstrap emulator pkg
	rm -rf build/www && mkdir -p build/www && cp -r www/. build/www/ && cp -r pkg build/www/pkg
	$(EMULATOR) --port $(PORT) --www build/www

## test: every test
test:
	@scripts/bootstrap --browser
	$(MAKE) lint test-native pkg test-types test-wasm test-node

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy --lib --tests --target wasm32-unknown-unknown -- -D warnings

test-native:
	$(CARGO) test --workspace --all-targets

test-types:
	$(TSC) -p tests/types/tsconfig.json
	node tests/types/check-wrong.mjs

test-wasm:
	$(CARGO) build -p mylibrary-emulator
	scripts/test-wasm all

test-node:
	scripts/with-emulator -- node --test tests/node/

fmt:
	$(CARGO) fmt --all

clean:
	$(CARGO) clean
	rm -rf pkg build artifacts
