#!/usr/bin/env bash
# Creates the CURA topics listed in topics.txt (idempotent: --if-not-exists).
#   create-topics.sh BOOTSTRAP TOPICS_FILE [REPLICATION_FACTOR]
# Used by the kafka-init service of docker-compose.yml (apache/kafka image, /opt/kafka/bin).
set -euo pipefail
bootstrap="${1:?usage: create-topics.sh BOOTSTRAP TOPICS_FILE [REPLICATION_FACTOR]}"
file="${2:?usage: create-topics.sh BOOTSTRAP TOPICS_FILE [REPLICATION_FACTOR]}"
replication="${3:-1}"
bin="${KAFKA_BIN:-/opt/kafka/bin}"

while read -r name partitions retention_ms _; do
  [[ -z "${name}" || "${name}" == \#* ]] && continue
  "${bin}/kafka-topics.sh" --bootstrap-server "${bootstrap}" --create --if-not-exists \
    --topic "${name}" --partitions "${partitions}" --replication-factor "${replication}" \
    --config "retention.ms=${retention_ms}" --config cleanup.policy=delete
  echo "topic ${name}: ${partitions} partitions, retention.ms=${retention_ms}"
done < "${file}"
