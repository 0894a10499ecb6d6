"""Table 1 (主动公开) cells that ran together: `规范性文件6233440` is 62, 3, 3440.

Table 2 and 3 have balance rules that decide how a digit run splits (solve.py). Table 1 has none, so a run
is read from weaker evidence, strongest first:
1. no leading zeros (a number never starts with 0 unless it is 0);
2. a sign starts a number, and only 本年增/减 may be negative (`2648-18538`: 2648, then -1…/-18… );
3. the report's own prose: a split whose numbers the body states about the same row (制发行政规范性文件62件)
   beats one it does not;
4. plausibility: what is in force (现行有效件数 / 对外公开总数量) is not smaller than what was made this year,
   and a year's change cannot remove more items than there were (上一年项目数量 + 本年增/减 ≥ 0);
5. the most even split in digits (62|33|440 over 62|3|3440): nothing favours one column's magnitude
   over another's, so none is made to swallow its neighbours' digits.
Whenever more than one reading survives 1–4, the cells where they differ are marked uncertain: the value
shown is a best reading, never silently a certain one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from index.tables.numbers import Cell, splits

_SIGNED = re.compile(r"^([-−－+]?)(\d+)(\.\d+)?$")
_MADE = ("本年制发件数", "本年新制作数量", "本年新公开数量")


@dataclass
class RunReading:
    values: list[float]
    printed: list[str]
    uncertain: set[int]


def _tokens(cells: list[Cell]) -> Optional[list[tuple[str, str, str]]]:
    """(sign, digits, decimals) per printed cell, or None when a cell is not a plain (signed) number. The
    decimals (money: 6659425.34) belong to the last number cut from the cell."""
    out = []
    for c in cells:
        m = _SIGNED.match(c.printed.replace(" ", ""))
        if not m:
            return None
        out.append((m.group(1), m.group(2), m.group(3) or ""))
    return out


def _plausible(columns: tuple[str, ...], vals: list[float]) -> bool:
    col = dict(zip(columns, vals))
    made = [v for c, v in col.items() if c in _MADE]
    stock = [v for c, v in col.items() if c in ("现行有效件数", "对外公开总数量")]
    if made and stock and stock[0] < max(made):
        return False
    if "上一年项目数量" in col and "本年增/减" in col and col["上一年项目数量"] + col["本年增/减"] < 0:
        return False
    return True


def read_run(cells: list[Cell], columns: tuple[str, ...], prose_numbers: set[int]) -> Optional[RunReading]:
    """The best reading of `cells` (fewer printed cells than `columns`, digits run together) as one value per
    column, or None when no reading fits."""
    toks = _tokens(cells)
    if toks is None or not toks:
        return None
    signed_col = [i for i, c in enumerate(columns) if "增/减" in c]
    digits = [d for _, d, _ in toks]
    readings = []
    for parts in splits(digits, len(columns)):
        # the pieces of each token, in order: the first piece of a signed token carries the sign
        vals, printed, ti, used, ok = [], [], 0, 0, True
        for col, p in enumerate(parts):
            sign = toks[ti][0] if used == 0 else ""
            if sign in ("-", "−", "－") and col not in signed_col:
                ok = False
                break
            used += len(p)
            frac = toks[ti][2] if used == len(toks[ti][1]) else ""
            v = float(p + frac) * (-1 if sign in ("-", "−", "－") else 1)
            vals.append(v)
            printed.append(sign + p + frac)
            if used == len(toks[ti][1]):
                ti, used = ti + 1, 0
        if ok:
            readings.append((vals, printed))
    if not readings:
        return None

    def evidence(vals: list[float]) -> tuple:
        said = sum(1 for v in vals if v >= 10 and int(v) in prose_numbers)
        return (said, _plausible(columns, vals))

    def unevenness(printed: list[str]) -> tuple:
        lens = [len(p.lstrip("-−－+")) for p in printed]
        mean = sum(lens) / len(lens)
        return (max(lens) - min(lens), sum((x - mean) ** 2 for x in lens))

    best_ev = max(evidence(v) for v, _ in readings)
    tier = [(v, p) for v, p in readings if evidence(v) == best_ev]
    vals, printed = min(tier, key=lambda r: unevenness(r[1]))
    uncertain = {i for v, _ in tier for i in range(len(columns)) if v[i] != vals[i]}
    return RunReading(vals, printed, uncertain)


def prose_numbers(text: str, words: tuple[str, ...], reach: int = 24) -> set[int]:
    """Counts the report's prose states near one of `words` ("制发行政规范性文件62件"): numbers followed by a
    counting unit within `reach` characters of the word."""
    flat = re.sub(r"\s+", "", text)
    out: set[int] = set()
    for w in words:
        for m in re.finditer(re.escape(w), flat):
            window = flat[max(0, m.start() - reach): m.end() + reach]
            out.update(int(n) for n in re.findall(r"(?<![\d.])(\d+)(?=[件个项份条])", window))
    return out
