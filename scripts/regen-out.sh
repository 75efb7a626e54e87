#!/usr/bin/env bash
# Regenerate the example outputs in out/ from the example reports in
# examples/reports/, or with --check, fail when out/ differs from what the
# current code produces.
#
#   scripts/regen-out.sh          # rewrite out/
#   scripts/regen-out.sh --check  # CI: exit 1 when out/ is stale
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo build --release --quiet
bin="$root/target/release/geoevent"
dest="$root/out"
check=0
if [ "${1:-}" = "--check" ]; then
  check=1
  dest=$(mktemp -d)
  trap 'rm -rf "$dest"' EXIT
fi
mkdir -p "$dest"

inputs=(examples/reports examples/wire.ndjson)
# One file per layer (events, distance_claims, places) in each format.
"$bin" extract --quiet --pretty "${inputs[@]}" -o "$dest/"
"$bin" extract --quiet --format csv "${inputs[@]}" -o "$dest/"
"$bin" extract --quiet --format kml "${inputs[@]}" -o "$dest/"
"$bin" extract --quiet --format geojsonseq "${inputs[@]}" -o "$dest/"
"$bin" places --quiet --format ndjson "${inputs[@]}" -o "$dest/places.geojsonl"
# The web map (needs the npm assets: npm ci --prefix web, before cargo build).
"$bin" map --quiet "${inputs[@]}" -o "$dest/map.html"
"$bin" distance --format geojson --matrix Fallujah Baghdad Ramadi Mosul -o "$dest/distances.geojson"
"$bin" distance --format kml --matrix Fallujah Baghdad Ramadi Mosul -o "$dest/distances.kml"
"$bin" distance --matrix Fallujah Baghdad Ramadi Mosul -o "$dest/distances.txt"

if [ "$check" = 1 ]; then
  stale=0
  for f in "$dest"/*; do
    name=$(basename "$f")
    if ! cmp -s "$f" "out/$name"; then
      echo "out/$name is stale: run scripts/regen-out.sh" >&2
      diff -u "out/$name" "$f" | head -20 >&2 || true
      stale=1
    fi
  done
  for f in out/*; do
    case "$(basename "$f")" in
      README.md | *.png) ;; # screenshots are CI artifacts, not regenerated here
      *) [ -e "$dest/$(basename "$f")" ] || { echo "$f is not produced by scripts/regen-out.sh" >&2; stale=1; } ;;
    esac
  done
  [ "$stale" = 0 ] && echo "out/ is fresh"
  exit "$stale"
fi
echo "wrote $(ls "$dest" | wc -l) files to out/"
