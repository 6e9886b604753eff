#!/usr/bin/env bash
# Rebuilds models/cura-small from public sources: corpus -> tokenizer -> pretrained weights.
#
#   models/cura-small/recipe/build.sh [extra ./cura pretrain options...]
#
# Env: CORPUS (default .cura/corpus-small), STATE (default .cura/pretrain-state/cura-small: the
#      resumable training state), STOP_AFTER (default 0 = the whole schedule), CURA (default
#      ./cura; a copy of the launcher and its jars keeps a long run safe from rebuilds).
# Steps 1-2 take about a minute; step 3 is the long one (see MODEL_CARD.md for the measured run).
# The pretraining writes its full state every 50 steps and resumes from it: after a crash or a
# stop, run this script again and it continues where the state left off (same result as an
# uninterrupted run, up to floating-point reduction order).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT"
export CORPUS="${CORPUS:-$ROOT/.cura/corpus-small}"
STATE="${STATE:-$ROOT/.cura/pretrain-state/cura-small}"
MODEL="$ROOT/models/cura-small"
CURA="${CURA:-./cura}"

echo "== 1/3 corpus (apt-get download + dpkg-deb -x into $CORPUS)"
WESNOTH=(did dm dw ei httt l low nr sof sota sotbe thot trow tsg ttb utbs)
PACKAGES="bible-kjv-text bible-kjv fortunes-min fortunes tfortunes jargon-text debian-reference-en \
${WESNOTH[*]/#/wesnoth-1.16-}" \
SOURCES=kjv,fortunes,fortunes-irc,tfortunes,wesnoth,jargon,debian-reference \
  "$ROOT/models/recipe/prepare-corpus.sh"

echo "== 2/3 tokenizer (CURA's byte-level BPE trainer, 8192 tokens)"
"$CURA" tokenizer train --corpus "$CORPUS/tokenizer-corpus.txt" --vocab-size 8192 \
  --out "$MODEL" --eval datasets/youtube-replies/valid.jsonl --eval "$CORPUS/pretrain.txt"

echo "== 3/3 pretraining (full-parameter, from random init; resumes from $STATE)"
"$CURA" pretrain --config "$MODEL/recipe/config.json" --corpus "$CORPUS/pretrain.txt" \
  --tokenizer "$MODEL" --steps 1200 --stop-after "${STOP_AFTER:-0}" --seq-len 128 \
  --batch-size 16 --lr 2e-3 --warmup 50 --seed 1 --eval-every 50 --eval-windows 32 \
  --save-every 50 --state "$STATE" --resume --out "$MODEL" "$@"
