#!/usr/bin/env bash
# Schema validation of the deployment files, beyond the structural checks of cura-deploy's tests:
#   1. docker-compose.yml with docker-compose 1.29.2 (`config -q`: its compose schema, build paths)
#   2. deploy/prometheus with promtool (Debian package prometheus): rules and scrape config parse,
#      and the alert unit tests in alerts.test.yml pass
#   3. k8s/base and every k8s/overlays/*, rendered by `kubectl kustomize` (offline), against the
#      JSON schemas bundled in npm kubernetes-models 5.1.0 (+ @kubernetes-models/keda,
#      @kubernetes-models/prometheus-operator); see deploy/validate-k8s.mjs.
# Tools are installed on first use (needs the Debian and npm registries once): docker-compose and
# prometheus via apt-get (as root), the npm packages into .cura/validate/ (gitignored). After that
# it runs offline.
#   deploy/validate.sh            exit 0 when everything validates
set -euo pipefail
cd "$(dirname "$0")/.."
tools=".cura/validate"
mkdir -p "$tools"

apt_install() { # COMMAND PACKAGE
  command -v "$1" >/dev/null && return 0
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    echo "installing $2 (Debian) ..."
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "$2" >/dev/null
  else
    echo "$1 not found: apt-get install -y --no-install-recommends $2" >&2
    exit 1
  fi
}

# --- 1. docker-compose ---------------------------------------------------------------------
apt_install docker-compose docker-compose
echo "== docker-compose $(docker-compose version --short 2>/dev/null || true): docker-compose.yml"
docker-compose -f docker-compose.yml config -q
docker-compose -f docker-compose.yml -f deploy/docker-compose.gpu.yml config -q
echo "   valid (also with deploy/docker-compose.gpu.yml)"

# --- 2. Prometheus rules and config -----------------------------------------------------------
apt_install promtool prometheus
echo "== promtool: deploy/prometheus"
(cd deploy/prometheus && promtool check rules alerts.yml && promtool test rules alerts.test.yml)
sed "s#/etc/prometheus/alerts.yml#$PWD/deploy/prometheus/alerts.yml#" deploy/prometheus/prometheus.yml > "$tools/prometheus.yml"
promtool check config "$tools/prometheus.yml"

# --- 3. Kubernetes ---------------------------------------------------------------------------
command -v kubectl >/dev/null || { echo "kubectl not found (needed to render the kustomizations)" >&2; exit 1; }
command -v node >/dev/null || { echo "node not found: apt-get install -y nodejs npm" >&2; exit 1; }
if [[ ! -d "$tools/node_modules/kubernetes-models" ]]; then
  echo "installing kubernetes-models into $tools ..."
  (cd "$tools" && npm install --no-audit --no-fund --loglevel=error \
     kubernetes-models@5.1.0 @kubernetes-models/keda@2.0.0 \
     @kubernetes-models/prometheus-operator@6.0.0 yaml@2 >/dev/null)
fi
# node resolves imports from the script's folder, so the script runs from the tools folder
cp deploy/validate-k8s.mjs "$tools/validate-k8s.mjs"

status=0
for dir in k8s/base k8s/overlays/*/; do
  dir="${dir%/}"
  name="$(basename "$dir")"
  out="$tools/rendered-$name.yaml"
  echo "== kubectl kustomize $dir"
  kubectl kustomize "$dir" > "$out"
  node "$tools/validate-k8s.mjs" "$out" || status=1
done
exit "$status"
