#!/usr/bin/env python3
"""Collects every distinct 指标值 of the seed documents in fixtures/text/ and prints those that
have no row in crates/normalize/tests/values.tsv yet, as rows to complete by hand.

Run it from the repository root after a seed is added or changed:

    python3 crates/normalize/tests/collect_values.py

The layouts differ by seed, so each has its own collector:
- 000, 001: one cell per line, an indicator row is a block between blank lines; the value is the
  cell before the last one (一级, 二级, 三级, 描述, 指标值, 依据; the empty 一级 cell is sometimes
  missing, so the value is counted from the end).
- 003: tab-separated rows after the `一级指标…` header; the last two cells are 半年(程) and
  全年(程) 指标值.
- 002: a lossy layout where cells slid left; every row of an indicator table contributes its
  last non-empty cell that is not a vocabulary name, so some 三级指标 texts are collected too.
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[3]
SEEDS = ROOT / "fixtures" / "text"
TABLE = ROOT / "crates" / "normalize" / "tests" / "values.tsv"

VOCABULARY = set("""产出指标 数量指标 质量指标 时效指标 成本指标 效益指标 经济效益 社会效益 生态效益
可持续影响 满意度指标 服务对象满意度 经济效益指标 社会效益指标 生态效益指标 可持续影响指标
服务对象满意度指标 完成指标 绩效指标 一级指标 二级指标 三级指标 服务对象 决策 过程 项目立项
绩效目标 资金投入 资金管理 组织实施 一级 二级 三级 指标值""".split())


def cell_per_line(text):
    lines = text.split("\n")
    in_table, block = False, []
    for index, line in enumerate(lines):
        if line.strip() == "指标值" and index >= 4 and lines[index - 4].strip() == "一级指标":
            in_table, block = True, []
            continue
        if not in_table or line.strip() in ("指标值确定依据",):
            continue
        if line == "" or not line.startswith("\t"):
            if len(block) >= 5:
                yield block[-2]
            block = []
            in_table = line == "" or line.startswith("\t")
        else:
            block.append(line[1:])
    if len(block) >= 5:
        yield block[-2]


def half_and_full_year(text):
    in_table = False
    for line in text.split("\n"):
        cells = line.split("\t")
        if cells[0] == "一级指标":
            in_table = True
            continue
        if not in_table or not line.strip():
            continue
        if len(cells) < 5 or cells[0] == "支出" or line.startswith("南通市"):
            in_table = False
            continue
        yield cells[3]
        yield cells[4]


def lossy(text):
    in_table = False
    for line in text.split("\n"):
        cells = [cell.strip() for cell in line.split("\t")]
        if any(c.startswith("一级") for c in cells) and any("指标值" in c for c in cells):
            in_table = True
            continue
        if line.startswith("巴中市"):
            in_table = False
        if not in_table:
            continue
        free = [c for c in cells if c and c not in VOCABULARY
                and not c.startswith("<input") and "指标值" not in c]
        if free:
            yield free[-1]


COLLECTORS = {"000": cell_per_line, "001": cell_per_line, "002": lossy, "003": half_and_full_year}


def unescape(raw):
    raw = re.sub(r"\\u\{([0-9a-fA-F]+)\}", lambda m: chr(int(m.group(1), 16)), raw)
    return raw.replace("\\t", "\t").replace("\\n", "\n").replace("\\r", "\r").replace("\\\\", "\\")


def main():
    listed = set()
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            listed.add(unescape(line.split("\t")[1]))
    found = {}
    for path in sorted(SEEDS.glob("*.txt")):
        seed = path.name[:3]
        collector = COLLECTORS.get(seed)
        if collector is None:
            print(f"no collector for {path.name}", file=sys.stderr)
            continue
        for value in collector(path.read_text(encoding="utf-8")):
            value = value.strip()
            if value:
                found.setdefault(value, set()).add(seed)
    missing = [(",".join(sorted(seeds)), value) for value, seeds in found.items()
               if value not in listed]
    for seeds, value in missing:
        print(f"{seeds}\t{value}\tKIND")
    print(f"{len(found)} distinct values, {len(missing)} without a row", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
