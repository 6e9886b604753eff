#!/usr/bin/env bash
# Container health probe for the CURA services.
#   healthcheck.sh PORT [PATH]   exits 0 when GET http://127.0.0.1:PORT/PATH answers 200.
# Plain bash (/dev/tcp) because the JRE base image does not promise curl or wget.
# PATH defaults to /q/health/live (SmallRye Health liveness).
set -uo pipefail
port="${1:?usage: healthcheck.sh PORT [PATH]}"
path="${2:-/q/health/live}"
timeout_s="${HEALTHCHECK_TIMEOUT_S:-3}"

exec 3<>"/dev/tcp/127.0.0.1/${port}" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
IFS= read -r -t "$timeout_s" status_line <&3 || exit 1
exec 3<&-
# "HTTP/1.1 200 OK" -> second field
code="$(printf '%s' "$status_line" | awk '{print $2}')"
[[ "$code" == "200" ]]
