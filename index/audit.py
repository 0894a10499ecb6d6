"""Audit of a report's own numbers: the balance rules printed in the tables (勾稽关系), the cross-year
chain of one agency (上年结转 = last year's 结转下年度继续办理), prose that states a table quantity
differently (厦门 2020: 办结行政许可1217件 vs 行政许可处理决定数量 1037) and planted text (index/planted.py).

Every rule gives a Check with both sides, the cells used, the difference and a status; a rule whose cells
are missing is "not_assessable", never a silent pass. Checks on cells the parser marked uncertain are
"uncertain" when they hold.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

from index.records import Check, CheckSide, Document, Fact
from index.tables.labels import APPLICANT_COLUMNS, REVIEW_COLUMNS, REVIEW_ROWS, T1, T2, T3, outcome_rows

Key = tuple[str, str, str]


class _Facts:
    def __init__(self, facts: Iterable[Fact]):
        self.by_key: dict[Key, Fact] = {f.key: f for f in facts}

    def side(self, label: str, keys: list[Key]) -> tuple[CheckSide, bool, bool]:
        """(side, complete, uncertain)"""
        vals, complete, unc = [], True, False
        for k in keys:
            f = self.by_key.get(k)
            if f is None or f.value is None:
                complete = False
                continue
            vals.append(f.value)
            unc = unc or f.uncertain
        return CheckSide(label, sum(vals) if complete else None, list(keys)), complete, unc


def _check(file: str, rule: str, scope: str, fx: _Facts, left: tuple[str, list[Key]],
           right: tuple[str, list[Key]], what: str) -> Check:
    ls, lok, lu = fx.side(*left)
    rs, rok, ru = fx.side(*right)
    if not (lok and rok):
        missing = [f"{k[1]}/{k[2]}" for k in left[1] + right[1]
                   if fx.by_key.get(k) is None or fx.by_key[k].value is None]
        return Check(file, rule, scope, "not_assessable",
                     f"{file}：{what}无法核验：单元格缺失或无法读取（{'、'.join(missing[:4])}）",
                     ls, rs)
    diff = round(ls.value - rs.value, 2)
    if abs(diff) < 0.01:
        status = "uncertain" if (lu or ru) else "pass"
        msg = f"{file}：{what}：{ls.label} = {_n(ls.value)} = {rs.label}" + \
              ("（含不确定的单元格读数）" if status == "uncertain" else "")
    else:
        status = "fail"
        msg = f"{file}：{what}不平衡：{ls.label} = {_n(ls.value)}，{rs.label} = {_n(rs.value)}（差 {_n(diff)}）"
    return Check(file, rule, scope, status, msg, ls, rs, diff)


def _n(v: Optional[float]) -> str:
    if v is None:
        return "?"
    return str(int(v)) if float(v).is_integer() else str(v)


def audit_facts(file: str, facts: list[Fact], template: Optional[str]) -> list[Check]:
    """The balance rules of one report's tables 2 and 3, plus a finding per missing table."""
    fx = _Facts(facts)
    tables = {f.table for f in facts}
    checks: list[Check] = []
    for t in (T1, T2, T3):
        if t not in tables:
            checks.append(Check(file, "missing_table", t, "not_assessable",
                                f"{file}：未找到或无法读取表格「{t}」，其数据未知"))
    if T2 in tables:
        rows = sorted({f.row for f in facts if f.table == T2}, key=lambda r: _order(r, template))
        for r in rows:
            checks.append(_check(file, "row_sum", f"{T2}/{r}", fx,
                                 ("总计列", [(T2, r, "总计")]),
                                 ("六类申请人之和", [(T2, r, c) for c in APPLICANT_COLUMNS[:6]]),
                                 f"依申请公开表“{r}”行：总计 = 各类申请人之和"))
        # the split 其他处理 rows when the report prints them (2021 template), else the single row
        outs = outcome_rows("2021" if any(r.startswith("其他处理-") for r in rows) else "2019")
        for c in APPLICANT_COLUMNS:
            checks.append(_check(file, "column_balance", f"{T2}/{c}", fx,
                                 ("一+二", [(T2, "本年新收", c), (T2, "上年结转", c)]),
                                 ("（七）总计+四", [(T2, "总计", c), (T2, "结转下年度继续办理", c)]),
                                 f"依申请公开表“{c}”列：一+二 = （七）总计+四"))
            checks.append(_check(file, "outcome_sum", f"{T2}/{c}", fx,
                                 ("（七）总计", [(T2, "总计", c)]),
                                 ("（一）至（六）之和", [(T2, r, c) for r in outs]),
                                 f"依申请公开表“{c}”列：（七）总计 = （一）至（六）之和"))
    if T3 in tables:
        for r in REVIEW_ROWS:
            checks.append(_check(file, "review_sum", f"{T3}/{r}", fx,
                                 ("总计", [(T3, r, "总计")]),
                                 ("维持+纠正+其他+尚未审结", [(T3, r, c) for c in REVIEW_COLUMNS[:4]]),
                                 f"复议诉讼表“{r}”：总计 = 维持、纠正、其他结果、尚未审结之和"))
    return checks


