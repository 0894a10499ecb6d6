"""Choosing the reading of a row that the report's own balance rules confirm.

A row may carry more cells than columns (merged cells leave spurious ones, tab rows keep spacer
columns), fewer (a cell lost) or digits that ran together. Each row gets candidate readings, each with a
prior cost (dropping an edge spacer is cheap, dropping a printed number dear); only readings whose row
sums hold are kept when there are any. Then the readings of all rows are chosen together to satisfy as
many column rules as possible (一+二 = （七）+四, （七） = Σ outcomes), cheapest first. When another
reading would do just as well, the chosen one is kept and its differing cells are marked uncertain.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Callable, Optional

from index.tables.numbers import Cell, splits

MAX_CANDIDATES = 40
EXHAUSTIVE_LIMIT = 3000


@dataclass
class Slot:
    value: Optional[float]  # number as read (0 for empty cells); None for slash
    cell: Optional[Cell]  # None when the cell was inferred (missing from the print)
    kind: str
    printed: Optional[str] = None


@dataclass
class Reading:
    slots: list[Slot]
    cost: float
    row_ok: bool = True
    placed: bool = False  # numbers placed among blank columns (_sparse): where they sit is not printed
    confirmed: bool = False  # a row printed blank whose zeros every column rule confirms

    def __post_init__(self):
        self.values = tuple(s.value for s in self.slots)  # read many times by the search: computed once


def _num(s: Slot) -> float:
    return s.value or 0.0


def _slot(c: Cell) -> Slot:
    if c.kind == "empty":
        return Slot(0.0, c, "empty", "")
    if c.kind == "slash":
        return Slot(None, c, "slash", c.printed)
    return Slot(c.value, c, c.kind, c.printed)


def _drop_cost(cells: list[Cell], i: int) -> float:
    c = cells[i]
    if c.kind == "empty":
        edge = all(x.kind == "empty" for x in cells[:i]) or all(x.kind == "empty" for x in cells[i + 1:])
        return 0.1 if edge else 1.0
    if c.kind in ("zero", "slash"):
        return 1.5
    return 3.0


def row_sum_ok(values: tuple, sums: list[tuple[list[int], int]]) -> bool:
    for parts, total in sums:
        if abs(sum(values[p] or 0.0 for p in parts) - (values[total] or 0.0)) > 0.01:
            return False
    return True


def candidates(cells: list[Cell], want: int, sums: list[tuple[list[int], int]], sparse: bool = True) -> list[Reading]:
    """Readings of one printed row as `want` cells; those satisfying the row sums first (if any). `sparse`:
    when no reading holds, also place the printed numbers among blank columns (see _sparse)."""
    cells = [c for c in cells if c.kind != "text"]
    n = len(cells)
    found: dict[tuple, Reading] = {}

    def add(slots: list[Slot], cost: float, placed: bool = False):
        r = Reading(slots, cost, placed=placed)
        key = r.values
        if key not in found or found[key].cost > cost:
            found[key] = r

    if n == want:
        add([_slot(c) for c in cells], 0.0)
    elif n > want:
        # long rows: edge spacers first, so the combinations stay few
        cells2 = list(cells)
        while len(cells2) - want > 4 and cells2 and cells2[-1].kind == "empty":
            cells2.pop()
        while len(cells2) - want > 4 and cells2 and cells2[0].kind == "empty":
            cells2.pop(0)
        k = len(cells2) - want
        if k == 0:
            add([_slot(c) for c in cells2], 0.0)
        elif k <= 4:
            vals = [_slot(c).value for c in cells2]
            costs = [_drop_cost(cells2, i) for i in range(len(cells2))]
            best: dict[tuple, tuple[float, tuple]] = {}
            for drop in itertools.combinations(range(len(cells2)), k):
                key = tuple(v for i, v in enumerate(vals) if i not in drop)
                cost = sum(costs[i] for i in drop)
                if key not in best or best[key][0] > cost:
                    best[key] = (cost, drop)
            for cost, drop in best.values():  # slots built only for the distinct readings
                add([_slot(c) for i, c in enumerate(cells2) if i not in drop], cost)
    else:
        digits = [c for c in cells if c.kind in ("number", "zero") and c.printed.isdigit()]
        if len(digits) == n and n > 0:
            printed = [c.printed for c in cells]
            cuts = list(splits(printed, want, sums))
            if not cuts:
                # the report's own sums do not hold (a 总计 of 0 beside non-zero parts): the digits are
                # still cut, by leading zeros alone, and the row stays marked by its failed row sum
                cuts = list(splits(printed, want, None, limit=200))
            for parts in cuts:
                slots, ci, used = [], 0, 0
                # map each piece back to the printed cell it was cut from
                for p in parts:
                    c = cells[ci]
                    slots.append(Slot(float(p), c, "zero" if int(p) == 0 else "number", p))
                    used += len(p)
                    if used == len(c.printed):
                        ci, used = ci + 1, 0
                # the likelier reading puts the larger numbers in the first columns (自然人, 结果维持)
                add(slots, 0.3 * (want - n) + 0.001 * sum(len(p) * i for i, p in enumerate(parts)))
        if n > 0 and want - n <= 3:
            for pos in itertools.combinations(range(want), want - n):
                it = iter(cells)
                slots = [Slot(0.0, None, "empty", None) if i in pos else _slot(next(it)) for i in range(want)]
                add(slots, 2.0 * (want - n))
    if sparse and sums and n > 0 and not any(row_sum_ok(r.values, sums) for r in found.values()):
        for slots, cost in _sparse(cells, want, sums):
            add(slots, cost, placed=True)
    out = sorted(found.values(), key=lambda r: r.cost)
    for r in out:
        r.row_ok = row_sum_ok(r.values, sums)
    good = [r for r in out if r.row_ok]
    return (good or out)[:MAX_CANDIDATES]


def _sparse(cells: list[Cell], want: int, sums, budget: int = 20000):
    """Rows whose zeros were left blank and then dropped (a page's empty cells vanish when its text is
    taken: `（一）予以公开7171` is 71 …blank… 71): the printed numbers, cut where digits ran together, are
    placed in order among the row's columns; only placements whose row sums hold are readings."""
    digits = all(c.kind in ("number", "zero") and c.printed.isdigit() for c in cells)
    printed = [c.printed for c in cells]
    total = sum(len(p) for p in printed) if digits else len(cells)
    tried = 0
    one_total = len(sums) == 1 and sums[0][1] == want - 1 and sums[0][0] == list(range(want - 1))
    for m in range(min(total, want - 1), len(cells) - 1, -1):
        if digits and one_total and len(printed) == 1:  # a crawler's row: one run, its total printed last
            pieces = _total_last_splits(printed[0], m)
        else:
            pieces = list(splits(printed, m, None, limit=200)) if digits else [printed] if m == len(cells) else []
        for parts in pieces:
            vals = [float(p) if digits else (_slot(c).value or 0.0) for p, c in zip(parts, _owners(cells, parts))]
            for pos in itertools.combinations(range(want), m):
                tried += 1
                if tried > budget:
                    return
                row = [0.0] * want
                for v, i in zip(vals, pos):
                    row[i] = v
                if not row_sum_ok(tuple(row), sums):
                    continue
                owners = _owners(cells, parts)
                it = iter(zip(parts, owners))
                slots = []
                for i in range(want):
                    if i in pos:
                        p, c = next(it)
                        slots.append(Slot(float(p), c, "zero" if float(p) == 0 else "number", p)
                                     if digits else _slot(c))
                    else:
                        slots.append(Slot(0.0, None, "empty", None))
                # every blank inferred costs; earlier columns (自然人, 结果维持) are the likelier ones
                yield slots, 2.0 * (want - m) + 0.01 * sum(pos)


