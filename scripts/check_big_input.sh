#!/usr/bin/env bash
# A 200 MB document on a single line: geoevent must finish, exit 0, report
# nothing on stderr and find places (tests/it covers the small bad inputs;
# this one is too big for the debug test binary). Then `extract` on its
# first quarter, which must write its layers and find the distance claims
# within ten minutes: a step that scanned every place once per claim made
# this take hours, and is caught here (it takes seconds).
#
#   scripts/check_big_input.sh [MEGABYTES]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mb=${1:-200}
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/big.txt" "$mb" <<'PY'
import sys
path, mb = sys.argv[1], int(sys.argv[2])
# Written for this check: a wire-style paragraph, repeated without newlines.
para = ("Clashes were reported near Makhmour and Kirkuk on Sunday, officials in Baghdad said, "
        "while the village of Ain Sifni, some 20 kilometers north of Mosul, was shelled. "
        "Protesters gathered in Basra; the U.S.-led coalition said it struck targets in Anbar province. ")
with open(path, "w") as f:
    n = 0
    while n < mb * 1_000_000:
        f.write(para)
        n += len(para)
PY
# Run geoevent ARGS... timed into $work/time, within ten minutes, with
# nothing on stderr; fail with what it printed otherwise.
run() {
  if ! timeout 600 /usr/bin/time -f "%e s, peak RSS %M KiB" -o "$work/time" \
    target/release/geoevent "$@" 2> "$work/err" || [ -s "$work/err" ]; then
    echo "geoevent $1 failed, took over 10 minutes or wrote to stderr:" >&2
    head "$work/err" >&2
    exit 1
  fi
}

run places --format ndjson -o "$work/out.ndjson" "$work/big.txt"
n=$(wc -l < "$work/out.ndjson")
[ "$n" -gt 1000 ] || { echo "only $n places found" >&2; exit 1; }
echo "${mb} MB on one line: $n places, $(cat "$work/time")"

# extract on the first quarter (a quarter keeps the peak memory near 2 GB).
head -c $((mb * 250000)) "$work/big.txt" > "$work/quarter.txt"
mkdir "$work/layers"
run extract --format ndjson -o "$work/layers/" "$work/quarter.txt"
n=$(wc -l < "$work/layers/distance_claims.geojsonl")
[ "$n" -gt 1000 ] || { echo "extract: only $n distance claims found" >&2; exit 1; }
[ -s "$work/layers/events.geojsonl" ] || { echo "extract: no events" >&2; exit 1; }
echo "$((mb / 4)) MB on one line, extract: $n distance claims, $(cat "$work/time")"
