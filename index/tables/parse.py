"""`parse_tables(doc) -> TableResult`: the three standard tables of one report as typed facts.

Template: 2021 when the report prints a field only the revised template has (本年制发件数, 本年处理决定数量,
本年收费金额, the split 其他处理 rows), else 2019. A table or row the report lacks yields no fact and a
warning — never an invented 0.
"""
from __future__ import annotations

import re
from typing import Optional

from index.records import Document, Fact, SourceRef, TableResult, Warning
from index.tables import labels as L
from index.tables.grid import GridLine, find_regions, grid_lines
from index.tables.numbers import Cell, clean, to_yuan
from index.tables.rows import bind, fill_in_order, find_hits, value_groups
from index.tables.runs import prose_numbers, read_run
from index.tables.stream import reline
from index.tables.solve import Choice, Reading, Slot, candidates, choose, row_sum_ok

_2021 = re.compile(r"本年制发件数|本年废止件数|现行有效件数|本年处理决定数量|本年收费金额|逾期不补正|逾期未按收费通知")
T2_SUMS = [(list(range(6)), 6)]
T3_SUMS = [([0, 1, 2, 3], 4), ([5, 6, 7, 8], 9), ([10, 11, 12, 13], 14)]


def detect_template(doc: Document, regions) -> Optional[str]:
    spans = [r for r in (regions.t1, regions.t2) if r]
    if not spans and not regions.t3:
        return None
    text = "\n".join(doc.lines[i].text for a, b in spans for i in range(a, b))
    return "2021" if _2021.search(re.sub(r"\s+", "", text)) else "2019"


class _Builder:
    def __init__(self, doc: Document, template: str):
        self.doc, self.template = doc, template
        self.facts: list[Fact] = []
        self.warnings: list[Warning] = []
        self._text: Optional[str] = None

    def src(self, line_idx: Optional[int]) -> Optional[SourceRef]:
        if line_idx is None:
            return None
        ln = self.doc.lines[line_idx]
        return SourceRef(line=ln.line, text=ln.text, page=ln.page, cell_ref=ln.cell_ref)

    def prose(self, spec) -> set[int]:
        """Counts the body states about a table-1 row (its words without the 行政 prefix variants)."""
        if self._text is None:
            self._text = self.doc.text
        return prose_numbers(self._text, spec.keys)

    def warn(self, code: str, msg: str):
        self.warnings.append(Warning(code, f"{self.doc.file}：{msg}", self.doc.file))

    def add(self, table, row, col, value, kind, printed, line_idx, unit=None, uncertain=False):
        self.facts.append(Fact(file=self.doc.file, table=table, row=row, column=col, value=value, kind=kind,
                               unit=unit, printed=printed, source=self.src(line_idx), uncertain=uncertain,
                               template=self.template))

    def add_reading(self, table, row, columns, ch: Choice, fallback_line: Optional[int]):
        r = ch.reading
        for i, (col, s) in enumerate(zip(columns, r.slots)):
            value = s.value
            if s.kind == "empty" and not r.row_ok:
                value = None  # an empty cell is 0 only when the row total confirms it
            line = s.cell.line if s.cell is not None else fallback_line
            # a piece cut from a run of digits is only as good as the row sum that cut it
            cut = s.cell is not None and s.printed is not None and s.printed != s.cell.printed
            self.add(table, row, col, value, s.kind, s.printed, line,
                     uncertain=(i in ch.uncertain_cols) or (s.cell is None and not r.confirmed)
                     or (cut and not r.row_ok))


# ---------------------------------------------------------------- table 1
def _money_unit(glines: list[GridLine], before_line: int, default: str) -> str:
    """The unit a money column's header prints (采购总金额（元）, 本年收费金额（单位：万元）), also when the
    header is broken over lines ("采购总金" / "额（万元）")."""
    unit = None
    for g in glines:
        if g.idx >= before_line:
            break
        for c in g.texts:
            t = clean(c.printed).replace(" ", "")
            if "万元" in t:
                unit = "万元"
            elif re.search(r"[（(](单位[:：])?元[)）]", t):
                unit = "元"
    return unit or default


