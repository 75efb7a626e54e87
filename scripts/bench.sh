#!/usr/bin/env bash
# Measure geoevent: throughput in MB/s of input text (one core, and all cores
# with -j), start-up time and peak memory, with the embedded gazetteer and,
# when it exists (scripts/eval.sh builds it), the GeoNames population-500
# index target/g500.idx. Prints a Markdown table.
#
#   scripts/bench.sh [CORPUS.ndjson]
#
# CORPUS defaults to the LGL + TR-News benchmark texts in ../shared/eval (real
# news text, 706 articles, 1.4 MB), repeated 20 times (27 MB). geoevent is
# built with `cargo build --release` unless GEOEVENT names a binary to use
# instead (to compare two builds on one machine, as scripts/bench_peers.sh);
# PGO=1 measures the profile-guided build of scripts/build-pgo.sh.
set -euo pipefail
source "$(dirname "$0")/lib/bench_setup.sh"

corpus=${1:-}
if [ -z "$corpus" ]; then
  corpus="$work/corpus.ndjson"
  lgl_trnews_corpus "$corpus" 20
fi

python3 - "$bin" "$corpus" "$(nproc)" <<'PY'
import json, os, statistics, subprocess, sys, time

bin, corpus, cores = sys.argv[1], sys.argv[2], int(sys.argv[3])
text_bytes = sum(len(json.loads(l)["text"].encode()) for l in open(corpus))
docs = sum(1 for _ in open(corpus))
g500 = "target/g500.idx" if os.path.exists("target/g500.idx") else None

def run(args, one_core):
    """Best wall time of 3 runs, and the peak RSS (MiB) of the last."""
    cmd = (["taskset", "-c", "0"] if one_core else []) + [bin] + args
    best = None
    for _ in range(3):
        s = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        t = time.perf_counter() - s
        best = t if best is None else min(best, t)
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, check=True, text=True)
    return best, int(p.stderr.strip().splitlines()[-1]) / 1024

def startup(extra):
    ts = []
    for _ in range(20):
        s = time.perf_counter()
        subprocess.run([bin, "places", "--quiet"] + extra, input=b"Mosul", stdout=subprocess.DEVNULL, check=True)
        ts.append(time.perf_counter() - s)
    return statistics.median(ts) * 1000

print(f"Corpus: {docs} articles, {text_bytes / 1e6:.1f} MB of text; {cores} cores; "
      f"{time.strftime('%Y-%m-%d')}; binary {os.path.relpath(bin)}.\n")
print("| measure | MB/s | articles/s | peak RSS |")
print("|---|---|---|---|")
rows = [
    ("`places`, embedded gazetteer, 1 core", ["places", "-j1"], True),
    (f"`places`, embedded gazetteer, -j {cores}", ["places", f"-j{cores}"], False),
    ("`extract`, 1 core", ["extract", "-j1"], True),
    (f"`extract`, -j {cores}", ["extract", f"-j{cores}"], False),
]
if g500:
    rows.append(("`places`, population-500 index, 1 core", ["places", "-j1", "--gazetteer", g500], True))
for label, args, one in rows:
    t, rss = run(args + ["--quiet", "--ndjson", "--format", "ndjson", corpus], one)
    print(f"| {label} | {text_bytes / 1e6 / t:.1f} | {docs / t:,.0f} | {rss:.0f} MiB |")
print()
print(f"Start-up (one-word input, median of 20): embedded {startup([]):.1f} ms", end="")
if g500:
    rss = subprocess.run(["/usr/bin/time", "-f", "%M", bin, "places", "--gazetteer", g500], input=b"Mosul",
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True).stderr
    print(f"; population-500 index ({os.path.getsize(g500) / 1e6:.0f} MB) {startup(['--gazetteer', g500]):.1f} ms, "
          f"{int(rss.decode().strip().splitlines()[-1]) / 1024:.0f} MiB peak", end="")
print(".")
PY
