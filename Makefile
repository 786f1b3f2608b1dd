# Keyhold — the two commands a fresh machine needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/keyhold
export CGO_ENABLED := 1

.PHONY: run build test vet bench clean

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

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin
