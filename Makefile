# rtxctl build, test and demo targets. `make help` lists them.

GO          ?= go
BIN         := bin
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
BENCHTIME   ?= 200ms
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
COMMIT      ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS     := -X github.com/rtxctl/rtxctl/internal/build.Version=$(VERSION) \
               -X github.com/rtxctl/rtxctl/internal/build.Commit=$(COMMIT)

.PHONY: help build test test-e2e vet fmt-check lint demo bench man clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

build: ## build bin/rtxctl and bin/fakertx
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN)/rtxctl ./cmd/rtxctl
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN)/fakertx ./cmd/fakertx

test: vet fmt-check ## vet, check formatting, run every test with the race detector
	$(GO) test -race $(TESTFLAGS) ./...

test-e2e: ## run only the end-to-end scripts (testdata/script; part of test too)
	$(GO) test -race -run 'TestScripts' $(TESTFLAGS) ./internal/cli/root

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(find . -name '*.go' -not -path './.git/*' -print0 | xargs -0 gofmt -l); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

lint: test ## test, then staticcheck
	$(GO) run $(STATICCHECK) ./...

demo: ## run rtxctl against a fake router (scripts/demo.sh)
	./scripts/demo.sh

bench: ## run the benchmarks of the library, rtxctl reading a 50 MB configuration, and fleets of up to 500 routers
	$(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) ./pkg/...
	$(GO) test -run '^$$' -bench 'BenchmarkIssue8BigConfig' -benchtime 1x ./internal/cli/root
	$(GO) test -run '^$$' -bench 'BenchmarkFleet' -benchtime 1x -timeout 30m -v ./internal/cli/root

man: ## write man pages to dist/man
	./scripts/man.sh dist/man

clean: ## remove build output
	rm -rf $(BIN) dist coverage*
