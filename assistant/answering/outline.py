"""The outline of a report's prose, and the one place its sentences are cut with the exact lines they occupy.

Answers (narrative questions) and the 简报 both quote a report by its structure: the six parts, the sub-headings
（一）（二） inside them, and the numbered items (1. / 一是 / （1）) inside those. Parts and sub-headings come from
the stored text chunks' section paths (the chunker's tested heading rules, which also survive a report that
numbers （三） twice); the items are found here in the report's own lines, where a numbering run 1, 2, 3 (or
一是, 二是 …) at a sentence start says where each item begins — inline ("。二是…") or on its own line alike.

Everything is cut from `Library.source_lines` (Line records), so a quote's line span is exact even when a PDF
hard-wrapped it; planted text (index/planted.py) is never a sentence here, so it is never quoted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from index.planted import is_planted
from index.sentences import END_CHARS

PART_HEAD = re.compile(r"^\s?([一二三四五六])[、.．]\s*(总体情况|主动公开|收到和处理|政府信息公开行政复议|存在|.*其他需要报告)")
PART_NO = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}
HEADING = re.compile(r"^(（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、|\d{1,2}[.．、](?!\d)"
                     r"|[（(]\d{1,2}[)）])")
CUT = "\x00"  # a sentence boundary that is not punctuation (around a heading), never part of a quote
_ENDS = set(END_CHARS) | {CUT}
_NUMBERS_ONLY = re.compile(r"^[\s|\d.,，%％\-－—/]*$")  # a table row's cells left among the prose ("\t0")
_CN = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}

Lines = list[tuple[int, Optional[int], str]]  # (line, page, text), as the loader numbered them at ingest


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def flat(text: str) -> str:
    return re.sub(r"\s+", "", (text or "").replace(CUT, ""))


@dataclass
class Quote:
    file: str
    agency: Optional[str]
    year: Optional[int]
    text: str
    line_start: int
    line_end: int
    page: Optional[int] = None
    section: Optional[str] = None
    page_end: Optional[int] = None


def source_lines(library, file: str) -> Lines:
    """(line, page, text) for every line of a report, as the loader numbered them at ingest."""
    try:
        lines = library.source_lines(file) or []
    except Exception:  # a copy that no longer loads: no quotes from it
        lines = []
    return [(ln.line, ln.page, ln.text) for ln in lines]


def part_number(title: str) -> Optional[int]:
    m = re.match(r"\s*([一二三四五六])[、.．]", title or "")
    return PART_NO[m.group(1)] if m else None


def chunk_spans(library, file: str, lines: Lines) -> list[tuple[list[str], int, int]]:
    """(section path, first line index, last line index) of each stored text chunk, in order."""
    pos = {(pg, ln): i for i, (ln, pg, _) in enumerate(lines)}
    out = []
    for c in library.chunks(file, kinds=["text"]):
        a = pos.get((c.page, c.line_start))
        b = pos.get((c.page_end if c.page_end is not None else c.page, c.line_end))
        if a is not None and b is not None:
            out.append(([p.strip() for p in str(c.section or "").split(">") if p.strip()], a, b))
    return out


def part_spans(library, file: str, part: int, lines: Lines) -> list[tuple[int, int]]:
    """Index ranges (into `lines`) of one of the six standard parts: from the stored text chunks' section paths,
    or, when the store has no chunks for the file, from the part headings in the lines themselves."""
    spans = [(a, b) for path, a, b in chunk_spans(library, file, lines) if path and part_number(path[0]) == part]
    if spans:
        return spans
    start = None
    for i, (_, _, t) in enumerate(lines):
        m = PART_HEAD.match(t)
        if not m or t.startswith("\t"):
            continue
        n = PART_NO[m.group(1)]
        if n == part:
            start = i
        elif start is not None and n > part:
            return [(start, i - 1)]
    return [(start, len(lines) - 1)] if start is not None else []


class Stream:
    """The prose of some line ranges as one string whose every character knows its line: hard-wrapped lines
    joined, a heading set apart by CUT, part headings and leftover table cells dropped."""

    def __init__(self, lines: Lines, spans: list[tuple[int, int]]):
        self.lines = lines
        width = _line_width(lines)
        buf, owners = [], []
        for a, b in spans:
            if buf:
                buf.append(CUT)
                owners.append(owners[-1])
            for i in range(a, b + 1):
                t = squash(lines[i][2])
                if not t or _NUMBERS_ONLY.match(t) or (PART_HEAD.match(t) and len(t) <= 30):
                    continue
                if HEADING.match(t):  # a sub-heading starts a sentence; alone on its line it is one
                    wrapped = width and len(t) >= width - 2  # a PDF line the heading ran off the end of
                    t = CUT + t + (CUT if len(t) <= 40 and not re.search(r"[。；;！？!?]", t) and not wrapped else "")
                elif buf and re.search(r"[A-Za-z0-9]$", buf[-1]) and re.match(r"[A-Za-z0-9]", t):
                    t = " " + t
                buf.append(t)
                owners += [i] * len(t)
        self.text = "".join(buf)
        self.owners = owners

    def sentences(self, a: int = 0, e: Optional[int] = None) -> list[tuple[int, int]]:
        """(start, end) offsets of the sentences in [a, e), each with its end mark."""
        e = len(self.text) if e is None else e
        out, s = [], a
        for i in range(a, e):
            if self.text[i] in _ENDS:
                if self.text[s:i + 1].strip(" " + CUT):
                    out.append((s, i + 1))
                s = i + 1
        if s < e and self.text[s:e].strip(" " + CUT):
            out.append((s, e))
        return out

    def quote(self, a: int, e: int, file: str, agency: Optional[str], year: Optional[int],
              section: Optional[str]) -> Optional[Quote]:
        """The text in [a, e) as a Quote with its lines; None when it is too short or planted."""
        raw = self.text[a:e]
        lead = len(raw) - len(raw.lstrip(" " + CUT))
        body = raw.strip(" " + CUT).rstrip("；;，,、")
        txt = squash(body.replace(CUT, " "))
        if len(flat(txt)) < 6 or is_planted(txt):
            return None
        i0, i1 = self.owners[a + lead], self.owners[a + lead + len(body) - 1]
        (l0, p0, _), (l1, p1, _) = self.lines[i0], self.lines[i1]
        return Quote(file, agency, year, txt, l0, l1, p0, section, p1 if p1 != p0 else None)


def _line_width(lines: Lines) -> int:
    """A PDF's printed line width in characters (0 for files whose paragraphs are whole lines)."""
    lens = sorted(len(flat(t)) for _, _, t in lines if len(flat(t)) >= 8)
    if len(lens) < 20:
        return 0
    w = lens[int(len(lens) * 0.8)]
    return w if w <= 60 else 0


