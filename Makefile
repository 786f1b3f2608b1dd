# Keyhold — the two commands a fresh machine needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/keyhold
export CGO_ENABLED := 1

.PHONY: run build test vet bench load fuzz screenshots clean

build:
	$(GO) build -o $(BIN) ./cmd/keyhold

# Build, seed the demo organisation if the database is empty, and serve.
run: build
	./$(BIN) demo --if-empty
	./$(BIN) serve

# go vet, then every test with the race detector on SQLite, then again on PostgreSQL when
# KEYHOLD_TEST_POSTGRES names a server (see scripts/test-postgres.sh).
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...
	GO=$(GO) ./scripts/test-postgres.sh

vet:
	$(GO) vet ./...

# The README's screenshots: the browser tour of the demo organisation (TestBrowserTour) in
# English and Chinese, at desktop and phone width, into docs/screenshots/. Needs Chromium
# and a CJK font (Debian: chromium fonts-noto-cjk).
screenshots:
	rm -f docs/screenshots/*.png
	KEYHOLD_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run '^TestBrowserTour$$' ./internal/web

# Benchmarks only, no tests. The web ones build the dataset of 50,000 accounts and a
# million interactions once (about half a minute); choose with BENCH, e.g. BENCH=Flags.
BENCH ?= .
bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem ./...

# Load harness: the benchmark dataset (cached in data/load/, rebuilt when the demo
# generator or the migrations change), a fresh copy of it per run, keyhold serve next to a
# bare Gin baseline, one phase per request type; the table goes to data/load/last.txt.
# Flags go in LOAD_FLAGS, e.g. LOAD_FLAGS='-c 16 -d 5s -only writes,handover'.
LOAD_FLAGS ?=
load: build
	$(GO) build -o bin/keyload ./cmd/keyload
	./bin/keyload $(LOAD_FLAGS)

# Every fuzz target of every package, each for FUZZTIME (their seeds run in `make test`);
# see scripts/fuzz.sh.
FUZZTIME ?= 30s
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) ./scripts/fuzz.sh

clean:
	rm -rf bin
