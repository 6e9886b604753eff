#!/usr/bin/env bash
# Issue 11: "A fresh ./cura up exports every dashboard metric before any job runs". Against a
# running local stack, scrapes each service's /q/metrics and checks every FAMILY SERVICE line of
# deploy/metrics-catalog.txt (the series the dashboards, alerts and KEDA query): a family counts as
# exported when a sample is named FAMILY or FAMILY_total|_count|_sum|_max|_bucket. Run it right
# after ./cura up, before any job or request, to check the start-up state:
#   ./cura up && scripts/startup-metrics.sh; ./cura down
set -euo pipefail
cd "$(dirname "$0")/.."
declare -A PORT=([gateway-service]=8080 [quantizer-service]=8081 [trainer-service]=8082 [registry-service]=8083)
declare -A SCRAPE
missing=0
checked=0
while read -r family service; do
  [ -z "$family" ] || [[ $family == \#* ]] && continue
  if [ -z "${SCRAPE[$service]:-}" ]; then
    SCRAPE[$service]=$(curl -sS -f "http://127.0.0.1:${PORT[$service]}/q/metrics" \
      | grep -v '^#' | sed -E 's/[{ ].*//' | sort -u)
  fi
  checked=$((checked + 1))
  if ! grep -qxE "${family}(_total|_count|_sum|_max|_bucket)?" <<<"${SCRAPE[$service]}"; then
    echo "MISSING $family on $service"
    missing=$((missing + 1))
  fi
done < deploy/metrics-catalog.txt
echo "$((checked - missing))/$checked catalog lines exported"
[ "$missing" = 0 ]
