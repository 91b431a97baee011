#!/usr/bin/env python3
"""`make real`: runs jixiao over every real published document of ../shared/corpus/real/ and
prints, per document, its status, tables, indicators and warning counts, the share of its
indicators under row_realigned / cells_unplaced, and the gold F1 where hand-read gold exists.

usage: scripts/real_report.py [BIN] [REAL_DIR]
A report to read after every change; not part of CI (the corpus lives outside the repository).
"""
import json
import os
import subprocess
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "target", "release", "jixiao")
REAL = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "..", "shared", "corpus", "real")
TOOLS = os.path.join(REAL, "..", "..", "tools")
sys.path.insert(0, TOOLS)
try:
    import score as S  # the scorer the project is measured with
except ImportError:
    S = None

# Warnings that mean a row was not read by its columns.
DOUBT = ("row_realigned", "cells_unplaced")


def run(paths):
    out = subprocess.run([BIN, "extract", "--format", "jsonl", "--quiet", *paths],
                         capture_output=True, text=True, timeout=600).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def main():
    if not os.path.isdir(REAL):
        sys.exit(f"no real corpus at {REAL}")
    groups = [("pdf", False), ("negative", True)]
    TP = FP = FN = 0
    bad = []
    print(f"{'document':<14}{'status':<9}{'tables':>7}{'indic.':>8}{'doubt%':>8}  {'gold f1':<8} warnings")
    for folder, negative in groups:
        directory = os.path.join(REAL, folder)
        if not os.path.isdir(directory):
            continue
        paths = sorted(os.path.join(directory, f) for f in os.listdir(directory) if f.endswith(".pdf"))
        for doc in run(paths):
            name = os.path.basename(doc["source"]["path"])
            tables = doc.get("tables") or []
            indicators = sum(len(t.get("indicators") or []) for t in tables)
            codes = Counter(w["code"] for t in tables for w in t.get("warnings") or [])
            codes.update(w["code"] for w in doc.get("warnings") or [])
            doubtful = sum(codes[c] for c in DOUBT)
            share = 100.0 * doubtful / indicators if indicators else 0.0
            f1 = ""
            gold_path = os.path.join(REAL, "gold", name.replace(".pdf", ".partial.gold.json"))
            if S and os.path.exists(gold_path):
                gold = json.load(open(gold_path, encoding="utf-8"))
                f, _, _, m, n, (tp, fp, fn) = S.score(gold, [doc])
                TP, FP, FN = TP + tp, FP + fp, FN + fn
                f1 = f"{f:.3f}"
            flag = ""
            if negative and indicators:
                flag = "  <- negative document with indicators"
            elif share > 5:
                flag = "  <- over 5% doubtful"
            if flag:
                bad.append(name)
            top = ", ".join(f"{c} {k}" for c, k in sorted(((c, k) for k, c in codes.items()), reverse=True)[:4])
            label = ("neg/" if negative else "") + name
            print(f"{label:<14}{doc['status']:<9}{len(tables):>7}{indicators:>8}{share:>7.1f}%  {f1:<8} {top}{flag}")
    if S:
        f, p, r = S.prf(TP, FP, FN)
        print(f"gold: f1={f:.4f} precision={p:.4f} recall={r:.4f} (tp={TP} fp={FP} fn={FN})")
    print(f"documents needing attention: {len(bad)}" + (f" ({', '.join(bad)})" if bad else ""))


if __name__ == "__main__":
    main()