def _total_last_splits(run: str, m: int, limit: int = 2000) -> list[list[str]]:
    """Cuts of one digit run into m pieces (no leading zeros) whose last piece is the sum of the others —
    the only cuts a row with its 总计 last can be; pruned as the running sum passes the total."""
    out: list[list[str]] = []

    def rec(rest: str, k: int, left: int, parts: list[str], last: str) -> None:
        if len(out) >= limit:
            return
        if k == 0:
            if not rest and left == 0:
                out.append(parts + [last])
            return
        for j in range(1, len(rest) - k + 2):
            piece = rest[:j]
            if len(piece) > 1 and piece[0] == "0":
                break
            v = int(piece)
            if v > left:
                break
            rec(rest[j:], k - 1, left - v, parts + [piece], last)

    for size in range(1, len(run) - m + 2):
        last = run[-size:]
        if len(last) > 1 and last[0] == "0":
            continue
        rec(run[:-size], m - 1, int(last), [], last)
    return out


def _owners(cells: list[Cell], parts: list[str]) -> list[Cell]:
    """The printed cell each cut piece came from."""
    out, ci, used = [], 0, 0
    for p in parts:
        out.append(cells[ci])
        used += len(p)
        if used >= len(cells[ci].printed):
            ci, used = ci + 1, 0
    return out


