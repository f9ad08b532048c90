# portcullis: run "make help" for the targets.

GO        ?= go
BIN       ?= bin/portcullis
DEMO_DIR  ?= .demo
FUZZTIME  ?= 30s
BENCHTIME ?= 1s
PKGS      := ./...

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build bin/portcullis
	$(GO) build -trimpath -o $(BIN) ./cmd/portcullis

.PHONY: demo
demo: build ## Generate two days of traffic, train on the first, backtest on the second
	@mkdir -p $(DEMO_DIR)
	@echo "== gen: day 1 (training) and day 2 (test), same site"
	$(BIN) gen --seed 1 --start 2026-03-02T09:00:00Z --out $(DEMO_DIR)/day1.jsonl --labels $(DEMO_DIR)/day1.labels.jsonl
	$(BIN) gen --seed 2 --start 2026-03-03T09:00:00Z --out $(DEMO_DIR)/day2.jsonl --labels $(DEMO_DIR)/day2.labels.jsonl
	@echo "== train on day 1"
	$(BIN) train --in $(DEMO_DIR)/day1.jsonl --out $(DEMO_DIR)/model.pcm
	@echo "== score day 2"
	$(BIN) score --model $(DEMO_DIR)/model.pcm --in $(DEMO_DIR)/day2.jsonl --decisions $(DEMO_DIR)/decisions.jsonl --labels $(DEMO_DIR)/day2.labels.jsonl
	@echo "== first decisions ($(DEMO_DIR)/decisions.jsonl)"
	@head -n 3 $(DEMO_DIR)/decisions.jsonl

.PHONY: test
test: ## Run every test (installs what the tests need on a fresh Debian machine)
	$(GO) vet $(PKGS)
	$(GO) test -count=1 -race -timeout 15m $(PKGS)

.PHONY: bench
bench: ## Run the benchmarks, including the comparison with golearn's forest
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS)

.PHONY: fuzz
fuzz: ## Fuzz every parser for FUZZTIME each
	@set -e; for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

.PHONY: lint
lint: ## gofmt and go vet
	@test -z "$$(gofmt -l .)" || (echo "gofmt needed:"; gofmt -l .; exit 1)
	$(GO) vet $(PKGS)

.PHONY: tidy-check
tidy-check: ## Fail if go.mod or go.sum are not tidy
	$(GO) mod tidy
	git diff --exit-code go.mod go.sum

.PHONY: clean
clean: ## Remove build and demo output
	rm -rf bin $(DEMO_DIR)
