"""Renderers of a report's gold facts into the layouts real reports arrive in, written as real files
(.txt, .html, .docx) so that the real loaders read them back.

A table is first a list of logical rows — (label cells, value cells) — then one of the layouts:
tab rows, pipe rows, one cell per line (Word flattened), PDF-like text (labels hard-wrapped mid-word,
values on their own line, sometimes above the label, a page footer inside the table), HTML with
rowspan/colspan and &nbsp; cells, DOCX with merged cells, run-together digits (web pages that lost the
cell separators) and empty-as-zero (zeros left blank in tables 2 and 3).
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Callable

T1, T2, T3 = "主动公开", "依申请公开", "复议诉讼"

T1_GROUPS = [
    ("第二十条第（一）项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"], ["规章", "规范性文件"]),
    ("第二十条第（五）项", ["上一年项目数量", "本年增/减", "处理决定数量"], ["行政许可", "其他对外管理服务事项"]),
    ("第二十条第（六）项", ["上一年项目数量", "本年增/减", "处理决定数量"], ["行政处罚", "行政强制"]),
    ("第二十条第（八）项", ["上一年项目数量", "本年增/减"], ["行政事业性收费"]),
    ("第二十条第（九）项", ["采购项目数量", "采购总金额（元）"], ["政府集中采购"]),
]
T1_COLUMNS = {"采购总金额（元）": "采购总金额(元)"}

# (parent label, printed label, canonical row)
T2_ROWS = [
    ("", "一、本年新收政府信息公开申请数量", "本年新收"),
    ("", "二、上年结转政府信息公开申请数量", "上年结转"),
    ("三、本年度办理结果", "（一）予以公开", "予以公开"),
    ("", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "部分公开"),
    ("（三）不予公开", "1.属于国家秘密", "不予公开-属于国家秘密"),
    ("", "2.其他法律行政法规禁止公开", "不予公开-其他法律行政法规禁止公开"),
    ("", "3.危及“三安全一稳定”", "不予公开-危及“三安全一稳定”"),
    ("", "4.保护第三方合法权益", "不予公开-保护第三方合法权益"),
    ("", "5.属于三类内部事务信息", "不予公开-属于三类内部事务信息"),
    ("", "6.属于四类过程性信息", "不予公开-属于四类过程性信息"),
    ("", "7.属于行政执法案卷", "不予公开-属于行政执法案卷"),
    ("", "8.属于行政查询事项", "不予公开-属于行政查询事项"),
    ("（四）无法提供", "1.本机关不掌握相关政府信息", "无法提供-本机关不掌握相关政府信息"),
    ("", "2.没有现成信息需要另行制作", "无法提供-没有现成信息需要另行制作"),
    ("", "3.补正后申请内容仍不明确", "无法提供-补正后申请内容仍不明确"),
    ("（五）不予处理", "1.信访举报投诉类申请", "不予处理-信访举报投诉类申请"),
    ("", "2.重复申请", "不予处理-重复申请"),
    ("", "3.要求提供公开出版物", "不予处理-要求提供公开出版物"),
    ("", "4.无正当理由大量反复申请", "不予处理-无正当理由大量反复申请"),
    ("", "5.要求行政机关确认或重新出具已获取信息", "不予处理-要求行政机关确认或重新出具已获取信息"),
    ("", "（六）其他处理", "其他处理"),
    ("", "（七）总计", "总计"),
    ("", "四、结转下年度继续办理", "结转下年度继续办理"),
]
# the 2021 template (国办公开办函〔2021〕30号): its own 主动公开 fields and 其他处理 split in three
T1_GROUPS_2021 = [
    ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "规范性文件"]),
    ("第二十条第（五）项", ["本年处理决定数量"], ["行政许可"]),
    ("第二十条第（六）项", ["本年处理决定数量"], ["行政处罚", "行政强制"]),
    ("第二十条第（八）项", ["本年收费金额（单位：万元）"], ["行政事业性收费"]),
]
T1_COLUMNS_2021 = {"本年收费金额（单位：万元）": "本年收费金额(万元)"}
T1_PRINTED_2021 = {"规范性文件": "行政规范性文件"}
OTHER_2021 = [
    ("（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
     "其他处理-申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
     "其他处理-申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("", "3.其他", "其他处理-其他"),
]


def is_2021(report: dict) -> bool:
    return any(f["column"] == "本年制发件数" for f in report["facts"])


def t2_rows(report: dict) -> list[tuple[str, str, str]]:
    if not any(f["row"].startswith("其他处理-") for f in report["facts"]):
        return T2_ROWS  # 2019, or a 2021-template report that kept the single 其他处理 row
    out = []
    for parent, label, row in T2_ROWS:
        out += OTHER_2021 if row == "其他处理" else [(parent, label, row)]
    return out


APPLICANTS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
REVIEW_ROWS = ["行政复议", "行政诉讼-未经复议直接起诉", "行政诉讼-复议后起诉"]
REVIEW_COLS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]

PREAMBLE = ["{agency}{year}年政府信息公开工作年度报告", "", "一、总体情况",
            "本年度我单位认真贯彻《条例》，依法做好政府信息公开工作。", ""]
TAIL = ["", "五、存在的主要问题及改进情况", "工作中仍存在一些不足，下一步将继续改进。", "", "六、其他需要报告的事项", "无。"]


def fmt(v) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def gold_map(report: dict) -> dict[tuple[str, str, str], float]:
    return {(f["table"], f["row"], f["column"]): f["value"] for f in report["facts"]}


# ---------------------------------------------------------------- logical rows
def logical(report: dict) -> dict[str, list[tuple[list[str], list[str]]]]:
    """Per table: rows of (label cells, value cells); heading rows have no values."""
    g = gold_map(report)
    new = is_2021(report)
    colmap = T1_COLUMNS_2021 if new else T1_COLUMNS
    t1: list[tuple[list[str], list[str]]] = []
    for head, cols, rows in (T1_GROUPS_2021 if new else T1_GROUPS):
        t1.append(([head], []))
        t1.append((["信息内容"] + cols, []))
        for r in rows:
            vals = []
            for c in cols:
                v = g[(T1, r, colmap.get(c, c))]
                vals.append(fmt(round(v / 10000, 4)) if "万元" in c else fmt(v))
            t1.append(([T1_PRINTED_2021.get(r, r) if new else r], vals))
    t2 = [(["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"], []),
          (["自然人", "法人或其他组织", "总计"], []),
          (["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"], [])]
    for parent, label, row in t2_rows(report):
        t2.append(([parent, label] if parent else [label], [fmt(g[(T2, row, c)]) for c in APPLICANTS]))
    t3 = [(["行政复议", "行政诉讼"], []),
          (REVIEW_COLS + ["未经复议直接起诉", "复议后起诉"], []),
          (REVIEW_COLS * 2, []),
          ([], [fmt(g[(T3, r, c)]) for r in REVIEW_ROWS for c in REVIEW_COLS])]
    return {T1: t1, T2: t2, T3: t3}


HEADINGS = {T1: "二、主动公开政府信息情况", T2: "三、收到和处理政府信息公开申请情况",
            T3: "四、政府信息公开行政复议、行政诉讼情况"}


def _text_report(report: dict, row_lines: Callable[[str, list[str], list[str], int], list[str]]) -> str:
    out = [ln.format(agency=report["agency"], year=report["year"]) for ln in PREAMBLE]
    for table, rows in logical(report).items():
        out += [HEADINGS[table], ""]
        for k, (labels, values) in enumerate(rows):
            out += row_lines(table, labels, values, k)
        out.append("")
    return "\n".join(out + TAIL) + "\n"


# ---------------------------------------------------------------- text layouts
def tab(report: dict) -> str:
    return _text_report(report, lambda t, labels, values, k: ["\t".join(labels + values)])


def pipe(report: dict) -> str:
    return _text_report(report, lambda t, labels, values, k: [" | ".join(labels + values) + " |"])


def one_cell(report: dict) -> str:
    def rows(t, labels, values, k):
        return ["\t" + c for c in labels if c] + ["\t" + v for v in values] + [""]
    return _text_report(report, rows)


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)]


def one_cell_blank0(report: dict) -> str:
    """One cell per line, zeros of tables 2 and 3 left empty: a line holding only its tab."""
    def rows(t, labels, values, k):
        if t != T1:
            values = ["" if v == "0" else v for v in values]
        return ["\t" + c for c in labels if c] + ["\t" + v for v in values] + [""]
    return _text_report(report, rows)


def pdf_like(report: dict, width: int = 7) -> str:
    """Labels hard-wrapped every `width` characters (mid-word), blank lines between the pieces as
    pdfplumber prints them, values space-separated on their own line — above the label for every third
    row of table 2 — and a page footer in the middle of table 2."""
    def rows(t, labels, values, k):
        pieces = [p for c in labels if c for p in _wrap(c, width)]
        out = []
        for p in pieces:
            out += [p, ""]
        vals = " ".join(values)
        if not values:
            return out
        if t == T2 and k == 12:
            out = ["- 3 -", ""] + out
        if t == T2 and k % 3 == 0 and len(pieces) > 1:
            return [vals, ""] + out
        return out + [vals, ""]
    return _text_report(report, rows)


def run_together(report: dict) -> str:
    """Tables 2 and 3 lose their cell separators (a web page flattened); table 1 keeps them, since
    without any balance rule there its run-together digits could not be told apart."""
    def rows(t, labels, values, k):
        if t == T1:
            return [" ".join(labels + values)]
        return ["".join(labels) + "".join(values)] if values else ["".join(labels)]
    return _text_report(report, rows)


def empty_as_zero(report: dict) -> str:
    def rows(t, labels, values, k):
        if t != T1:
            values = ["" if v == "0" else v for v in values]
        return ["\t".join(labels + values)]
    return _text_report(report, rows)


# ---------------------------------------------------------------- HTML and DOCX
def html_page(report: dict) -> str:
    """Real tables: the parents of table 2 span their sub-rows (rowspan), headings span columns,
    empty cells are &nbsp;."""
    return ("<html><head><meta charset='utf-8'></head><body>\n"
            + _html_body(report, lambda t: html.escape(t), lambda v: v) + "\n</body></html>")


def _html_body(report: dict, label: Callable[[str], str], number: Callable[[str], str],
               blank0: bool = False) -> str:
    """The report's own HTML (title, prose, the three tables); `label`/`number` dress a cell's text the
    way an editor does, `blank0` leaves the zeros of table 2 blank as typists do."""
    def td(text, attrs=""):
        return f"<td{attrs}>{label(text)}</td>"

    def num(v):
        return "<td>&nbsp;</td>" if blank0 and v == "0" else f"<td>{number(v)}</td>"

    parts = [f"<h1>{label(report['agency'] + str(report['year']) + '年政府信息公开工作年度报告')}</h1>",
             "<p>一、总体情况</p><p>本年度我单位认真贯彻《条例》，依法做好政府信息公开工作。</p>"]
    lg = logical(report)
    parts.append(f"<p>{label(HEADINGS[T1])}</p><table>")
    for labels, values in lg[T1]:
        if not values and len(labels) == 1:
            parts.append(f"<tr>{td(labels[0], ' colspan=4')}</tr>")
        else:
            parts.append("<tr>" + "".join(td(c) for c in labels)
                         + "".join(f"<td>{number(v)}</td>" for v in values) + "</tr>")
    parts.append(f"</table><p>{label(HEADINGS[T2])}</p><table>")
    parts.append("<tr>" + td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", " colspan=2 rowspan=3")
                 + td("申请人情况", " colspan=7") + "</tr>")
    parts.append("<tr>" + td("自然人", " rowspan=2") + td("法人或其他组织", " colspan=5") + td("总计", " rowspan=2")
                 + "</tr>")
    parts.append("<tr>" + "".join(td(c) for c in APPLICANTS[1:6]) + "</tr>")
    spans = {"（三）不予公开": 8, "（四）无法提供": 3, "（五）不予处理": 5, "（六）其他处理": 3}
    outcome_span = 22 if is_2021(report) else 20
    for parent, row_label, row in t2_rows(report):
        vals = [v for v in next(vs for (ls, vs) in lg[T2] if ls[-1] == row_label)]
        cells = []
        if row == "予以公开":
            cells.append(td("三、本年度办理结果", f" rowspan={outcome_span}"))
        if parent and parent in spans and parent != "三、本年度办理结果":
            cells.append(td(parent, f" rowspan={spans[parent]}"))
        wide = row in ("本年新收", "上年结转", "结转下年度继续办理", "予以公开", "部分公开", "其他处理", "总计")
        cells.append(td(row_label, " colspan=2" if wide else ""))
        cells += [num(v) for v in vals]
        if row.startswith("不予公开"):
            cells.append("<td>&nbsp;</td>")  # a trailing empty cell, as web editors leave them
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append(f"</table><p>{label(HEADINGS[T3])}</p><table>")
    parts.append("<tr>" + td("行政复议", " colspan=5 rowspan=2") + td("行政诉讼", " colspan=10") + "</tr>")
    parts.append("<tr>" + td("未经复议直接起诉", " colspan=5") + td("复议后起诉", " colspan=5") + "</tr>")
    parts.append("<tr>" + "".join(td(c) for c in REVIEW_COLS * 3) + "</tr>")
    parts.append("<tr>" + "".join(f"<td>{number(v)}</td>" for v in lg[T3][-1][1]) + "<td>&nbsp;</td></tr>")
    parts.append("</table><p>五、存在的主要问题及改进情况</p><p>无。</p>")
    return "\n".join(parts)


def _word_label(text: str) -> str:
    """Word's HTML export: a label cut into spans, here one character each, with <o:p> leftovers."""
    return ("<p class=MsoNormal align=center>"
            + "".join(f"<span style='font-family:仿宋_GB2312'>{html.escape(ch)}</span>" for ch in text)
            + "<o:p></o:p></p>")


