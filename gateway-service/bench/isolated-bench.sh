#!/usr/bin/env bash
# Runs `./cura bench gateway` against a private stack on spare ports (Kafka 19092, PostgreSQL
# 15432, gateway 18080), so it works while a `./cura up` stack holds the standard ports.
# Everything lives under gateway-service/target/bench and is stopped at the end.
#   gateway-service/bench/isolated-bench.sh [extra ./cura bench gateway options]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export JAVA_HOME="$("$ROOT/bin/java-home")"
JAVA="$JAVA_HOME/bin/java"
B="$ROOT/gateway-service/target/bench"
rm -rf "$B" && mkdir -p "$B/kafka" "$B/tmp" "$B/models/bench-model"
# the gateway only hashes the base model; the bench needs no real weights
echo '{"model_type":"llama"}' > "$B/models/bench-model/config.json"
head -c 4096 /dev/zero > "$B/models/bench-model/model.safetensors"
[ -f cura-cli/target/cura-cli.jar ] || ./mvnw -B -q -o -DskipTests -Dspotless.check.skip=true -pl cura-cli -am install
[ -f gateway-service/target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q -o -DskipTests -Dspotless.check.skip=true -pl gateway-service package
CP="cura-cli/target/cura-cli.jar:cura-cli/target/lib/*"
PIDS=()
cleanup() {
  # CPU seconds each part used (kafka, postgres launcher + its server, gateway): where time went
  for p in "${PIDS[@]}"; do ps -o cputime=,args= -p "$p" 2>/dev/null | cut -c1-60 >&2 || true; done
  ps -o cputime=,args= -C postgres 2>/dev/null | awk '{split($1,t,":"); s+=t[1]*3600+t[2]*60+t[3]} END {print "postgres total cpu s: " s}' >&2 || true
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
}
trap cleanup EXIT

cat > "$B/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:19093
listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093
advertised.listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$B/kafka
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
PROPS
"$JAVA" -cp "$CP" kafka.tools.StorageTool format -t "$("$JAVA" -cp "$CP" kafka.tools.StorageTool random-uuid | tail -1)" \
  -c "$B/server.properties" --standalone > "$B/kafka-format.log" 2>&1
"$JAVA" -Xmx512m -Djava.io.tmpdir="$B/tmp" -cp "$CP" kafka.Kafka "$B/server.properties" > "$B/kafka.log" 2>&1 &
PIDS+=($!)
"$JAVA" -Xmx128m -Djava.io.tmpdir="$B/tmp" -cp "$CP" dev.cura.cli.stack.PostgresMain "$B/pg" "$B/pg-work" 15432 "$B/pg.ready" > "$B/pg.log" 2>&1 &
PIDS+=($!)
for i in $(seq 120); do [ -f "$B/pg.ready" ] && grep -q "Kafka Server started" "$B/kafka.log" 2>/dev/null && break; sleep 1; done
KEY="bench-admin-key-$(date +%s)-0123456789"
CURA_BOOTSTRAP_API_KEY="$KEY" KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 CURA_DB_URL=postgresql://127.0.0.1:15432/postgres \
  CURA_MODEL_ROOTS="$B/models" CURA_ARTIFACT_ROOT="$B/artifacts" \
  "$JAVA" -Xmx512m ${CURA_BENCH_GATEWAY_OPTS:-} -Djava.io.tmpdir="$B/tmp" -Dquarkus.http.port=18080 -Dquarkus.http.host=127.0.0.1 \
  -jar gateway-service/target/quarkus-app/quarkus-run.jar > "$B/gateway.log" 2>&1 &
PIDS+=($!)
for i in $(seq 180); do curl -sf http://127.0.0.1:18080/q/health/ready > /dev/null && break; sleep 1; done
curl -sf -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
  -d "{\"id\":\"bench-model\",\"path\":\"$B/models/bench-model\"}" http://127.0.0.1:18080/v1/models > /dev/null
if [ "${CURA_BENCH_SMOKE:-0}" = 1 ]; then
  # the CLI client against the same gateway (no registry here: keys create warns about it)
  U="--url http://127.0.0.1:18080"
  K2=$(./cura keys create --tenant smoke $U --api-key "$KEY" --registry-url http://127.0.0.1:1 | tail -1)
  printf '%s\n' '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}' > "$B/train.jsonl"
  J=$(./cura jobs create $U --api-key "$K2" --model bench-model --file "$B/train.jsonl" --suffix smoke --rank 8 | tail -1)
  ./cura jobs list $U --api-key "$K2" --limit 5
  ./cura jobs get $U --api-key "$K2" "$J"
  ./cura jobs cancel $U --api-key "$K2" "$J"
  ./cura jobs events $U --api-key "$K2" "$J"
  ./cura jobs events $U --api-key "$K2" --follow "$J" || true
  ./cura jobs get $U --api-key "$KEY" "$J" || echo "(another tenant's job is a 404, as it should be)"
fi
./cura bench gateway --url http://127.0.0.1:18080 --kafka 127.0.0.1:19092 --api-key "$KEY" --model bench-model "$@"
