#!/usr/bin/env bash
# Sourced by the recipe scripts that train the demo's job (demo-sweep.sh, qlora-vs-lora.sh): moves to
# the repository root and holds that job once, as ./cura train flags. ./cura demo submits the same job
# over REST (DemoCommand: NF4 + double quant, paged AdamW 32-bit, alpha = 2r, dropout 0.05, seq_len
# 96, seed 42; steps, batch, lr and rank from the base's defaults, here cura-small's).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
CURA="${CURA:-./cura}"
DEMO_DATA=datasets/youtube-replies
DEMO_STEPS=200
DEMO_BATCH=8
DEMO_LR=2e-3
DEMO_RANK=16
DEMO_SEED=42

# demo_train_args MODEL STEPS RANK LR BATCH SEED: sets the array TRAIN_ARGS to the ./cura train flags
# of the demo's job on MODEL with these settings (training file only; no --out, --quant, validation).
demo_train_args() {
  local model=$1 steps=$2 rank=$3 lr=$4 batch=$5 seed=$6
  TRAIN_ARGS=(--model "$model" --data "$DEMO_DATA/train.jsonl" --steps "$steps" --batch-size "$batch"
    --lr "$lr" --rank "$rank" --alpha $((2 * rank)) --dropout 0.05 --seq-len 96 --seed "$seed"
    --save-every 100000)
}