def _order(row: str, template: Optional[str]) -> int:
    from index.tables.labels import row_specs
    names = [s.name for s in row_specs(T2, template or "2019")]
    return names.index(row) if row in names else 99


# ---------------------------------------------------------------- across years
def chain_checks(reports: list[tuple[str, Optional[str], Optional[int], list[Fact]]]) -> list[Check]:
    """上年结转 of year y+1 = 结转下年度继续办理 of year y, for consecutive reports of one agency."""
    by_agency: dict[str, dict[int, tuple[str, list[Fact]]]] = {}
    for file, agency, year, facts in reports:
        if agency and year:
            by_agency.setdefault(agency, {})[int(year)] = (file, facts)
    out: list[Check] = []
    for agency, years in sorted(by_agency.items()):
        for y in sorted(years):
            if y + 1 not in years:
                continue
            (pf, pfacts), (cf, cfacts) = years[y], years[y + 1]
            prev, cur = _Facts(pfacts), _Facts(cfacts)
            diffs, assessed = [], 0
            for c in APPLICANT_COLUMNS:
                a, b = prev.by_key.get((T2, "结转下年度继续办理", c)), cur.by_key.get((T2, "上年结转", c))
                if a is None or b is None or a.value is None or b.value is None:
                    continue
                assessed += 1
                if abs(a.value - b.value) > 0.01:
                    diffs.append(f"{c} {_n(a.value)}→{_n(b.value)}")
            a, b = prev.by_key.get((T2, "结转下年度继续办理", "总计")), cur.by_key.get((T2, "上年结转", "总计"))
            left = CheckSide(f"{y}年 结转下年度继续办理", a.value if a else None, [(T2, "结转下年度继续办理", "总计")])
            right = CheckSide(f"{y + 1}年 上年结转", b.value if b else None, [(T2, "上年结转", "总计")])
            if not assessed:
                status, msg, diff = "not_assessable", f"{agency} {y}→{y + 1}年：结转单元格缺失，无法核对", None
            elif diffs:
                diff = (left.value - right.value) if left.value is not None and right.value is not None else None
                status = "fail"
                msg = (f"{agency}：{y}年结转下年度 ≠ {y + 1}年上年结转（{'；'.join(diffs)}）——"
                       f"{pf} 与 {cf}")
            else:
                status, diff = "pass", 0.0
                msg = f"{agency}：{y}年结转下年度 = {y + 1}年上年结转 = {_n(left.value)}"
            out.append(Check(cf, "chain", f"{T2}/上年结转", status, msg, left, right, diff, other_file=pf))
    return out


# ---------------------------------------------------------------- prose vs table
_NUM = r"(\d[\d,]*(?:\.\d+)?)\s*(万)?\s*件"
# (pattern, table, row, column(s) to compare with, label). Only phrasings that name the same quantity.
_PATTERNS = [
    (re.compile(r"(?:办结|作出|办理|受理)(?:了)?(?:各类)?行政许可(?:事项|决定|申请|审批)?(?:共|总计|合计)?\s*" + _NUM),
     T1, "行政许可", ("处理决定数量", "本年处理决定数量"), "行政许可处理决定数量"),
    (re.compile(r"(?:作出|办结|办理)(?:了)?行政处罚(?:决定|案件)?(?:共|总计|合计)?\s*" + _NUM),
     T1, "行政处罚", ("处理决定数量", "本年处理决定数量"), "行政处罚处理决定数量"),
    (re.compile(r"(?:收到|受理|新收|接收)[^。；;，,\d]{0,8}?信息公开申请\s*(?:共|总计|合计)?\s*" + _NUM),
     T2, "本年新收", ("总计",), "本年新收政府信息公开申请"),
    (re.compile(r"上年度?结转(?:的)?(?:政府信息公开)?(?:申请)?\s*" + _NUM), T2, "上年结转", ("总计",), "上年结转申请"),
    (re.compile(r"政府信息公开行政复议(?:案件)?\s*" + _NUM), T3, "行政复议", ("总计",), "行政复议总计"),
    # both litigation groups together: 未经复议直接起诉 + 复议后起诉
    (re.compile(r"政府信息公开行政诉讼(?:案件)?\s*" + _NUM), T3, "行政诉讼", ("总计",), "行政诉讼总计"),
    (re.compile(r"结转(?:到)?下(?:一)?年度(?:继续办理)?(?:的)?(?:申请)?\s*" + _NUM), T2, "结转下年度继续办理", ("总计",),
     "结转下年度继续办理"),
]


