#!/usr/bin/env bash
# The quality target of DESIGN.md §8 on the bundled base and task: QLoRA (NF4 + double quant) vs
# 16-bit LoRA (--quant none), trained identically, then eval loss on the validation set.
#
#   models/recipe/qlora-vs-lora.sh [MODEL_DIR [STEPS]]    (default models/cura-small 200)
#
# Env LR, RANK, BATCH (default 2e-3, 16, 8: as the demo's job; alpha = 2 * RANK).
#
# Writes .cura/qlora-vs-lora/<model>/{nf4,none}/ (adapters + metrics.json) and prints one JSON line
# per model: the untuned base (dense and NF4), QLoRA, LoRA.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
MODEL="${1:-models/cura-small}"
STEPS="${2:-200}"
SEED="${SEED:-42}"
OUT=".cura/qlora-vs-lora/$(basename "$MODEL")$([ "$SEED" = 42 ] || echo "-s$SEED")"
DATA=datasets/youtube-replies
RANK="${RANK:-16}"
COMMON=(--model "$MODEL" --data "$DATA/train.jsonl" --steps "$STEPS" --batch-size "${BATCH:-8}"
  --lr "${LR:-2e-3}" --rank "$RANK" --alpha $((2 * RANK)) --dropout 0.05 --seq-len 96 --seed "$SEED"
  --save-every 100000)
mkdir -p "$OUT"
for q in nf4 none; do
  rm -rf "${OUT:?}/$q"
  /usr/bin/time -f "train --quant $q: %e s wall, %M KiB peak RSS" \
    ./cura train "${COMMON[@]}" --quant "$q" --out "$OUT/$q"
done
echo "base (dense)  $(./cura eval --model "$MODEL" --data "$DATA/valid.jsonl" --quant none)"
echo "base (nf4)    $(./cura eval --model "$MODEL" --data "$DATA/valid.jsonl" --quant nf4)"
echo "QLoRA (nf4)   $(./cura eval --model "$MODEL" --adapter "$OUT/nf4" --data "$DATA/valid.jsonl" --quant nf4)"
echo "LoRA (16-bit) $(./cura eval --model "$MODEL" --adapter "$OUT/none" --data "$DATA/valid.jsonl" --quant none)"
