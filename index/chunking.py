"""Sections and chunks of a loaded report.

`split_sections(doc)`: the six standard parts (一、总体情况 … 六、其他需要报告的事项, numbered 一、/一./1、 …)
and, inside the prose parts, their sub-headings: （一）/(一) always; 1./（1）/一是 only when they stand alone
on their line (an inline "1.深入解读重要政策。按照…" is the lead of a paragraph, not a heading). A part
heading is recognised by its number AND its standard words, in increasing order, so the table labels
"一、本年新收…" or "四、结转下年度继续办理" never open a part.

`make_chunks(doc, meta, sections, facts)`:
- text chunks of about 300–600 characters cut at sentence ends (。！？；) and never across sections. Hard-wrapped
  PDF lines are joined. Each chunk's text is exactly the source text from (line_start, char_start) to
  (line_end, char_end), except for whitespace and line breaks: removing whitespace from both gives the same
  string. The chunk text carries no prefix (the read side quotes sentences from it); section, agency and year
  travel in the chunk's fields.
- the table parts (二、三、四) are not cut into prose: their tables are covered by one table-row chunk per
  table row built from the parsed facts ("福建省人力资源和社会保障厅 2020年 依申请公开 本年新收：自然人 60，
  …，总计 68"), spanning that row's source lines; only real sentences around the tables are kept as text.
- ids are content hashes of (file, ord, text): re-ingesting an unchanged report gives the same ids.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Optional, Sequence

from index.records import Chunk, Document, Fact, ReportMeta, Section, content_hash
from index.sentences import END_CHARS

MIN_CHARS = 300
MAX_CHARS = 600

_PART_WORDS = {
    1: ("总体情况", "概述", "基本情况", "总体"),
    2: ("主动公开",),
    3: ("收到和处理", "依申请公开", "申请情况"),
    4: ("行政复议", "行政诉讼", "复议", "诉讼"),
    5: ("存在的", "问题", "改进"),
    6: ("其他需要报告", "其他事项", "其他需报告"),
}
_PART_WORDS_STRICT = {
    1: ("总体情况",), 2: ("主动公开政府信息",), 3: ("收到和处理",), 4: ("行政复议",),
    5: ("存在的主要问题", "存在的问题", "问题及改进"), 6: ("其他需要报告",),
}
_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_PART = re.compile(r"^第?([一二三四五六1-6])(?:[、.．,，:：]|部分)")
_L2 = re.compile(r"^[（(]([一二三四五六七八九十]{1,3})[)）]")
_L3 = re.compile(r"^(?:\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}是)")
_TABLE_PARTS = (2, 3, 4)
_TABLE_PART = {"主动公开": 2, "依申请公开": 3, "复议诉讼": 4}
_TABLE_HEAD = re.compile(r"^(第二十条|信息内容|申请人情况|行政复议|行政诉讼|结果维持|本年新制作|本年制发)")
_CLOSERS = "”’」』）)》"


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _is_table_line(ln) -> bool:
    return ln.cells is not None or "\t" in ln.text or "|" in ln.text


def part_of(text: str) -> Optional[int]:
    """1..6 when the line is one of the six standard part headings."""
    t = _squash(text).strip("#*")  # Markdown "## 一、总体情况", "**一、总体情况**"
    m = _PART.match(t)
    if not m:
        return None
    head = re.split(r"[。：:]", t, maxsplit=1)[0]  # "一、总体情况。2020年，我局…": the heading is before the 。
    if len(head) > 40:
        return None
    rest = head[m.end():m.end() + 20]
    if m.group(1).isdigit():
        # "5.加强问题整改" is an item inside part one: Arabic numbers need the standard title itself
        k = int(m.group(1))
        return k if any(w in rest for w in _PART_WORDS_STRICT[k]) else None
    k = _CN[m.group(1)]
    if k == 6 and len(head) <= 12 and rest.startswith("其他"):
        return 6
    return k if any(w in rest for w in _PART_WORDS[k]) else None


def _heading_title(t: str) -> str:
    m = re.search(r"[。；：:！？]", t)
    title = t[: m.start()] if m else t
    return title[:40]


def _sub_level(text: str) -> Optional[int]:
    t = _squash(text).strip("#*")
    if not t:
        return None
    if _L2.match(t):
        return 2
    if _L3.match(t) and len(t) <= 30 and "。" not in t[:-1] and not t.endswith(("，", ",", "、")):
        return 3
    return None


# ---------------------------------------------------------------- sections
def split_sections(doc: Document) -> list[Section]:
    """Contiguous sections covering the document (0-based inclusive line indices into doc.lines)."""
    heads: list[tuple[int, list[str], Optional[int]]] = []  # (line index, path, part)
    part, part_title = None, None
    l2: Optional[str] = None
    last_part = 0
    for i, ln in enumerate(doc.lines):
        if _is_table_line(ln) or not ln.text.strip():
            continue
        k = part_of(ln.text)
        if k is not None and k > last_part:
            part, part_title, l2, last_part = k, _heading_title(_squash(ln.text).strip("#*")), None, k
            heads.append((i, [part_title], part))
            continue
        if part in _TABLE_PARTS:
            continue
        level = _sub_level(ln.text)
        if level == 2:
            l2 = _heading_title(_squash(ln.text).strip("#*"))
            heads.append((i, [p for p in (part_title, l2) if p], part))
        elif level == 3:
            heads.append((i, [p for p in (part_title, l2, _heading_title(_squash(ln.text).strip("#*"))) if p], part))
    sections: list[Section] = []
    n = len(doc.lines)
    if not heads or heads[0][0] > 0:
        end = heads[0][0] - 1 if heads else n - 1
        if end >= 0 and any(ln.text.strip() for ln in doc.lines[: end + 1]):
            sections.append(Section(path=["前言"] if heads else ["全文"], part=None, line_start=0, line_end=end))
        elif heads:  # only blank lines before the first heading: its section starts at the top
            heads[0] = (0, heads[0][1], heads[0][2])
    for j, (i, path, k) in enumerate(heads):
        end = heads[j + 1][0] - 1 if j + 1 < len(heads) else n - 1
        sections.append(Section(path=path, part=k, line_start=i, line_end=end))
    return sections


# ---------------------------------------------------------------- text chunks
@dataclass
class _Seg:
    start: int  # offset in the stream
    end: int
    idx: int  # doc.lines index
    off: int  # offset of the segment's first character in Line.text


def _stream(doc: Document, idxs: Sequence[int]) -> tuple[str, list[_Seg]]:
    """The section's prose as one string: a line break after a line that ends a sentence or is a heading,
    nothing between hard-wrapped pieces of one paragraph (PDF extraction)."""
    parts: list[str] = []
    segs: list[_Seg] = []
    pos = 0
    prev = None
    for i in idxs:
        raw = doc.lines[i].text
        stripped = raw.strip()
        if not stripped:
            continue
        if prev is not None:
            title_only = part_of(prev) is not None or (_sub_level(prev) is not None and "。" not in prev)
            wrapped = len(prev) >= 15 and not prev.endswith(tuple(END_CHARS + "：:" + _CLOSERS)) and not title_only
            joiner = "" if wrapped else "\n"
            if wrapped and prev[-1:].isascii() and prev[-1:].isalnum() and stripped[:1].isascii() \
                    and stripped[:1].isalnum():
                joiner = " "
            parts.append(joiner)
            pos += len(joiner)
        off = raw.index(stripped[0])
        segs.append(_Seg(pos, pos + len(stripped), i, off))
        parts.append(stripped)
        pos += len(stripped)
        prev = stripped
    return "".join(parts), segs


def _units(text: str) -> list[tuple[int, int]]:
    """Sentence spans; a paragraph end also ends a sentence; an over-long sentence is cut at a comma."""
    out = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in END_CHARS or ch == "\n":
            j = i + 1
            while j < n and text[j] in _CLOSERS:
                j += 1
            out.append((start, j))
            start = j
            i = j
            continue
        i += 1
    if start < n:
        out.append((start, n))
    result = []
    for a, b in out:
        while b - a > MAX_CHARS:
            cut = max(text.rfind(c, a, a + MAX_CHARS) for c in "，,、")
            cut = cut + 1 if cut > a + MIN_CHARS // 2 else a + MAX_CHARS
            result.append((a, cut))
            a = cut
        result.append((a, b))
    return [(a, b) for a, b in result if text[a:b].strip()]


def _pack(text: str, units: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cur: Optional[list[int]] = None
    for a, b in units:
        # a heading or a short lead (< 60 chars) stays with what follows, even if that overshoots a little
        if cur is not None and b - cur[0] > MAX_CHARS and cur[1] - cur[0] >= MIN_CHARS // 5:
            spans.append((cur[0], cur[1]))
            cur = None
        if cur is None:
            cur = [a, b]
        else:
            cur[1] = b
        para_end = b >= len(text) or text[b - 1] == "\n" or text[b:b + 1] == "\n"
        if cur[1] - cur[0] >= MIN_CHARS and para_end:
            spans.append((cur[0], cur[1]))
            cur = None
    if cur is not None:
        # a short tail joins the previous chunk when the two stay near the limit
        if spans and cur[1] - cur[0] < MIN_CHARS // 4 and cur[1] - spans[-1][0] <= MAX_CHARS + MIN_CHARS // 2:
            spans[-1] = (spans[-1][0], cur[1])
        else:
            spans.append((cur[0], cur[1]))
    return spans


def _locate(segs: list[_Seg], pos: int, end: bool, starts: Optional[list[int]] = None) -> tuple[_Seg, int]:
    """Stream offset -> (segment, offset in its Line.text). For an end offset, the segment holding pos-1.
    A binary search over the segments' starts (`starts`, computed once per section): a scan per chunk was
    quadratic, and 50 MB of Word XML held the write lock for minutes."""
    p = pos - 1 if end else pos
    if starts is None:
        starts = [s.start for s in segs]
    k = bisect.bisect_right(starts, p) - 1
    if k >= 0 and segs[k].start <= p < segs[k].end:
        s = segs[k]
        return s, s.off + (pos - s.start)
    raise ValueError(pos)


def _prose_lines(doc: Document, sec: Section) -> list[int]:
    idxs = list(range(sec.line_start, sec.line_end + 1))
    if sec.part not in _TABLE_PARTS:
        return idxs  # a Word table inside a prose part stays, as its tab-joined rows
    # In a table part keep only real sentences: runs of plain lines that together hold a 。 and are long enough.
    keep: list[int] = []
    run: list[int] = []

    def close():
        text = "".join(_squash(doc.lines[i].text) for i in run)
        if "。" in text and len(text) >= 10:  # "本年度未收到政府信息公开申请。" is worth keeping
            keep.extend(run)
        run.clear()

    for i in idxs[1:]:  # the part heading itself is in the section path
        ln = doc.lines[i]
        t = _squash(ln.text)
        if not t:
            continue
        cjk = sum("\u4e00" <= c <= "\u9fff" for c in t)
        plain = (not _is_table_line(ln) and len(t) >= 6 and cjk / len(t) >= 0.6 and not _TABLE_HEAD.match(t)
                 and not re.search(r"\d+\s+\d+", ln.text))
        if plain:
            run.append(i)
        else:
            close()
    close()
    return keep


def _text_chunks(doc: Document, sec: Section) -> list[tuple[str, int, int, int, int]]:
    """-> [(text, first line index, char_start, last line index, char_end)]."""
    idxs = _prose_lines(doc, sec)
    text, segs = _stream(doc, idxs)
    if not segs:
        return []
    out = []
    starts = [s.start for s in segs]
    for a, b in _pack(text, _units(text)):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a >= b:
            continue
        s0, c0 = _locate(segs, a, end=False, starts=starts)
        s1, c1 = _locate(segs, b, end=True, starts=starts)
        out.append((text[a:b], s0.idx, c0, s1.idx, c1))
    # a section that is only its heading line ("（一）强化责任意识…" directly followed by "1.…") adds nothing
    if len(out) == 1 and out[0][1] == out[0][3] == sec.line_start and len(out[0][0]) < 60 and sec.part is not None:
        return []
    return out


# ---------------------------------------------------------------- table-row chunks
def _fmt(f: Fact) -> str:
    if f.value is None:
        return {"slash": "/", "empty": "空"}.get(f.kind, f.printed or "无")
    v = float(f.value)
    return str(int(v)) if v.is_integer() else f"{v:g}"


def _row_chunks(doc: Document, meta: ReportMeta, sections: list[Section], facts: Sequence[Fact]):
    """One (text, section, first line idx, last line idx) per table row, in the order the rows appear."""
    pos = {(ln.page, ln.line): i for i, ln in enumerate(doc.lines)}
    rows: dict[tuple[str, str], list[Fact]] = {}
    for f in facts:
        rows.setdefault((f.table, f.row), []).append(f)
    head = " ".join(p for p in (meta.agency or "", f"{meta.year}年" if meta.year else "") if p)
    out = []
    for (table, row), fs in rows.items():
        text = f"{head} {table} {row}：".lstrip() + "，".join(f"{f.column} {_fmt(f)}" for f in fs)
        idx = []
        for f in fs:
            s = f.source
            if s is None:
                continue
            for ln_no in {s.line, s.line_end or s.line}:
                if (s.page, ln_no) in pos:
                    idx.append(pos[(s.page, ln_no)])
        part = _TABLE_PART.get(table)
        sec = next((s for s in sections if s.part == part), None)
        if idx:
            first, last = min(idx), max(idx)
        elif sec is not None:  # facts without a source (hand-entered): the table's part as the span
            first, last = sec.line_start, sec.line_end
        else:
            first, last = 0, len(doc.lines) - 1
        label = " > ".join(sec.path) if sec else table
        out.append((text, label, first, last))
    out.sort(key=lambda r: r[2])
    return out


def make_chunks(doc: Document, meta: ReportMeta, sections: list[Section], facts: Sequence[Fact]) -> list[Chunk]:
    lines = doc.lines
    pieces = []  # (first idx, text, kind, section, last idx, char_start, char_end)
    for sec in sections:
        label = " > ".join(sec.path)
        for text, i0, c0, i1, c1 in _text_chunks(doc, sec):
            pieces.append((i0, text, "text", label, i1, c0, c1))
    for text, label, i0, i1 in _row_chunks(doc, meta, sections, facts):
        pieces.append((i0, text, "table_row", label, i1, None, None))
    pieces.sort(key=lambda p: (p[0], p[2] == "table_row"))
    chunks = []
    for ord_, (i0, text, kind, label, i1, c0, c1) in enumerate(pieces):
        first, last = lines[i0], lines[i1]
        chunks.append(Chunk(
            id=content_hash(doc.file, ord_, text), file=doc.file, text=text, kind=kind, section=label,
            line_start=first.line, line_end=last.line, page=first.page, page_end=last.page, ord=ord_,
            agency=meta.agency, year=meta.year, level=meta.level, char_start=c0, char_end=c1))
    return chunks


__all__ = ["split_sections", "make_chunks", "part_of", "MIN_CHARS", "MAX_CHARS"]
