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
source "$(dirname "$0")/lib/bench_setup.sh"

passes=${1:-16}
printf '{"id": "0", "text": "x"}\n' > "$work/empty.ndjson"
lgl_trnews_corpus "$work/one.ndjson" 1
lgl_trnews_corpus "$work/many.ndjson" "$passes"

python3 - "$bin" "$work" "$passes" "${2:-7}" <<'PY'
import json, os, subprocess, sys

bin, work, passes, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
empty, one, many = (os.path.join(work, f) for f in ("empty.ndjson", "one.ndjson", "many.ndjson"))
texts = [json.loads(line)["text"] for line in open(one)]

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

mb = sum(len(t.encode()) for t in texts) / 1e6
t0, t1, tn = cpu(empty), cpu(one), cpu(many)
print(f"Corpus: LGL + TR-News, {len(texts)} articles, {mb:.2f} MB of text a pass; "
      f"best of {rounds} runs, CPU time, one core.")
print(f"start-up: {t0 * 1000:.1f} ms")
print(f"first pass (memos empty): {mb / (t1 - t0):.1f} MB/s")
print(f"passes 2 to {passes} (memos warm): {mb * (passes - 1) / (tn - t1):.1f} MB/s")
print(f"all {passes} passes: {mb * passes / tn:.1f} MB/s")
PY
