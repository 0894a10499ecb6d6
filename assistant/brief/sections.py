"""The sections of a 简报, each written from templates over cited facts and quotes (see assistant/brief/draft.py).

Each returns a BriefSection record (assistant/brief/records.py). Every figure goes through `Ctx`
(assistant/brief/context.py), which registers its source ([n]) and, for anything computed, the formula and
value (the verifier accepts computed values only from that list).
"""
from __future__ import annotations

import re

from assistant.brief import charts
from assistant.brief.context import MONEY_NOTE, Ctx, Unit, _first, _pairs, change, is_money, pct, show
from assistant.brief.records import BriefSection, BriefTable, Chart
from assistant.brief.sources import Finding, Quote, part_quotes
from assistant.answering.table_tool import fmt
from index.library import LibraryFact
from index.naming import full_title

APPLICANTS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
ORG_COLS = APPLICANTS[1:]
OUTCOMES = ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"]
REVIEW_ROWS = ["行政复议", "行政诉讼-未经复议直接起诉", "行政诉讼-复议后起诉"]
REVIEW_COLS = ["结果维持", "结果纠正", "其他结果", "尚未审结"]
STATUS_CN = {"fail": "不平衡", "uncertain": "存疑", "not_assessable": "无法核验"}
PROBLEM_WORDS = re.compile(r"问题|不足|困难|差距|改进|加强|进一步|提升|完善")
COUNT_PHRASE = re.compile(r"主动公开[^。；]{0,20}?\d+\s*(条|份|件|篇|项)")
MAIN_COUNT = re.compile(r"主动公开(政府)?(文件|信息)")


INDICATORS = [  # (label, table, row, column candidates) for the summary table
    ("规范性文件（本年新公开/制发）", "主动公开", "规范性文件", ["本年新公开数量", "本年制发件数", "本年新制作数量"]),
    ("行政许可处理决定", "主动公开", "行政许可", ["处理决定数量", "本年处理决定数量"]),
    ("政府集中采购项目", "主动公开", "政府集中采购", ["采购项目数量"]),
    ("本年新收申请", "依申请公开", "本年新收", ["总计"]),
    ("办理结果总计", "依申请公开", "总计", ["总计"]),
    ("予以公开", "依申请公开", "予以公开", ["总计"]),
    ("结转下年度继续办理", "依申请公开", "结转下年度继续办理", ["总计"]),
    ("行政复议", "复议诉讼", "行政复议", ["总计"]),
    ("行政诉讼（未经复议直接起诉）", "复议诉讼", "行政诉讼-未经复议直接起诉", ["总计"]),
    ("行政诉讼（复议后起诉）", "复议诉讼", "行政诉讼-复议后起诉", ["总计"]),
]


# ---------------------------------------------------------------- 一、总体情况
def overview(ctx: Ctx, units: list[Unit]) -> BriefSection:
    paras = []
    if ctx.single:
        a = units[0].report.agency
        paras.append(f"本简报依据{a}{'、'.join(str(u.report.year) for u in units)}年政府信息公开工作年度报告整理，"
                     f"文中数字均取自报告表格或原文，并以[n]标注来源；增减和比例由程序计算并列出算式。")
    else:
        names = "、".join(u.report.agency for u in units)
        paras.append(f"本简报汇总资料库中以下年度报告：{names}。文中数字均取自报告表格或原文，并以[n]标注来源。")
    for u in units:
        qs = [q for q in part_quotes(ctx.library, u.report, 1) if COUNT_PHRASE.search(q.text)]
        qs.sort(key=lambda q: not MAIN_COUNT.search(q.text))  # "主动公开文件286份" before side remarks
        if qs:
            paras.append(f"{u.label}，报告称：“{_trim(qs[0].text)}”[{ctx.book.quote(qs[0])}]。")
    header = ["指标"] + [u.label for u in units]
    rows = []
    for label, table, row, cols in INDICATORS:
        line = [label]
        for u in units:
            c = _first(ctx, u.report.file, table, row, cols)
            unit = "项" if c is not None and "项目" in c.column else "件"
            line.append(f"{show(c, unit)} [{ctx.cite(c)}]" if c is not None else "—")
        if any(x != "—" for x in line[1:]):
            rows.append(line)
    return BriefSection("一、总体情况", paras, table=BriefTable(header, rows))


