"""Run-together tables: a report body whose table cells lost their separators, read as a token stream.

A portal page as a crawler saw it puts the whole report on one line or a few, with every table cell run
together: `…规章000行政规范性文件6233440第二十条第（五）项…`, `三、本年度办 理结果 （一）予以公开710000071`,
`1.属于国家秘密40000042.其他法律…` (the `2.` numbering the next label), `总计21317000001324019`. Lines are
no unit here; the tables' own row labels are. `reline(doc)` cuts every such line before each label anchor
(the standard row labels with their numbering, the 第二十条 item heads, the part headings) into pseudo-lines
that read like a one-row-per-line layout: a label, then its digits. The digits of one row stay one token;
the row and column balance rules split them later (index/tables/solve.py), so nothing is guessed here.

A pseudo-line keeps its source: `Line.line` is the file line it was cut from and its text is a verbatim
substring of that line, so a citation still quotes the file. Lines that already have structure (table
cells, tabs, pipes) and ordinary lines holding at most one anchor are left as they are.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from index.records import Document, Line

_CN = "一二三四五六七八九十"
_N1 = rf"(?:[{_CN}]+[、.．]|[（(][{_CN}]+[)）])?"  # 一、 / （一）
_N2 = r"(?:\d[.．、]|[（(]\d[)）])?"  # 1. / （1）: one digit (sub-rows run to 8), "42." is a cell's 4 and a 2.

# Words that begin a row, an item head or a part heading. Matched on the line with its whitespace removed.
_ROW_WORDS = [
    # 依申请公开
    (_N1, r"本年(?:度)?新[收增]"), (_N1, r"上年(?:度)?结转"), (_N1, r"本年度办理结果"),
    (_N1, r"予以公开"), (_N1, r"部分公开"), (_N1, r"不予公开"), (_N1, r"无法提供"), (_N1, r"不予处理"),
    (_N1, r"其他处理"), (rf"[（(][{_CN}]+[)）]", r"总计"), (_N1, r"结转下年度"),
    ("", r"申请人情况"), ("", r"[（(]本列数据"),
    (_N2, r"属于国家秘密"), (_N2, r"其他法律行政法规禁止公开"), (_N2, r"危及“?三安全一稳定”?"),
    (_N2, r"保护第三方合法权益"), (_N2, r"属于三类内部事务信息"), (_N2, r"属于四类过程性信息"),
    (_N2, r"属于行政执法案卷"), (_N2, r"属于行政查询事项"), (_N2, r"本机关不掌握相关政府信息"),
    (_N2, r"没有现成信息需要另行制作"), (_N2, r"补正后申请内容仍不明确"), (_N2, r"信访举报投诉类申请"),
    (_N2, r"重复申请"), (_N2, r"要求提供公开出版物"), (_N2, r"无正当理由大量反复申请"),
    (_N2, r"要求行政机关确认或重新出具已获取信息"), (_N2, r"申请人无正当理由逾期不补正"),
    (_N2, r"申请人逾期未按收费通知"), (r"\d[.．、]", r"其他(?=[\d\s])"),
    # 主动公开
    ("", r"第二十条第?[（(][一二三四五六七八九十]+[)）]项?"), ("", r"规章(?=[\d\s/])"),
    ("", r"(?:行政)?规范性文件(?=[\d\s/])"), ("", r"行政许可(?=[\d\s/-])"),
    ("", r"其他对外管理服务事项(?=[\d\s/-])"), ("", r"行政处罚(?=[\d\s/-])"),
    ("", r"行政强制(?=[\d\s/-])"), ("", r"行政事业性收费(?=[\d\s/-])"), ("", r"政府集中采购(?=[\d\s/-])"),
    # 复议诉讼, only where digits follow (the words also head the table's columns)
    ("", r"行政复议(?=\d)"), ("", r"未经复议直接起诉(?=\d)"), ("", r"复议后起诉(?=\d)"),
]
# part headings, cut before and after: what follows a heading on the same line is the table's header or prose
_PART_WORDS = [r"[二2][、.．]主动公开政府信息情况", r"[三3][、.．]收到和处理政府信息公开申请情况",
               r"[四4][、.．]政府信息公开行政复议[、和及]?行政诉讼情况", r"[四4][、.．]政府信息公开行政复议",
               r"[五5][、.．]存在的主要问题(?:及改进情况)?", r"[六6][、.．]其他需要报告的事项"]
_HEADER_END = re.compile(r"(总计|尚未审结|其他结果|结果纠正|结果维持|件数|数量|金额|[（(]单位[:：]?万?元[)）]|信息内容)$")
_DIGITS_AT_END = re.compile(r"[-−－]?\d[\d.,]*(?:万元|元)?$")


@lru_cache(maxsize=1)
def _row_hint() -> re.Pattern:
    """The row words without their numbering: a cheap first pass (the numbered anchor is ~10× slower)."""
    return re.compile("|".join(word for _, word in _ROW_WORDS))


@lru_cache(maxsize=1)
def _anchor() -> re.Pattern:
    rows = "|".join(f"{num}{word}" for num, word in _ROW_WORDS)
    return re.compile(f"(?P<part>{'|'.join(_PART_WORDS)})|(?P<row>{rows})")


def _squash(text: str) -> tuple[str, list[int]]:
    """The text without whitespace, and each kept character's offset in the original."""
    keep = [(i, ch) for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(ch for _, ch in keep), [i for i, _ in keep]


def _cuts(text: str) -> list[int]:
    """Offsets in `text` where a row label, an item head or a part heading begins."""
    sq, pos = _squash(text)
    out = []
    for m in _anchor().finditer(sq):
        out.append(pos[m.start()])
        if m.lastgroup == "part" and m.end() < len(sq):
            out.append(pos[m.end()])
    return out


def _is_run_together(ln: Line) -> bool:
    if ln.cells is not None or "\t" in ln.text or ln.text.count("|") >= 2:
        return False
    sq, _ = _squash(ln.text)
    if len(sq) < 12:
        return False
    # two different row labels on one line: cells ran together (one label + its numbers is a normal row);
    # stop at the second, and skip lines without the words every row label holds
    hints = set()
    for m in _row_hint().finditer(sq):
        hints.add(m.group(0))
        if len(hints) >= 2:
            break
    else:
        return False
    first = None
    for m in _anchor().finditer(sq):
        if m.lastgroup == "row":
            if first is None:
                first = m.group(0)
            elif m.group(0) != first:
                return True
    return False


def _split_header_values(piece: str) -> list[str]:
    """A column-header run followed by the table's digits (`…尚未审结总计21317000001324019`): the digits
    are the row of values, not part of a label."""
    stripped = piece.rstrip()
    m = _DIGITS_AT_END.search(stripped)
    if not m or m.start() == 0:
        return [piece]
    head = re.sub(r"\s+", "", stripped[:m.start()])
    starts = _anchor().match(head)
    if (starts is None or starts.lastgroup != "row") and _HEADER_END.search(head):
        return [stripped[:m.start()], stripped[m.start():]]
    return [piece]


def _pieces(text: str) -> list[str]:
    cuts = sorted(set(c for c in _cuts(text) if c > 0))
    bounds = [0] + cuts + [len(text)]
    out = []
    for a, b in zip(bounds, bounds[1:]):
        piece = text[a:b]
        if piece.strip():
            out.extend(p for p in _split_header_values(piece) if p.strip())
    return out


def reline(doc: Document) -> Document:
    """`doc` with every run-together line cut into one pseudo-line per row label (see module doc).
    Returns `doc` itself when no line needs it."""
    together = [_is_run_together(ln) for ln in doc.lines]  # the anchor scan is the costly part: once per line
    if not any(together):
        return doc
    lines: list[Line] = []
    for ln, run in zip(doc.lines, together):
        if not run:
            lines.append(ln)
            continue
        for piece in _pieces(ln.text):
            lines.append(replace(ln, text=piece.strip()))
    return replace(doc, lines=lines)
