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

from dataclasses import dataclass
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
    inferred: bool = False  # no label was found: placed by table order between its neighbours


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
    """Value cells per line; consecutive one-value lines (one cell per line layouts) form one group.

    In one-cell-per-line layouts an empty cell is a line holding only a tab. Such lines count as cells
    inside a run of values, or right after a label; a blank line closes the run and keeps them, a label
    line drops them (tab lines before a label are its spacer columns, as 福建 2019 prints them)."""
    groups: list[Group] = []
    run: Optional[Group] = None
    pending: list[Cell] = []
    after_label = False

    def close(keep: bool):
        nonlocal run, pending
        if run is not None and keep and pending:
            take = pending[: max_cells - len(run.cells)]
            run.cells.extend(take)
            run.lines.extend(c.line for c in take)
        if run is not None and not run.cells:
            groups.remove(run)
        run, pending = None, []

    for g in glines:
        if g.blank:
            if g.tab_only and (run is not None or after_label):
                if run is None:
                    run = Group([], [])
                    groups.append(run)
                pending.append(Cell("", "empty", None, g.idx))
            elif not g.tab_only and pending:
                close(keep=True)  # a row's trailing empty cells, ended by the blank line between rows
                after_label = False
            continue
        if g.texts or not g.values:
            close(keep=False)
            after_label = bool(g.texts) and not g.values
            if g.values and not g.values_before_text:
                groups.append(Group([g.idx], list(g.values)))
            continue
        after_label = False
        if len(g.values) == 1:
            if run is not None and len(run.cells) + len(pending) < max_cells:
                run.cells.extend(pending)
                run.lines.extend(c.line for c in pending)
                pending = []
                run.cells.append(g.values[0])
                run.lines.append(g.idx)
                continue
            close(keep=False)
            run = Group([g.idx], [g.values[0]])
            groups.append(run)
            continue
        close(keep=False)
        groups.append(Group([g.idx], list(g.values)))
    close(keep=True)
    # a run of empty cells alone is a row only when it is long enough to be one
    return [gr for gr in groups if gr.cells and (gr.nonempty or len(gr.cells) >= 3)]


def bind(glines: list[GridLine], hits: list[Hit], groups: list[Group]) -> list[BoundRow]:
    rank = {}
    k = 0
    for g in glines:
        if not g.blank or g.tab_only:  # a tab-only line may be an empty cell: it has a place
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
    free_g = [gr for gr in groups if id(gr) not in taken and (gr.nonempty or len(gr.lines) > 1)]
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


def fill_in_order(specs: tuple[RowSpec, ...], rows: list[BoundRow], groups: list[Group]) -> list[BoundRow]:
    """Rows whose label was lost (a converter drops a wrapped label and leaves its numbers as an unlabeled
    row, still in table order): between two rows that were found, as many unlabeled value groups as missing
    rows are paired with them in order. Only an exact count pairs; the balance rules then confirm or not."""
    bound = {r.spec.name: r for r in rows if r.group is not None}
    used = {id(r.group) for r in bound.values()}
    free = sorted((g for g in groups if id(g) not in used and g.nonempty), key=lambda g: g.lines[0])
    order = [s.name for s in specs]
    out = list(rows)
    anchors = [i for i, n in enumerate(order) if n in bound]
    # a virtual anchor before the first and after the last row lets the table's ends be filled too
    for a, b in zip([-1] + anchors, anchors + [len(order)]):
        missing = [specs[i] for i in range(a + 1, b) if order[i] not in bound]
        if not missing:
            continue
        lo = bound[order[a]].group.lines[-1] if a >= 0 else -1
        hi = bound[order[b]].group.lines[0] if b < len(order) else float("inf")
        if a < 0 or b >= len(order):
            continue  # only between two found rows: the ends are where headers and stray lines sit
        between = [g for g in free if lo < g.lines[0] < hi]
        if len(between) != len(missing):
            continue
        for spec, g in zip(missing, between):
            out = [r for r in out if r.spec.name != spec.name]
            out.append(BoundRow(spec, Hit(spec, list(g.lines), 0.0, ""), g, inferred=True))
    return out
