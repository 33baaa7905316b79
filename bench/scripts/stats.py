#!/usr/bin/env python3
"""Summarises the samples of the bench scripts.

Usage: stats.py SAMPLES.tsv BASELINE_NAME

SAMPLES.tsv is tab-separated with a header: `mode  name  wall_ms  <more numeric columns...>`, one
line per run. For each mode, prints per name: runs, mean, median, min, max and standard deviation of
wall_ms, the medians of the other columns, and median wall_ms as a multiple of BASELINE_NAME's in the
same mode.
"""
import csv
import statistics
import sys
from collections import OrderedDict


def main(path, baseline):
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if not rows:
        sys.exit("no samples in " + path)
    extra = [c for c in rows[0].keys() if c not in ("mode", "name", "run", "wall_ms")]
    by_mode = OrderedDict()
    for row in rows:
        by_mode.setdefault(row["mode"], OrderedDict()).setdefault(row["name"], []).append(row)
    for mode, by_name in by_mode.items():
        base_rows = by_name.get(baseline)
        base = statistics.median(float(r["wall_ms"]) for r in base_rows) if base_rows else None
        header = ["name", "runs", "mean ms", "median ms", "min ms", "max ms", "stdev ms"] \
            + [f"median {c}" for c in extra] + [f"x {baseline}"]
        table = []
        for name, samples in by_name.items():
            wall = [float(r["wall_ms"]) for r in samples]
            line = [name, str(len(wall)), f"{statistics.mean(wall):.0f}", f"{statistics.median(wall):.0f}",
                    f"{min(wall):.0f}", f"{max(wall):.0f}",
                    f"{statistics.stdev(wall):.0f}" if len(wall) > 1 else "-"]
            for c in extra:
                values = [float(r[c]) for r in samples if r.get(c) not in (None, "", "-")]
                line.append(f"{statistics.median(values):.1f}" if values else "-")
            line.append(f"{statistics.median(wall) / base:.2f}" if base else "-")
            table.append(line)
        widths = [max(len(h), *(len(t[i]) for t in table)) for i, h in enumerate(header)]
        print(f"\n[{mode}]")
        print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for t in table:
            print("| " + " | ".join(v.ljust(w) for v, w in zip(t, widths)) + " |")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