def _trim(t: str, n: int = 160) -> str:
    return t if len(t) <= n else t[:n] + "……"


# ---------------------------------------------------------------- 二、主动公开
def proactive(ctx: Ctx, units: list[Unit]) -> BriefSection:
    paras = []
    for u in units:
        f = u.report.file
        parts, zero = [], []
        for row in ctx.rows(f, "主动公开"):
            cs = [c for c in ctx.cols(f, "主动公开", row) if c.value is not None]
            if not cs:
                continue
            n = [ctx.cite(c) for c in cs][0]  # one source per row: every column shown is registered
            if all(c.value == 0 for c in cs):
                zero.append((row, n))
                continue
            vals = "、".join(f"{c.column}{show(c, '项' if '项目' in c.column or '增/减' in c.column else '件')}"
                            for c in cs)
            parts.append(f"{row}：{vals}[{n}]")
            if any(is_money(c) for c in cs) and MONEY_NOTE not in ctx.notes:
                ctx.notes.append(MONEY_NOTE)
        if not parts and not zero:
            ctx.notes.append(f"{full_title(u.report.agency, u.report.year)}没有可用的主动公开表格数据。")
            continue
        text = f"{u.label}，" + "；".join(parts)
        if zero:
            text += "；" + "、".join(r for r, _ in zero) + "各项均为0" + "".join(f"[{n}]" for _, n in zero)
        paras.append(text + "。")
    for u0, u1 in (_pairs(units) if ctx.single else []):
        for what, row, cols, unit in (("规范性文件本年新公开", "规范性文件", ["本年新公开数量", "本年制发件数"], "件"),
                                      ("政府集中采购项目数", "政府集中采购", ["采购项目数量"], "项")):
            c0 = _first(ctx, u0.report.file, "主动公开", row, cols)
            c1 = _first(ctx, u1.report.file, "主动公开", row, cols)
            if c0 is not None and c1 is not None:
                what = f"{row}{c0.column}" if row == "规范性文件" else what  # 本年新公开数量 (2019) / 本年制发件数 (2021)
                paras.append("同比变化——" + change(ctx, what, u0.label, c0.value, f"{show(c0, unit)}[{ctx.cite(c0)}]",
                                                   u1.label, c1.value, f"{show(c1, unit)}[{ctx.cite(c1)}]", unit))
    return BriefSection("二、主动公开政府信息情况", paras)


# ---------------------------------------------------------------- 三、依申请公开
def _outcome_groups(ctx: Ctx, f: str) -> dict[str, list[LibraryFact]]:
    groups: dict[str, list[LibraryFact]] = {g: [] for g in OUTCOMES}
    for row in ctx.rows(f, "依申请公开"):
        g = row.split("-")[0]
        c = ctx.cell(f, "依申请公开", row, "总计")
        if g in groups and c is not None:
            groups[g].append(c)
    return groups


