#!/usr/bin/env bash
# The quality target of DESIGN.md §8 on the bundled base and task: QLoRA (NF4 + double quant) vs
# 16-bit LoRA (--quant none), trained identically, then eval loss on the validation set.
#
#   models/cura-tiny/recipe/qlora-vs-lora.sh [STEPS]       (default 200)
#
# Writes .cura/qlora-vs-lora/{nf4,none}/ (adapters + metrics.json) and prints one JSON line per
# model: the untuned base (dense and NF4), QLoRA, LoRA.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT"
STEPS="${1:-200}"
OUT=.cura/qlora-vs-lora
DATA=datasets/youtube-replies
MODEL=models/cura-tiny
COMMON=(--model "$MODEL" --data "$DATA/train.jsonl" --steps "$STEPS" --batch-size 8 --lr 2e-3
  --rank 16 --alpha 32 --dropout 0.05 --seq-len 96 --seed 42 --save-every 100000)
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
