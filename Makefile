# portcullis: run "make help" for the targets.

GO        ?= go
BIN       ?= bin/portcullis
DEMO_DIR  ?= .demo
FUZZTIME  ?= 30s
BENCHTIME ?= 1s
PKGS      := ./...

# What the binary says with "portcullis version" and exports as
# portcullis_build_info: the nearest tag (or "dev"), the commit, the time of
# the build.
VERSION   ?= $(shell git describe --tags --dirty 2>/dev/null || echo dev)
COMMIT    ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
DATE      ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
BUILDINFO := github.com/portcullis/portcullis/internal/buildinfo
LDFLAGS   := -X $(BUILDINFO).version=$(VERSION) -X $(BUILDINFO).commit=$(COMMIT) -X $(BUILDINFO).date=$(DATE)

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build bin/portcullis
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/portcullis

.PHONY: install
install: ## Install portcullis into $(go env GOBIN), else $(go env GOPATH)/bin, with its version stamped
	$(GO) install -trimpath -ldflags "$(LDFLAGS)" ./cmd/portcullis
	@dir="$$($(GO) env GOBIN)"; [ -n "$$dir" ] || dir="$$($(GO) env GOPATH)/bin"; \
	echo "installed $$dir/portcullis: $$("$$dir/portcullis" --version)"; \
	case ":$$PATH:" in *":$$dir:"*) ;; *) echo "$$dir is not on PATH: add it, e.g. export PATH=\"$$dir:\$$PATH\"";; esac

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
eval: ## Backtest on three sites of each of the twenty-two traffic models, one line per site, then a table per kind (~2-4 min)
	tools/eval.sh

# Sites 1 and 4 of every model (holdout 3 and 19, gen 4 and 5, media 1
# and 7): none of make eval's, for a second look at a detection change.
EVAL_MORE = HOLDOUT_SITES="3 19" GEN_SITES="4 5" MEDIA_SITES="1 7" \
	$(foreach m,SHOP B2B APP TICKET GAME BANK SAAS TRAVEL EXCHANGE CLINIC FLEET STREAM DEVAPI FORUM TAX LMS REGISTRY JOB BET,$(m)_SITES="1 4")

.PHONY: eval-more
eval-more: ## The same backtest on 44 other sites: two of each model that make eval does not use (~2-3 min)
	$(EVAL_MORE) tools/eval.sh

.PHONY: deps
# How long apt-get waits for another apt or dpkg run to release its lock.
APT_LOCK_TIMEOUT ?= 600
deps: ## Install the servers, proxies and browser the integration tests start (Debian: redis-server, prometheus, chromium, nginx, libnginx-mod-http-lua, caddy)
	@missing=""; \
	have() { command -v "$$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$$1" ]; }; \
	need() { \
	  have "$$1" && return; \
	  echo "needs $$1 (Debian package $$2): $$3"; \
	  case " $$missing " in *" $$2 "*) ;; *) missing="$$missing $$2";; esac; \
	}; \
	need redis-server redis-server "the blocklist, detector and gateway tests start a real Redis server"; \
	need prometheus prometheus "the metrics and dashboard tests scrape the services with a real Prometheus"; \
	need promtool prometheus "the alerting rule tests check the rules with promtool"; \
	need chromium chromium "the review page tests and screenshots render pages in headless Chromium"; \
	need nginx nginx "the enforce tests put a real nginx (auth_request) in front of a site"; \
	need caddy caddy "the enforce tests put a real Caddy (forward_auth) in front of a site"; \
	[ -f /usr/lib/nginx/modules/ngx_http_lua_module.so ] || { \
	  echo "needs nginx's Lua module (Debian package libnginx-mod-http-lua): the enforce tests run the nginx Lua check"; \
	  missing="$$missing libnginx-mod-http-lua"; }; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
	else \
	  echo "not root and no sudo, so nothing was installed. Install them by hand, then run make test again:"; \
	  echo "  as root on Debian or Ubuntu: apt-get update && apt-get install -y$$missing"; \
	  echo "  elsewhere: the same programs from your system's packages (Prometheus ships promtool)"; \
	  exit 1; \
	fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "no apt-get here: install$$missing with your system's package manager, then run make test again"; \
	  exit 1; \
	fi; \
	echo "installing$$missing with $${sudo:+sudo }apt-get (waiting up to $(APT_LOCK_TIMEOUT) s for another apt run to release its lock)"; \
	$$sudo apt-get -o DPkg::Lock::Timeout=$(APT_LOCK_TIMEOUT) update -qq && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=$(APT_LOCK_TIMEOUT) install -y -qq$$missing >/dev/null || { \
	  echo "apt-get failed (see above); install them by hand: apt-get install -y$$missing"; exit 1; }; \
	for c in redis-server prometheus promtool chromium nginx caddy; do \
	  have $$c || { echo "$$c is still missing after apt-get install; install it by hand"; exit 1; }; \
	done; \
	[ -f /usr/lib/nginx/modules/ngx_http_lua_module.so ] || { echo "nginx's Lua module is still missing after apt-get install; install libnginx-mod-http-lua by hand"; exit 1; }

.PHONY: test
test: deps ## Run every test (installs what the tests need on a fresh Debian machine)
	$(GO) vet $(PKGS)
	@# The timeout only catches a hung package: on an idle 2-core machine the
	@# slowest (detector, cmd/portcullis) take about 6 and 4.5 minutes under -race,
	@# and twice that with both cores busy.
	$(GO) test -count=1 -race -timeout 30m $(PKGS)
	@# The Kubernetes manifests' test is a module of its own, so the
	@# Kubernetes API types are no dependency of portcullis.
	cd deploy/kubernetes && $(GO) vet ./... && $(GO) test -count=1 ./...

.PHONY: screenshots
screenshots: deps ## Rewrite docs/review-page.png from the review page with real data, in headless Chromium
	$(GO) test -count=1 -run '^TestReviewPageInChromium$$' ./review/ -update

.PHONY: bench
bench: ## Run the benchmarks, including the comparison with golearn's forest
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS)

.PHONY: bench-gateway
bench-gateway: ## Gateway throughput and p99 with wrk on loopback: check on and off, a JWT+RBAC route, the WAF; BASE=rev compares the open route with a revision
	tools/bench-gateway.sh 10

.PHONY: bench-deps
bench-deps: ## Install wrk (Debian), which the load tests use and no test needs
	@command -v wrk >/dev/null 2>&1 && exit 0; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
	else echo "wrk is missing: install it as root (apt-get install -y wrk)"; exit 1; fi; \
	command -v apt-get >/dev/null 2>&1 || { echo "wrk is missing: install it with your system's package manager"; exit 1; }; \
	echo "installing wrk with $${sudo:+sudo }apt-get (waiting up to $(APT_LOCK_TIMEOUT) s for another apt run to release its lock)"; \
	$$sudo apt-get -o DPkg::Lock::Timeout=$(APT_LOCK_TIMEOUT) update -qq && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=$(APT_LOCK_TIMEOUT) install -y -qq wrk >/dev/null || { \
	  echo "apt-get failed (see above); install it by hand: apt-get install -y wrk"; exit 1; }

.PHONY: bench-proxy
bench-proxy: deps bench-deps ## nginx without a check, with auth_request to portcullis enforce and with the Lua check, wrk on loopback in rotating rounds: req/s, ratios, p50/p99 and what each check adds (ROUNDS=5)
	tools/bench-proxy.sh 10

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
	cd deploy/kubernetes && $(GO) vet ./...

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
