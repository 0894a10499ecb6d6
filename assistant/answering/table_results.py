"""What the table tool returns: per-report items with their cells, groups, and one result record per
operation (a sum, a ranking, a listing, a difference, shares), so the composer reads fields, not dict keys."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional, Union

from assistant.answering.lexicon import Quantity
from assistant.answering.question import Query
from index.library import LibraryFact


def _norm_col(c: str) -> str:
    return c.replace("（", "(").replace("）", ")").replace(" ", "")


@dataclass
class Item:
    """One quantity for one report: its value, the cells summed to get it, and how."""

    file: str
    agency: Optional[str]
    year: Optional[int]
    quantity: Quantity
    value: Optional[float]
    cells: list[LibraryFact] = field(default_factory=list)
    formula: str = ""
    missing: list[str] = field(default_factory=list)  # cells the report does not have

    @property
    def display(self) -> str:
        """The quantity's name with the column actually read (a 2021-template report has 现行有效件数 where
        the 2019 template has 对外公开总数量), so the answer names the cell it cites."""
        q = self.quantity
        cols = {c.column for c in self.cells}
        if q.column_sum or len(cols) != 1:
            return q.display
        col = cols.pop()
        wanted = q.column_label or (q.columns[0] if q.columns else None)
        if not wanted or _norm_col(col) == _norm_col(wanted) or col == "总计":
            return q.display
        base = re.sub(r"（[^（）]*）$", "", q.label)
        return f"{base}（{col}）"


@dataclass
class Group:
    """Items aggregated by year or by agency (argmax / rank / list over the library)."""

    key: Any
    value: Optional[float]
    items: list[Item]
    formula: str = ""



@dataclass
class Sum:
    total: float
    n: int  # values added


@dataclass
class Spread:
    high: Group
    low: Group
    gap: float


@dataclass
class Ranking:
    """argmax / argmin / rank over groups (years, agencies, reports or the parts of a whole)."""

    winner: Any
    value: float
    ties: list[Any]
    spread: Optional[Spread] = None  # "最少的是哪个？比最多的少多少"
    reports_per_year: dict[int, int] = field(default_factory=dict)
    total: Optional[float] = None  # by part: the parts' sum, shown beside them


@dataclass
class Listing:
    with_value: list[Any]
    without: list[Any]  # the value is 0
    unknown: list[Any]


@dataclass
class Difference:
    start: Item  # the earlier year, or the first agency named
    end: Item
    diff: float  # end − start
    pct: Optional[float] = None  # of start


@dataclass
class Share:
    num: Item
    den: Item
    pct: float
    formula: str


@dataclass
class Shares:
    rows: list[Share]


Result = Union[Sum, Ranking, Listing, Difference, Shares, None]


@dataclass
class TableAnswer:
    query: Query
    operation: str
    items: list[Item] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    result: Result = None  # the operation's own record
    formula: str = ""
    notes: list[str] = field(default_factory=list)
    prefaces: list[str] = field(default_factory=list)  # said before the answer: what the comparison rests on
    computed: list[float] = field(default_factory=list)  # numbers made by code (the verifier accepts them)

    @property
    def found(self) -> bool:
        return any(i.value is not None for i in self.items)

    @property
    def cells(self) -> list[LibraryFact]:
        seen, out = set(), []
        for i in self.items:
            for c in i.cells:
                if c.cell_key not in seen:
                    seen.add(c.cell_key)
                    out.append(c)
        return out
