#!/usr/bin/env python3
"""Check `geoevent places` on the seed articles against their gold.json.

    scripts/check_seeds.py BINARY SEEDS_DIR

For every document: each gold place must be emitted (one of its surfaces,
case-insensitive) at a point within the gold tolerance for its kind; no
emitted mention may overlap a trap phrase; each gold relative location must
be placed within its tolerance. Extra places are listed, not failed. Exits 1
on any miss. Uses only the standard library.
"""
import json
import math
import re
import subprocess
import sys


def km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def main():
    binary, seeds = sys.argv[1], sys.argv[2]
    gold = json.load(open(f"{seeds}/gold.json"))
    tol = gold["tolerance_km"]
    out = subprocess.run(
        [binary, "places", "--format", "ndjson", f"{seeds}/seeds.ndjson"],
        capture_output=True, text=True, check=True,
    ).stdout
    feats = [json.loads(line) for line in out.splitlines()]
    texts = {json.loads(l)["id"]: json.loads(l)["text"] for l in open(f"{seeds}/seeds.ndjson")}
    problems = found = total = 0
    for doc in gold["docs"]:
        fs = [f for f in feats if f["properties"]["doc_id"] == doc["id"]]
        text = texts[doc["id"]]
        for f in fs:
            p = f["properties"]
            if text[p["start"]:p["end"]] != p["mention"]:
                problems += 1
                print(f"OFFSET {doc['id']}: {p['start']}..{p['end']} is not {p['mention']!r}")
        for place in doc["places"]:
            total += 1
            surfaces = {s.lower() for s in place["surface"]}
            best = None
            for f in fs:
                if f["properties"]["mention"].lower() in surfaces and f["geometry"]:
                    lon, lat = f["geometry"]["coordinates"]
                    d = km(lat, lon, place["lat"], place["lon"])
                    best = d if best is None else min(best, d)
            limit = tol[place["kind"]]
            if best is not None and best <= limit:
                found += 1
            else:
                problems += 1
                print(f"MISS {doc['id']}: {place['name']} (best {best} km, tolerance {limit} km)")
        for trap in doc["traps"]:
            for m in re.finditer(re.escape(trap), text):
                for f in fs:
                    p = f["properties"]
                    if p["start"] < m.end() and m.start() < p["end"]:
                        problems += 1
                        print(f"TRAP {doc['id']}: {trap!r} emitted as {p['mention']!r} -> {p['name']}")
        for rel in doc.get("relative_locations", []):
            ok = any(
                f["properties"]["method"] == "relative" and f["geometry"]
                and km(f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0], rel["lat"], rel["lon"])
                <= rel["tolerance_km"]
                for f in fs
            )
            total += 1
            found += ok
            if not ok:
                problems += 1
                print(f"MISS {doc['id']}: relative location {rel['text']!r}")
        gold_surfaces = {s.lower() for p in doc["places"] + doc.get("optional_places", []) for s in p["surface"]}
        for f in fs:
            p = f["properties"]
            if p["mention"].lower() not in gold_surfaces and p["method"] != "relative":
                print(f"extra {doc['id']}: {p['mention']!r} -> {p['name']} ({p['kind']}, {p['country']})")
    print(f"seeds: {found} of {total} gold places and relative locations found within tolerance; {problems} problem(s)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