def _word_number(v: str) -> str:
    return f"<p class=MsoNormal align=center><font face=\"Times New Roman\">{v}</font></p>"


def report_fragment(report: dict) -> str:
    """Only the report's own part of a portal page, as a CMS stores it: `<p>…</p><table>…`, no <html>."""
    return _html_body(report, _word_label, _word_number, blank0=True)


def portal_page(report: dict) -> str:
    """A portal page saved whole: navigation, scripts, a 当前位置/来源/时间 line and a list of other reports'
    titles (another agency and year!) around the report's fragment."""
    nxt = report["year"] + 1
    other = "厦门市人力资源和社会保障局" if "厦门" not in report["agency"] else "福建省人力资源和社会保障厅"
    return "\n".join([
        "<!DOCTYPE html><html><head><meta http-equiv='Content-Type' content='text/html; charset=utf-8'>",
        f"<title>{report['agency']}{report['year']}年政府信息公开工作年度报告_政府信息公开年报</title>",
        "<script>var _hmt = _hmt || []; document.write('首页');</script><style>.nav{color:red}</style></head><body>",
        "<div class='nav'>首页 | 政务公开 | 政策文件 | 政府信息公开年报 | 互动交流</div>",
        "<div class='crumb'>当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>",
        f"<div class='info'>来源：{report['agency']}　时间：{nxt}-01-20　浏览次数：1024</div>",
        "<div class='TRS_Editor'>", report_fragment(report), "</div>",
        f"<div class='related'>相关链接：<a href='#'>{other}{report['year'] - 1}年政府信息公开工作年度报告</a></div>",
        "<div class='foot'>主办单位：本网站　网站标识码：3500000001　闽ICP备05000000号</div>",
        "<script>window.onload=function(){};</script></body></html>"])


