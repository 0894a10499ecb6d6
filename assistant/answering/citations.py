"""Where an answer's quotes and figures come from: the report files' lines (SourceFiles, a snippet located in
them exactly) and the numbered evidence list of one answer (Citations: a cell, a passage, or a figure computed
from several cells as one citation carrying them).

Quotes are exact text from the report file (whitespace normalised) with the line span they occupy, so a reader
can check every sentence.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

from assistant.answering.question import ReportInfo
from assistant.answering.table_tool import fmt
from index.library import LibraryFact
from index.records import Citation


# ---------------------------------------------------------------- the report files, for exact quotes
_CJK = "\u4e00-\u9fff\u3000-\u303f\uff00-\uffef“”‘’《》"


# outline numbers: （一） (1) 一、 1. — a short line opening with one is a heading, not a wrapped sentence
OUTLINE_NUMBER = r"(?:[（(](?:[一二三四五六七八九十]+|\d{1,2})[)）]|[一二三四五六七八九十]+[、.．]|\d{1,2}[、.．](?!\d))"
_HEAD_LINE = re.compile(rf"^{OUTLINE_NUMBER}[^。；！？]{{0,30}}$")


def squash(text: str) -> str:
    """Whitespace-normalised form used for quotes: runs of whitespace become one space."""
    return re.sub(r"\s+", " ", text or "").strip()


def line_tuples(src) -> list[tuple[str, int, Optional[int]]]:
    """(text, line, page) of each source line, whichever shape the store handed back (str, dict, tuple, Line)."""
    out = []
    for i, ln in enumerate(src):
        if isinstance(ln, str):
            out.append((ln, i + 1, None))
        elif isinstance(ln, dict):
            out.append((ln.get("text", ""), int(ln.get("line", i + 1)), ln.get("page")))
        elif isinstance(ln, (tuple, list)):
            out.append((str(ln[0]), int(ln[1]) if len(ln) > 1 else i + 1, ln[2] if len(ln) > 2 else None))
        else:
            out.append((ln.text, int(ln.line), getattr(ln, "page", None)))
    return out


class SourceFiles:
    """Lines of each report as the library stores them, and where a snippet sits in them."""

    def __init__(self, library):
        self.library = library
        self._cache: dict[str, list[tuple[str, int, Optional[int]]]] = {}
        self._index: dict[str, tuple[str, list[int]]] = {}

    def lines(self, file: str) -> list[tuple[str, int, Optional[int]]]:
        if file not in self._cache:
            self._cache[file] = self._load(file)
        return self._cache[file]

    def _load(self, file: str):
        try:
            src = self.library.source_lines(file)
        except Exception:  # a copy that no longer loads: the citation keeps its line numbers, without the text
            src = None
        return line_tuples(src) if src else []

    def scan_ref(self, file: str, page: Optional[int], line_start: int, line_end: int) -> Optional[str]:
        """扫描件识别 第p页 框(…) when the quoted lines were read by OCR from a page image, else None."""
        from index.loaders.ocr import passage_ref

        try:
            lines = self.library.source_lines(file) if hasattr(self.library, "source_lines") else None
        except Exception:  # no stored copy: the citation keeps its page and line
            return None
        return passage_ref(lines or [], page, line_start, line_end)

    def line_text(self, file: str, line: int, page: Optional[int] = None) -> Optional[str]:
        for t, n, p in self.lines(file):
            if n == line and (page is None or p == page):
                return t
        return None

    def _build(self, file: str):
        if file not in self._index:
            chars, owner = [], []
            for idx, (t, _n, _p) in enumerate(self.lines(file)):
                for ch in t:
                    if not ch.isspace():
                        chars.append(ch)
                        owner.append(idx)
            self._index[file] = ("".join(chars), owner)
        return self._index[file]

    def locate(self, file: str, snippet: str, near: Optional[tuple[Optional[int], int]] = None):
        """(line_start, line_end, page, quote, page_end) of `snippet` in the file, or None. `near`: (page, line)."""
        flat, owner = self._build(file)
        key = re.sub(r"\s+", "", snippet)
        if not key:
            return None
        hits = [m.start() for m in re.finditer(re.escape(key), flat)]
        if not hits:
            return None
        lines = self.lines(file)
        if near and len(hits) > 1:
            target = next((i for i, (_t, n, p) in enumerate(lines) if n == near[1] and (near[0] is None or p == near[0])), 0)
            hits.sort(key=lambda h: abs(owner[h] - target))
        a = hits[0]
        i0, i1 = owner[a], owner[a + len(key) - 1]
        quote = self._exact(lines, i0, i1, key)
        return lines[i0][1], lines[i1][1], lines[i0][2], quote, lines[i1][2]

    @staticmethod
    def _exact(lines, i0: int, i1: int, key: str) -> str:
        """The snippet as printed in lines i0..i1 (spaces kept, then squashed), not our normalised copy."""
        text = "\n".join(lines[i][0] for i in range(i0, i1 + 1))
        pat = r"\s*".join(re.escape(c) for c in key)
        m = re.search(pat, text)
        if not m:
            return key
        # a line break inside Chinese text is the page's wrap, not a space the author wrote ("政\n府信息"); after a
        # heading line ("五、存在的主要问题及改进情况") it stays a break
        parts = m.group(0).split("\n")
        out = parts[0]
        for nxt in parts[1:]:
            last = out.rsplit("\n", 1)[-1]
            wrap = re.search(rf"[{_CJK}][ \t\u3000]*$", out) and re.match(rf"\s*[{_CJK}]", nxt) \
                and not _HEAD_LINE.match(last.strip())
            out = out.rstrip() + nxt.lstrip() if wrap else out + "\n" + nxt
        return squash(out)


# ---------------------------------------------------------------- numbered citations
class Citations:
    """The numbered evidence list of one answer; cells and passages are de-duplicated."""

    def __init__(self, sources: SourceFiles, reports: Iterable[ReportInfo]):
        self.sources = sources
        self.meta = {r.file: r for r in reports}
        self.items: list[Citation] = []
        self._keys: dict[tuple, int] = {}
        self._printed: dict[int, str] = {}  # a cell's value as the report prints it ("3435.54万")

    def _cell(self, c: LibraryFact, n: int) -> Citation:
        line = c.line or 0
        quote = c.source_text or (self.sources.line_text(c.file, line, c.page) if line else None) or ""
        return Citation(n=n, file=c.file, agency=c.agency, year=c.year, kind="cell", quote=squash(quote),
                        line_start=line, line_end=c.line_end or line, page=c.page, table=c.table, row=c.row,
                        column=c.column, value=c.value,
                        scan=c.cell_ref if (c.cell_ref or "").startswith("扫描件识别") else None)

    def cell(self, c: LibraryFact) -> int:
        key = ("cell", c.file, c.table, c.row, c.column)
        if key in self._keys:
            return self._keys[key]
        n = len(self.items) + 1
        self.items.append(self._cell(c, n))
        self._keys[key] = n
        if c.printed:
            self._printed[n] = squash(c.printed)
        return n

    def cells(self, cells: list[LibraryFact]) -> int:
        """One citation for a figure computed from several cells of one report, carrying them all."""
        key = ("cells",) + tuple((c.file, c.table, c.row, c.column) for c in cells)
        if key in self._keys:
            return self._keys[key]
        n = len(self.items) + 1
        parts = [self._cell(c, 0) for c in cells]
        one = lambda xs: xs[0] if len(set(xs)) == 1 else None  # noqa: E731
        rows = list(dict.fromkeys(p.row for p in parts))
        heads = list(dict.fromkeys(r.split("-")[0] for r in rows))  # 不予公开-属于国家秘密 … → 不予公开
        lines = [(p.page or 0, p.line_start, p.line_end) for p in parts if p.line_start]
        first, last = (min(lines), max(lines)) if lines else ((parts[0].page, 0, 0),) * 2
        self.items.append(Citation(
            n=n, file=parts[0].file, agency=parts[0].agency, year=parts[0].year, kind="cell",
            quote="；".join(f"{p.row}·{p.column} {fmt(p.value) if p.value is not None else '（空）'}" for p in parts),
            line_start=first[1], line_end=last[2], page=first[0] or None,
            page_end=last[0] if last[0] and last[0] != first[0] else None, table=one([p.table for p in parts]),
            row=rows[0] if len(rows) == 1 else "、".join(heads), column=one([p.column for p in parts]), cells=parts))
        self._keys[key] = n
        self._printed[n] = "；".join(squash(c.printed) for c in cells if c.printed)
        return n

    def passage(self, file: str, quote: str, line_start: int, line_end: int, page: Optional[int] = None,
                section: Optional[str] = None, page_end: Optional[int] = None) -> int:
        key = ("passage", file, line_start, quote)
        if key in self._keys:
            return self._keys[key]
        r = self.meta.get(file)
        n = len(self.items) + 1
        self.items.append(Citation(n=n, file=file, agency=r.agency if r else None, year=r.year if r else None,
                                   kind="passage", quote=quote, line_start=line_start, line_end=line_end, page=page,
                                   section=section or None, page_end=page_end if page_end != page else None,
                                   scan=self.sources.scan_ref(file, page, line_start, line_end)))
        self._keys[key] = n
        return n

    def marks(self, cells: Iterable[LibraryFact]) -> str:
        """One [n] per figure: a figure read from several cells is one citation that opens them together."""
        cells = list(cells)
        return f"[{self.cells(cells)}]" if len(cells) > 1 else "".join(f"[{self.cell(c)}]" for c in cells)

    def by_number(self) -> dict[int, list[str]]:
        """What each cited cell supports: its value (money also as printed) and its labels — not the line it
        stands on (a crawler's one-line page holds every cell of the report, runs such as 6233440 included)."""
        out = {}
        for c in self.items:
            if c.kind != "cell":
                continue
            texts = []
            for x in c.cells or [c]:  # a computed figure's citation supports what each of its cells does
                texts += [fmt(x.value)] if x.value is not None else []
                # a cell's row and column labels are the template's words: "属于四类过程性信息" names a row, and
                # its 四 is supported by the cell cited, not a figure to look up
                texts += [y for y in (x.row, x.column) if y]
            texts += [self._printed[c.n]] if self._printed.get(c.n) else []
            out[c.n] = texts
        return out

    def passage_quotes(self) -> dict[int, list[str]]:
        """Each cited passage's quote: its numbers count only where the answer quotes or attributes them
        (verify.verify's cited_passages)."""
        return {c.n: [c.quote] for c in self.items if c.kind == "passage"}