def applications(ctx: Ctx, units: list[Unit]) -> BriefSection:
    paras, new_vals, composition = [], {}, {g: [] for g in OUTCOMES}
    for u in units:
        f, t = u.report.file, "依申请公开"
        new = ctx.cell(f, t, "本年新收", "总计")
        if new is None:
            ctx.notes.append(f"{full_title(u.report.agency, u.report.year)}缺少“本年新收”总计，依申请公开部分从略。")
            continue
        new_vals[u.label] = (new, u)
        s = f"{u.label}，本年新收政府信息公开申请{show(new)}[{ctx.cite(new)}]"
        person = ctx.cell(f, t, "本年新收", "自然人")
        orgs = [ctx.cell(f, t, "本年新收", c) for c in ORG_COLS]
        if person is not None and all(o is not None for o in orgs):
            for o in orgs:
                ctx.cite(o)
            total = sum(o.value for o in orgs)
            formula = "+".join(fmt(o.value) for o in orgs) + f"={fmt(total)}"
            ctx.compute("法人或其他组织申请", formula, total)
            s += f"，其中自然人{show(person)}、法人或其他组织{fmt(total)}件（{formula}）[{ctx.cite(person)}]"
        prev = ctx.num(f, t, "上年结转", "总计")
        if prev:
            s += f"；上年结转{prev}"
        paras.append(s + "。")
        tot = ctx.cell(f, t, "总计", "总计")
        groups = _outcome_groups(ctx, f)
        bits = []
        for g, cs in groups.items():
            gv = sum(c.value for c in cs)
            composition[g].append(gv)
            nz = [c for c in cs if c.value]
            if not nz:
                continue
            if len(cs) == 1:
                b = f"{g}{show(cs[0])}[{ctx.cite(cs[0])}]"
            else:
                inner = "，".join(f"{c.row.split('-', 1)[1]}{show(c)}[{ctx.cite(c)}]" for c in nz)
                if len(nz) > 1:
                    formula = "+".join(fmt(c.value) for c in nz) + f"={fmt(gv)}"
                    ctx.compute(f"{g}合计", formula, gv)
                    inner += f"；{formula}"
                b = f"{g}{fmt(gv)}件（{inner}）"
            if tot is not None:
                b += f"，占{pct(ctx, gv, tot.value, g + '占比')}"
            bits.append(b)
        if tot is not None:
            rest = f"；其余各类办理结果均为0件[{ctx.cite(tot)}]" if any(not any(c.value for c in cs) for cs in groups.values()) else ""
            paras.append(f"{u.label}办理结果总计{show(tot)}[{ctx.cite(tot)}]：" + "；".join(bits) + rest + "。")
        carry = ctx.num(f, t, "结转下年度继续办理", "总计")
        if carry:
            paras[-1] = paras[-1][:-1] + f"；结转下年度继续办理{carry}。"
    if not ctx.single:
        for y in ctx.years:
            ranked = sorted([(c, u) for c, u in new_vals.values() if u.report.year == y], key=lambda x: -x[0].value)
            if len(ranked) > 1:
                paras.append(f"{y}年本年新收政府信息公开申请数量排名：" + " > ".join(
                    f"{u.report.agency}{show(c)}[{ctx.cite(c)}]" for c, u in ranked) + "。")
    metrics = (("本年新收申请", "本年新收"), ("办理结果总计", "总计"), ("予以公开", "予以公开"))
    for u0, u1 in _pairs(units):  # all-agency mode: agencies held for consecutive years get the main change
        for what, row in (metrics if ctx.single else metrics[:1]):
            c0, c1 = ctx.cell(u0.report.file, "依申请公开", row, "总计"), ctx.cell(u1.report.file, "依申请公开", row, "总计")
            if c0 is not None and c1 is not None:
                paras.append("同比变化——" + change(ctx, what, u0.label, c0.value, f"{show(c0)}[{ctx.cite(c0)}]",
                                                   u1.label, c1.value, f"{show(c1)}[{ctx.cite(c1)}]"))
    out = []
    if new_vals:
        order = list(new_vals.items())
        if not ctx.single:
            order.sort(key=lambda kv: -kv[1][0].value)
        p = charts.bar_chart([k for k, _ in order], [v[0].value for _, v in order], "本年新收政府信息公开申请（件）",
                             ctx.chart("new_applications"))
        out.append(Chart("本年新收政府信息公开申请", str(p)))
        labels = [u.label for u in units if u.label in new_vals]
        series = {g: v for g, v in composition.items() if any(v)}
        if series and len(labels) == len(next(iter(series.values()))):
            p = charts.stacked_chart(labels, series, "办理结果构成（件）", ctx.chart("outcomes"))
            out.append(Chart("办理结果构成", str(p)))
    return BriefSection("三、收到和处理政府信息公开申请情况", paras, charts=out)


