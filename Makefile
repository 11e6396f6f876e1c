# Code Remote. `make run` builds and starts the app; `make test` runs every test.

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
GO      ?= go
LDFLAGS := -s -w -X main.version=$(VERSION)
# The binary is static (CGO_ENABLED=0); only the race detector needs cgo.
export CGO_ENABLED = 0

# The Python runtime: CPython 3.13 for WASI, built from Debian's source by
# sandbox/runtime/build/build.sh (≈ 12 minutes on 2 cores) and committed with
# its hashes; `make runtime-from-source` rebuilds it and compares.
RUNTIME         := sandbox/runtime/python.wasm sandbox/runtime/stdlib.zip
RUNTIME_SRC_DIR := build/runtime-src

UI_SOURCES := $(shell find ui/src ui/scripts ui/index.html ui/vite.config.ts ui/package-lock.json -type f 2>/dev/null)
GO_SOURCES := $(shell find . -name '*.go' -not -path './infra/*' -not -path './ui/node_modules/*' 2>/dev/null) sandbox/guard.py sandbox/closure.py

# Tests share one wazero compilation cache so the module compiles once.
export CODEREMOTE_TEST_CACHE ?= $(CURDIR)/build/test-cache

.PHONY: all build run runtime runtime-check runtime-from-source runtime-install ui test test-go test-packages test-ui test-e2e test-infra test-deps vet bench stdlib-tests corpus lambda clean

all: build

build: coderemote

coderemote: $(RUNTIME) ui/dist/index.html $(GO_SOURCES) go.mod go.sum
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $@ .

run: build
	./coderemote serve

runtime: runtime-check

# The committed runtime is the one its hashes name.
runtime-check:
	cd sandbox/runtime && sha256sum --quiet -c SHA256SUMS

# Rebuild the runtime from source (root: installs the toolchain from Debian's
# packages) and compare it with the committed one.
runtime-from-source: $(RUNTIME_SRC_DIR)/python.wasm
	cd $(RUNTIME_SRC_DIR) && sha256sum --quiet -c $(CURDIR)/sandbox/runtime/SHA256SUMS && \
		echo "runtime-from-source: the rebuilt runtime is identical to the committed one"

$(RUNTIME_SRC_DIR)/python.wasm: sandbox/runtime/build/build.sh sandbox/runtime/build/stdlib_zip.py
	sandbox/runtime/build/build.sh $(RUNTIME_SRC_DIR)/linked
	$(GO) run ./sandbox/internal/cmd/prepare -in $(RUNTIME_SRC_DIR)/linked/python.wasm -out $@
	cp $(RUNTIME_SRC_DIR)/linked/stdlib.zip $(RUNTIME_SRC_DIR)/stdlib.zip

# Replace the committed runtime with a rebuilt one (after changing the recipe).
runtime-install: $(RUNTIME_SRC_DIR)/python.wasm
	cp $(RUNTIME_SRC_DIR)/python.wasm $(RUNTIME_SRC_DIR)/stdlib.zip sandbox/runtime/
	cd sandbox/runtime && sha256sum python.wasm stdlib.zip > SHA256SUMS

ui: ui/dist/index.html

ui/node_modules/.package-lock.json: ui/package.json ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund
	touch $@

ui/dist/index.html: ui/node_modules/.package-lock.json $(UI_SOURCES)
	cd ui && npm run build

vet: $(RUNTIME) ui/dist/index.html
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1)

test: runtime-check vet test-go test-ui test-e2e test-infra

# The store's tests run on SQLite and on a real PostgreSQL (see
# scripts/ensure-test-deps.sh); here a missing PostgreSQL is a failure.
test-go: $(RUNTIME) ui/dist/index.html test-deps test-packages
	CODEREMOTE_REQUIRE_POSTGRES=1 CODEREMOTE_REQUIRE_PACKAGES=1 CGO_ENABLED=1 $(GO) test -race -count=1 ./...

# Pure-Python packages from Debian's archive (sympy, mpmath, networkx) for
# the tests of --packages, pinned by hash in the script.
test-packages:
	scripts/fetch-packages.sh build/test-packages

test-ui: ui/node_modules/.package-lock.json
	cd ui && npm test

test-deps:
	scripts/ensure-test-deps.sh

test-e2e: build ui/node_modules/.package-lock.json test-deps
	cd ui && CODEREMOTE_REQUIRE_POSTGRES=1 CODEREMOTE_BIN=$(CURDIR)/coderemote npm run e2e

# The Pulumi program has its own module, so Pulumi never enters the binary.
test-infra:
	cd infra && $(GO) vet ./... && $(GO) test -count=1 ./...

# AWS Lambda packages (provided.al2023, arm64 and x86_64): build/lambda-*.zip
lambda: build/lambda-arm64.zip build/lambda-amd64.zip

build/lambda-%.zip: $(RUNTIME) ui/dist/index.html $(GO_SOURCES) go.mod go.sum
	mkdir -p build/lambda-$*
	GOOS=linux GOARCH=$* $(GO) build -trimpath -tags lambda.norpc -ldflags '$(LDFLAGS)' -o build/lambda-$*/bootstrap .
	$(GO) run ./tools/lambdazip -in build/lambda-$*/bootstrap -out $@

bench: $(RUNTIME) ui/dist/index.html
	$(GO) run ./tools/benchtable $(BENCHTIME)

# CPython's own tests (Lib/test of the runtime's source) for every module of
# the standard profile, in the sandbox and with the native build of the same
# source, side by side (the table in docs/sandbox.md). Needs the source tree
# and native build that runtime-from-source leaves in /var/tmp/coderemote-cpython.
stdlib-tests: $(RUNTIME_SRC_DIR)/python.wasm
	$(GO) run ./sandbox/internal/cmd/stdlibtests -cache-dir $(CODEREMOTE_TEST_CACHE) -json build/stdlib-tests.json | tee build/stdlib-tests.md

# Real programs not written by us, in the sandbox and natively: the match rate
# in docs/sandbox.md. CORPUS is a directory of .py files, e.g. a checkout of
# TheAlgorithms/Python at f5988cc09713315817df6a7e327e258013a94440.
corpus: $(RUNTIME_SRC_DIR)/python.wasm
	@test -d "$(CORPUS)" || { echo "set CORPUS to a directory of Python programs" >&2; exit 2; }
	$(GO) run ./sandbox/internal/cmd/corpus -cache-dir $(CODEREMOTE_TEST_CACHE) -json build/corpus.json $(CORPUS) | tee build/corpus.md

clean:
	rm -rf build coderemote ui/dist