def _stray_cells(glines: list[GridLine], rows, groups) -> dict[int, list[Cell]]:
    """A value left as stray text on the line after its row (a converter drops a cell out of its column:
    `| 规范性文件 | 4 | 4 |` then `11（含自然失效 2 件）`): bound row group id -> the cells that follow it."""
    used = {id(r.group) for r in rows if r.group is not None}
    next_line = {}
    order = [g.idx for g in glines if not g.blank]
    for a, b2 in zip(order, order[1:]):
        next_line[a] = b2
    out = {}
    for r in rows:
        if r.group is None:
            continue
        follow = next_line.get(r.group.lines[-1])
        stray = next((g for g in groups if id(g) not in used and g.lines[0] == follow and g.nonempty), None)
        if stray is not None:
            out[id(r.group)] = list(stray.cells)
            used.add(id(stray))
    return out


def _table1(b: _Builder, glines: list[GridLine]):
    specs = L.row_specs(L.T1, b.template)
    hits = find_hits(glines, specs)
    groups = value_groups(glines, 3)
    rows = bind(glines, hits, groups)
    strays = _stray_cells(glines, rows, groups)
    found = set()
    for br in rows:
        spec = br.spec
        if br.group is None:
            b.warn("missing_row", f"主动公开表“{spec.name}”行（第"
                                  f"{b.doc.lines[br.hit.lines[0]].line}行）没有数值，未读取")
            continue
        found.add(spec.name)
        cells = list(br.group.cells)
        k = len(spec.columns)
        while len(cells) > k and cells[-1].kind == "empty":
            cells.pop()
        while len(cells) > k and cells[0].kind == "empty":
            cells.pop(0)
        printed = [c for c in cells if c.kind != "empty"]
        if len(printed) < k and id(br.group) in strays:  # the row's last cell drifted onto the next line
            cells = printed + strays[id(br.group)]
        run = read_run(cells, spec.columns, b.prose(spec)) if 0 < len(cells) < k else None
        if run is not None:
            for i, col in enumerate(spec.columns):
                value, unit = run.values[i], None
                if spec.money and i == k - 1:
                    unit = _money_unit(glines, br.hit.lines[0] + 1, "万元" if b.template == "2021" else "元")
                    value = to_yuan(value, unit)
                kind = "zero" if value == 0 else "number"
                b.add(L.T1, spec.name, col, value, kind, run.printed[i], cells[0].line, unit=unit,
                      uncertain=i in run.uncertain or br.distance > 3)
            continue
        if len(cells) != k:
            b.warn("cells", f"主动公开表“{spec.name}”行（第{b.doc.lines[br.hit.lines[0]].line}行）有"
                            f"{len(cells)}个数值，应为{k}列；按从左到右读取并标记为不确定")
        for i, col in enumerate(spec.columns):
            if i >= len(cells):
                continue
            c = cells[i]
            value, unit = c.value, c.unit
            if spec.money and i == k - 1:
                default = "万元" if b.template == "2021" else "元"
                unit = unit or _money_unit(glines, br.hit.lines[0] + 1, default)
                value = to_yuan(value, unit)
            b.add(L.T1, spec.name, col, value, c.kind, c.printed, c.line, unit=unit,
                  uncertain=len(cells) != k or br.distance > 3)
    return found


# ---------------------------------------------------------------- table 2
def _t2_rules(template: str):
    """Number of column rules (of 14) a set of row readings satisfies: 一+二 = （七）+四 and
    （七） = Σ outcomes, for each of the seven columns."""
    outcomes = L.outcome_rows(template)

    def rules(vals: dict[str, tuple]) -> int:
        ok = 0
        a, b2, t, f = (vals.get(r) for r in ("本年新收", "上年结转", "总计", "结转下年度继续办理"))
        outs = [vals.get(r) for r in outcomes]
        have_outs = None not in outs
        for c in range(7):
            if None not in (a, b2, t, f) and abs((a[c] or 0) + (b2[c] or 0) - (t[c] or 0) - (f[c] or 0)) < 0.01:
                ok += 1
            if t is not None and have_outs and abs(sum(o[c] or 0 for o in outs) - (t[c] or 0)) < 0.01:
                ok += 1
        return ok

    return rules


