"""Finding a table's rows by their labels and pairing each label with its value cells.

1. Label fragments (cells or broken lines) are matched to canonical rows, alone or joined with their
   neighbours (labels broken over lines, or continued after their numbers); the best matches are taken
   first (equal scores: the fewest fragments), each row and each fragment at most once.
2. Value groups: the value cells of one line, or a run of one-cell-per-line values.
3. A label and values on the same line belong together. The rest are paired by an order-preserving
   alignment that minimises the distance in lines — so values printed above their label (PDF extraction
   centres numbers vertically in a tall cell) still find it. Only when a whole column of labels is printed
   apart from its column of numbers, and the counts agree, do the leftovers pair in order.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from index.tables.grid import GridLine
from index.tables.labels import RowSpec, match_row
from index.tables.numbers import Cell

MAX_WINDOW = 8  # fragments joined into one label (a PDF cell wraps a long label into many short lines)
MAX_SPAN = 16  # lines a broken label may span (pdfplumber puts blank lines between the pieces)
MAX_LABEL = 90  # characters: no canonical label is longer than ~40


@dataclass
class Hit:
    spec: RowSpec
    lines: list[int]  # indices into Document.lines of the label's fragments
    score: float
    text: str


@dataclass
class Group:
    lines: list[int]
    cells: list[Cell]

    @property
    def nonempty(self) -> bool:
        return any(c.kind != "empty" for c in self.cells)


@dataclass
class BoundRow:
    spec: RowSpec
    hit: Hit
    group: Optional[Group]
    same_line: bool = False
    distance: int = 0


def find_hits(glines: list[GridLine], specs: tuple[RowSpec, ...]) -> list[Hit]:
    frags: list[tuple[int, str]] = [(g.idx, c.printed) for g in glines for c in g.texts]
    cands = []
    for i in range(len(frags)):
        for w in range(1, MAX_WINDOW + 1):
            j = i + w
            if j > len(frags) or frags[j - 1][0] - frags[i][0] > MAX_SPAN:
                break
            text = "".join(t for _, t in frags[i:j])
            if len(text) > MAX_LABEL:
                break
            spec, s = match_row(specs, text)
            if spec is not None and s > 0:
                cands.append((-s, w, i, j, spec, text))
    cands.sort(key=lambda c: (c[0], c[1], c[2]))
    used_frag: set[int] = set()
    used_row: set[str] = set()
    hits = []
    for negs, w, i, j, spec, text in cands:
        if spec.name in used_row or any(k in used_frag for k in range(i, j)):
            continue
        used_row.add(spec.name)
        used_frag.update(range(i, j))
        hits.append(Hit(spec, sorted({frags[k][0] for k in range(i, j)}), -negs, text))
    hits.sort(key=lambda h: h.lines[0])
    return hits


def value_groups(glines: list[GridLine], max_cells: int) -> list[Group]:
    """Value cells per line; consecutive one-value lines (one cell per line layouts) form one group."""
    groups: list[Group] = []
    run: Optional[Group] = None
    for g in glines:
        if g.blank:
            continue
        if g.texts or not g.values:
            run = None
            if g.values and not g.values_before_text:
                groups.append(Group([g.idx], list(g.values)))
            continue
        if len(g.values) == 1:
            if run is not None and len(run.cells) < max_cells:
                run.cells.append(g.values[0])
                run.lines.append(g.idx)
                continue
            run = Group([g.idx], [g.values[0]])
            groups.append(run)
            continue
        run = None
        groups.append(Group([g.idx], list(g.values)))
    return groups


def bind(glines: list[GridLine], hits: list[Hit], groups: list[Group]) -> list[BoundRow]:
    rank = {}
    k = 0
    for g in glines:
        if not g.blank:
            rank[g.idx] = k
            k += 1
    by_line = {gr.lines[0]: gr for gr in groups if len(gr.lines) == 1}
    bound: dict[int, BoundRow] = {}
    taken: set[int] = set()
    # 1. same line: prefer the line of the label carrying the most printed values
    for hi, h in enumerate(hits):
        same = [by_line[ln] for ln in h.lines if ln in by_line and id(by_line[ln]) not in taken]
        if not same:
            # values printed before the label on its own line
            for ln in h.lines:
                gl = next((g for g in glines if g.idx == ln), None)
                if gl is not None and gl.values_before_text and gl.values:
                    same = [Group([ln], list(gl.values))]
                    break
        if same:
            best = max(same, key=lambda gr: sum(c.kind != "empty" for c in gr.cells))
            if best.nonempty or all(not x.nonempty for x in same):
                bound[hi] = BoundRow(h.spec, h, best, same_line=True)
                taken.add(id(best))
    # 2. the rest: order-preserving alignment by distance in (non-blank) lines
    free_h = [i for i in range(len(hits)) if i not in bound]
    free_g = [gr for gr in groups if id(gr) not in taken and gr.nonempty]
    free_g.sort(key=lambda gr: gr.lines[0])
    skip = 3.0
    INF = float("inf")

    def dist(h: Hit, gr: Group) -> float:
        hs = [rank.get(x, 0) for x in h.lines]
        gs = [rank.get(x, 0) for x in gr.lines]
        d = min(abs(a - b) for a in hs for b in gs)
        return d if d <= 8 else INF

    n, m = len(free_h), len(free_g)
    dp = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        dp[i][0] = i * skip
    for j in range(1, m + 1):
        dp[0][j] = j * skip
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d = dist(hits[free_h[i - 1]], free_g[j - 1])
            dp[i][j] = min(dp[i - 1][j] + skip, dp[i][j - 1] + skip, dp[i - 1][j - 1] + d)
    i, j = n, m
    while i > 0 and j > 0:
        d = dist(hits[free_h[i - 1]], free_g[j - 1])
        if dp[i][j] == dp[i - 1][j - 1] + d and d < INF:
            h = hits[free_h[i - 1]]
            bound[free_h[i - 1]] = BoundRow(h.spec, h, free_g[j - 1], distance=int(d))
            i, j = i - 1, j - 1
        elif dp[i][j] == dp[i - 1][j] + skip:
            i -= 1
        else:
            j -= 1
    # a column of labels printed apart from a column of numbers (some PDF extractions): when as many
    # labels as number groups are left over, they pair in order — marked by their distance
    rest_h = [i for i in range(len(hits)) if i not in bound]
    used = {id(b.group) for b in bound.values()}
    rest_g = [gr for gr in free_g if id(gr) not in used]
    if len(rest_h) >= 3 and len(rest_h) == len(rest_g):
        for hi, gr in zip(rest_h, rest_g):
            bound[hi] = BoundRow(hits[hi].spec, hits[hi], gr, distance=int(min(dist(hits[hi], gr), 99)))
    out = []
    for hi, h in enumerate(hits):
        out.append(bound.get(hi, BoundRow(h.spec, h, None)))
    return out
