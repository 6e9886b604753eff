#!/usr/bin/env bash
# The sweep behind the demo's job settings: trains the demo's QLoRA job (NF4 + double quant,
# paged AdamW 32-bit, batch 8, seq_len 96, dropout 0.05, alpha = 2r, seed 42 — what ./cura demo
# submits) for each setting and scores the adapter as the demo does (greedy replies to the first
# 40 validation comments, VoiceRules), printing one line per setting with the train time.
#
#   models/recipe/demo-sweep.sh MODEL_DIR "STEPS:RANK:LR ..."
#   e.g. models/recipe/demo-sweep.sh models/cura-small "150:16:2e-3 200:16:2e-3 200:32:3e-3"
#
# Adapters and logs go to .cura/demo-sweep/<model>/<steps>-r<rank>-lr<lr>/ (a setting already
# scored there is not trained again).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/demo-job.sh"
MODEL="${1:?model directory}"
SETTINGS="${2:?settings STEPS:RANK:LR ...}"
OUT=".cura/demo-sweep/$(basename "$MODEL")"
mkdir -p "$OUT"
printf '%-22s %8s %8s %8s %8s %8s %8s %9s %s\n' setting train_s eval_loss thanks spam rude all_rules distinct
for s in $SETTINGS; do
  IFS=: read -r steps rank lr <<< "$s"
  dir="$OUT/$steps-r$rank-lr$lr"
  if [ ! -f "$dir/score.txt" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    start=$(date +%s)
    demo_train_args "$MODEL" "$steps" "$rank" "$lr" "$DEMO_BATCH" "$DEMO_SEED"
    "$CURA" train "${TRAIN_ARGS[@]}" --validation "$DEMO_DATA/valid.jsonl" --out "$dir/adapter" \
      > "$dir/train.log" 2>&1
    echo $(( $(date +%s) - start )) > "$dir/train_seconds"
    "$CURA" demo --base "$MODEL" --compare-only "$dir/adapter" --no-base-replies --show 0 \
      > "$dir/compare.log" 2>&1
    tr '\r' '\n' < "$dir/compare.log" | grep -E '^eval loss|^  (thanks_by_name|spam_fixed_reply|feedback_for_rude|all rules|distinct replies) ' \
      > "$dir/score.txt"
  fi
  rate() { grep -E "^  $1 " "$dir/score.txt" | sed -E 's/.*→ *([0-9.]+%?).*/\1/'; }
  printf '%-22s %8s %8s %8s %8s %8s %8s %9s\n' "$s" "$(cat "$dir/train_seconds")" \
    "$(sed -nE 's/^eval loss .*fine-tuned ([0-9.]+).*/\1/p' "$dir/score.txt")" \
    "$(rate thanks_by_name)" "$(rate spam_fixed_reply)" "$(rate feedback_for_rude)" \
    "$(rate 'all rules')" "$(rate 'distinct replies')"
done
