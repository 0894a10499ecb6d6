"""Is this file a 政府信息公开工作年度报告 at all? Checked after parsing, before anything is stored.

A project README, a notice or a spreadsheet export reads as text and metadata inference will happily find
an agency in it (the README was stored as a 福建省人社厅 report with no year, then counted and quoted).
A report shows at least one of: a title naming a 年度报告/年报 of 政府信息公开/政务公开, the six-part outline
(≥ 3 of its part headings), or a standard statistics tables with facts (two of the three). None of them -> refused, in Chinese.
"""
from __future__ import annotations

import re
from typing import Optional

from index.records import Document

_PARTS = [re.compile(p) for p in (
    r"^[一1][、.．]\s*(总体情况|概述|基本情况)",
    r"^[二2][、.．]\s*主动公开",
    r"^[三3][、.．]\s*收到和处理政府信息公开申请",
    r"^[四4][、.．]\s*政府信息公开行政复议",
    r"^[五5][、.．]\s*存在的(主要)?问题",
    r"^[六6][、.．]\s*其他需要报告",
)]


def outline_parts(doc: Document) -> int:
    """How many of the six standard part headings the document has (headings may run into the text)."""
    found = set()
    for ln in doc.lines:
        t = re.sub(r"\s+", "", ln.text)
        for i, p in enumerate(_PARTS):
            if i not in found and p.search(t):
                found.add(i)
    long = [ln.text for ln in doc.lines if len(ln.text) > 1500]
    if len(found) < 3 and long:  # a crawler's one-line page: the headings sit inside the line, in order
        body = re.sub(r"\s+", "", "".join(long))
        pos = 0
        for i, p in enumerate(_PARTS):
            m = re.compile(p.pattern.lstrip("^")).search(body, pos)
            if m:
                found.add(i)
                pos = m.end()
    return len(found)


def not_a_report(doc: Document, has_title: bool, tables: int) -> Optional[str]:
    """None when `doc` looks like an annual report, else the reason (Chinese, for staff). `has_title`: the
    metadata read a report title with a year in it; `tables`: how many standard tables gave facts (one
    table's rows also appear in notes and specs that quote it)."""
    if tables >= 2 or outline_parts(doc) >= 3:
        return None
    if has_title:  # metadata found a title line with its year (index/metadata.py)
        return None
    return ("不是政府信息公开工作年度报告：没有年度报告标题、六部分提纲（一、总体情况……六、其他需要报告的事项）"
            "或标准统计表，未导入；如确是年报，请检查文件是否完整 (not an annual report: no title, outline or "
            "standard table)")
