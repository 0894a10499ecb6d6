"""The header block a crawler or a portal export puts above a report (`标题: …`, `发布机构: …`, `原文链接: …`,
then often a `==== 正文 ====` rule) is metadata evidence, not report text.

`take_header(lines)` lifts it out: the fields are returned with the line each came from, and the header
lines are blanked in place (kept as empty Lines, so line numbers still match the file and a citation's
line is the one an editor shows). A portal page's own info line (`来源：XX  时间：2025-01-20  浏览次数：…`)
is read the same way, but left in the text: it is part of the page.
"""
from __future__ import annotations

import re
from typing import Optional

from index.records import HeaderField, Line

# field names crawlers and CMS exports write, mapped to one key each
_KEYS = {"标题": "title", "题名": "title", "文章标题": "title", "名称": "title",
         "发布机构": "publisher", "发文机关": "publisher", "发布单位": "publisher", "来源": "publisher",
         "信息来源": "publisher", "发布者": "publisher", "责任单位": "publisher",
         "发布时间": "published", "发布日期": "published", "成文日期": "published", "时间": "published",
         "文号": "number", "索引号": "index", "主题分类": "topic", "栏目": "column", "分类": "topic",
         "原文链接": "url", "链接": "url", "网址": "url", "本地目录": "local", "页面链接与图片详见": "local"}
_FIELD = re.compile(r"^\s*(" + "|".join(sorted(map(re.escape, _KEYS), key=len, reverse=True)) + r")\s*[:：]\s*(.*)$")
_RULE = re.compile(r"^\s*[=\-—*#]{3,}\s*(正文|内容|全文)?\s*[=\-—*#]*\s*$")
_NOTE = re.compile(r"^\s*页面链接与图片详见")
_INFO = re.compile(r"(来源|信息来源|发布机构)\s*[:：]\s*(?P<v>[\u4e00-\u9fff（）()]{2,40}?)(?=\s|　|时间|发布|浏览|字号|$)")


def take_header(lines: list[Line], max_lines: int = 20) -> list[HeaderField]:
    """The crawler header at the top of `lines` (≥ 2 known fields before any report text), blanked in place."""
    fields: list[HeaderField] = []
    used: list[int] = []
    for i, ln in enumerate(lines[:max_lines]):
        t = ln.text.strip()
        if not t:
            continue
        m = _FIELD.match(t)
        if m:
            fields.append(HeaderField(_KEYS[m.group(1)], m.group(1), m.group(2).strip(), ln.line))
            used.append(i)
            continue
        if fields and (_RULE.match(t) or _NOTE.match(t)):
            used.append(i)
            if _RULE.match(t):
                break
            continue
        break
    if len(fields) < 2:
        return []
    for i in used:
        lines[i].text = ""
    return fields


def info_line(lines: list[Line], max_lines: int = 60) -> Optional[HeaderField]:
    """A portal page's `来源：XX 时间：…` line near the top, as publisher evidence (the line stays)."""
    for ln in lines[:max_lines]:
        m = _INFO.search(ln.text)
        if m and not ln.cells:
            return HeaderField("publisher", m.group(1), m.group("v"), ln.line)
    return None
