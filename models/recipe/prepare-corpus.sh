#!/usr/bin/env bash
# Fetches public texts from Debian with apt's own client (no system-wide install: `apt-get
# download` + `dpkg-deb -x` into a gitignored folder), and cleans them with CleanCorpus.java into
#   $CORPUS/pretrain.txt          the selected sources + the YouTube training comments
#   $CORPUS/tokenizer-corpus.txt  the same + the YouTube training replies
#
#   CORPUS=DIR PACKAGES="pkg ..." SOURCES=kjv,fortunes,... models/recipe/prepare-corpus.sh
#
# Called by models/*/recipe/build.sh, which set the three variables. Needs: apt-get (with package
# lists: `apt-get update` once), dpkg-deb, a JDK 17+. Sources, versions, licences and sizes: each
# model's MODEL_CARD.md; the exact package versions used land in $CORPUS/sources.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
: "${CORPUS:?set CORPUS}" "${PACKAGES:?set PACKAGES}" "${SOURCES:?set SOURCES}"
JAVA="$("$ROOT/bin/java-home" 2>/dev/null || echo "${JAVA_HOME:-/usr}")/bin/java"
read -r -a PKGS <<< "$PACKAGES"

mkdir -p "$CORPUS/debs"
cd "$CORPUS/debs"
for p in "${PKGS[@]}"; do
  if ! ls "${p}"_*.deb >/dev/null 2>&1; then
    echo "prepare-corpus: downloading $p" >&2
    apt-get download "$p" 2> >(grep -v 'unsandboxed' >&2)
  fi
done
rm -rf "$CORPUS/root"
: > "$CORPUS/sources.txt"
for p in "${PKGS[@]}"; do
  # shellcheck disable=SC2086
  dpkg-deb -x ${p}_*.deb "$CORPUS/root"
  dpkg-deb -f ${p}_*.deb Package Version | paste -sd' ' >> "$CORPUS/sources.txt"
done

if [[ ",$SOURCES," == *,kjv,* ]]; then
  # The KJV ships compressed for the BRS reader; its own `bible` program prints it back as text.
  "$CORPUS/root/usr/bin/bible" -f -l 0 -p "$CORPUS/root/usr/lib" 'gen1:1-rev22:21' \
    > "$CORPUS/root/kjv-verses.txt"
fi

"$JAVA" "$ROOT/models/recipe/CleanCorpus.java" \
  "$SOURCES" "$CORPUS/root" "$ROOT/datasets/youtube-replies/train.jsonl" "$CORPUS"
ls -l "$CORPUS/pretrain.txt" "$CORPUS/tokenizer-corpus.txt"
(cd "$CORPUS" && sha256sum pretrain.txt tokenizer-corpus.txt)
