#!/usr/bin/env bash
# Fetches public texts from Debian with apt's own client (no system-wide install: `apt-get
# download` + `dpkg-deb -x` into a gitignored folder), and cleans them into
#   $CORPUS/pretrain.txt          KJV chapters + fortunes + YouTube training comments
#   $CORPUS/tokenizer-corpus.txt  the same + the YouTube training replies
# CORPUS defaults to .cura/corpus. CURA_CORPUS_FORTUNES=0 leaves the fortunes out (KJV only, which
# is public domain; the fortunes are free (Debian main, BSD) but not all public domain). Needs: apt-get (with package lists), dpkg-deb, a JDK 17+.
# See README.md beside this script for sources, licenses and sizes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
CORPUS="${CORPUS:-$ROOT/.cura/corpus}"
PACKAGES=(bible-kjv-text bible-kjv fortunes-min fortunes)
JAVA="$("$ROOT/bin/java-home" 2>/dev/null || echo "${JAVA_HOME:-/usr}")/bin/java"

mkdir -p "$CORPUS/debs"
cd "$CORPUS/debs"
for p in "${PACKAGES[@]}"; do
  if ! ls "${p}"_*.deb >/dev/null 2>&1; then
    echo "prepare-corpus: downloading $p" >&2
    apt-get download "$p" 2> >(grep -v 'unsandboxed' >&2)
  fi
done
rm -rf "$CORPUS/root"
for deb in "${PACKAGES[@]/%/_*.deb}"; do
  # shellcheck disable=SC2086
  dpkg-deb -x $deb "$CORPUS/root"
done
dpkg-deb -f bible-kjv-text_*.deb Package Version > "$CORPUS/sources.txt"
for p in bible-kjv fortunes-min fortunes; do dpkg-deb -f "${p}"_*.deb Package Version >> "$CORPUS/sources.txt"; done

# The KJV ships compressed for the BRS reader; its own `bible` program prints it back as text.
"$CORPUS/root/usr/bin/bible" -f -l 0 -p "$CORPUS/root/usr/lib" 'gen1:1-rev22:21' > "$CORPUS/kjv-verses.txt"

FORTUNES="$CORPUS/root/usr/share/games/fortunes"
[ "${CURA_CORPUS_FORTUNES:-1}" = 0 ] && FORTUNES=-
"$JAVA" "$ROOT/models/cura-tiny/recipe/CleanCorpus.java" \
  "$CORPUS/kjv-verses.txt" "$FORTUNES" \
  "$ROOT/datasets/youtube-replies/train.jsonl" "$CORPUS"
ls -l "$CORPUS/pretrain.txt" "$CORPUS/tokenizer-corpus.txt"
(cd "$CORPUS" && sha256sum pretrain.txt tokenizer-corpus.txt)
