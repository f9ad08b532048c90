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
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build bin/portcullis
	$(GO) build -trimpath -o $(BIN) ./cmd/portcullis

.PHONY: demo
demo: build ## The whole loop on this machine: embedded Kafka and Redis, detector, gateway, live traffic, labeled summary (under 2 min)
	$(BIN) demo

.PHONY: backtest
backtest: build ## Generate two days of traffic, train on the first, backtest on the second (~15 s)
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

.PHONY: holdout
holdout: build ## Backtest on two days of the second traffic model (tools/holdout)
	@mkdir -p $(DEMO_DIR)
	$(GO) run ./tools/holdout -seed 1 -site 7 -start 2026-04-07T13:00:00Z -minutes 15 -clients 3000 -out $(DEMO_DIR)/h1.jsonl -labels $(DEMO_DIR)/h1.labels.jsonl
	$(GO) run ./tools/holdout -seed 2 -site 7 -start 2026-04-08T13:00:00Z -minutes 15 -clients 3000 -out $(DEMO_DIR)/h2.jsonl -labels $(DEMO_DIR)/h2.labels.jsonl
	$(BIN) train --in $(DEMO_DIR)/h1.jsonl --out $(DEMO_DIR)/h.pcm --no-progress
	$(BIN) score --model $(DEMO_DIR)/h.pcm --in $(DEMO_DIR)/h2.jsonl --decisions $(DEMO_DIR)/h.decisions.jsonl --labels $(DEMO_DIR)/h2.labels.jsonl

.PHONY: eval
eval: ## Backtest on three sites of each of the four traffic models, one line per site, then a table per kind (~2-3 min)
	tools/eval.sh

.PHONY: deps
deps: ## Install the servers and the browser the integration tests start (Debian: redis-server, prometheus, chromium)
	@command -v redis-server >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 || { \
	  echo "installing redis-server, prometheus and chromium (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server prometheus chromium chromium-driver >/dev/null; }
	@command -v redis-server >/dev/null 2>&1 || { echo "redis-server is missing: apt-get install -y redis-server"; exit 1; }
	@command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || { echo "prometheus is missing: apt-get install -y prometheus"; exit 1; }
	@command -v chromium >/dev/null 2>&1 || { echo "chromium is missing: apt-get install -y chromium"; exit 1; }

.PHONY: test
test: deps ## Run every test (installs what the tests need on a fresh Debian machine)
	$(GO) vet $(PKGS)
	$(GO) test -count=1 -race -timeout 15m $(PKGS)

.PHONY: screenshots
screenshots: deps ## Rewrite docs/review-page.png from the review page with real data, in headless Chromium
	$(GO) test -count=1 -run '^TestReviewPageInChromium$$' ./review/ -update

.PHONY: bench
bench: ## Run the benchmarks, including the comparison with golearn's forest
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS)

.PHONY: bench-gateway
bench-gateway: ## Gateway throughput and p99 with wrk on loopback: check on and off, a JWT+RBAC route, the WAF
	tools/bench-gateway.sh 10

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

.PHONY: dashboard
dashboard: deps ## Redraw docs/dashboard.png from a live run (real prometheus, headless chromium; ~2 min)
	$(GO) test -count=1 -run '^TestDashboardAndAlertsAgainstPrometheus$$' ./cmd/portcullis -dashboard-png $(CURDIR)/docs/dashboard.png

.PHONY: clean
clean: ## Remove build and demo output
	rm -rf bin $(DEMO_DIR)