def _trim_header(glines: list[GridLine], specs) -> list[GridLine]:
    """Table 2 starts at row 一 (本年新收): the column headers above it ("总计"…) are not rows."""
    first = (L.row_specs(L.T2, "2019")[0],)
    # prose above the table may say "本年新收…申请N件": sentences are no row labels
    texts = [(k, c.printed) for k, g in enumerate(glines) for c in g.texts
             if "。" not in c.printed and len(c.printed) <= 60]
    for n in range(len(texts)):
        # the label may be broken over lines: the fragment alone, or ending a window of up to three
        w = next((w for w in (1, 2, 3) if n - w + 1 >= 0 and
                  L.match_row(first, "".join(x for _, x in texts[n - w + 1:n + 1]))[1] > 0), None)
        if w is not None:
            start = texts[n - w + 1][0]
            while start > 0 and (glines[start - 1].blank or (glines[start - 1].values and not glines[start - 1].texts)):
                start -= 1
            return glines[start:]
    return glines


_SPLIT_OTHER = re.compile(r"逾期不补正|逾期未按收费")


def _table2(b: _Builder, glines: list[GridLine]):
    # the split 其他处理 rows are used only when the table prints them: some 2021-template reports keep
    # the single row, and a row the report lacks must not be invented
    joined = re.sub(r"\s+", "", "".join(c.printed for g in glines for c in g.texts))  # labels may be broken
    split = _SPLIT_OTHER.search(joined) is not None
    variant = "2021" if split else "2019"
    specs = L.row_specs(L.T2, variant)
    glines = _trim_header(glines, specs)
    hits = find_hits(glines, specs)
    groups = value_groups(glines, 7)
    rows = fill_in_order(specs, bind(glines, hits, groups), groups)
    cands: dict[str, list[Reading]] = {}
    where: dict[str, int] = {}
    far: set[str] = set()
    blank: dict[str, list[Reading]] = {}
    for br in rows:
        if br.group is None:
            if br.hit is not None and br.hit.lines:
                # a label with no number before the next one: a page whose blank cells the crawler dropped
                blank[br.spec.name] = [Reading([Slot(0.0, None, "empty", None) for _ in range(7)], 3.0)]
                where[br.spec.name] = br.hit.lines[0]
            continue
        cands[br.spec.name] = candidates(br.group.cells, 7, T2_SUMS)
        where[br.spec.name] = br.group.lines[0]
        if br.distance > 8 or br.inferred:  # paired by order, not by label: the balance rules must confirm
            far.add(br.spec.name)
    rules = _t2_rules(variant)
    chosen = choose({**cands, **blank}, rules, perfect=14) if blank else {}
    if not blank or rules({k: c.reading.values for k, c in chosen.items()}) < 14:
        # blank rows are zeros only where every column rule confirms it; otherwise they stay unknown
        chosen = choose(cands, rules, perfect=14)
    else:
        for name in blank:
            chosen[name].reading.confirmed = True
    if far and rules({k: c.reading.values for k, c in chosen.items()}) >= 14:
        far = set()  # every column rule holds with these rows in place: the order reading is confirmed
    for spec in specs:
        ch = chosen.get(spec.name)
        if ch is None:
            b.warn("missing_row", f"依申请公开表未找到“{spec.name}”行（或其标签旁没有数值）；"
                                  f"这些单元格未知，不按0处理")
            continue
        if spec.name in far:
            ch.uncertain_cols = set(range(7))
        b.add_reading(L.T2, spec.name, L.APPLICANT_COLUMNS, ch, where.get(spec.name))
    return set(chosen)


