# Keyhold — the two commands a fresh machine needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/keyhold
export CGO_ENABLED := 1

.PHONY: run build test vet bench load fuzz clean

build:
	$(GO) build -o $(BIN) ./cmd/keyhold

# Build, seed the demo organisation if the database is empty, and serve.
run: build
	./$(BIN) demo --if-empty
	./$(BIN) serve

# go vet, then every test with the race detector.
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

vet:
	$(GO) vet ./...

# Every fuzz target of every package, each for FUZZTIME (their seeds run in `make test`);
# see scripts/fuzz.sh.
FUZZTIME ?= 30s
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) ./scripts/fuzz.sh

clean:
	rm -rf bin
