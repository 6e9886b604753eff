#!/usr/bin/env bash
# Issue 12's check of the API-key path under a flood of unknown keys, against a running `./cura up`
# stack: WARMUP requests (default 10000; a fresh JVM's JIT, code cache and first touch of its heap,
# reported apart), then N requests (default 100000) with random, well-formed bearer tokens to the
# gateway; prints the gateway's resident memory before, during and after each phase, the load
# averages, and its readiness after. It passes when the RSS grew by less than 50 MiB over the N
# measured requests and the gateway is still ready.
#   ./cura up
#   gateway-service/bench/random-bearer-tokens.sh [REQUESTS] [CONCURRENCY] [WARMUP]
#   ./cura down
# HISTO=1 also prints the top of the gateway's live-object histogram (jcmd GC.class_histogram, a
# full GC) at the start, after the warm-up and at the end, and its native memory summary when it runs with
# -XX:NativeMemoryTracking=summary (CURA_SERVICE_JAVA_OPTS); both perturb the RSS a little.
# To measure the database path for every request (no 429 after 20 failures from this address),
# start the stack with CURA_AUTH_MAX_FAILURES=1000000000 in the environment.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAVA="$("$ROOT/bin/java-home")/bin/java"
STATE="$ROOT/.cura/local/stack.json"
[ -f "$STATE" ] || { echo "no $STATE: start the stack with ./cura up" >&2; exit 2; }
# the pretty-printed table lists name before pid in each entry
pid="$(tr -d ' \n' < "$STATE" | grep -o '"name":"gateway","pid":[0-9]*' | grep -o '[0-9]*$')"
[ -n "$pid" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q gateway-service \
  || { echo "the gateway of $STATE is not running" >&2; exit 2; }
exec "$JAVA" "$ROOT/gateway-service/bench/RandomBearerTokens.java" \
  http://127.0.0.1:8080 "$pid" "${1:-100000}" "${2:-32}" "${3:-10000}"
