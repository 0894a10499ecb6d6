"""The table tool: answers a Query from the library's facts (Library.facts: cells with their report's agency and year).

Every value travels with the cells it came from, and every derived number (sum, difference, ratio, ranking)
is computed here with its formula written out, so the composer and the LLM only phrase, never compute.
A missing cell is unknown (None), never 0.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Optional

from assistant.answering.question import Query, library_reports
from assistant.answering.lexicon import Quantity, load_lexicon
from assistant.answering.table_results import (Difference, Group, Item, Listing, Ranking, Share,
                                                Shares, Spread, Sum, TableAnswer, _norm_col)
from index.library import LibraryFact



def fmt(v: Optional[float], money: bool = False) -> str:
    """Numbers as the scorer and a reader want them: whole numbers without separators, else 2 decimals."""
    if v is None:
        return "无数据"
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.2f}".rstrip("0").rstrip(".")


def load_facts(library, tables: set[str], agencies: list[str], years: list[int]) -> list[LibraryFact]:
    """The cells of these tables, agencies and years (an empty filter: all), current editions only."""
    return library.facts(table=sorted(tables) or None, agency=list(agencies) or None, year=list(years) or None)


def evaluate(quantity: Quantity, cells: dict[tuple[str, str], LibraryFact], file: str, agency, year) -> Item:
    """Value of one quantity in one report (cells: (row, column) -> LibraryFact of that report and table)."""
    rows = list(quantity.rows)
    if quantity.row_prefix:
        rows += sorted({r for (r, _c) in cells if r.startswith(quantity.row_prefix)})
    if quantity.id.startswith("其他处理"):  # 2021 template splits 其他处理 into three sub-rows
        if not any(r == "其他处理" for (r, _c) in cells):
            rows = sorted({r for (r, _c) in cells if r.startswith("其他处理-")}) or rows
    by_col = {}
    for (r, c), cell in cells.items():
        by_col.setdefault((r, _norm_col(c)), cell)
    used, missing = [], []
    for r in rows:
        if quantity.column_sum:
            cols = list(quantity.column_sum)
        else:
            cols = [next((c for c in quantity.columns if (r, _norm_col(c)) in by_col), quantity.columns[0])]
        for c in cols:
            cell = by_col.get((r, _norm_col(c)))
            if cell is None:
                missing.append(f"{r}·{c}")
            else:
                used.append(cell)
    vals = [c.value for c in used if c.value is not None]
    missing += [f"{c.row}·{c.column}（{c.kind}）" for c in used if c.value is None]
    value = float(sum(vals)) if vals else None
    if len(used) > 1 and vals:
        shown = [c for c in used if c.value] if len(used) > 2 else [c for c in used if c.value is not None]
        rest = "（其余各项为0）" if len(shown) < len([c for c in used if c.value is not None]) else ""
        formula = (" + ".join(f"{fmt(c.value)}（{c.row}·{c.column}）" for c in shown) or "0") + f" = {fmt(value)}{rest}"
    else:
        formula = fmt(value)
    return Item(file=file, agency=agency, year=year, quantity=quantity, value=value, cells=used, formula=formula,
                missing=missing)


def _items(query: Query, facts: list[LibraryFact], quantities: list[Quantity]) -> list[Item]:
    per_report: dict[str, dict[str, dict[tuple[str, str], LibraryFact]]] = defaultdict(lambda: defaultdict(dict))
    meta = {}
    for c in facts:
        per_report[c.file][c.table][(c.row, c.column)] = c
        meta[c.file] = (c.agency, c.year)
    items = []
    order = sorted(meta, key=lambda f: (meta[f][1] or 0, _agency_order(query, meta[f][0]), f))
    for q in quantities:
        for f in order:
            agency, year = meta[f]
            it = evaluate(q, per_report[f][q.table], f, agency, year)
            if it.cells or it.value is not None:
                items.append(it)
    return items


def _agency_order(query: Query, agency: Optional[str]) -> int:
    return query.agencies.index(agency) if agency in query.agencies else len(query.agencies)


def _pct(a: float, b: float) -> float:
    return round(a / b * 100, 2)


def run(query: Query, library) -> TableAnswer:
    """Answer the table part of a question. Never raises for missing data: notes say what is missing."""
    lex = load_lexicon()
    ta = TableAnswer(query=query, operation=query.operation)
    quantities = list(query.quantities)
    if not quantities:
        return ta
    op = query.operation
    if op == "ratio" or query.metric == "ratio":
        quantities = _ratio_quantities(quantities, lex)
    if op == "sum" and len(quantities) > 1:
        # only disjoint quantities are added: a whole named with its own part ("办理结果中“其他处理”合计")
        # means the part; 3050 + 187 would count the 187 twice
        named = {q.id for q in quantities}
        wholes = [q for q in quantities if set(q.parts) & (named - {q.id})]
        if wholes and len(wholes) < len(quantities):
            quantities = [q for q in quantities if q not in wholes]
            for w in wholes:
                inside = "、".join(q.display for q in quantities if q.id in w.parts)
                ta.notes.append(f"“{w.display}”已包含“{inside}”，二者不相加；按“{inside}”作答。")
    tables = {q.table for q in quantities}
    years = [y for y in query.years if y not in query.missing_years] if query.years else []
    if query.years and not years:
        return ta
    facts = load_facts(library, tables, query.agencies, years)
    ta.items = _items(query, facts, quantities)
    if not ta.items:
        return ta
    main = quantities[0]
    if query.metric == "ratio" and len(quantities) > 1:
        main = _as_shares(ta, quantities)
    if op in ("argmax", "argmin", "rank", "list") or (op == "trend"):
        _aggregate(ta, main, op, query.by or "year")
    elif op == "sum":
        # one quantity over reports, or several quantities ("予以公开和部分公开一共多少") over the named reports
        vals = [i for i in ta.items if (i.quantity == main or len(quantities) > 1) and i.value is not None]
        total = sum(i.value for i in vals)
        ta.result = Sum(total, len(vals))
        # one value is no sum: its own breakdown (110 + 71 + 6 = 187) is the formula, never "187 = 187"
        ta.formula = (" + ".join(fmt(i.value) for i in vals) + f" = {fmt(total)}" if len(vals) > 1
                      else vals[0].formula if vals else "")
        ta.computed.append(total)
    elif op == "diff":
        _diff(ta, main)
    elif op == "ratio":
        _ratio(ta, quantities)
    for i in ta.items:
        if i.value is None:
            ta.notes.append(f"{i.year}年{i.agency}的报告没有“{i.display}”的数值（{'、'.join(i.missing) or '单元格缺失'}）。")
        if any(c.uncertain for c in i.cells):
            ta.notes.append(f"{i.year}年{i.agency}的“{i.display}”读数标记为不确定，请核对原文。")
    for i in ta.items:
        if i.value is not None and len(i.cells) > 1:
            ta.computed.append(i.value)
    return ta


def _report_key(i: Item) -> str:
    return f"{i.agency or '未识别机构'}{i.year or ''}年"


def _aggregate(ta: TableAnswer, q: Quantity, op: str, by: str) -> None:
    items = ta.items if by == "part" else [i for i in ta.items if i.quantity == q]
    if q.unit == "%" and by in ("year", "agency") and op != "trend":
        per = defaultdict(int)
        for i in items:
            per[i.year if by == "year" else i.agency] += 1
        if any(n > 1 for n in per.values()):
            # a share is never added up across reports: each report's own share, then ranked
            by = ta.query.by = "report"
            ta.notes.append("比例按每份报告分别计算后比较，不把各报告的比例相加。")
    groups: dict[Any, list[Item]] = defaultdict(list)
    for i in items:
        key = ((i.quantity.column_label or i.quantity.display) if by == "part" else i.year if by == "year"
               else _report_key(i) if by == "report" else i.agency)
        groups[key].append(i)
    out = []
    for k, its in groups.items():
        vals = [i.value for i in its if i.value is not None]
        v = float(sum(vals)) if vals else None
        formula = " + ".join(fmt(x) for x in vals) + f" = {fmt(v)}" if len(vals) > 1 else fmt(v)
        out.append(Group(key=k, value=v, items=its, formula=formula))
        if len(vals) > 1:
            ta.computed.append(v)
    known = [g for g in out if g.value is not None]
    if op == "trend":
        out.sort(key=lambda g: g.key or 0)
        ta.groups = out
        for a, b in zip(known, known[1:]):
            ta.computed.append(b.value - a.value)
            ta.computed.append(abs(b.value - a.value))
        return
    if op == "list":
        out.sort(key=lambda g: -(g.value or 0))
        ta.groups = out
        ta.result = Listing([g.key for g in out if (g.value or 0) > 0], [g.key for g in out if g.value == 0],
                            [g.key for g in out if g.value is None])
        return
    reverse = op != "argmin"
    known.sort(key=lambda g: g.value, reverse=reverse)
    ta.groups = known + [g for g in out if g.value is None]
    if known:
        best = known[0]
        ties = [g.key for g in known if g.value == best.value]
        ta.result = Ranking(best.key, best.value, ties)
        ta.formula = "；".join(f"{g.key}：{g.formula}" for g in known)
        if len(known) > 1 and ta.query.spread:
            hi, lo = max(known, key=lambda g: g.value), min(known, key=lambda g: g.value)
            ta.result.spread = Spread(hi, lo, hi.value - lo.value)
            ta.computed.append(hi.value - lo.value)
    # ranks and report counts are code's numbers
    ta.computed += [float(k) for k in range(1, len(out) + 1)] + [float(len(g.items)) for g in out]
    if by == "year":
        counts = {g.key: len(g.items) for g in out}
        if isinstance(ta.result, Ranking):
            ta.result.reports_per_year = counts
        if len(set(counts.values())) > 1 or (not ta.query.agencies and any(c > 1 for c in counts.values())):
            # said first: the years hold different agencies, so a year's total compares coverage as much as work
            held = {g.key: sorted({i.agency or "未识别机构" for i in g.items}) for g in out}
            text = ("注意：库中各年份收录的报告不同（" + "；".join(f"{y}年{len(held[y])}份：{'、'.join(held[y])}"
                                                  for y in sorted(held, key=lambda k: k or 0))
                    + "），按年合计的比较受收录范围影响，不代表各机关的真实变化。")
            years_of: dict = defaultdict(set)
            for i in items:
                years_of[i.agency].add(i.year)
            several = [a for a, ys in years_of.items() if a and len(ys) > 1]
            if several and not ta.query.agencies:
                text += f"按单位看，可以问：“{several[0]}哪年{q.display}{'最少' if op == 'argmin' else '最多'}？”"
            ta.prefaces.append(text)
    elif by == "part":
        total = sum(g.value for g in known)  # the parts add up to the whole: shown beside them
        if isinstance(ta.result, Ranking):
            ta.result.total = total
        ta.computed.append(total)
        reports = sorted({(i.agency or i.file, i.year) for i in items}, key=lambda x: (x[1] or 0, x[0]))
        if len(reports) > 1:
            ta.notes.append("注意：各类数值为" + "、".join(f"{y}年{a}" for a, y in reports) + "的合计。")
    elif by == "agency":
        years = sorted({i.year for i in items if i.year})
        if len(years) > 1:
            ta.notes.append("注意：所比较的报告年份不一致（" + "、".join(f"{y}年" for y in years) + "），数值按单位合计。")


def _diff(ta: TableAnswer, q: Quantity) -> None:
    items = [i for i in ta.items if i.quantity == q and i.value is not None]
    if len(items) < 2:
        return
    if len({i.agency for i in items}) == 1 or len(ta.query.agencies) < 2:
        items.sort(key=lambda i: i.year or 0)
    a, b = items[0], items[-1]
    d = b.value - a.value
    ta.result = Difference(a, b, d)
    # the larger minus the smaller: the sentence says which is more (增加/减少, 多/少), so the formula never
    # carries a second, ASCII minus sign ("4 − 7 = -3", "129 − 159 = -30")
    hi, lo = (b, a) if b.value >= a.value else (a, b)
    ta.formula = f"{fmt(hi.value)} − {fmt(lo.value)} = {fmt(abs(d))}"
    ta.computed += [d, abs(d)]
    if a.value:
        pct = _pct(d, a.value)
        ta.result.pct = pct
        ta.computed += [pct, abs(pct)]


def _ratio_quantities(quantities: list[Quantity], lex) -> list[Quantity]:
    num = quantities[0]
    base_id = num.id.split("·")[0]
    others = [q for q in quantities[1:] if q.id.split("·")[0] != base_id or "·" not in q.id]
    if others and others[0].id != num.id:
        return [num, others[0]]
    if num.column_label and not num.column_sum and num.column_label != "总计":
        base = Quantity(id=num.id.split("·")[0], label=num.label, table=num.table, rows=num.rows,
                        row_prefix=num.row_prefix, columns=("总计",), unit=num.unit)
        return [num, base]
    if num.column_label and num.column_sum:
        base = Quantity(id=num.id.split("·")[0], label=num.label, table=num.table, rows=num.rows,
                        row_prefix=num.row_prefix, columns=("总计",), unit=num.unit)
        return [num, base]
    if num.ratio_base:
        return [num, lex.quantities[num.ratio_base]]
    return [num, lex.quantities["新收申请"]] if num.table == "依申请公开" and num.id != "新收申请" else [num]


def _ratio(ta: TableAnswer, quantities: list[Quantity]) -> None:
    if len(quantities) < 2:
        return
    num, den = quantities[0], quantities[1]
    rows = []
    for i in ta.items:
        if i.quantity != num or i.value is None:
            continue
        d = next((j for j in ta.items if j.quantity == den and j.file == i.file), None)
        if d is None or not d.value:
            continue
        p = _pct(i.value, d.value)
        rows.append(Share(i, d, p, f"{fmt(i.value)} ÷ {fmt(d.value)} = {fmt(p)}%"))
        ta.computed += [p, round(p, 1), float(round(p))]
    ta.result = Shares(rows)
    ta.formula = "；".join(r.formula for r in rows)


def _as_shares(ta: TableAnswer, quantities: list[Quantity]) -> Quantity:
    """Replace each report's numerator item by its share of the denominator (in %), so argmax/rank compare
    shares; the item keeps both cells and the division as its formula."""
    num, den = quantities[0], quantities[1]
    share = Quantity(id=f"{num.id}占比", label=f"{num.display}占{den.display}的比例", table=num.table, unit="%")
    out = []
    for i in ta.items:
        if i.quantity != num:
            continue
        d = next((j for j in ta.items if j.quantity == den and j.file == i.file), None)
        if i.value is None or d is None or not d.value:
            continue
        p = _pct(i.value, d.value)
        out.append(Item(file=i.file, agency=i.agency, year=i.year, quantity=share, value=p, cells=i.cells + d.cells,
                        formula=f"{fmt(i.value)} ÷ {fmt(d.value)} = {fmt(p)}%"))
        ta.computed += [p, i.value, d.value]
    ta.items = out
    return share


def template_gaps(query: Query, library) -> list[tuple[str, str]]:
    """Why a named report has no value: its template has no such row (the 2021 revision dropped 政府集中采购 and
    其他对外管理服务事项), said as a fact instead of a guess. -> (sentence, template) per report; the template's
    name is a year the answer may print without a source."""
    from index.tables.labels import row_specs

    if not query.agencies or not query.years:
        return []
    rows = sorted((r for r in library_reports(library) if r.agency in query.agencies and r.year in query.years),
                  key=lambda r: (r.year, r.agency))
    out = []
    for r in rows:
        if not r.template:
            continue
        lacking = []
        for q in query.quantities:
            specs = {s.name: s for s in row_specs(q.table, r.template)}
            have = [specs[r] for r in q.rows if r in specs]
            if q.rows and not have:
                lacking.append(q.display)
            elif have and q.table == "主动公开":
                printed = {_norm_col(x) for s in have for x in s.columns}
                if not any(_norm_col(c) in printed for c in q.columns):
                    lacking.append(q.display)  # the row is there, the column is not (收费金额 is new in 2021)
        if lacking:
            out.append((f"{r.agency}{r.year}年的报告采用{r.template}年版模板，该模板没有“{'、'.join(lacking)}”一栏",
                        r.template))
    return out