# ---------------------------------------------------------------- 四、行政复议和行政诉讼
def review(ctx: Ctx, units: list[Unit]) -> BriefSection:
    paras, totals = [], {}
    for u in units:
        f, bits = u.report.file, []
        for row in REVIEW_ROWS:
            c = ctx.cell(f, "复议诉讼", row, "总计")
            name = row.replace("-", "（") + ("）" if "-" in row else "")
            if c is None:
                bits.append(f"{name}报告未填写")
                continue
            detail = [x for x in (ctx.cell(f, "复议诉讼", row, col) for col in REVIEW_COLS) if x is not None and x.value]
            for x in detail:
                ctx.cite(x)
            d = ("（" + "、".join(f"{x.column}{show(x)}" for x in detail) + "）") if detail else ""
            bits.append(f"{name}{show(c)}{d}[{ctx.cite(c)}]")
            totals[(u.label, row)] = c
        paras.append(f"{u.label}，" + "；".join(bits) + "。")
        a, b = totals.get((u.label, REVIEW_ROWS[1])), totals.get((u.label, REVIEW_ROWS[2]))
        if a is not None and b is not None:
            s = a.value + b.value
            ctx.compute("行政诉讼合计", f"{fmt(a.value)}+{fmt(b.value)}={fmt(s)}", s)
            paras[-1] = paras[-1][:-1] + f"；行政诉讼合计{fmt(s)}件（{fmt(a.value)}+{fmt(b.value)}={fmt(s)}）。"
    for u0, u1 in (_pairs(units) if ctx.single else []):
        c0, c1 = totals.get((u0.label, "行政复议")), totals.get((u1.label, "行政复议"))
        if c0 is not None and c1 is not None:
            paras.append("同比变化——" + change(ctx, "行政复议", u0.label, c0.value, f"{show(c0)}[{ctx.cite(c0)}]",
                                               u1.label, c1.value, f"{show(c1)}[{ctx.cite(c1)}]"))
    return BriefSection("四、政府信息公开行政复议、行政诉讼情况", paras)


# ---------------------------------------------------------------- 五、存在的问题及改进
def problems(ctx: Ctx, units: list[Unit]) -> BriefSection:
    paras = []
    per = 3 if ctx.single else 2
    for u in units:
        qs: list[Quote] = part_quotes(ctx.library, u.report, 5)
        pick = [q for q in qs if PROBLEM_WORDS.search(q.text)][:per] or qs[:per]
        if not pick:
            ctx.notes.append(f"{full_title(u.report.agency, u.report.year)}第五部分（存在的主要问题及改进情况）未找到。")
            continue
        paras.append(f"{u.label}报告原文：" + "".join(f"“{_trim(q.text)}”[{ctx.book.quote(q)}]" for q in pick))
    return BriefSection("五、存在的主要问题及改进情况", paras)


# ---------------------------------------------------------------- 六、数据核验提示
def findings(ctx: Ctx, units: list[Unit], found: list[Finding], passed: int) -> BriefSection:
    title = {u.report.file: full_title(u.report.agency, u.report.year) for u in units}
    paras = []
    for x in found:
        kind = "跨年衔接" if x.rule == "chain" else ("文表不一致" if x.rule == "conflict" else STATUS_CN.get(x.status, x.status))
        msg = re.sub(rf"^{re.escape(x.file)}\s*[:：]\s*", "", x.message)
        for f, t in title.items():  # file names carry digits that are not figures
            msg = msg.replace(f, t)
        paras.append(f"【{kind}】{title.get(x.file, x.file)}：{msg}")
    for c in ctx.used:
        if c.uncertain:
            paras.append(f"【读数存疑】{title.get(c.file, c.file)} {c.table}表“{c.row}/{c.column}”的读数标记为不确定，请核对原文。")
    for u0, u1 in (_pairs(units) if ctx.single else []):
        a = ctx.cell(u0.report.file, "依申请公开", "结转下年度继续办理", "总计")
        b = ctx.cell(u1.report.file, "依申请公开", "上年结转", "总计")
        if a is not None and b is not None:
            same = "一致" if a.value == b.value else "不一致，请核对"
            paras.append(f"【衔接核对】{u0.label}结转下年度继续办理{show(a)}[{ctx.cite(a)}]，"
                         f"{u1.label}上年结转{show(b)}[{ctx.cite(b)}]，两者{same}。")
    if not found:
        if passed:
            ctx.compute("通过的核验项数", f"{passed}", passed)
            paras.insert(0, f"资料库对这些报告的{passed}项勾稽关系核验均已通过，未发现需要提示的问题。")
        else:
            paras.insert(0, "资料库中没有这些报告的核验记录（重新入库即可运行核验）。")
    paras += [f"【说明】{n}" for n in ctx.notes]
    return BriefSection("六、数据核验提示", paras)
