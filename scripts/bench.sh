#!/usr/bin/env bash
# Measure geoevent: places throughput (MB/s of input text, one core) and
# start-up time, with the embedded gazetteer. Prints a table.
#
#   scripts/bench.sh [CORPUS.ndjson]
#
# CORPUS defaults to the LGL + TR-News benchmark texts in ../shared/eval (real
# news text, 706 articles, 1.8 MB), repeated 20 times.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo build --release --quiet
bin="$root/target/release/geoevent"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

corpus=${1:-}
if [ -z "$corpus" ]; then
  corpus="$work/corpus.ndjson"
  for i in $(seq 20); do
    cat ../shared/eval/lgl.jsonl ../shared/eval/tr-news.jsonl
  done | python3 -c '
import sys, json
for line in sys.stdin:
    d = json.loads(line)
    print(json.dumps({"id": d.get("doc_id"), "text": d["text"]}))
' > "$corpus"
fi
text_bytes=$(python3 -c '
import sys, json
print(sum(len(json.loads(l)["text"].encode()) for l in open(sys.argv[1])))' "$corpus")
docs=$(wc -l < "$corpus")

best=""
for run in 1 2 3; do
  s=$(date +%s.%N)
  taskset -c 0 "$bin" places --ndjson --format ndjson "$corpus" > "$work/out.ndjson"
  e=$(date +%s.%N)
  t=$(python3 -c "print($e - $s)")
  best=$(python3 -c "print(min(float(x) for x in '$t ${best}'.split()))")
done
features=$(wc -l < "$work/out.ndjson")

# Start-up: a one-word document, 30 runs, median.
startup=$(python3 - "$bin" <<'PY'
import subprocess, sys, time, statistics
ts = []
for _ in range(30):
    s = time.perf_counter()
    subprocess.run([sys.argv[1], "places"], input=b"Mosul", stdout=subprocess.DEVNULL, check=True)
    ts.append(time.perf_counter() - s)
print(f"{statistics.median(ts) * 1000:.1f}")
PY
)
rss=$( { /usr/bin/time -f "%M" "$bin" places --ndjson --format ndjson "$corpus" > /dev/null; } 2>&1 | tail -1 )

python3 - "$text_bytes" "$docs" "$best" "$features" "$startup" "$rss" <<'PY'
import sys
b, docs, t, feats, startup, rss = sys.argv[1:]
b, docs, t, feats = int(b), int(docs), float(t), int(feats)
print(f"| corpus | {docs} articles, {b / 1e6:.1f} MB of text |")
print(f"| places throughput (1 core, best of 3) | {b / 1e6 / t:.1f} MB/s, {docs / t:,.0f} docs/s, {feats} features |")
print(f"| start-up (one-word input, median of 30) | {startup} ms |")
print(f"| peak RSS on the corpus | {int(rss) / 1024:.0f} MiB |")
PY
