"""Lines → cells. Every layout becomes the same thing: per line, label fragments and value cells.

Layouts: DOCX/HTML rows (Line.cells), tab rows, pipe rows, one cell per line, PDF text where cells are
separated by spaces. Page footers ("- 3 -", "第3页") and prose lines (sentences) carry no cells.
Also finds the three tables' regions from the report's own headings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from index.records import Document
from index.tables.numbers import Cell, clean, is_unit_token, parse_cell

_FOOTER = re.compile(r"^[-—–－]+\s*\d{1,3}\s*[-—–－]+$|^第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?$")
_DASHED = re.compile(r"[-—–－]")
_GLUED = re.compile(r"^(.*[\u4e00-\u9fff”）)])([-−－]?\d[\d,]*(?:\.\d+)?(?:[-−－]\d[\d,]*(?:\.\d+)?)*)$")
_MD_RULE = re.compile(r"^\|?(\s*:?-{3,}:?\s*\|)+\s*:?-{0,}:?\s*$")  # a Markdown table's |---|---| rule
_SIGN_INSIDE = re.compile(r"(?<=\d)(?=[-−－]\d)")  # "2648-18538": a signed 本年增/减 starts a new cell


@dataclass
class GridLine:
    idx: int  # index into Document.lines
    texts: list[Cell] = field(default_factory=list)  # label fragments, in order
    values: list[Cell] = field(default_factory=list)  # value cells (number/zero/empty/slash), in order
    blank: bool = False
    values_before_text: bool = False  # numbers printed before the label on the same line
    tab_only: bool = False  # a blank line that is a tab: an empty cell when cells are one per line

    @property
    def label(self) -> str:
        return "".join(c.printed for c in self.texts)

    @property
    def has_numbers(self) -> bool:
        return any(c.kind in ("number", "zero", "slash") for c in self.values)


def _is_footer(t: str) -> bool:
    return bool(_FOOTER.match(t)) and (bool(_DASHED.search(t)) or "页" in t)


_TRAILING_NUMBERS = re.compile(r"(\s[-−－]?\d[\d,.]*(万元|元)?){3,}\s*$")


def _is_prose(text: str) -> bool:
    """A sentence, not a table row: it has a full stop, or it is long and does not end in a run of
    numbers (a long 2021 label with its seven cells on one PDF line is still a row)."""
    t = clean(text)
    return "。" in t or (len(t) > 60 and not _TRAILING_NUMBERS.search(t)) or len(t) > 160


def _split_cells(idx: int, raw: list[str]) -> GridLine:
    """Structured row (tabs, pipes, real table cells): cells keep their positions; empty cells count."""
    g = GridLine(idx)
    cells = [parse_cell(c, idx) for c in raw]
    # a unit printed in its own cell right after a number belongs to it ("6659425.34", "元")
    merged: list[Cell] = []
    for c in cells:
        if c.kind == "text" and is_unit_token(c.printed) and merged and merged[-1].kind in ("number", "zero") \
                and not merged[-1].unit:
            merged[-1].unit = clean(c.printed)
            merged[-1].printed += c.printed
            continue
        merged.append(c)
    last_text = max((i for i, c in enumerate(merged) if c.kind == "text"), default=-1)
    filled = [c for c in merged if c.kind != "empty"]
    if last_text < 0 and len(filled) == 1 and len(merged) <= 3:
        # one cell per line, indented by a tab: the empty cells are indentation, not table cells
        g.values = filled
        return g
    g.texts = [c for c in merged[: last_text + 1] if c.kind == "text"]
    g.values = merged[last_text + 1:]
    if not g.texts and all(c.kind == "empty" for c in g.values) and len(merged) <= 3:
        g.blank = True  # a lone tab; a long row of empty cells is a row (e.g. an all-empty table 3)
        g.tab_only = True
    return g


def _split_spaces(idx: int, text: str) -> GridLine:
    """Unstructured text (PDF extraction, flattened web page): numbers are the numeric tokens."""
    g = GridLine(idx)
    toks = []
    for t in clean(text).split(" "):
        m = _GLUED.match(t)
        # a flattened web page glues the label to its digits: "（七）总计5210000153"
        parts = [m.group(1), m.group(2)] if m else [t]
        for p in parts:
            toks.extend(_SIGN_INSIDE.split(p) if p[:1].isdigit() or p[:1] in "-−－" else [p])
    cells = [parse_cell(t, idx) for t in toks if t]
    merged: list[Cell] = []
    for c in cells:
        if c.kind == "text" and is_unit_token(c.printed) and merged and merged[-1].kind in ("number", "zero") \
                and not merged[-1].unit:
            merged[-1].unit = c.printed
            merged[-1].printed += " " + c.printed
            continue
        if c.kind == "empty":
            continue
        merged.append(c)
    texts = [i for i, c in enumerate(merged) if c.kind == "text"]
    if not texts:
        g.values = merged
        return g
    first, last = texts[0], texts[-1]
    # a label may hold spaces and even digits ("1 属于国家秘密", "（二）部分公开（区分处理的，只计这一情 形"):
    # everything from its first to its last text token is the label; the numbers are outside it
    label_cells = merged[first: last + 1]
    g.texts = [Cell(" ".join(c.printed for c in label_cells), "text", None, idx)]
    after = merged[last + 1:]
    before = merged[:first]
    if after:
        g.values = after
    elif before:
        g.values = before
        g.values_before_text = True
    return g


def grid_lines(doc: Document, start: int = 0, end: Optional[int] = None) -> list[GridLine]:
    out: list[GridLine] = []
    end = len(doc.lines) if end is None else end
    for i in range(start, end):
        ln = doc.lines[i]
        if ln.cells is not None:
            out.append(_split_cells(i, list(ln.cells)))
            continue
        t = ln.text.rstrip("\r\n")
        ct = clean(t)
        if not ct and t.count("\t") < 4 and t.count("|") < 4:
            out.append(GridLine(i, blank=True, tab_only="\t" in t))
            continue
        if _is_footer(ct) or _MD_RULE.match(ct):
            out.append(GridLine(i, blank=True))
            continue
        if "|" in t and t.count("|") >= 2:
            parts = t.split("|")
            out.append(_split_cells(i, parts))
        elif "\t" in t:
            out.append(_split_cells(i, t.split("\t")))
        elif re.search(r"\d\s*[（(]", ct) and parse_cell(ct, i).kind in ("number", "zero"):
            out.append(GridLine(i, values=[parse_cell(ct, i)]))  # one number with its note: "55（含…29 件）"
        elif _is_prose(t):
            out.append(GridLine(i, texts=[Cell(ct, "text", None, i)]))
        else:
            out.append(_split_spaces(i, t))
    return out


# ---------------------------------------------------------------- regions
def _short(doc: Document, i: int, n: int = 40) -> bool:
    return len(clean(doc.lines[i].text)) <= n


@dataclass
class Regions:
    t1: Optional[tuple[int, int]]
    t2: Optional[tuple[int, int]]
    t3: Optional[tuple[int, int]]


def find_regions(doc: Document) -> Regions:
    """Line ranges [start, end) of the three tables, found by their headings (never by position)."""
    lines = [clean(ln.text) for ln in doc.lines]
    n = len(lines)

    def first(pred, start=0, stop=None):
        for i in range(start, n if stop is None else stop):
            if pred(i):
                return i
        return None

    # the heading of part 二 or the first 第二十条 line, whichever comes first (000 lost the latter)
    # Headings are lines that are (almost) only the heading: a hard-wrapped prose line of a PDF is short
    # too and may mention 第二十条 or 收到和处理政府信息公开申请情况; the looser test is the fallback.
    def heading(i: int, words: str, extra: int = 6) -> bool:
        t = re.sub(r"[\s|]+", "", lines[i])
        return words in t and len(t) - len(words) <= extra and "。" not in t

    a1s = [first(lambda i: re.match(r"^第二十条\s*第?\s*[（(]", lines[i]) is not None and _short(doc, i, 30)),
           first(lambda i: heading(i, "主动公开政府信息情况"))]
    a1 = min((a for a in a1s if a is not None), default=None)
    if a1 is None:
        a1 = first(lambda i: "第二十条" in lines[i] and _short(doc, i, 30))
    a2 = first(lambda i: heading(i, "收到和处理政府信息公开申请情况", 4), a1 or 0)
    if a2 is None:
        a2 = first(lambda i: "收到和处理政府信息公开申请" in lines[i] and _short(doc, i), a1 or 0)
    if a2 is None:
        a2 = first(lambda i: re.search("本年(新收|新增).{0,6}申请", lines[i]) is not None
                   and not _is_prose(lines[i]), a1 or 0)
    a3 = first(lambda i: "行政复议" in lines[i] and ("行政诉讼" in lines[i] or "情况" in lines[i])
               and _short(doc, i, 60), a2 if a2 is not None else (a1 or 0))
    after3 = a3 if a3 is not None else (a2 if a2 is not None else 0)
    # part 五's heading ("5." would also match row 5 of 不予公开 when the table-3 heading is missing)
    e3 = first(lambda i: re.match(r"^五[、.．]", lines[i]) is not None
               or ("存在的主要问题" in lines[i] and _short(doc, i)), after3 + 1)
    t1 = (a1, a2 if a2 is not None else (a3 if a3 is not None else min(n, a1 + 120))) if a1 is not None else None
    t2 = (a2, a3 if a3 is not None else (e3 if e3 is not None else min(n, a2 + 300))) if a2 is not None else None
    t3 = (a3, e3 if e3 is not None else min(n, a3 + 120)) if a3 is not None else None
    return Regions(t1, t2, t3)
