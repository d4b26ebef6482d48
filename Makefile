# ctct-mylibrary — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
PORT ?= 8080
EDGE_PORT ?= 8787
EMULATOR := target/release/mylibrary-emulator
TSC := tools/node_modules/.bin/tsc

.PHONY: all bootstrap emulator pkg www worker-rs demo demo-edge test lint test-native test-wasm test-node test-types test-runtimes test-browser bench bench-smoke fuzz fmt clean

all: emulator pkg

bootstrap:
	@scripts/bootstrap

emulator:
	$(CARGO) build --release -p mylibrary-emulator

## pkg: the npm package in pkg/ (wasm-bindgen --target web, wasm-opt -Oz)
pkg: bootstrap
	scripts/build-pkg

## demo: build everything and serve the demo against the emulator on http://127.0.0.1:$(PORT)
demo: bootstrap emulator pkg www
	$(EMULATOR) --port $(PORT) --www build/www --files 400 --folders 24

## demo-edge: the app served by the edge Worker (workerd) on http://127.0.0.1:$(EDGE_PORT): sign-in, sessions, and /v2 with
## the credentials held by the Worker; the emulator on :$(PORT) is the API and the OAuth2 server (two accounts)
demo-edge: bootstrap emulator pkg www
	$(EMULATOR) --port $(PORT) --www build/www --files 400 --folders 24 --accounts 2 \
	  --client-secret demo-client-secret \
	  --redirect-uri http://127.0.0.1:$(PORT)/ --redirect-uri http://127.0.0.1:$(EDGE_PORT)/auth/callback & \
	  trap "kill $$!" EXIT; sleep 1; \
	  echo "Open http://127.0.0.1:$(EDGE_PORT)/ and sign in (demo_user or demo_user_2); http://127.0.0.1:$(PORT)/ is the emulator's own demo"; \
	  API_BASE=http://127.0.0.1:$(PORT)/v2 OAUTH_BASE=http://127.0.0.1:$(PORT)/oauth2 APP_ORIGIN=http://127.0.0.1:$(EDGE_PORT) \
	  WORKER_PORT=$(EDGE_PORT) API_KEY=demo-api-key CLIENT_SECRET=demo-client-secret node examples/worker/dev.mjs & \
	  wait

## www: the demo with the built package beside it, in build/www
www:
	rm -rf build/www && mkdir -p build/www && cp -r www/. build/www/ && cp -r pkg build/www/pkg

## test: every test
test:
	@scripts/bootstrap --browser
	$(MAKE) lint test-native pkg test-types test-wasm test-node test-runtimes test-browser bench-smoke

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy --all-targets --features native -- -D warnings
	$(CARGO) clippy --all-targets --features native,edge -- -D warnings
	$(CARGO) clippy --all-targets --features native,fit -- -D warnings
	$(CARGO) clippy --lib --target wasm32-unknown-unknown --features fit -- -D warnings
	$(CARGO) clippy --lib --tests --target wasm32-unknown-unknown --features js,edge -- -D warnings
	$(CARGO) clippy --lib --tests --target wasm32-unknown-unknown --features edge -- -D warnings
	$(CARGO) clippy --lib --tests --target wasm32-unknown-unknown -- -D warnings
	$(CARGO) clippy --lib --target wasm32-unknown-unknown --features js,small-alloc -- -D warnings
	$(CARGO) clippy --lib --target wasm32-unknown-unknown --features js,edge,small-alloc -- -D warnings
	cd examples/worker-rs && $(CARGO) fmt -- --check
	cd examples/worker-rs && $(CARGO) clippy --target wasm32-unknown-unknown -- -D warnings
	$(CARGO) clippy -p ctct-mylibrary-fit --target wasm32-unknown-unknown --features exports -- -D warnings

## worker-rs: the Rust Worker (examples/worker-rs) in examples/worker-rs/build: cargo, the pinned wasm-bindgen,
## wasm-opt and esbuild, nothing downloaded (`node examples/worker-rs/dev.mjs` serves it on workerd)
worker-rs: bootstrap
	node examples/worker-rs/dev.mjs --build

## test-native: the native tests (the workspace's, with examples/axum: the axum server started and driven through sign-in,
## its library page, thumbnails and sign-out against an emulator), then the Rust face on reqwest (feature native) against an emulator per test
test-native:
	$(CARGO) test --workspace --all-targets
	$(CARGO) test --workspace --doc
	$(CARGO) test -p ctct-mylibrary --doc --features native,fit
	# the crate's documentation, with no warning, on each target and feature set a user builds
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc -p ctct-mylibrary --no-deps
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc -p ctct-mylibrary --no-deps --features native,fit
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc -p ctct-mylibrary --no-deps --target wasm32-unknown-unknown --features edge
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc -p ctct-mylibrary --no-deps --target wasm32-unknown-unknown --features js,edge
	# ... and an example on every public function and method
	scripts/check-doc-examples
	$(CARGO) build -p mylibrary-emulator
	$(CARGO) test --features native,fit --lib --test native -- --show-output --test-threads=4

test-types:
	$(TSC) -p tests/types/tsconfig.json
	node tests/types/check-wrong.mjs
	node tests/types/check-projects.mjs

test-wasm:
	$(CARGO) build -p mylibrary-emulator
	scripts/test-wasm all

test-node: emulator
	scripts/with-emulator -- node --test tests/node/

## test-runtimes: the Workers on workerd (the JS edge Worker, the Rust Worker), Node and Deno scripts, Vite and esbuild builds in Chromium
test-runtimes: emulator www
	scripts/with-emulator -- node --test --test-concurrency=1 tests/worker/ tests/runtimes/

## test-browser: the demo in headless Chromium (Playwright); screenshots in artifacts/screenshots
test-browser: emulator www
	node --test --test-concurrency=1 tests/browser/

## bench: every benchmark with its budget (fails above one); figures in bench-results/latest.json
bench: bootstrap emulator pkg www
	@scripts/bootstrap --browser
	node bench/run.mjs

## bench-smoke: a few rounds of each benchmark, to prove they run (no budgets, no timings asserted)
bench-smoke: emulator pkg www
	node bench/run.mjs --smoke

fmt:
	$(CARGO) fmt --all
	cd examples/worker-rs && $(CARGO) fmt

clean:
	$(CARGO) clean
	rm -rf pkg build artifacts examples/worker-rs/build

## fuzz: the long fuzz run (cargo-fuzz on nightly where present, else a long proptest run)
fuzz: bootstrap
	scripts/fuzz $(or $(SECONDS),300)
