#!/usr/bin/env bash
# Schema validation of the deployment files, beyond the structural checks of cura-deploy's tests:
#   1. docker-compose.yml with docker-compose 1.29.2 (`config -q`: its compose schema, build paths)
#   2. k8s/base and every k8s/overlays/*, rendered by `kubectl kustomize` (offline), against the
#      JSON schemas bundled in npm kubernetes-models 5.1.0 (+ @kubernetes-models/keda,
#      @kubernetes-models/prometheus-operator); see deploy/validate-k8s.mjs.
# Tools are installed on first use (needs the Debian and npm registries once): docker-compose via
# apt-get (as root), the npm packages into .cura/validate/ (gitignored). After that it runs offline.
#   deploy/validate.sh            exit 0 when everything validates
set -euo pipefail
cd "$(dirname "$0")/.."
tools=".cura/validate"
mkdir -p "$tools"

# --- 1. docker-compose ---------------------------------------------------------------------
if ! command -v docker-compose >/dev/null; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    echo "installing docker-compose (Debian) ..."
    apt-get update -qq && apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
  else
    echo "docker-compose not found: apt-get install -y --no-install-recommends docker-compose" >&2
    exit 1
  fi
fi
echo "== docker-compose $(docker-compose version --short 2>/dev/null || true): docker-compose.yml"
docker-compose -f docker-compose.yml config -q
echo "   valid"

# --- 2. Kubernetes ---------------------------------------------------------------------------
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
