#!/usr/bin/env bash
# The profile-guided build (scripts/build-pgo.sh) builds, and writes what the
# release build writes, byte for byte: `places` (one thread, two, with
# demonyms) and `extract` over the test texts, the seed articles and the
# LGL + TR-News benchmark texts (the last two when ../shared is present).
#
# scripts/build-pgo.sh installs llvm-N for rustc's LLVM N when it finds no
# llvm-profdata for it (Debian 12, as root).
#
#   scripts/check_pgo.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/lib/corpus.sh

cargo build --release --locked --quiet
scripts/build-pgo.sh
release=target/release/geoevent
pgo=target/pgo/geoevent

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
inputs=(tests/data/report_makhmour.txt tests/data/report_anbar.txt tests/data/headline_caps.txt)
ndjson=(tests/data/events_reports.ndjson)
[ -f ../shared/corpus/seeds/seeds.ndjson ] && ndjson+=(../shared/corpus/seeds/seeds.ndjson)
if [ -f ../shared/eval/lgl.jsonl ]; then
  lgl_trnews_corpus "$work/eval.ndjson" 1
  ndjson+=("$work/eval.ndjson")
fi

runs=0
compare() {
  "$release" "$@" >"$work/release.out"
  "$pgo" "$@" >"$work/pgo.out"
  if ! cmp -s "$work/release.out" "$work/pgo.out"; then
    echo "check_pgo.sh: the PGO build writes other output for: geoevent $*" >&2
    diff "$work/release.out" "$work/pgo.out" | head -20 >&2
    exit 1
  fi
  runs=$((runs + 1))
}
for f in "${inputs[@]}"; do
  compare places --quiet "$f"
  compare extract --quiet "$f"
done
for f in "${ndjson[@]}"; do
  for args in "places -j1" "places -j2" "places -j1 --demonyms" "extract -j1"; do
    # shellcheck disable=SC2086
    compare $args --quiet --ndjson --format ndjson "$f"
  done
done
echo "check_pgo.sh: the PGO build's output equals the release build's ($runs runs, ${#ndjson[@]} NDJSON corpora)"
