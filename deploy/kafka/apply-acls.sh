#!/usr/bin/env bash
# Adds the ACL bindings of a file (see acls.txt) to a Kafka cluster; adding one that exists is a
# no-op, so this runs on every docker-compose start.
#   apply-acls.sh BOOTSTRAP ACLS_FILE
set -euo pipefail

bootstrap="${1:?usage: apply-acls.sh BOOTSTRAP ACLS_FILE}"
file="${2:?usage: apply-acls.sh BOOTSTRAP ACLS_FILE}"
kafka_acls=/opt/kafka/bin/kafka-acls.sh

while read -r user operation resource pattern name rest; do
  if [[ -z "${user}" || "${user}" == \#* ]]; then
    continue
  fi
  if [[ -n "${rest}" || -z "${name}" ]]; then
    echo "apply-acls.sh: ${file}: expected USER OPERATION RESOURCE PATTERN NAME, got: ${user} ${operation} ${resource} ${pattern} ${name} ${rest}" >&2
    exit 1
  fi
  "${kafka_acls}" --bootstrap-server "${bootstrap}" --add \
    --allow-principal "User:${user}" --operation "${operation}" \
    --resource-pattern-type "${pattern^^}" "--${resource}" "${name}" > /dev/null
  echo "ACL: User:${user} ${operation} ${resource} ${pattern} ${name}"
done < "${file}"