@dataclass
class Choice:
    reading: Reading
    uncertain_cols: set[int] = field(default_factory=set)
    alternatives: int = 0


def choose(rows: dict[str, list[Reading]], rules: Callable[[dict[str, tuple]], int],
           perfect: Optional[int] = None) -> dict[str, Choice]:
    """Pick one reading per row maximising the number of column rules satisfied, then the lowest cost.
    `perfect` is the number of rules there are: when the cheapest readings satisfy them all, no search."""
    names = [r for r in rows if rows[r]]
    if not names:
        return {}

    def score(assign: dict[str, Reading]) -> tuple:
        vals = {k: v.values for k, v in assign.items()}
        return (rules(vals), -sum(v.cost for v in assign.values()))

    product = 1
    for r in names:
        product *= len(rows[r])
    best = {r: rows[r][0] for r in names}
    best_s = score(best)
    if perfect is not None and best_s[0] >= perfect:
        pass
    elif product <= EXHAUSTIVE_LIMIT:
        amb = [r for r in names if len(rows[r]) > 1]
        for combo in itertools.product(*(rows[r] for r in amb)):
            a = dict(best)
            a.update(zip(amb, combo))
            s = score(a)
            if s > best_s:
                best, best_s = a, s
    else:
        for _ in range(4):  # coordinate descent: few passes settle
            changed = False
            for r in names:
                for cand in rows[r]:
                    a = dict(best)
                    a[r] = cand
                    s = score(a)
                    if s > best_s:
                        best, best_s, changed = a, s, True
            if not changed:
                break
    out: dict[str, Choice] = {}
    for r in names:
        ch = Choice(best[r])
        for cand in rows[r]:
            # an alternative counts when it is as good a reading: a row whose own sum fails in every
            # reading (the report contradicts itself) has its equally possible cuts marked too
            if cand is best[r] or (best[r].row_ok and not cand.row_ok):
                continue
            if best[r].placed and cand.placed:
                # the column rules treat columns alike, so moving these numbers together with the same
                # numbers of other rows keeps every rule: they cannot confirm one placement
                ch.alternatives += 1
                ch.uncertain_cols |= {i for i, (x, y) in enumerate(zip(cand.values, best[r].values)) if x != y}
                continue
            a = dict(best)
            a[r] = cand
            if score(a)[0] >= best_s[0]:
                ch.alternatives += 1
                for i, (x, y) in enumerate(zip(cand.values, best[r].values)):
                    if x != y:
                        ch.uncertain_cols.add(i)
        out[r] = ch
    return out