_SCOPE = re.compile(r"其中|代表|本级|办公室|政府办|部门|机关本身")


def text_conflicts(doc: Document, facts: list[Fact]) -> list[Check]:
    """Prose that contradicts the report's tables: numbers that state one of the table's quantities
    differently (only clear same-quantity phrasings, e.g. "办结行政许可1217件"; mentions of other things such
    as 建议提案's 依申请公开件 are not read), and planted text (index/planted.py: instructions, "数据均已作废",
    "实为12345件", links), which is found here because this is the audit step every ingest runs on the prose."""
    from index.planted import planted_checks

    return _number_conflicts(doc, facts) + planted_checks(doc)


def _number_conflicts(doc: Document, facts: list[Fact]) -> list[Check]:
    from index.tables.grid import find_regions

    fx = _Facts(facts)
    reg = find_regions(doc)
    in_table = set()
    for span in (reg.t1, reg.t2, reg.t3):
        if span:
            in_table.update(range(*span))
    # prose joined across hard line breaks (PDF), with a map from offsets back to lines
    parts, starts, pos = [], [], 0
    for i, ln in enumerate(doc.lines):
        if i in in_table or "\t" in ln.text or "|" in ln.text or ln.cells:
            parts.append("\n")  # a table line ends the running prose
            starts.append((pos, ln))
            pos += 1
            continue
        t = re.sub(r"\s+", "", ln.text)
        starts.append((pos, ln))
        parts.append(t)
        pos += len(t)
    text = "".join(parts)
    offsets = [p for p, _ in starts]

    def line_at(off: int):
        import bisect
        return starts[max(0, bisect.bisect_right(offsets, off) - 1)][1]

    out: list[Check] = []
    seen = set()
    for pat, table, row, cols, label in _PATTERNS:
        for m in pat.finditer(text):
            ln = line_at(m.start())
            val = float(m.group(1).replace(",", "")) * (10000 if m.group(2) else 1)
            if row == "行政诉讼":
                parts = [fx.by_key.get((T3, r, "总计")) for r in REVIEW_ROWS[1:]]
                if None in parts or any(p.value is None for p in parts):
                    continue
                fact = Fact(doc.file, T3, "行政诉讼", "总计", sum(p.value for p in parts))
                keys = [p.key for p in parts]
            else:
                fact = next((fx.by_key[(table, row, c)] for c in cols if (table, row, c) in fx.by_key), None)
                if fact is None or fact.value is None:
                    continue
                keys = [fact.key]
            allowed = {fact.value}
            if row == "本年新收":  # "受理申请N件" often counts last year's carry-over too
                carry = fx.by_key.get((T2, "上年结转", "总计"))
                if carry and carry.value is not None:
                    allowed.add(fact.value + carry.value)
            if any(abs(val - a) < 0.01 for a in allowed) or (label, val) in seen:
                continue
            seen.add((label, val))
            where = (f"第{ln.page}页" if ln.page else "") + f"第{ln.line}行"
            # "区政府办代表区政府受理…", "其中…": the sentence may count a narrower scope than the table
            before = text[max(0, m.start() - 16):m.start()]
            scoped = _SCOPE.search(before.split("。")[-1]) is not None
            left = CheckSide(f"正文第{ln.line}行「{m.group(0)}」", val, [], line=ln.line, page=ln.page, quote=m.group(0))
            right = CheckSide(f"表格 {table}/{row}/{fact.column}", fact.value, keys)
            out.append(Check(doc.file, "conflict", f"{table}/{row}", "uncertain" if scoped else "fail",
                             f"{doc.file}：正文写{label}{_n(val)}（{where}：「{m.group(0)}」），"
                             f"表格为{_n(fact.value)}；两者均为报告原文，应同时列出"
                             + ("（正文可能只统计了部分范围）" if scoped else ""),
                             left, right, round(val - fact.value, 2)))
    return out
