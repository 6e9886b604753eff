#!/usr/bin/env bash
# Rebuilds models/cura-tiny from public sources: corpus -> tokenizer -> pretrained weights.
#
#   models/cura-tiny/recipe/build.sh [extra ./cura pretrain options...]
#
# Env: STEPS (default 3000), SEQ_LEN (default 256), CORPUS (default .cura/corpus),
#      CURA_CORPUS_FORTUNES=0 to pretrain on the KJV only.
# Steps 1-2 take well under a minute; step 3 is the long one (see MODEL_CARD.md).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT"
export CORPUS="${CORPUS:-$ROOT/.cura/corpus}"
MODEL="$ROOT/models/cura-tiny"

echo "== 1/3 corpus (apt-get download + dpkg-deb -x into $CORPUS)"
"$ROOT/models/cura-tiny/recipe/prepare-corpus.sh"

echo "== 2/3 tokenizer (CURA's byte-level BPE trainer, 4096 tokens)"
./cura tokenizer train --corpus "$CORPUS/tokenizer-corpus.txt" --vocab-size 4096 \
  --out "$MODEL" --eval datasets/youtube-replies/valid.jsonl --eval "$CORPUS/pretrain.txt"

echo "== 3/3 pretraining (full-parameter, from random init)"
./cura pretrain --config "$MODEL/recipe/config.json" --corpus "$CORPUS/pretrain.txt" \
  --tokenizer "$MODEL" --steps "${STEPS:-3000}" --seq-len "${SEQ_LEN:-256}" --out "$MODEL" "$@"
