# Sourced by the scripts that run geoevent over the benchmark texts
# (scripts/lib/bench_setup.sh, scripts/check_pgo.sh), from the repository
# root; defines lgl_trnews_corpus.

# lgl_trnews_corpus OUT PASSES: the LGL + TR-News benchmark texts of
# ../shared/eval (real news, 706 articles, 1.4 MB) PASSES times over, as
# NDJSON articles with ids PASS-DOCID.
lgl_trnews_corpus() {
  python3 - "$1" "$2" <<'PY'
import json, sys
with open(sys.argv[1], "w") as out:
    for i in range(int(sys.argv[2])):
        for name in ("lgl", "tr-news"):
            for line in open(f"../shared/eval/{name}.jsonl"):
                d = json.loads(line)
                out.write(json.dumps({"id": f"{i}-{d.get('doc_id')}", "text": d["text"]}) + "\n")
PY
}