def portal_crawler(report: dict) -> str:
    """The portal page as a crawler saw it: its header block, then the body on one line with the cells run
    together and the blank cells (zeros the typist left out) simply gone."""
    head = [ln.format(agency=report["agency"], year=report["year"], next=report["year"] + 1)
            for ln in CRAWLER_HEADER]
    body = ["当前位置：首页 > 政务公开 > 政府信息公开年报",
            f"{report['agency']}{report['year']}年政府信息公开工作年度报告",
            "一、总体情况本年度我单位认真贯彻《条例》，依法做好政府信息公开工作。"]
    for table, rows in logical(report).items():
        body.append(HEADINGS[table])
        for labels, values in rows:
            if table == T2:
                values = [v for v in values if v != "0"]
            body.append("".join(labels) + "".join(values))
    body.append("五、存在的主要问题及改进情况无。")
    return "\n".join(head + ["".join(body)])


def write_docx(report: dict, path: Path) -> Path:
    """A Word file whose tables merge cells as Word does (parents of table 2 merged vertically)."""
    import docx

    d = docx.Document()
    d.add_paragraph(f"{report['agency']}{report['year']}年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    d.add_paragraph("本年度我单位认真贯彻《条例》，依法做好政府信息公开工作。")
    lg = logical(report)
    d.add_paragraph(HEADINGS[T1])
    t = d.add_table(rows=0, cols=4)
    for labels, values in lg[T1]:
        cells = (labels + values + ["", "", "", ""])[:4]
        row = t.add_row().cells
        for i, c in enumerate(cells):
            row[i].text = c
        if len(labels) == 1 and not values:
            row[0].merge(row[3])
    d.add_paragraph(HEADINGS[T2])
    t = d.add_table(rows=0, cols=9)
    head = t.add_row().cells
    head[0].text = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    head[2].text = "申请人情况"
    head[2].merge(head[8])
    r2 = t.add_row().cells
    r2[2].text, r2[3].text, r2[8].text = "自然人", "法人或其他组织", "总计"
    r3 = t.add_row().cells
    for i, c in enumerate(APPLICANTS[1:6]):
        r3[3 + i].text = c
    first_of: dict[str, object] = {}
    for parent, label, row in t2_rows(report):
        vals = next(vs for (ls, vs) in lg[T2] if ls[-1] == label)
        cells = t.add_row().cells
        if parent:
            cells[0].text = parent
            first_of[parent] = cells[0]
        cells[1].text = label
        for i, v in enumerate(vals):
            cells[2 + i].text = v
    d.add_paragraph(HEADINGS[T3])
    t = d.add_table(rows=0, cols=15)
    for labels, values in lg[T3]:
        cells = t.add_row().cells
        for i, c in enumerate((labels + values)[:15]):
            cells[i].text = c
    d.add_paragraph("五、存在的主要问题及改进情况")
    d.add_paragraph("无。")
    d.save(str(path))
    return path


def write_pdf(report: dict, path: Path) -> Path:
    """A real PDF (reportlab, CJK font): labels wrap inside narrow cells, numbers sit vertically centred,
    so pdfplumber prints them between or before the label's pieces; page footers "- n -"."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
    tstyle = [("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("FONTSIZE", (0, 0), (-1, -1), 9),
              ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0))]
    P = lambda t: Paragraph(html.escape(t), style)  # noqa: E731
    story = [P(f"{report['agency']}{report['year']}年政府信息公开工作年度报告"), P("一、总体情况"),
             P("本年度我单位认真贯彻《条例》，依法做好政府信息公开工作。")]
    lg = logical(report)
    story.append(P(HEADINGS[T1]))
    rows = [[P(c) for c in (labels + values + ["", "", "", ""])[:4]] for labels, values in lg[T1]]
    story.append(Table(rows, colWidths=[120, 90, 90, 90], style=tstyle))
    story.append(P(HEADINGS[T2]))
    rows = []
    for labels, values in lg[T2][3:]:
        lab = labels if len(labels) == 2 else ["", labels[0]]
        rows.append([P(lab[0]), P(lab[1])] + values)
    head = [[P("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"), ""] + [P(c) for c in APPLICANTS]]
    story.append(Table(head + rows, colWidths=[45, 95] + [38] * 7, style=tstyle))
    story.append(P(HEADINGS[T3]))
    rows = [[P(c) for c in (labels + [""] * 15)[:15]] for labels, _ in lg[T3][:3]] + [lg[T3][3][1]]
    story.append(Table(rows, colWidths=[29] * 15, style=tstyle))
    story += [P("五、存在的主要问题及改进情况"), P("无。")]

    def footer(canvas, d):
        canvas.setFont("STSong-Light", 9)
        canvas.drawCentredString(A4[0] / 2, 20, f"- {d.page} -")

    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=footer, onLaterPages=footer)
    return path


# ---------------------------------------------------------------- real portal / converter families
CRAWLER_HEADER = ["标题: {agency}{year}年度政府信息公开工作年度报告", "发布时间: {next}-03-10 15:35", "文号: ",
                  "发布机构: {agency}", "栏目: 政府信息公开年报",
                  "原文链接: https://www.example.gov.cn/zwgk/zfxxgk/zfxxgknb/{next}03/t{next}0310_1.htm",
                  "==================== 正文 ===================="]
_STRAY_SPACE = {"三、本年度办理结果": "三、本年度办 理结果 ", "社会公益组织": "社会公益 组织 ",
                "法律服务机构": "法律服务 机构 "}


def crawler_line(report: dict) -> str:
    """A portal page as a crawler's text: a header block, then the whole body on one line with every table
    cell run together (labels, header rows and digits), stray spaces inside some labels, and the 15
    复议/诉讼 cells one digit run. Table 1 runs together too: with no balance rule there, its runs are read
    as best readings and marked uncertain where the split is not determined."""
    head = [ln.format(agency=report["agency"], year=report["year"], next=report["year"] + 1)
            for ln in CRAWLER_HEADER]
    body = ["本报告根据《中华人民共和国政府信息公开条例》编制。本报告所列数据统计期限为"
            f"{report['year']}年1月1日至{report['year']}年12月31日。",
            "一、总体情况 本年度我单位认真贯彻《条例》，依法做好政府信息公开工作。"]
    for table, rows in logical(report).items():
        body.append(HEADINGS[table])
        for labels, values in rows:
            body.append("".join(_STRAY_SPACE.get(c, c) for c in labels) + "".join(values))
    body += ["五、存在的主要问题及改进情况工作中仍存在一些不足，下一步将继续改进。", "六、其他需要报告的事项无。"]
    return "\n".join(head + ["".join(body)])


def md_fragments(report: dict) -> str:
    """A PDF converted to Markdown by a third-party tool: pipe tables broken into fragments at page marks
    (`— 4 —`), a separator row under each fragment's first row, rows whose label wrapped in the PDF lose
    their label (the numbers stand as an unlabeled row, still in table order), and the header cells of
    table 2 spread over rows of their own."""
    lg = logical(report)
    out = [f"# {report['agency']}{report['year']}年政府信息公开工作年度报告", "", "一、总体情况", "",
           "本年度我单位认真贯彻《条例》，依法做好政府信息公开工作。", ""]
    page = 3
    for table, rows in lg.items():
        out += [f"**{HEADINGS[table]}**", ""]
        fragment = 0
        for k, (labels, values) in enumerate(rows):
            if fragment == 0:
                width = max(len(labels + values), 2)
                out.append("| " + " | ".join(labels + values) + " |")
                out.append("|" + "---|" * width)
                fragment = 1
                continue
            lost = table == T2 and bool(values) and len(labels[-1]) > 10 and k % 2 == 0
            cells = ([""] if lost else labels) + values
            if table == T1 and labels[0].endswith("规范性文件") and len(values) == 3:
                # the last cell dropped out of its column, left as stray text with its note
                out += ["| " + " | ".join(labels + values[:2]) + " |", f"{values[2]}（含自然失效 1 件）"]
                fragment += 1
                continue
            out.append("| " + " | ".join(cells) + " |")
            fragment += 1
            if table == T2 and fragment == 12:  # a page break inside the table
                out += ["", f"— {page} —", ""]
                page += 1
                fragment = 0
        out.append("")
    return "\n".join(out + TAIL) + "\n"


TEXT_LAYOUTS: dict[str, Callable[[dict], str]] = {
    "tab": tab, "pipe": pipe, "one_cell": one_cell, "one_cell_blank0": one_cell_blank0, "pdf_like": pdf_like,
    "run_together": run_together, "empty_as_zero": empty_as_zero,
    "crawler_line": crawler_line, "md_fragments": md_fragments,
    "portal_txt": portal_page, "fragment_txt": report_fragment, "portal_crawler": portal_crawler,
}
ALL_LAYOUTS = list(TEXT_LAYOUTS) + ["html", "portal_html", "docx", "pdf"]


def write(report: dict, layout: str, folder: Path) -> Path:
    """The report rendered in `layout`, as a file in `folder` (what a loader reads)."""
    stem = f"{Path(report['file']).stem}_{layout}"
    if layout in ("html", "portal_html"):
        p = folder / f"{stem}.html"
        p.write_text((html_page if layout == "html" else portal_page)(report), encoding="utf-8")
        return p
    if layout == "docx":
        return write_docx(report, folder / f"{stem}.docx")
    if layout == "pdf":
        return write_pdf(report, folder / f"{stem}.pdf")
    p = folder / f"{stem}.txt"
    p.write_text(TEXT_LAYOUTS[layout](report), encoding="utf-8")
    return p
