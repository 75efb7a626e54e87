#!/usr/bin/env bash
# A 200 MB document on a single line: geoevent must finish, exit 0, report
# nothing on stderr and find places (tests/it covers the small bad inputs;
# this one is too big for the debug test binary).
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
/usr/bin/time -f "%e s, peak RSS %M KiB" -o "$work/time" target/release/geoevent places --format ndjson "$work/big.txt" > "$work/out.ndjson" 2> "$work/err"
if [ -s "$work/err" ]; then
  echo "stderr not empty:" >&2
  head "$work/err" >&2
  exit 1
fi
n=$(wc -l < "$work/out.ndjson")
[ "$n" -gt 1000 ] || { echo "only $n places found" >&2; exit 1; }
echo "${mb} MB on one line: $n places, $(cat "$work/time")"
