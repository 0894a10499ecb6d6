"""The composer: numbered citations, template answers for table results, quoted evidence for text questions,
and the prompt files (prompts/); caveats and refusals are in notes.py.

Quotes are exact text from the report file (whitespace normalised) with the line span they occupy, so a reader
can check every sentence. Numbers in template answers come only from facts and table_tool's arithmetic.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from assistant.answering.question import ReportInfo
from assistant.answering.table_results import Difference, Item, Ranking, Shares, Sum, TableAnswer
from assistant.answering.table_tool import fmt
from index.library import LibraryFact
from index.config import PROMPTS_DIR
from index.errors import ConfigError
from index.records import Citation


# ---------------------------------------------------------------- prompts
def load_prompt(name: str, **values) -> str:
    """Prompt files are plain text with {placeholders}; a missing value is an error that names it."""
    path = Path(PROMPTS_DIR) / f"{name}.txt"
    if not path.exists():
        raise ConfigError(f"prompt file {path} is missing; restore it from git")
    text = path.read_text(encoding="utf-8")
    needed = set(re.findall(r"\{(\w+)\}", text))
    missing = needed - set(values)
    if missing:
        raise ConfigError(f"prompt {path.name}: no value for placeholder(s) {', '.join(sorted(missing))}")
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), text).strip()


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


@dataclass
class Draft:
    text: str
    key_numbers: list[str] = field(default_factory=list)  # an LLM rephrasing must keep these
    facts: list[str] = field(default_factory=list)  # fact sentences for the LLM prompt
    computed: list[float] = field(default_factory=list)
    refused: bool = False
    evidence: list[int] = field(default_factory=list)  # citation numbers of quoted passages
    notes: list[str] = field(default_factory=list)  # caveats shown after any phrasing (uneven library …)
    preface: str = ""  # a caveat said before the answer, phrasing or not (the table has no such cell …)
    lead: bool = False  # the LLM writes a lead sentence above the template instead of replacing it (简报)
    details: str = ""  # template text kept after the LLM's sentence (per-report breakdown of an aggregate)
    extractive: str = ""  # why this answer is never given to the LLM to rephrase (said in the checks)

    def add_note(self, note: str, first: bool = False) -> None:
        """A caveat the answer must carry (a conflict, an unread table, a gap in the library, how a year was
        read): a part of the draft, kept after any phrasing, and in its text — after it, or before it."""
        if first:
            self.preface, self.text = note + self.preface, note + self.text
        else:
            self.notes.append(note)
            self.text += note


# ---------------------------------------------------------------- how a report is named to staff
UNNAMED = "（发布机关未能识别）"


def who(year: Optional[int], agency: Optional[str]) -> str:
    """'2020年福建省人力资源和社会保障厅'; an unknown year or agency said in words, never "None"."""
    return f"{f'{year}年' if year else '（年度未能识别）'}{agency or UNNAMED}"


def year_name(year) -> str:
    return f"{year}年" if year else "（年度未能识别）"


def key_name(key) -> str:
    """A group key as printed: an agency, a year or a part — a missing one in words."""
    return UNNAMED if key is None else str(key)


# ---------------------------------------------------------------- table answers
def _who(i: Item) -> str:
    return who(i.year, i.agency)


def _val(i: Item) -> str:
    if i.value is None:
        return "报告中无此数值"
    v = f"{fmt(i.value)}{i.quantity.unit}"
    if i.quantity.money:
        cell = next((c for c in i.cells if c.printed), None)
        if cell and "万" in (cell.printed or ""):
            v += f"（报告原文为“{squash(cell.printed)}”）"
        elif cell and (cell.unit == "万元" or "万元" in cell.column):
            v += f"（表中单位为万元，原文为“{squash(cell.printed)}”）"
    if len(i.cells) > 1:
        v += f"（{i.formula}）"
    return v


def table_draft(ta: TableAnswer, cites: Citations) -> Draft:
    q, r, op = ta.query, ta.result, ta.operation
    d = Draft(text="", computed=list(ta.computed))
    items = [i for i in ta.items]
    main = items[0].quantity if items else None
    label = main.display if main else ""
    unit = main.unit if main else ""
    parts: list[str] = []
    if op in ("argmax", "argmin", "rank") and ta.groups and isinstance(r, Ranking):
        pct = unit == "%"
        word = ("最低" if pct else "最少") if op == "argmin" else ("最高" if pct else "最多")
        if q.by == "year":
            scope = f"{'、'.join(q.agencies)}" if q.agencies else "按库中全部报告合计"
            who = "、".join(f"{k}年" for k in r.ties or [r.winner])
            tie = "并列" if len(r.ties) > 1 else ""
            parts.append(f"{scope}，{who}{label}{tie}{word}，{'各' if tie else '共'}{fmt(r.value)}{unit}{_win_marks(ta, cites)}。")
            for g in ta.groups:
                detail = "，".join(f"{i.agency or UNNAMED}{fmt(i.value)}{unit}{cites.marks(i.cells)}" for i in g.items if i.value is not None)
                n = len(g.items)
                total = f"合计{g.formula}{unit}" if n > 1 else f"{fmt(g.value)}{unit}"
                parts.append(f"{year_name(g.key)}：{total}（{n}份报告：{detail}）。")
        elif q.by == "part":
            base = q.whole or re.sub(r"（[^（）]*）$", "", label)
            who = _who(items[0]) if len({i.file for i in items}) == 1 else ""
            ties = r.ties or [r.winner]
            tie = "并列" if len(ties) > 1 else ""
            if r.value == 0 and op != "rank":
                parts.append(f"{who}{base}各类均为0{unit}{_win_marks(ta, cites)}。")
            else:
                parts.append(f"{who}{base}中，{'、'.join(map(str, ties))}{tie}{word}，{'各' if tie else ''}"
                             f"{fmt(r.value)}{unit}{_win_marks(ta, cites)}。")
            parts.append("各类：" + "；".join(f"{k + 1}. {g.key} {fmt(g.value)}{unit}" + "".join(
                cites.marks(i.cells) for i in g.items) for k, g in enumerate(ta.groups) if g.value is not None)
                + f"（各类合计{fmt(r.total)}{unit}）。")
        else:
            yrs = "、".join(f"{y}年" for y in q.years) if q.years else ""
            ties = r.ties or [r.winner]
            tie = "并列" if len(ties) > 1 else ""
            parts.append(f"{yrs}{label}{tie}{word}的是{'、'.join(map(key_name, ties))}，{'各' if tie else ''}{fmt(r.value)}{unit}"
                         f"{_win_marks(ta, cites)}。")
            ranked = "；".join(f"{k + 1}. {key_name(g.key)} {fmt(g.value)}{unit}" + "".join(cites.marks(i.cells) for i in g.items)
                               for k, g in enumerate(ta.groups) if g.value is not None)
            parts.append(("排名：" if op == "rank" else "各单位：") + ranked + "。")
        if r.spread:
            hi, lo, gap = r.spread.high, r.spread.low, r.spread.gap
            suffix = "年" if q.by == "year" else ""
            parts.append(f"最多的{hi.key}{suffix}比最少的{lo.key}{suffix}多{fmt(gap)}{unit}"
                         f"（{fmt(hi.value)} − {fmt(lo.value)} = {fmt(gap)}）。")
        d.key_numbers = [str(r.winner), fmt(r.value)]
    elif op == "list" and ta.groups:
        withs = [g for g in ta.groups if (g.value or 0) > 0]
        zero = [g for g in ta.groups if g.value == 0]
        if withs:
            parts.append(f"报告中有{label}的单位：" + "；".join(
                f"{key_name(g.key)}（" + "，".join(f"{i.year}年{fmt(i.value)}{unit}{cites.marks(i.cells)}" for i in g.items
                                       if i.value is not None) + "）" for g in withs) + "。")
        else:
            parts.append(f"库中报告均没有{label}（数值为0）。")
        if zero:
            parts.append("为0的：" + "；".join(key_name(g.key) + "".join(cites.marks(i.cells) for i in g.items) for g in zero) + "。")
        d.key_numbers = [fmt(g.value) for g in withs]
    elif op == "diff" and isinstance(r, Difference):
        a, b, diff = r.start, r.end, r.diff
        word = "增加" if diff > 0 else ("减少" if diff < 0 else "持平，变化")
        pct = f"，{'增长' if diff > 0 else '下降'}{fmt(abs(r.pct))}%" if r.pct not in (None, 0) else ""
        # the answer first ("…比…少36件（68 − 32 = 36）"), then the two figures it comes from, each cited
        if a.agency != b.agency:
            # two agencies are compared, not one changing: "厦门…比福建…少36件", in the order the question named them
            more = "多" if a.value > b.value else "少" if a.value < b.value else "持平，相差"
            same = a.year == b.year
            parts.append(f"{year_name(a.year) if same else ''}{a.agency or UNNAMED if same else _who(a)}{label}比"
                         f"{b.agency or UNNAMED if same else _who(b)}{more}{fmt(abs(diff))}{unit}（{ta.formula}）："
                         f"{a.agency or UNNAMED}{_val(a)}{cites.marks(a.cells)}，{b.agency or UNNAMED}{_val(b)}"
                         f"{cites.marks(b.cells)}。")
        elif a.year != b.year:
            change = f"{word}了{fmt(abs(diff))}{unit}（{ta.formula}{pct}）"
            if pct and a.value and re.search(r"百分之|百分比|%|幅度|增幅|降幅|增长率|下降率", q.text):
                # asked for the rate: it leads, with its own formula
                change = (f"{'增长' if diff > 0 else '下降'}{fmt(abs(r.pct))}%（({fmt(b.value)} − {fmt(a.value)}) ÷ "
                          f"{fmt(a.value)} = {fmt(r.pct)}%），{word}{fmt(abs(diff))}{unit}")
            parts.append(f"{a.agency or UNNAMED}{year_name(b.year)}{label}比{year_name(a.year)}{change}："
                         f"{year_name(a.year)}{_val(a)}{cites.marks(a.cells)}，{year_name(b.year)}{_val(b)}"
                         f"{cites.marks(b.cells)}。")
        else:
            parts.append(f"{_who(a)}{label}{_val(a)}{cites.marks(a.cells)}，{_who(b)}{_val(b)}{cites.marks(b.cells)}；"
                         f"{word}了{fmt(abs(diff))}{unit}（{ta.formula}{pct}）。")
        d.key_numbers = [fmt(abs(diff))]
    elif op == "ratio" and isinstance(r, Shares) and r.rows:
        for x in r.rows:
            num, den = x.num, x.den
            parts.append(f"{_who(num)}{num.display}占{den.display}的{fmt(x.pct)}%（{x.formula}）：{num.display}"
                         f"{_val(num)}{cites.marks(num.cells)}，{den.display}{_val(den)}{cites.marks(den.cells)}。")
            d.key_numbers.append(fmt(x.pct))
    elif op == "sum" and isinstance(r, Sum):
        several = len({i.quantity.id for i in items}) > 1
        mains = [i for i in items if (i.quantity == main or several) and i.value is not None]
        what = "、".join(dict.fromkeys(i.display for i in mains)) if several else label
        parts.append(f"{what}合计{fmt(r.total)}{unit}（{ta.formula}）：" +
                     "；".join(f"{_who(i)}{i.display if several else ''}{_val(i)}{cites.marks(i.cells)}" for i in mains)
                     + "。")
        d.key_numbers = [fmt(r.total)]
    elif op == "trend" and ta.groups:
        seq = "→".join(f"{year_name(g.key)}{fmt(g.value)}{unit}" + "".join(cites.marks(i.cells) for i in g.items) for g in ta.groups)
        who = "、".join(q.agencies) if q.agencies else "库中报告合计"
        parts.append(f"{who}{label}逐年情况：{seq}。")
        known = [g for g in ta.groups if g.value is not None]
        for a, b in zip(known, known[1:]):
            dv = b.value - a.value
            parts.append(f"{b.key}年比{a.key}年{'增加' if dv >= 0 else '减少'}{fmt(abs(dv))}{unit}。")
        d.key_numbers = [fmt(g.value) for g in known]
    if not parts:  # lookup / compare / anything that fell through: one sentence per item
        for i in items:
            if i.value is None:
                continue
            parts.append(f"{_who(i)}{i.display}：{_val(i)}{cites.marks(i.cells)}。")
            d.key_numbers.append(fmt(i.value))
    d.text = "".join(parts)
    d.facts = [p for p in parts]
    if op in ("argmax", "argmin", "rank") and len(parts) > 1:
        # the model rephrases the headline only; the breakdown follows as the template wrote it
        d.facts, d.details = parts[:1], "".join(parts[1:])
    d.notes = list(dict.fromkeys(ta.notes))
    d.text += "".join(d.notes)
    return d


def _win_marks(ta: TableAnswer, cites: Citations) -> str:
    win = set(ta.result.ties or [ta.result.winner]) if isinstance(ta.result, Ranking) else set()
    return "".join(cites.marks(i.cells) for g in ta.groups if g.key in win for i in g.items)