# ---------------------------------------------------------------- table 3
def _table3(b: _Builder, glines: list[GridLine]):
    specs = L.row_specs(L.T3, b.template)
    hits = find_hits(glines, specs)
    rows = [br for br in bind(glines, hits, value_groups(glines, 5)) if br.group is not None
            and len([c for c in br.group.cells if c.kind != "empty"]) >= 1 and len(br.group.cells) >= 4]
    if len(rows) >= 2:  # one row per group, labelled
        for br in rows:
            cands = candidates(br.group.cells, 5, [([0, 1, 2, 3], 4)])
            ch = choose({br.spec.name: cands}, lambda v: 0).get(br.spec.name)
            if ch is None:
                b.warn("cells", f"复议诉讼表“{br.spec.name}”行：{len(br.group.cells)}个数值无法读作5列，未读取")
                continue
            b.add_reading(L.T3, br.spec.name, L.REVIEW_COLUMNS, ch, br.group.lines[0])
        return {br.spec.name for br in rows}
    cells: list[Cell] = []
    for gr in value_groups(glines, 15):  # value cells after the headings, one line or one cell per line
        if any(g.texts for g in glines if g.idx in gr.lines):
            continue  # cells on a heading line (trailing empty cells of "行政复议 | 行政诉讼 | | |")
        cells.extend(gr.cells)
        if sum(c.kind != "empty" for c in cells) >= 15 or len(cells) >= 15:
            break
    if not any(c.kind != "empty" for c in cells) and len(cells) < 15:
        return set()  # nothing printed; a full row of 15 empty cells is read as zeros (kind "empty")
    printed = [c for c in cells if c.kind != "empty"]
    # a whole blank group (below) is the likelier story for 10 printed cells than zeros dropped at random
    cands = candidates(cells, 15, T3_SUMS, sparse=len(printed) != 10)
    if not cands and len(printed) == 10:
        # one group printed blank and its cells dropped by the extraction (厦门 leaves 行政复议 empty):
        # which group is unknown, so every placement is a candidate and the choice is marked uncertain
        for gpos in range(3):
            slots = [Slot(c.value, c, c.kind, c.printed) for c in printed]
            slots[gpos * 5:gpos * 5] = [Slot(0.0, None, "empty", None) for _ in range(5)]
            r = Reading(slots, 2.0 + gpos)
            r.row_ok = row_sum_ok(r.values, T3_SUMS)
            cands.append(r)
    ch = choose({"all": cands}, lambda v: 0).get("all")
    if ch is None:
        b.warn("cells", f"复议诉讼表：{len(cells)}个数值（第{b.doc.lines[cells[0].line].line}行起）无法读作该表的15列，"
                        f"未读取")
        return set()
    for gi, row in enumerate(L.REVIEW_ROWS):
        sub = Reading(ch.reading.slots[gi * 5:(gi + 1) * 5], 0.0)
        sub.row_ok = row_sum_ok(sub.values, [([0, 1, 2, 3], 4)])
        sub_ch = Choice(sub, {i - gi * 5 for i in ch.uncertain_cols if gi * 5 <= i < gi * 5 + 5})
        b.add_reading(L.T3, row, L.REVIEW_COLUMNS, sub_ch, cells[0].line)
    return set(L.REVIEW_ROWS)


def parse_tables(doc: Document) -> TableResult:
    """The three standard tables of `doc` as facts, with the in-report balance checks."""
    from index.audit import audit_facts

    doc = reline(doc)  # run-together cells (a crawler's one-line page) cut into one row per label
    regions = find_regions(doc)
    template = detect_template(doc, regions)
    if template is None:
        w = Warning("missing_table", f"{doc.file}：未找到三张标准统计表（没有“第二十条”“收到和处理政府信息公开申请”"
                                     f"“行政复议”等表头）", doc.file)
        return TableResult(None, [], [], [w])
    b = _Builder(doc, template)
    for name, span, fn in ((L.T1, regions.t1, _table1), (L.T2, regions.t2, _table2), (L.T3, regions.t3, _table3)):
        if span is None:
            b.warn("missing_table", f"未找到表格「{name}」，其数据未知")
            continue
        found = fn(b, grid_lines(doc, *span))
        if not found:
            b.warn("missing_table", f"表格「{name}」：第{doc.lines[span[0]].line}行有表头，但未读出任何行")
    checks = audit_facts(doc.file, b.facts, template)
    return TableResult(template, b.facts, checks, b.warnings)
