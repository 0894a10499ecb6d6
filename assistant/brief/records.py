"""A 简报 as records: its sections (title, paragraphs, an optional table, charts) and the computations
printed with their formulas."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass
class Computation:
    label: str
    formula: str
    values: list[float]


@dataclass
class Chart:
    title: str
    path: str


@dataclass
class BriefTable:
    header: list[str]
    rows: list[list[str]]


@dataclass
class BriefSection:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    table: Optional[BriefTable] = None
    charts: list[Chart] = field(default_factory=list)
