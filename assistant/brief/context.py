"""The working context of one 简报: the chosen reports (units), their cells, the numbered source book, the
computations the verifier will accept, and how a figure is printed (money in 万元, one minus sign)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from assistant.answering.question import ReportInfo
from assistant.answering.table_tool import fmt
from assistant.brief.sources import SourceBook
from index.library import LibraryFact
from index.naming import short_agency


@dataclass
class Unit:
    report: ReportInfo
    label: str  # "2019年" (one agency) or "山东省人社厅" / "山东省人社厅2019年" (all agencies)


@dataclass
class Ctx:
    book: SourceBook
    cells: list[LibraryFact]
    single: bool
    years: list[int]
    chart_dir: Path
    library: object = None  # read access for quotes (source lines, chunks)
    computations: list[tuple] = field(default_factory=list)  # (label, formula, values)
    notes: list[str] = field(default_factory=list)
    used: list[LibraryFact] = field(default_factory=list)
    _idx: dict = field(default_factory=dict)

    def __post_init__(self):
        for c in self.cells:
            self._idx[(c.file, c.table, c.row, c.column)] = c

    def label(self, r: ReportInfo) -> str:
        if self.single:
            return f"{r.year}年"
        short = short_agency(r.agency)
        return short if len(self.years) == 1 else f"{short}{r.year}年"

    def cell(self, file: str, table: str, row: str, col: str) -> Optional[LibraryFact]:
        c = self._idx.get((file, table, row, col))
        return c if c is not None and c.value is not None else None

    def val(self, file, table, row, col) -> Optional[float]:
        c = self.cell(file, table, row, col)
        return None if c is None else c.value

    def cite(self, c: LibraryFact) -> int:
        if c not in self.used:
            self.used.append(c)
        return self.book.cell(c)

    def num(self, file, table, row, col, unit="件", mark=True) -> Optional[str]:
        """'52件[1]' for a fact (or None when the report has no value for the cell)."""
        c = self.cell(file, table, row, col)
        if c is None:
            return None
        n = self.cite(c)
        return f"{show(c, unit)}[{n}]" if mark else show(c, unit)

    def compute(self, label: str, formula: str, *values: float) -> None:
        vals = [float(v) for v in values] + [abs(float(v)) for v in values]
        self.computations.append((label, formula, vals))

    def rows(self, file: str, table: str) -> list[str]:
        seen: dict[str, int] = {}
        for i, c in enumerate(self.cells):
            if c.file == file and c.table == table and c.row not in seen:
                seen[c.row] = i
        return list(seen)

    def cols(self, file: str, table: str, row: str) -> list[LibraryFact]:
        return [c for c in self.cells if c.file == file and c.table == table and c.row == row]

    def chart(self, name: str) -> Path:
        return self.chart_dir / f"{name}.png"


MONEY_NOTE = "金额统一以万元表示（报告以元印出的已折算为万元，未作四舍五入）。"


def is_money(c: LibraryFact) -> bool:
    return "金额" in c.column or "万元" in c.column or c.unit in ("元", "万元")


def show(c: LibraryFact, unit: str = "件") -> str:
    """The number with its unit; money always in 万元 (facts hold 元), exact, so one brief never mixes
    3435.54万元 with 12178757元 and the verifier still finds the figure."""
    if is_money(c):
        return f"{c.value / 10000:.6f}".rstrip("0").rstrip(".") + "万元"
    return f"{fmt(c.value)}{unit}"


def signed(v: float) -> str:
    """−3 with the minus sign (U+2212) the text uses everywhere, never '-3' beside '4−7'."""
    return f"−{fmt(abs(v))}" if v < 0 else fmt(v)


def pct(ctx: Ctx, part: float, whole: float, label: str) -> Optional[str]:
    """'64.2%（34÷53=64.2%）', registered as computed."""
    if not whole:
        return None
    p = round(part / whole * 100, 1)
    formula = f"{fmt(part)}÷{fmt(whole)}={p:.1f}%"
    ctx.compute(label, formula, p)
    return f"{p:.1f}%（{formula}）"


def change(ctx: Ctx, what: str, y0: str, v0: float, s0: str, y1: str, v1: float, s1: str, unit: str = "件") -> str:
    """'本年新收申请：2019年52件[1]，2020年68件[5]，52→68，+16件（68−52=16），+30.8%（16÷52=30.8%）。'"""
    d = v1 - v0
    sign = "+" if d > 0 else ("−" if d < 0 else "±")
    text = f"{what}：{y0}{s0}，{y1}{s1}，{fmt(v0)}→{fmt(v1)}，{sign}{fmt(abs(d))}{unit}（{fmt(v1)}−{fmt(v0)}={signed(d)}）"
    ctx.compute(f"{what}变化", f"{fmt(v1)}−{fmt(v0)}={signed(d)}", d)
    if v0:
        p = round(d / v0 * 100, 1)
        rate = f"{'−' if p < 0 else ''}{abs(p):.1f}%"
        ctx.compute(f"{what}变化率", f"{signed(d)}÷{fmt(v0)}={rate}", p)
        text += f"，{sign}{abs(p):.1f}%（{signed(d)}÷{fmt(v0)}={rate}）"
    else:
        text += "，上年为0，不计算增幅"
    return text + "。"


def _pairs(units: list[Unit]) -> list[tuple[Unit, Unit]]:
    """Consecutive reports of the same agency (one-agency mode)."""
    by: dict[str, list[Unit]] = defaultdict(list)
    for u in units:
        by[u.report.agency].append(u)
    out = []
    for us in by.values():
        us = sorted(us, key=lambda u: u.report.year)
        out += list(zip(us, us[1:]))
    return out


def _first(ctx: Ctx, file: str, table: str, row: str, cols: list[str]) -> Optional[LibraryFact]:
    for col in cols:
        c = ctx.cell(file, table, row, col)
        if c is not None:
            return c
    return None
