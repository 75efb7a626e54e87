#!/usr/bin/env bash
# How fast `places` runs over the first pass of a corpus, when the
# per-thread memos (word facts, name-index values, priors) are empty, and
# over the passes after it, when they are warm; and its start-up. The corpus
# is the LGL + TR-News texts once (one pass) and PASSES times over (the
# benchmark corpus of scripts/bench.sh repeats them 20 times). One core, CPU
# time (user + system) of the best of ROUNDS runs.
#
#   scripts/bench_passes.sh [PASSES] [ROUNDS]
#
# geoevent is built with `cargo build --release` unless GEOEVENT names a
# binary to use instead.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ -z "${GEOEVENT:-}" ]; then
  cargo build --release --quiet
fi
bin="${GEOEVENT:-$root/target/release/geoevent}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$bin" "$work" "${1:-16}" "${2:-7}" <<'PY'
import json, os, subprocess, sys

bin, work, passes, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
texts = []
for name in ("lgl", "tr-news"):
    for line in open(f"../shared/eval/{name}.jsonl"):
        d = json.loads(line)
        texts.append((d.get("doc_id"), d["text"]))

def corpus(path, n):
    with open(path, "w") as out:
        for i in range(n):
            for doc_id, text in texts:
                out.write(json.dumps({"id": f"{i}-{doc_id}", "text": text}) + "\n")
    return path

empty = os.path.join(work, "empty.ndjson")
with open(empty, "w") as f:
    f.write('{"id": "0", "text": "x"}\n')
one = corpus(os.path.join(work, "one.ndjson"), 1)
many = corpus(os.path.join(work, "many.ndjson"), passes)

def cpu(path):
    """Best user + system time of the runs, in seconds."""
    best = None
    for _ in range(rounds):
        p = subprocess.Popen(["taskset", "-c", "0", bin, "places", "-j1", "--quiet", path],
                             stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        if status != 0:
            sys.exit(f"geoevent failed on {path}")
        t = usage.ru_utime + usage.ru_stime
        best = t if best is None else min(best, t)
    return best

mb = sum(len(t.encode()) for _, t in texts) / 1e6
t0, t1, tn = cpu(empty), cpu(one), cpu(many)
print(f"Corpus: LGL + TR-News, {len(texts)} articles, {mb:.2f} MB of text a pass; "
      f"best of {rounds} runs, CPU time, one core.")
print(f"start-up: {t0 * 1000:.1f} ms")
print(f"first pass (memos empty): {mb / (t1 - t0):.1f} MB/s")
print(f"passes 2 to {passes} (memos warm): {mb * (passes - 1) / (tn - t1):.1f} MB/s")
print(f"all {passes} passes: {mb * passes / tn:.1f} MB/s")
PY
