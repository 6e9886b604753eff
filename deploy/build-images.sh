#!/usr/bin/env bash
# Builds the CURA container images from the Quarkus fast-jars.
#   deploy/build-images.sh [--gpu] [--tag TAG] [--registry PREFIX] [--push] [--skip-maven]
# Needs Docker with BuildKit (not available in CI; the tests in cura-deploy check the inputs).
set -euo pipefail
cd "$(dirname "$0")/.."

tag="0.1.0"; prefix="cura"; gpu=false; push=false; maven=true
while [[ $# -gt 0 ]]; do
  case "$1" in
    --gpu) gpu=true ;;
    --tag) tag="$2"; shift ;;
    --registry) prefix="$2"; shift ;;
    --push) push=true ;;
    --skip-maven) maven=false ;;
    -h|--help) sed -n 2,4p "$0"; exit 0 ;;
    *) echo "unknown option: $1 (expected --gpu, --tag TAG, --registry PREFIX, --push, --skip-maven)" >&2; exit 2 ;;
  esac
  shift
done

services=(gateway-service quantizer-service trainer-service registry-service)
command -v docker >/dev/null || { echo "docker not found: install Docker (with BuildKit) to build images" >&2; exit 1; }

if $maven; then
  JAVA_HOME="$(bin/java-home)"; export JAVA_HOME
  ./mvnw -B -pl "$(IFS=,; echo "${services[*]}")" -am package -DskipTests
fi

images=("${services[@]}")
$gpu && images+=(trainer-service-gpu)
for image in "${images[@]}"; do
  src="${image%-gpu}"
  [[ -f "$src/target/quarkus-app/quarkus-run.jar" ]] || { echo "missing $src/target/quarkus-app/quarkus-run.jar: run without --skip-maven" >&2; exit 1; }
  ref="$prefix/$image:$tag"
  echo "==> $ref"
  DOCKER_BUILDKIT=1 docker build -f "deploy/docker/$image.Dockerfile" -t "$ref" .
  $push && docker push "$ref"
done
echo "built: ${images[*]} (tag $tag)"
