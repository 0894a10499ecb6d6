"""简报 drafts: `make_brief(library, agency=None, years=None, llm="none") -> Brief`.

One agency over a span of years (with 同比变化), or every agency the library holds (ranked). The prose is
written from templates, and every figure in it is a fact from the store or a quoted sentence, marked [n]
against the numbered source list; sums, differences and percentages are computed here and printed with
their formula ("68−52=16，16÷52=30.8%") so a reader can redo them. An LLM may only rephrase the template
prose, and its text is kept only when the shared verifier finds every number grounded (assistant/brief/polish.py).
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from assistant.brief import charts
from assistant.brief.context import Ctx, Unit
from assistant.brief.records import BriefSection, BriefTable, Chart, Computation
from assistant.brief.sections import applications, findings, overview, proactive, problems, review
from assistant.brief.sources import (Finding, SourceBook, load_cells, load_findings, parse_years, resolve_agency,
                                     source_label)
from assistant.answering.question import library_reports
from index.errors import ConfigError
from index.records import Citation


@dataclass
class Brief:
    title: str
    agency: Optional[str]  # None: every agency the library holds
    years: list[int]
    files: list[str]
    sections: list[BriefSection]
    sources: list[Citation]
    computations: list[Computation] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the draft could not include, and why
    facts_used: list = field(default_factory=list)  # table_tool.Cell of every cited cell
    llm: str = "none"
    polish: list[dict] = field(default_factory=list)  # per paragraph: kept / rejected (and why)

    @property
    def charts(self) -> list[Chart]:
        return [c for s in self.sections for c in s.charts]

    def body_text(self) -> str:
        """Everything a reader sees except the source list (which holds line numbers, not figures)."""
        parts = [self.title]
        for s in self.sections:
            parts += [s.title, *s.paragraphs]
            if s.table:
                parts += [" ".join(s.table.header)] + [" ".join(r) for r in s.table.rows]
        return "\n".join(parts)

    def source_labels(self) -> list[str]:
        return [f"[{c.n}] {source_label(c)}" for c in self.sources]

    def grounding(self) -> tuple[list[str], list[float]]:
        """What the body's numbers may come from: cited values and quotes, audit messages, computed values."""
        texts = [c.quote for c in self.sources if c.kind == "passage"]
        texts += [str(c.value) for c in self.facts_used if c.value is not None]
        texts += [c.printed for c in self.facts_used if c.printed]
        texts += [f"{c.row} {c.column}" for c in self.facts_used]  # labels like 属于四类过程性信息 are not figures
        texts += [f.message for f in self.findings]
        computed = [v for c in self.computations for v in c.values]
        return texts, computed

    def verify(self):
        """The shared numeric verifier over the whole body."""
        from assistant.answering.verify import verify

        texts, computed = self.grounding()
        return verify(self.body_text(), texts, computed=computed, allowed_years=self.years,
                      n_citations=len(self.sources))

    def to_markdown(self, image_dir: Optional[str] = None, rel_to: Optional[str] = None, charts: str = "link") -> str:
        """`image_dir`: copy the charts there; `rel_to`: link them relative to this folder (the .md's);
        `charts`: "link", "embed" (data: URIs) or "none"."""
        from assistant.brief.to_md import to_markdown

        return to_markdown(self, image_dir=image_dir, rel_to=rel_to, charts=charts)

    def to_docx(self, path) -> Path:
        from assistant.brief.to_docx import to_docx

        return to_docx(self, path)


def make_brief(library, agency: Optional[str] = None, years=None, llm="none",
               chart_dir: Optional[str] = None) -> Brief:
    """Assemble a 简报. `years`: list of ints, "2019-2020", or None for every year held. `llm`: "none", "local",
    "openai", "auto" or a backend object (tests pass assistant.llm.backends.ScriptedBackend)."""
    reports = library_reports(library)
    if not reports:
        raise ConfigError("资料库是空的：先运行 python -m assistant ingest data/sample")
    name = resolve_agency(library, agency, reports) if agency else None
    wanted = parse_years(years) if isinstance(years, str) else (sorted(set(int(y) for y in years)) if years else None)
    scope = [r for r in reports if (name is None or r.agency == name) and r.agency and r.year]
    held_years = sorted({r.year for r in scope})
    use_years = [y for y in (wanted or held_years) if y in held_years]
    if not use_years:
        held = "、".join(f"{r.agency}{r.year}年" for r in scope) or "无"
        raise ConfigError(f"资料库中没有{name or '任何机构'}{_years_text(wanted)}的年度报告。现有：{held}")
    chosen = sorted([r for r in scope if r.year in use_years], key=lambda r: (r.year, r.agency or "", r.file))
    notes = [f"资料库中没有{name or '任何机构'}{y}年的年度报告，简报未包含该年。" for y in (wanted or []) if y not in held_years]
    agencies = sorted({r.agency for r in chosen})
    cells = load_cells(library, agencies, use_years)
    ctx = Ctx(book=SourceBook(), cells=cells, single=name is not None, years=use_years,
              chart_dir=Path(chart_dir or tempfile.mkdtemp(prefix="brief_charts_")), library=library, notes=notes)
    units = [Unit(r, ctx.label(r)) for r in chosen]
    found, passed = load_findings(library, [r.file for r in chosen])
    title = (f"{name}{_years_text(use_years)}政府信息公开工作简报（草稿）" if name else
             f"各机构{_years_text(use_years)}政府信息公开工作简报（草稿）")
    sections = [overview(ctx, units), proactive(ctx, units), applications(ctx, units), review(ctx, units),
                problems(ctx, units), findings(ctx, units, found, passed)]
    brief = Brief(title=title, agency=name, years=use_years, files=[r.file for r in chosen],
                  sections=sections, sources=ctx.book.citations,
                  computations=[Computation(*c) for c in ctx.computations], findings=found,
                  notes=ctx.notes, facts_used=ctx.used)
    if llm not in (None, "none"):
        from assistant.brief.polish import polish

        polish(brief, llm)
    return brief


def _years_text(years: Optional[list[int]]) -> str:
    if not years:
        return ""
    ys = sorted(years)
    if len(ys) > 1 and ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}—{ys[-1]}年"
    return "、".join(str(y) for y in ys) + "年"


__all__ = ["Brief", "BriefSection", "BriefTable", "Chart", "Computation", "make_brief", "charts"]
