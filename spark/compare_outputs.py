#!/usr/bin/env python3
"""Check a geoevent_spark.py output directory against a single-machine run.

    compare_outputs.py SPARK_OUT SINGLE.ndjson SINGLE.geojsonseq SINGLE.csv

SINGLE.* are `geoevent COMMAND --ndjson --format ndjson|geojsonseq|csv` on
the same input with the same options. Checks, printing every difference:

1. SPARK_OUT/features.geojsonseq is RFC 8142 (each record RS, JSON, LF) and
   holds the same features as SINGLE.ndjson: same geometry and properties,
   the `id` member ignored, order ignored (multisets compared).
2. Its ids are 1..n and it is byte-identical to SINGLE.geojsonseq (same
   order, same numbering, same bytes).
3. SPARK_OUT/features.parquet reads back with pyarrow: one row per feature;
   columns id, lat, lon, wkt, then the properties in geoevent's order; every
   property equal to the feature's (JSON types kept: integer, float, string,
   boolean, null); id, lat, lon and wkt equal to SINGLE.csv's cells.

Exit status 0 when all hold, 1 otherwise.
"""

import collections
import csv
import json
import math
import sys

import pyarrow.parquet as pq

problems = []


def fail(msg):
    problems.append(msg)
    print("DIFF: " + msg)


def canonical(feature):
    f = {k: v for k, v in feature.items() if k != "id"}
    return json.dumps(f, sort_keys=True, ensure_ascii=False)


def where(f):
    p = f.get("properties") or {}
    return (p.get("doc_id"), p.get("kind"), p.get("start"), p.get("end"))


def differences(f, g):
    """What differs between two features (Spark f, single machine g)."""
    out = []
    if f.get("geometry") != g.get("geometry"):
        out.append(f"geometry {f.get('geometry')} vs {g.get('geometry')}")
    fp, gp = f.get("properties") or {}, g.get("properties") or {}
    for k in list(dict.fromkeys(list(fp) + list(gp))):
        if k not in gp or k not in fp or fp[k] != gp[k] or type(fp[k]) is not type(gp[k]):
            out.append(f"{k}: spark {fp.get(k, '<missing>')!r}, single machine {gp.get(k, '<missing>')!r}")
    return "; ".join(out) or "(key order only)"


def read_seq(path):
    data = open(path, "rb").read()
    if not data:
        return [], data
    if not data.startswith(b"\x1e"):
        fail(f"{path}: does not start with RS (0x1E)")
    features = []
    for i, rec in enumerate(data.split(b"\x1e")[1:], 1):
        if not rec.endswith(b"\n") or rec.count(b"\n") != 1:
            fail(f"{path}: record {i} is not one JSON text ended by LF: {rec[:80]!r}")
        features.append(json.loads(rec))
    return features, data


def same_value(a, b):
    """Parquet value a equals JSON value b, types included (int column for an
    integer, double for a float)."""
    if b is None or a is None:
        return a is None and b is None
    if isinstance(b, bool) or isinstance(a, bool):
        return type(a) is type(b) and a == b
    if isinstance(b, float):
        return isinstance(a, float) and (a == b or (math.isnan(a) and math.isnan(b)))
    if isinstance(b, int):
        return isinstance(a, int) and a == b
    return a == b


def main(out, single_ndjson, single_seq, single_csv):
    spark_features, spark_bytes = read_seq(f"{out}/features.geojsonseq")
    single = [json.loads(l) for l in open(single_ndjson, encoding="utf-8") if l.strip()]
    print(f"features: spark {len(spark_features)}, single machine {len(single)}")

    # 1. Same features, id ignored, order ignored.
    a = collections.Counter(canonical(f) for f in spark_features)
    b = collections.Counter(canonical(f) for f in single)
    if a != b:
        only_spark = [json.loads(t) for t in (a - b).elements()]
        only_single = [json.loads(t) for t in (b - a).elements()]
        for f in only_spark[:5]:
            twin = next((g for g in only_single if where(g) == where(f)), None)
            if twin is None:
                fail(f"only in the Spark output: {json.dumps(f, ensure_ascii=False)[:400]}")
            else:
                only_single.remove(twin)
                fail(f"feature {where(f)} differs: {differences(f, twin)}")
        for g in only_single[:5]:
            fail(f"only in the single-machine output: {json.dumps(g, ensure_ascii=False)[:400]}")
    else:
        print("content: same features (geometry and properties, id ignored)")

    # 2. Numbering and bytes.
    ids = [f.get("id") for f in spark_features]
    if ids != list(range(1, len(ids) + 1)):
        fail(f"ids are not 1..n: {ids[:20]}")
    single_bytes = open(single_seq, "rb").read()
    if spark_bytes != single_bytes:
        sl, ml = spark_bytes.split(b"\x1e"), single_bytes.split(b"\x1e")
        for i, (x, y) in enumerate(zip(sl, ml)):
            if x != y:
                fail(f"GeoJSONSeq record {i} differs from the single-machine run:\n  spark:  {x[:300]!r}\n  single: {y[:300]!r}")
                break
        else:
            fail(f"GeoJSONSeq has {len(sl) - 1} records, the single-machine run {len(ml) - 1}")
    else:
        print("order: features.geojsonseq is byte-identical to the single-machine geojsonseq (ids 1..n)")

    # 3. Parquet.
    table = pq.read_table(f"{out}/features.parquet")
    rows = sorted(table.to_pylist(), key=lambda r: r["id"])
    if len(rows) != len(single):
        fail(f"Parquet has {len(rows)} rows, expected {len(single)}")
    names = list(single[0]["properties"]) if single else []
    want_cols = ["id", "lat", "lon", "wkt"] + names
    if single and table.column_names != want_cols:
        fail(f"Parquet columns {table.column_names}, expected {want_cols}")
    with open(single_csv, newline="", encoding="utf-8") as fh:
        csv_rows = list(csv.DictReader(fh))
    by_id = {f["id"]: f for f in single}
    bad = 0
    for r, c in zip(rows, csv_rows):
        f = by_id.get(r["id"])
        if f is None:
            fail(f"Parquet row id {r['id']} has no single-machine feature")
            bad += 1
            continue
        for name in names:
            if not same_value(r.get(name), f["properties"].get(name)):
                fail(f"Parquet row {r['id']}: {name} = {r.get(name)!r}, feature has {f['properties'].get(name)!r}")
                bad += 1
        if str(r["id"]) != c["id"]:
            fail(f"Parquet row {r['id']}: csv row has id {c['id']}")
            bad += 1
        for col in ("lat", "lon"):
            want = float(c[col]) if c[col] else None
            if r[col] != want:
                fail(f"Parquet row {r['id']}: {col} = {r[col]!r}, csv has {c[col]!r}")
                bad += 1
        if (r["wkt"] or "") != c["wkt"]:
            fail(f"Parquet row {r['id']}: wkt = {r['wkt']!r}, csv has {c['wkt']!r}")
            bad += 1
        if bad > 20:
            break
    if len(csv_rows) != len(rows):
        fail(f"csv has {len(csv_rows)} rows, Parquet {len(rows)}")
    if not bad and len(rows) == len(single):
        print(f"parquet: {len(rows)} rows x {len(table.column_names)} columns, every property equal, "
              "id/lat/lon/wkt equal to the csv")

    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