def sentences(lines: Lines, spans: list[tuple[int, int]], file: str, agency: Optional[str], year: Optional[int],
              section: str) -> list[Quote]:
    """Sentences of the spans with the exact lines they come from; the part's heading line is skipped."""
    out: list[Quote] = []
    for span in spans:
        st = Stream(lines, [span])
        out += [q for a, e in st.sentences() if (q := st.quote(a, e, file, agency, year, section))]
    return out


# ---------------------------------------------------------------- parts, sub-headings, items
_MARKERS = (  # numbering families of items, each with how its ordinal reads
    re.compile(r"(\d{1,2})[.．、](?!\d)"),
    re.compile(r"([一二三四五六七八九十]{1,3})是"),
    re.compile(r"[（(](\d{1,2})[)）]"),
    re.compile(r"[（(]([一二三四五六七八九十]{1,3})[)）]"),
)


def _ordinal(s: str) -> int:
    if s.isdigit():
        return int(s)
    if len(s) == 1:
        return _CN.get(s, 0)
    if s[0] == "十":
        return 10 + _CN.get(s[1:], 0)
    return _CN.get(s[0], 0) * 10 + (_CN.get(s[2:], 0) if len(s) > 2 else 0)


@dataclass
class Node:
    """A part, a sub-heading or an item: where it is in its stream, its heading, the items under it."""

    title: str  # the heading's words without its number ("加强政策解读，主动引导预期"); "" for an untitled item
    path: str  # "一、总体情况 > （一）加强政策解读，主动引导预期" (the chunks' section path; an item adds nothing)
    level: int  # 1 part, 2 sub-heading, 3 item, 4–5 its sub-items
    part: Optional[int]
    stream: Stream
    a: int  # its number's offset in the stream
    body: int  # where its own words begin (after a heading that stands alone)
    e: int
    group: int = 0  # items: which numbering run (一是… again after "改进情况：") it belongs to
    children: list["Node"] = field(default_factory=list)

    def head(self) -> str:
        """Its first sentence, the words its topic is read from."""
        s = self.stream.sentences(self.body, self.e)
        return flat(self.stream.text[s[0][0]:s[0][1]]) if s else ""

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


def _at_start(text: str, p: int, a: int, comma: bool) -> bool:
    """A number at `p` opens an item: at the range start, after a sentence end, a heading or a colon."""
    q = p - 1
    while q >= a and text[q] == " ":
        q -= 1
    return q < a or text[q] in _ENDS or text[q] in "：:" or (comma and text[q] in "，,")


