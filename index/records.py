"""Typed records passed between stages. The write side (index/) produces them, the read side
(assistant/) consumes them. Ids are content hashes so that writes can be repeated safely.

Stages: load (Document) -> metadata (ReportMeta) -> tables (Fact, Check) -> sections/chunks (Section, Chunk)
-> embed/store. Read side: Passage -> Citation -> Answer.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Optional

CellKind = Literal["number", "zero", "empty", "slash", "text"]
CheckStatus = Literal["pass", "fail", "uncertain", "not_assessable"]


def content_hash(*parts: Any, n: int = 16) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(str(p).encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:n]


# ---------------------------------------------------------------- loading
@dataclass
class Line:
    """One line of a loaded report, with where it came from.

    `line` is 1-based: the line number in the file as given (txt/md), the line within its page (pdf),
    or the paragraph / table-row ordinal in document order (docx, html). For rows of a real table
    (docx/html) `cells` holds the row's cells (spans de-duplicated) and `cell_ref` names it, e.g. "表2第5行";
    `text` is then the cells joined by tabs.
    """

    text: str
    line: int
    page: Optional[int] = None
    cells: Optional[list[str]] = None
    cell_ref: Optional[str] = None
    # Lines read by OCR from a scanned page (扫描件识别): box = (x0, y0, x1, y1) in pixels of the page image
    # (a PDF page rendered at the OCR dpi), conf = the row's lowest OCR confidence, cell_boxes = each cell's box
    # (None for a cell nothing was read in), uncertain_cells = indexes of cells read below the confidence bar.
    ocr: bool = False
    box: Optional[tuple] = None
    conf: Optional[float] = None
    uncertain_cells: Optional[list[int]] = None
    cell_boxes: Optional[list] = None


@dataclass
class HeaderField:
    """One field of the header a crawler or CMS export put above the report (标题/发布机构/原文链接 …)."""

    key: str  # title | publisher | published | url | number | …
    label: str  # as written: 发布机构
    value: str
    line: int  # Line.line the field was on


@dataclass
class Document:
    """A report as loaded: normalised lines with a map back to the source."""

    file: str  # base name, the report's key in the library
    path: str
    sha256: str
    format: Literal["txt", "md", "pdf", "docx", "html", "image"]
    lines: list[Line]
    encoding: Optional[str] = None
    warnings: list["Warning"] = field(default_factory=list)
    header: list[HeaderField] = field(default_factory=list)  # metadata evidence, not report text

    @property
    def text(self) -> str:
        return "\n".join(ln.text for ln in self.lines)


@dataclass
class Warning:
    code: str  # e.g. encoding, no_title, metadata, balance, chain, conflict, missing_table, empty_file
    message: str
    file: Optional[str] = None

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


# ---------------------------------------------------------------- metadata
@dataclass
class Evidence:
    value: Any
    source: str  # title | body | filename | user
    text: str  # the words the value was read from
    line: Optional[int] = None


@dataclass
class ReportMeta:
    agency: Optional[str]
    region: Optional[str]
    level: Optional[str]  # 国家级 | 省级 | 市级 | 县级 | 乡镇级 | None
    year: Optional[int]
    evidence: dict[str, Evidence] = field(default_factory=dict)
    warnings: list[Warning] = field(default_factory=list)


@dataclass
class SourceRef:
    """Where a value or a passage sits in its file."""

    line: int
    text: str
    page: Optional[int] = None
    line_end: Optional[int] = None
    cell_ref: Optional[str] = None

    def to_dict(self) -> dict:
        d = {"line": self.line, "text": self.text}
        if self.page is not None:
            d["page"] = self.page
        if self.line_end is not None and self.line_end != self.line:
            d["line_end"] = self.line_end
        if self.cell_ref:
            d["cell"] = self.cell_ref
        return d


# ---------------------------------------------------------------- tables
@dataclass
class Fact:
    """One cell of a standard table. `value` is None when the report has no value for the cell."""

    file: str
    table: str  # 主动公开 | 依申请公开 | 复议诉讼
    row: str
    column: str
    value: Optional[float]
    kind: CellKind = "number"
    unit: Optional[str] = None  # unit as printed (元, 万元, 件 ...); money values are stored in 元
    printed: Optional[str] = None  # the cell text as printed
    source: Optional[SourceRef] = None
    uncertain: bool = False
    template: Optional[str] = None  # "2019" | "2021"

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table, self.row, self.column)

    def to_dict(self) -> dict:
        v = self.value
        if v is not None and float(v).is_integer():
            v = int(v)
        d = {"table": self.table, "row": self.row, "column": self.column, "value": v, "kind": self.kind}
        if self.unit:
            d["unit"] = self.unit
        if self.printed is not None:
            d["printed"] = self.printed
        if self.uncertain:
            d["uncertain"] = True
        if self.source:
            d["source"] = self.source.to_dict()
        return d


@dataclass
class CheckSide:
    label: str  # e.g. "一+二 (总计列)"
    value: Optional[float]
    cells: list[tuple[str, str, str]] = field(default_factory=list)  # (table,row,column) keys used
    # a side read from the report's prose (正文与表格一致): where it stands and its words, so an answer can
    # quote and cite it without parsing the label
    line: Optional[int] = None
    page: Optional[int] = None
    quote: Optional[str] = None


@dataclass
class Check:
    """Result of one audit rule on one report (or a pair of reports for the cross-year chain)."""

    file: str
    rule: str  # row_sum | column_balance | outcome_sum | chain | conflict | missing_table | ...
    scope: str  # the column/row/quantity the rule was applied to
    status: CheckStatus
    message: str
    left: Optional[CheckSide] = None
    right: Optional[CheckSide] = None
    difference: Optional[float] = None
    other_file: Optional[str] = None  # chain / duplicate findings name the second report

    def to_dict(self) -> dict:
        d = asdict(self)
        return {k: v for k, v in d.items() if v is not None}

    def to_warning(self) -> dict:
        return {"code": self.rule, "message": self.message, "status": self.status}


@dataclass
class TableResult:
    template: Optional[str]  # "2019" | "2021" | None when no standard table was found
    facts: list[Fact]
    checks: list[Check]
    warnings: list[Warning] = field(default_factory=list)


# ---------------------------------------------------------------- sections and chunks
@dataclass
class Section:
    path: list[str]  # e.g. ["一、总体情况", "（一）加强政策解读，主动引导预期"]
    part: Optional[int]  # 1..6 for the six standard parts, None for preamble
    line_start: int  # index into Document.lines (0-based) of the first line
    line_end: int  # index (inclusive) of the last line


@dataclass
class Chunk:
    id: str
    file: str
    text: str  # the text embedded and shown (table rows carry agency/year/headers)
    kind: Literal["text", "table_row"]
    section: str  # section path joined with " > "
    line_start: int  # 1-based source line (as in Line.line) of the first line
    line_end: int
    page: Optional[int] = None
    page_end: Optional[int] = None
    ord: int = 0
    agency: Optional[str] = None
    year: Optional[int] = None
    level: Optional[str] = None
    # Where inside its first/last line a text chunk starts/ends (offsets into Line.text, end exclusive), for
    # chunks that split a long line at a sentence boundary. None: from the start / to the end of the line.
    char_start: Optional[int] = None
    char_end: Optional[int] = None

    def metadata(self) -> dict:
        md = {
            "file": self.file, "kind": self.kind, "section": self.section,
            "line_start": self.line_start, "line_end": self.line_end, "ord": self.ord,
            "agency": self.agency or "", "year": int(self.year or 0), "level": self.level or "",
        }
        if self.page is not None:
            md["page"] = self.page
            md["page_end"] = self.page_end if self.page_end is not None else self.page
        return md


# ---------------------------------------------------------------- a parsed report, whole
@dataclass
class ParsedReport:
    doc: Document
    meta: ReportMeta
    tables: TableResult
    sections: list[Section]
    chunks: list[Chunk]
    checks: list[Check]
    warnings: list[Warning]

    @property
    def file(self) -> str:
        return self.doc.file


# ---------------------------------------------------------------- read side
@dataclass
class Passage:
    chunk: Chunk
    score: float
    ranks: dict[str, int] = field(default_factory=dict)  # retriever name -> rank (1-based)


@dataclass
class Citation:
    n: int
    file: str
    agency: Optional[str]
    year: Optional[int]
    kind: Literal["cell", "passage"]
    quote: str
    line_start: int
    line_end: int
    page: Optional[int] = None
    section: Optional[str] = None
    table: Optional[str] = None
    row: Optional[str] = None
    column: Optional[str] = None
    value: Optional[float] = None
    page_end: Optional[int] = None  # a PDF quote that runs onto the next page
    scan: Optional[str] = None  # 扫描件识别 第3页 框(x0,y0,x1,y1): read by OCR from a page image, check it there
    # a figure computed from several cells of one report (a group's sum, a share's two parts): one citation, its
    # cells (kind "cell", n 0) opened together by the source panel; its own table/row/column name what they share
    cells: list["Citation"] = field(default_factory=list)

    @property
    def where(self) -> str:
        loc = span_label(self.line_start, self.line_end, self.page, self.page_end)
        return f"{loc}（{self.scan}）" if self.scan else loc

    def to_dict(self) -> dict:
        d = {k: v for k, v in asdict(self).items() if v is not None or k in ("n", "file", "kind", "quote")}
        if not d.get("cells"):
            d.pop("cells", None)
        return d


def span_label(line_start: Optional[int], line_end: Optional[int] = None, page: Optional[int] = None,
               page_end: Optional[int] = None) -> str:
    """第5页第33行 / 第5页第33–35行 / 第5页第33行至第6页第1行 / 第33–35行: how staff cite a place in a report."""
    if not line_start:
        return f"第{page}页" if page else ""
    if page and page_end and page_end != page:
        return f"第{page}页第{line_start}行至第{page_end}页第{line_end}行"
    lines = f"第{line_start}行" if not line_end or line_end == line_start else f"第{line_start}–{line_end}行"
    return f"第{page}页{lines}" if page else lines


@dataclass
class Route:
    kind: Literal["table", "text", "both", "refuse"]
    reason: str


@dataclass
class AnswerCheck:
    """One check on an answer, shown to staff: the numbers' grounding, the model's phrasing kept or dropped, a
    data-quality finding of a cited report."""

    rule: str  # numbers_grounded | llm_phrased | llm_fallback | llm_error | llm_skipped | data_quality
    status: str  # pass | fail | uncertain
    message: str = ""  # for staff, in Chinese
    file: Optional[str] = None  # the report a data-quality note is about
    unverified: list[str] = field(default_factory=list)  # numbers no cited source holds
    llm_text: Optional[str] = None  # the model's reply that was not kept
    detail: Optional[str] = None  # a failing model's own (English) error, for the log

    def to_dict(self) -> dict:
        d = {k: v for k, v in asdict(self).items() if v is not None}
        if not self.unverified and self.rule != "numbers_grounded":
            d.pop("unverified")
        return d


@dataclass
class Answer:
    question: str
    text: str
    citations: list[Citation]
    route: Route
    refused: bool = False
    unverified_numbers: list[str] = field(default_factory=list)
    checks: list[AnswerCheck] = field(default_factory=list)  # verifier results and data-quality notes shown to the user
    timings_ms: dict[str, float] = field(default_factory=dict)
    llm: str = "none"
    id: Optional[str] = None
    # the question as the read side understood it (assistant's Query): a follow-up is resolved against it
    # instead of re-reading every earlier question; not serialised
    query: Any = None
    # when the quantity's reading was unsure: the sentence saying how it was read (also in the text), and the
    # nearest other readings as {"quantity", "label", "question", "why"} — the app offers each question to click
    reading: Optional[str] = None
    alternatives: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = {
            "id": self.id, "question": self.question, "answer": self.text, "refused": self.refused,
            "route": self.route.kind, "route_reason": self.route.reason,
            "citations": [c.to_dict() for c in self.citations],
            "unverified_numbers": self.unverified_numbers, "checks": [c.to_dict() for c in self.checks],
            "llm": self.llm, "timings_ms": {k: round(v) for k, v in self.timings_ms.items()},
        }
        if self.reading:
            d["reading"], d["alternatives"] = self.reading, list(self.alternatives)
        return d
