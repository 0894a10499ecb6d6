"""What a 简报 is built from, read through the library (index/library.py, the read port):
facts, quoted sentences from the reports' text parts, audit findings,
and a numbered source book so every figure in the draft carries its [n].

Quotes: the section of a sentence comes from the stored chunks (kind="text", section path starting with
"五、" etc.); the sentence itself is cut from the report's source lines, so its line span is exact even when
a PDF hard-wrapped it over several lines — both by assistant/answering/outline.py, which the answers use too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from assistant.answering.agencies import find_agencies
from assistant.answering.question import ReportInfo, library_reports, parse_years as question_years
from assistant.answering.lexicon import load_lexicon, norm
from assistant.answering.outline import Quote, part_spans, sentences, source_lines
from index.library import LibraryFact
from index.errors import ConfigError
from index.naming import full_title
from index.records import Citation


# ---------------------------------------------------------------- agencies and years
def resolve_agency(library, name: str, reports: Optional[list[ReportInfo]] = None) -> str:
    """Lenient: 福建省人社厅 / 福建人社厅 / the full name → 福建省人力资源和社会保障厅. Unknown → an error listing
    what the library holds."""
    reports = reports if reports is not None else library_reports(library)
    held = sorted({r.agency for r in reports if r.agency})
    if norm(name) in held:
        return norm(name)
    found, _, _, _ = find_agencies(norm(name), reports, load_lexicon())
    if len(found) == 1:
        return found[0]
    what = "、".join(held) or "（空：先运行 python -m assistant ingest data/sample）"
    if len(found) > 1:
        raise ConfigError(f"机构“{name}”不唯一，可能是：{'、'.join(found)}。请写全称。")
    raise ConfigError(f"资料库中没有机构“{name}”。资料库现有：{what}")


def parse_years(text: Optional[str]) -> Optional[list[int]]:
    """'2019-2020' / '2019—2020' / '2019,2020' / '2019' → a list of years (the questions' own year reader);
    None/'' → all years held; anything else but years and separators is an error that says how to write it."""
    if not text:
        return None
    t = norm(str(text))
    years, _ = question_years(t, [])
    if not years or re.sub(r"(?:19|20)\d{2}|[-至到~,，、年\s]", "", t):
        raise ConfigError(f"无法识别年份“{text}”：请写成 2019-2020 或 2019,2020")
    return years


# ---------------------------------------------------------------- quotes
# the sentence cutter and the part locator are the answers' own (assistant/answering/outline.py): one copy
def part_quotes(library, report: ReportInfo, part: int) -> list[Quote]:
    lines = source_lines(library, report.file)
    if not lines:
        return []
    spans = part_spans(library, report.file, part, lines)
    return sentences(lines, spans, report.file, report.agency, report.year, "一二三四五六"[part - 1] + "、")


# ---------------------------------------------------------------- audit findings
@dataclass
class Finding:
    file: str
    rule: str
    scope: str
    status: str
    message: str
    other_file: Optional[str] = None


def brief_choices(library) -> tuple[list[str], list[int]]:
    """The agencies a 简报 can be drafted for (the one with most years first, so the default draft shows
    同比变化) and the years held."""
    years_of: dict[str, set[int]] = {}
    for r in library.reports():
        if r.agency and r.year:
            years_of.setdefault(r.agency, set()).add(r.year)
    agencies = sorted(years_of, key=lambda a: (-len(years_of[a]), a))
    return agencies, sorted({y for ys in years_of.values() for y in ys})


def load_findings(library, files: list[str]) -> tuple[list[Finding], int]:
    """Checks that did not pass (fail / uncertain / not_assessable) for these reports, and how many passed."""
    if not files:
        return [], 0
    out, passed = [], 0
    for c in library.checks(files=files):
        if c.status == "pass":
            passed += 1
        else:
            out.append(Finding(c.file, c.rule, c.scope, c.status, c.message, c.other_file))
    return out, passed


# ---------------------------------------------------------------- the numbered sources
@dataclass
class SourceBook:
    """Numbers sources in order of first use. A table source is one row of one report's table (the columns
    cited are listed), a text source one quoted sentence with its line span."""

    citations: list[Citation] = field(default_factory=list)
    _by_key: dict = field(default_factory=dict)

    def _number(self, key: tuple, make) -> tuple[int, bool]:
        """The source's number, and whether it is new (`make(n)` builds its Citation the first time)."""
        n = self._by_key.get(key)
        if n is not None:
            return n, False
        n = self._by_key[key] = len(self.citations) + 1
        self.citations.append(make(n))
        return n, True

    def cell(self, c: LibraryFact) -> int:
        n, new = self._number(("cell", c.file, c.table, c.row), lambda n: Citation(
            n=n, file=c.file, agency=c.agency, year=c.year, kind="cell", quote=(c.source_text or "").strip(),
            line_start=c.line or 0, line_end=c.line_end or c.line or 0, page=c.page, table=c.table, row=c.row,
            column=c.column))
        if not new:  # one source per table row: the columns cited are listed on it
            cit = self.citations[n - 1]
            cols = (cit.column or "").split("、")
            if c.column not in cols:
                cit.column = "、".join([x for x in cols if x] + [c.column])
        return n

    def quote(self, q: Quote) -> int:
        return self._number(("quote", q.file, q.line_start, q.text), lambda n: Citation(
            n=n, file=q.file, agency=q.agency, year=q.year, kind="passage", quote=q.text, line_start=q.line_start,
            line_end=q.line_end, page=q.page, section=q.section, page_end=q.page_end))[0]


def source_label(c: Citation) -> str:
    """《<agency><year>年政府信息公开工作年度报告》, then table/row/columns or the line span."""
    if c.kind == "cell":
        loc = f"{c.table}表 · {c.row} · {c.column}"
        if c.line_start:
            loc += f"（{c.where}）"
        return f"{full_title(c.agency, c.year)} {loc}"
    return f"{full_title(c.agency, c.year)} {c.where}：“{c.quote}”"


def load_cells(library, agencies: list[str], years: list[int]) -> list[LibraryFact]:
    """Facts of these agencies and years in the parser's order (rows and columns as the table prints them)."""
    if not agencies or not years:
        return []
    return sorted(library.facts(agency=list(agencies), year=list(years)), key=lambda f: f.file)  # stable: id order