def items(st: Stream, a: int, e: int) -> list[tuple[int, int, int, int]]:
    """(start, body, end, group) of the numbered items in [a, e): the family whose first number comes first and
    runs 1, 2, 3 … (a 1 again opens a new run: 存在问题 一是… then 改进措施 一是…)."""
    best: list[tuple[int, int, int]] = []
    for k, pat in enumerate(_MARKERS):
        run, expected, group = [], 1, -1
        for m in pat.finditer(st.text, a, e):
            if not _at_start(st.text, m.start(), a, comma=k == 1):
                continue
            n = _ordinal(m.group(1))
            if n == 1:
                group += 1
            elif n != expected or not run:
                continue
            run.append((m.start(), m.end(), group))
            expected = n + 1
        if len(run) >= 2 and (not best or run[0][0] < best[0][0]):
            best = run
    out = []
    for j, (s, b, g) in enumerate(best):
        end = best[j + 1][0] if j + 1 < len(best) else e
        if j + 1 < len(best) and best[j + 1][2] != g:  # the next run's lead ("针对这些问题…改进：") is not this item's
            cut = max((i + 1 for i in range(b, end) if st.text[i] in _ENDS), default=end)
            end = cut
        out.append((s, b, end, g))
    return out


def _children(node: Node, depth: int) -> None:
    if depth <= 0:
        return
    for s, b, end, g in items(node.stream, node.body, node.e):
        sent = node.stream.sentences(b, end)
        title = flat(node.stream.text[sent[0][0]:sent[0][1]]).rstrip("。；;：:") if sent else ""
        child = Node(title if len(title) <= 30 else "", node.path, node.level + 1, node.part, node.stream, s, b, end, g)
        node.children.append(child)
        _children(child, depth - 1)


def _heading_body(st: Stream, heading: str) -> int:
    """Offset after the sub-heading `heading` at the stream's start ("（一）主动公开。" inline, or alone on its
    line); 0 when the stream does not open with it (its first chunk starts at an item: "1.推进门户网站…")."""
    text = st.text
    i = len(text) - len(text.lstrip(" " + CUT))
    mine, there = HEADING.match(heading.strip()), HEADING.match(text[i:])
    if not mine or not there or re.sub(r"\s", "", mine.group(0)).translate(_HALF) != \
            re.sub(r"\s", "", there.group(0)).translate(_HALF):
        return 0
    for j in range(i, len(text)):
        if text[j] in _ENDS:
            return j + 1
    return 0


_HALF = str.maketrans("（）", "()")


def outline(library, file: str, lines: Optional[Lines] = None) -> list[Node]:
    """The report's parts (level 1) in order, each with its sub-headings (level 2) or, when it has none, its
    numbered items; a sub-heading with its items (level 3) and theirs (level 4)."""
    lines = lines if lines is not None else source_lines(library, file)
    if not lines:
        return []
    by_part: dict[str, list] = {}
    for path, a, b in chunk_spans(library, file, lines):
        if path and part_number(path[0]):
            by_part.setdefault(path[0], []).append((path, a, b))
    parts = []
    for title, chunks in by_part.items():
        st = Stream(lines, _merged([(a, b) for _p, a, b in chunks]))
        part = Node(re.sub(r"^[一二三四五六][、.．]\s*", "", title), title, 1, part_number(title), st, 0, 0,
                    len(st.text))
        subs: dict[str, list] = {}
        for path, a, b in chunks:
            if len(path) > 1:
                subs.setdefault(path[1], []).append((a, b))
        for sub, spans in subs.items():
            spans = _with_heading(lines, sub, _merged(spans))
            sst = Stream(lines, spans)
            node = Node(re.sub(rf"^{HEADING.pattern[1:]}", "", sub).strip(), f"{title} > {sub}", 2, part.part, sst,
                        0, _heading_body(sst, sub), len(sst.text))
            _children(node, 3)
            part.children.append(node)
        part.children.sort(key=lambda n: n.stream.owners[0] if n.stream.owners else 0)
        if not part.children:
            _children(part, 3)
        parts.append(part)
    parts.sort(key=lambda n: n.stream.owners[0] if n.stream.owners else 0)
    return parts


def _with_heading(lines: Lines, heading: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A sub-heading alone on its line holds no sentence, so no chunk may start at it ("（三）推进平台建设，优化
    服务功能" above "1.推进门户网站…"): its line is taken back in front of the section's first chunk."""
    i = spans[0][0] - 1
    while i >= 0 and not lines[i][2].strip():
        i -= 1
    if i >= 0 and flat(lines[i][2]).startswith(flat(heading)[:12]) and HEADING.match(flat(lines[i][2])):
        return [(i, spans[0][1])] + spans[1:]
    return spans


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + 2:  # adjacent, or one blank line apart
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]
