#!/usr/bin/env bash
# The quality target of DESIGN.md §8 on the bundled base and task: QLoRA (NF4 + double quant) vs
# 16-bit LoRA (--quant none), trained identically, then eval loss on the validation set.
#
#   models/recipe/qlora-vs-lora.sh [MODEL_DIR [STEPS]]    (default models/cura-small 200)
#
# Env LR, RANK, BATCH, SEED (default 2e-3, 16, 8, 42: the demo's job, demo-job.sh; alpha = 2 * RANK).
#
# Writes .cura/qlora-vs-lora/<model>/{nf4,none}/ (adapters + metrics.json) and prints one JSON line
# per model: the untuned base (dense and NF4), QLoRA, LoRA.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/demo-job.sh"
MODEL="${1:-models/cura-small}"
STEPS="${2:-$DEMO_STEPS}"
SEED="${SEED:-$DEMO_SEED}"
OUT=".cura/qlora-vs-lora/$(basename "$MODEL")$([ "$SEED" = "$DEMO_SEED" ] || echo "-s$SEED")"
demo_train_args "$MODEL" "$STEPS" "${RANK:-$DEMO_RANK}" "${LR:-$DEMO_LR}" "${BATCH:-$DEMO_BATCH}" "$SEED"
mkdir -p "$OUT"
for q in nf4 none; do
  rm -rf "${OUT:?}/$q"
  /usr/bin/time -f "train --quant $q: %e s wall, %M KiB peak RSS" \
    "$CURA" train "${TRAIN_ARGS[@]}" --quant "$q" --out "$OUT/$q"
done
VALID="$DEMO_DATA/valid.jsonl"
echo "base (dense)  $("$CURA" eval --model "$MODEL" --data "$VALID" --quant none)"
echo "base (nf4)    $("$CURA" eval --model "$MODEL" --data "$VALID" --quant nf4)"
echo "QLoRA (nf4)   $("$CURA" eval --model "$MODEL" --adapter "$OUT/nf4" --data "$VALID" --quant nf4)"
echo "LoRA (16-bit) $("$CURA" eval --model "$MODEL" --adapter "$OUT/none" --data "$VALID" --quant none)"
