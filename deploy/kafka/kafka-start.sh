#!/usr/bin/env bash
# Starts the docker-compose Kafka broker (KRaft, one node) with SCRAM-SHA-512 users and ACLs
# (deploy/kafka/server.properties). The users and their passwords come from the environment and
# are written when the storage is formatted, i.e. on the first start of a fresh volume; to change a
# password later use kafka-configs.sh --alter --add-config 'SCRAM-SHA-512=[password=…]'.
set -euo pipefail

config=/cura/server.properties
scram=()
for user in admin gateway quantizer trainer registry ops; do
  var="CURA_KAFKA_${user^^}_PASSWORD"
  password="${!var:?${var} is not set}"
  scram+=(--add-scram "SCRAM-SHA-512=[name=cura-${user},password=${password}]")
done

/opt/kafka/bin/kafka-storage.sh format --ignore-formatted \
  --cluster-id "${CLUSTER_ID:?CLUSTER_ID is not set}" --config "${config}" "${scram[@]}"
exec /opt/kafka/bin/kafka-server-start.sh "${config}"
