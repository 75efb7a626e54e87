#!/usr/bin/env bash
# Build data/ambiguous_words.txt: single-word gazetteer names (population-500 build) that are
# also common lowercase English words. Run rarely; the output is committed.
# Usage: scripts/build_ambiguous_words.sh [--shared DIR]
# Word lists: Debian packages wamerican and wamerican-small (SCOWL); installed with apt-get if missing.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIG=/usr/share/dict/american-english
SMALL=/usr/share/dict/american-english-small
if [ ! -f "$BIG" ] || [ ! -f "$SMALL" ]; then
  apt-get update -qq && apt-get install -y -qq wamerican wamerican-small >/dev/null
fi
GAZ="$REPO/target/gazetteer-500.csv"
mkdir -p "$REPO/target"
"$REPO/scripts/build_gazetteer.sh" --min-population 500 --out "$GAZ" "$@" >"$REPO/target/gazetteer-500.log" 2>&1 \
  || { cat "$REPO/target/gazetteer-500.log" >&2; exit 1; }
export LC_ALL=C.UTF-8
"$REPO/.venv-gazetteer/bin/python" - "$GAZ" "$BIG" "$SMALL" "$REPO/data/ambiguous_words.txt" <<'PY'
import csv, sys, unicodedata
gaz, big, small, out = sys.argv[1:]

def fold(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).lower()

def words(path):
    # keep only entries that are all lowercase ASCII letters: proper nouns ("Paris") and
    # possessives ("bath's") are not ordinary lowercase words
    with open(path, encoding="utf-8") as f:
        return {w.strip() for w in f if w.strip().isascii() and w.strip().isalpha() and w.strip().islower()}

common = words(big) & words(small)
tokens = set()
with open(gaz, encoding="utf-8", newline="") as f:
    for row in csv.DictReader(f):
        for name in [row["name"]] + (row["alt_names"].split("|") if row["alt_names"] else []):
            t = fold(name.strip())
            if t.isascii() and t.isalpha() and len(t) >= 2:
                tokens.add(t)
hits = sorted(tokens & common)
with open(out, "w", encoding="utf-8", newline="\n") as f:
    f.write("".join(w + "\n" for w in hits))
print(f"{len(hits)} ambiguous words ({len(common)} common lowercase words, {len(tokens)} single-token names) -> {out}")
PY
