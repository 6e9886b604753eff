#!/usr/bin/env bash
# preStop hook of the trainer pool: checkpoint before Kubernetes sends SIGTERM.
#   prestop-drain.sh PORT [TIMEOUT_S]
# Sends POST /v1/trainer/drain to the local trainer and waits (up to TIMEOUT_S, default 840 s)
# for its answer. The trainer answers once it has stopped taking new work and written a
# checkpoint of every job it was running, and released those jobs so another trainer resumes
# them. Whatever happens here, SIGTERM follows; a trainer without the endpoint (404) or one
# that does not answer in time still checkpoints on shutdown (quarkus.shutdown.timeout), and
# terminationGracePeriodSeconds must exceed TIMEOUT_S plus that shutdown time.
set -uo pipefail
port="${1:?usage: prestop-drain.sh PORT [TIMEOUT_S]}"
timeout_s="${2:-840}"

# preStop output is not in the container log; write to the main process' stdout instead
log_to="${PRESTOP_LOG:-/proc/1/fd/1}"
log() { printf '%s prestop-drain: %s\n' "$(date -u +%FT%TZ)" "$*" >>"$log_to" 2>/dev/null || true; }

if ! exec 3<>"/dev/tcp/127.0.0.1/${port}"; then
  log "trainer not listening on ${port}; nothing to drain"
  exit 0
fi
printf 'POST /v1/trainer/drain HTTP/1.0\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' >&3
if ! IFS= read -r -t "$timeout_s" status_line <&3; then
  log "no answer within ${timeout_s}s; leaving it to SIGTERM"
  exit 0
fi
exec 3<&-
code="$(printf '%s' "$status_line" | awk '{print $2}')"
case "$code" in
  200|202|204) log "drained (HTTP ${code})" ;;
  404) log "trainer has no drain endpoint; it checkpoints on SIGTERM" ;;
  *) log "drain answered HTTP ${code}; leaving it to SIGTERM" ;;
esac
exit 0
