"""A kept conversation (index/conversations.py) as Markdown or as a Word document, each answer followed by its
citations written out in full (report title, table cell or section, page and line, the quoted words), so the
export stands on its own when pasted into a document or sent on. The .docx uses the 简报's 公文 page set-up
(A4, GB/T 9704 margins, 仿宋 body, 黑体 headings, page numbers) from assistant/brief/to_docx.py.

    write_markdown(conv, path); to_docx(conv, path); file_name(conv, "docx") -> 问答记录_<title>_<date>.docx
"""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Optional

from index.conversations import Conversation, Turn
from index.naming import full_title
from index.records import Citation

ROUTE_LABELS = {"table": "表格数据", "text": "正文段落", "both": "表格＋正文", "refuse": "资料库中无此数据",
                "error": "未能作答"}
FOOTNOTE = "由年报问答助手导出；每个数字以所引年报原文为准。"
NO_ANSWER = "（没有回答）"
_DIGITS = "零一二三四五六七八九"
_SAFE_NAME = re.compile(r'[\\/:*?"<>|\s]+')
_WS = re.compile(r"\s+")


def cn_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 23 -> 二十三 (turn headings 一、二、…), up to 99; beyond that the digits."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _DIGITS[tens]) + "十" if tens else "") + (_DIGITS[ones] if ones else "")


def full_time(iso: Optional[str]) -> str:
    """2026年12月2日 10:30 in the machine's zone; '' for an unreadable time."""
    try:
        t = datetime.fromisoformat(str(iso)).astimezone()
    except (TypeError, ValueError):
        return ""
    return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}"


def citation_line(c: Citation) -> str:
    """[n] 《title》，“表”表 行／列 = 值，section，第p页第l行：“quote” — the reference staff cite the answer by."""
    bits = [full_title(c.agency, c.year)]
    if c.kind == "cell" and c.table:
        cell = f"“{c.table}”表 {c.row or ''}{'／' + c.column if c.column else ''}".strip()
        bits.append(cell + (f" = {_number(c.value)}" if c.value is not None else ""))
    bits += [p.strip() for p in (c.section or "").split(">") if p.strip()]  # 一、总体情况，（一）…
    if c.where:
        bits.append(c.where)
    quote = _WS.sub(" ", c.quote or "").strip()
    return f"[{c.n}] " + "，".join(bits) + (f"：“{quote}”" if quote else "")


def _number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def file_name(conv: Conversation, ext: str) -> str:
    """问答记录_<title>_<date>.<ext>, safe on Windows and Linux."""
    stem = _SAFE_NAME.sub("_", conv.title.rstrip("…")).strip("_.")[:30] or "对话"
    day = (conv.created_at or "")[:10].replace("-", "")
    return f"问答记录_{stem}{'_' + day if day else ''}.{ext}"


def _meta(conv: Conversation) -> list[str]:
    return [f"用户：{conv.user}", f"开始于：{full_time(conv.created_at)}", f"最后提问：{full_time(conv.updated_at)}",
            f"共 {len(conv.turns)} 问"]


def _turn_meta(t: Turn) -> str:
    bits = [f"提问时间：{full_time(t.asked_at)}"]
    if t.route in ROUTE_LABELS:
        bits.append(f"依据：{ROUTE_LABELS[t.route]}")
    if t.unverified:
        bits.append("未能核对的数字：" + "、".join(t.unverified))
    return " · ".join(bits)


def _paragraphs(t: Turn) -> list[str]:
    return [p.strip() for p in (t.answer or NO_ANSWER).strip().split("\n") if p.strip()] or [NO_ANSWER]


def _md(s: str) -> str:
    """Text from a report or a model, shown as written: Markdown's emphasis and HTML characters escaped."""
    return re.sub(r"([\\`*_<>])", r"\\\1", s or "")


# ---------------------------------------------------------------- Markdown
def to_markdown(conv: Conversation) -> str:
    out = [f"# 问答记录：{_md(conv.title)}", ""]
    out += [f"- {_md(m)}" for m in _meta(conv)]
    out.append("")
    for i, t in enumerate(conv.turns, 1):
        out += [f"## {cn_number(i)}、{_md(t.question)}", "", f"*{_md(_turn_meta(t))}*", ""]
        for para in _paragraphs(t):
            out += [_md(para), ""]
        if t.citations:
            out += ["**出处：**", ""]
            out += [f"- {_md(citation_line(c))}" for c in t.citations]
            out.append("")
    out.append(f"*{FOOTNOTE}*")
    return "\n".join(out) + "\n"


def write_markdown(conv: Conversation, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_markdown(conv), encoding="utf-8")
    return path


# ---------------------------------------------------------------- Word
def to_docx(conv: Conversation, path: str | Path) -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from assistant.brief.to_docx import page_setup

    def small(p, size=12, italic=False):
        for r in p.runs:
            r.font.size = Pt(size)
            r.italic = italic or None
        return p

    path = Path(path)
    doc = Document()
    page_setup(doc)
    title = doc.add_heading(f"问答记录：{conv.title}", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    small(doc.add_paragraph("　".join(_meta(conv)))).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, t in enumerate(conv.turns, 1):
        doc.add_heading(f"{cn_number(i)}、{t.question}", level=1)
        small(doc.add_paragraph(_turn_meta(t)))
        for para in _paragraphs(t):
            p = doc.add_paragraph(para)
            p.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
            p.paragraph_format.space_after = Pt(0)
        if t.citations:
            doc.add_heading("出处", level=2)
            for c in t.citations:
                small(doc.add_paragraph(citation_line(c))).paragraph_format.space_after = Pt(2)
    small(doc.add_paragraph(FOOTNOTE), 10.5, italic=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
