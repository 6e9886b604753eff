#!/usr/bin/env bash
# Crash chaos on the local stack (docs/trainer.md, "Crash chaos"): JOBS fine-tuning jobs under
# KILLS SIGKILLs of the trainer (each restarted by ./cura up) and one SIGKILL of the Kafka broker
# (restarted the same way). Passes when every job succeeded and the registry holds exactly one
# version of each job's adapter. Uses the shared stack: run it under the stack lock, e.g.
#   flock /tmp/cura-stack.lock scripts/chaos.sh
# Environment: JOBS (8), KILLS (5), STEPS per job (30), BUILD=1 to rebuild the services' jars,
# KEEP=1 to leave the stack running afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-8}
KILLS=${KILLS:-5}
STEPS=${STEPS:-30}
RUN=$(date +%s)
STACK=.cura/local/stack.json

log() { printf '%s %s\n' "$(date +%T)" "$*"; }
pid_of() { jq -r --arg n "$1" '.entries[] | select(.name == $n) | .pid' "$STACK"; }
up() { ./cura up ${BUILD:+--build} >/dev/null; BUILD=; }
finish() { [ "${KEEP:-}" = 1 ] || ./cura down >/dev/null 2>&1 || true; }
trap finish EXIT

up
KEY=$(cat .cura/local/api-key)
api() { curl -sS -f -H "Authorization: Bearer $KEY" "$@"; }
json() { api -H 'Content-Type: application/json' "$@"; }

json -d '{"id":"cura-tiny","path":"models/cura-tiny"}' localhost:8080/v1/models >/dev/null
FILE=$(api -F purpose=fine-tune -F file=@datasets/youtube-replies/train.jsonl localhost:8080/v1/files | jq -r .id)
ids=()
for i in $(seq 1 "$JOBS"); do
  ids+=("$(json -d "{\"model\":\"cura-tiny\",\"training_file\":\"$FILE\",\"suffix\":\"chaos-$RUN-$i\",
      \"hyperparameters\":{\"max_steps\":$STEPS,\"batch_size\":2,\"seq_len\":128,\"lora_r\":8,
      \"checkpoint_every\":5}}" localhost:8080/v1/fine_tuning/jobs | jq -r .id)")
done
log "submitted ${#ids[@]} jobs: ${ids[*]}"

broker_killed=0
for k in $(seq 1 "$KILLS"); do
  # wait until the trainer is training something, then give it a few steps
  for _ in $(seq 1 120); do
    [ "$(curl -sS localhost:8082/v1/trainer/status 2>/dev/null | jq -r '.active_jobs // 0')" -gt 0 ] && break
    sleep 1
  done
  sleep $((2 + RANDOM % 5))
  log "kill $k: SIGKILL trainer pid $(pid_of trainer)"
  kill -9 "$(pid_of trainer)" || true
  if [ "$broker_killed" = 0 ] && [ "$k" -ge $(((KILLS + 1) / 2)) ]; then
    log "SIGKILL kafka pid $(pid_of kafka)"
    kill -9 "$(pid_of kafka)" || true
    broker_killed=1
  fi
  sleep 1
  up
done

log "waiting for the jobs to end"
deadline=$((SECONDS + 1800))
while :; do
  pending=0
  for id in "${ids[@]}"; do
    s=$(api "localhost:8080/v1/fine_tuning/jobs/$id" | jq -r .status)
    case $s in succeeded | failed | cancelled) ;; *) pending=$((pending + 1)) ;; esac
  done
  [ "$pending" = 0 ] && break
  [ "$SECONDS" -lt "$deadline" ] || { log "timed out with $pending job(s) unfinished"; exit 1; }
  sleep 5
done

ok=0
for id in "${ids[@]}"; do
  job=$(api "localhost:8080/v1/fine_tuning/jobs/$id")
  status=$(jq -r .status <<<"$job")
  model=$(jq -r '.fine_tuned_model // ""' <<<"$job")
  versions=0
  if [ -n "$model" ]; then
    versions=$(api "localhost:8083/v1/adapters/${model%%:*}/versions" | jq '.data | length')
  fi
  log "$id $status $model versions=$versions $(jq -c '.error // empty' <<<"$job")"
  [ "$status" = succeeded ] && [ "$versions" = 1 ] && ok=$((ok + 1))
done
log "$ok/${#ids[@]} jobs succeeded with one adapter version each ($KILLS trainer kills, 1 broker kill)"
[ "$ok" = "${#ids[@]}" ]
