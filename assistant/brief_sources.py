"""What a 简报 is built from, read through the library's SQL interface (schema fixed in index/db.py):
facts (reusing the table tool's loader), quoted sentences from the reports' text parts, audit findings,
and a numbered source book so every figure in the draft carries its [n].

Quotes: the section of a sentence comes from the stored chunks (kind="text", section path starting with
"五、" etc.); the sentence itself is cut from the report's source lines, so its line span is exact even when
a PDF hard-wrapped it over several lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from assistant.agencies import find_agencies
from assistant.question import ReportInfo, _as_dict, library_reports, load_lexicon, norm
from assistant.table_tool import Cell
from index.errors import ConfigError
from index.planted import is_planted
from index.naming import full_title
from index.records import Citation

PART_HEAD = re.compile(r"^\s?([一二三四五六])[、.．]\s*(总体情况|主动公开|收到和处理|政府信息公开行政复议|存在|.*其他需要报告)")
PART_NO = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}
SENT_END = re.compile(r"(?<=[。；;！？!?\x00])")
HEADING = re.compile(r"^(（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、|\d{1,2}[.．、](?!\d))")
CUT = "\x00"  # a sentence boundary that is not punctuation (around headings), dropped from quotes


report_title = full_title  # one formatter for answers, the app and 简报 (index/naming.py)


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
    """'2019-2020' / '2019—2020' / '2019,2020' / '2019' → a list of years; None/'' → all years held."""
    if not text:
        return None
    t = str(text).strip().replace("—", "-").replace("–", "-").replace("～", "-").replace("至", "-")
    m = re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", t)
    if m:
        a, b = sorted((int(m.group(1)), int(m.group(2))))
        return list(range(a, b + 1))
    parts = re.split(r"[,，、\s]+", t)
    if all(re.fullmatch(r"\d{4}", p) for p in parts if p):
        return sorted({int(p) for p in parts if p})
    raise ConfigError(f"无法识别年份“{text}”：请写成 2019-2020 或 2019,2020")


# ---------------------------------------------------------------- quotes
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


def source_lines(library, file: str) -> list[tuple[int, Optional[int], str]]:
    """(line, page, text) for every line of a report: library.source_lines when it exists, else the file."""
    out: list[tuple[int, Optional[int], str]] = []
    getter = getattr(library, "source_lines", None)
    items: Any = getter(file) if callable(getter) else None
    if items is None:
        rows = list(library.sql("SELECT path FROM reports WHERE file = ?", (file,)))
        path = _as_dict(rows[0], ["path"])["path"] if rows else None
        if not path or not Path(path).exists():
            return []
        items = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    if isinstance(items, dict):
        items = [items[k] for k in sorted(items)]
    for i, it in enumerate(items, 1):
        if isinstance(it, str):
            out.append((i, None, it))
        elif isinstance(it, (tuple, list)):
            out.append((int(it[0]), None, str(it[-1])) if len(it) == 2 else (int(it[0]), it[1], str(it[2])))
        else:  # index.records.Line
            out.append((int(getattr(it, "line", i)), getattr(it, "page", None), str(getattr(it, "text", ""))))
    return out


def part_spans(library, file: str, part: int, lines: list[tuple[int, Optional[int], str]]) -> list[tuple[int, int]]:
    """Index ranges (into `lines`) of one of the six standard parts: from the stored text chunks' section paths,
    or, when the store has no chunks for the file, from the part headings in the lines themselves."""
    head = "一二三四五六"[part - 1] + "、"
    rows = library.sql("SELECT section, line_start, line_end, page, page_end FROM chunks "
                       "WHERE file = ? AND kind = 'text' ORDER BY ord", (file,))
    pos = {(pg, ln): i for i, (ln, pg, _) in enumerate(lines)}
    spans = []
    for r in rows:
        d = _as_dict(r, ["section", "line_start", "line_end", "page", "page_end"])
        if not str(d["section"]).strip().startswith(head):
            continue
        a = pos.get((d.get("page"), d["line_start"]))
        b = pos.get((d.get("page_end") if d.get("page_end") is not None else d.get("page"), d["line_end"]))
        if a is not None and b is not None:
            spans.append((a, b))
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


def sentences(lines: list[tuple[int, Optional[int], str]], spans: list[tuple[int, int]], file: str,
              agency: Optional[str], year: Optional[int], section: str) -> list[Quote]:
    """Sentences of the spans with the exact lines they come from. Hard-wrapped lines are joined; the heading
    line of the part is skipped."""
    out: list[Quote] = []
    for a, b in spans:
        buf, owners = "", []
        for i in range(a, b + 1):
            ln, pg, t = lines[i]
            t = re.sub(r"\s+", " ", t).strip()
            if not t or PART_HEAD.match(t):
                continue
            if HEADING.match(t):  # a sub-heading starts a new sentence; a short one is a sentence of its own
                t = CUT + t + (CUT if len(t) <= 40 and not re.search(r"[。；;！？!?]", t) else "")
            elif buf and re.search(r"[A-Za-z0-9]$", buf) and re.match(r"[A-Za-z0-9]", t):
                t = " " + t
            buf += t
            owners += [i] * len(t)
        pos = 0
        for s in SENT_END.split(buf):
            if not s:
                continue
            start, end = pos, pos + len(s) - 1
            pos += len(s)
            txt = s.replace(CUT, "").strip().rstrip("；;，,")
            if len(txt) < 6 or is_planted(txt):  # planted text (index/planted.py) is never quoted in a 简报
                continue
            i0, i1 = owners[start], owners[end]
            out.append(Quote(file, agency, year, txt, lines[i0][0], lines[i1][0], lines[i0][1], section,
                             lines[i1][1] if lines[i1][1] != lines[i0][1] else None))
    return out


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


def load_findings(library, files: list[str]) -> tuple[list[Finding], int]:
    """Checks that did not pass (fail / uncertain / not_assessable) for these reports, and how many passed."""
    if not files:
        return [], 0
    qs = ",".join("?" * len(files))
    rows = library.sql(f"SELECT file, rule, scope, status, message, other_file FROM checks "
                       f"WHERE file IN ({qs}) OR other_file IN ({qs}) ORDER BY file, id", tuple(files) * 2)
    out, passed = [], 0
    for r in rows:
        d = _as_dict(r, ["file", "rule", "scope", "status", "message", "other_file"])
        if d["status"] == "pass":
            passed += 1
        else:
            out.append(Finding(d["file"], d["rule"], d["scope"], d["status"], d["message"], d.get("other_file")))
    return out, passed


# ---------------------------------------------------------------- the numbered sources
@dataclass
class SourceBook:
    """Numbers sources in order of first use. A table source is one row of one report's table (the columns
    cited are listed), a text source one quoted sentence with its line span."""

    citations: list[Citation] = field(default_factory=list)
    _by_key: dict = field(default_factory=dict)

    def cell(self, c: Cell) -> int:
        key = ("cell", c.file, c.table, c.row)
        n = self._by_key.get(key)
        if n is None:
            n = len(self.citations) + 1
            self._by_key[key] = n
            self.citations.append(Citation(n=n, file=c.file, agency=c.agency, year=c.year, kind="cell",
                                           quote=(c.source_text or "").strip(), line_start=c.line or 0,
                                           line_end=c.line_end or c.line or 0, page=c.page, table=c.table,
                                           row=c.row, column=c.column))
        else:
            cit = self.citations[n - 1]
            cols = (cit.column or "").split("、")
            if c.column not in cols:
                cit.column = "、".join([x for x in cols if x] + [c.column])
        return n

    def quote(self, q: Quote) -> int:
        key = ("quote", q.file, q.line_start, q.text)
        n = self._by_key.get(key)
        if n is None:
            n = len(self.citations) + 1
            self._by_key[key] = n
            self.citations.append(Citation(n=n, file=q.file, agency=q.agency, year=q.year, kind="passage",
                                           quote=q.text, line_start=q.line_start, line_end=q.line_end,
                                           page=q.page, section=q.section, page_end=q.page_end))
        return n


def source_label(c: Citation) -> str:
    """《<agency><year>年政府信息公开工作年度报告》, then table/row/columns or the line span."""
    if c.kind == "cell":
        loc = f"{c.table}表 · {c.row} · {c.column}"
        if c.line_start:
            loc += f"（{c.where}）"
        return f"{report_title(c.agency, c.year)} {loc}"
    return f"{report_title(c.agency, c.year)} {c.where}：“{c.quote}”"


_FACT_SQL = ("SELECT f.file, r.agency, r.year, f.tbl, f.row_name, f.col_name, f.value, f.kind, f.unit, f.printed, "
             "f.uncertain, f.line, f.line_end, f.page, f.cell_ref, f.source_text FROM facts f "
             "JOIN reports r ON r.file = f.file WHERE r.agency IN ({a}) AND r.year IN ({y}) ORDER BY f.file, f.id")


def load_cells(library, agencies: list[str], years: list[int]) -> list[Cell]:
    """Facts of these agencies and years in the parser's order (rows and columns as the table prints them)."""
    if not agencies or not years:
        return []
    sql = _FACT_SQL.format(a=",".join("?" * len(agencies)), y=",".join("?" * len(years)))
    cols = ["file", "agency", "year", "tbl", "row_name", "col_name", "value", "kind", "unit", "printed", "uncertain",
            "line", "line_end", "page", "cell_ref", "source_text"]
    out = []
    for r in library.sql(sql, tuple(agencies) + tuple(years)):
        d = _as_dict(r, cols)
        out.append(Cell(file=d["file"], agency=d["agency"], year=int(d["year"]), table=d["tbl"], row=d["row_name"],
                        column=d["col_name"], value=d["value"], kind=d["kind"], unit=d["unit"], printed=d["printed"],
                        uncertain=bool(d["uncertain"]), line=d["line"], line_end=d["line_end"], page=d["page"],
                        cell_ref=d["cell_ref"], source_text=d["source_text"]))
    return out
