#!/usr/bin/env bash
# The test suite again, on PostgreSQL (the second half of `make test`): each test gets a
# database of its own, created on the server KEYHOLD_TEST_POSTGRES names — a URL whose
# user may create databases, e.g. postgres://postgres@127.0.0.1:5432/postgres. Without
# it the run is skipped, except under CI=true, where a missing server is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${KEYHOLD_TEST_POSTGRES:-}" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "CI: KEYHOLD_TEST_POSTGRES is not set; the PostgreSQL run may not be skipped" >&2
    exit 1
  fi
  echo "skipped the PostgreSQL run: set KEYHOLD_TEST_POSTGRES to a server's URL to run the suite on PostgreSQL too"
  exit 0
fi
echo "the suite again, on PostgreSQL"
KEYHOLD_TEST_DIALECT=postgres ${GO:-go} test -race -count=1 ./...
