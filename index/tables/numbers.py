"""Cell values: what a printed cell says (number / zero / empty / slash / text), its unit, and money in 元.

Also the readings of digits that ran together when a web page lost its cell separators
("640020470" for 64,0,0,2,0,4,70): every split into the wanted number of cells, without leading zeros.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterator, Optional

_SPACE = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")
_NUM = re.compile(r"^([-+−－]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(万元|亿元|元|件|个|项|次|条|%)?$")
# a number with a note printed in its cell: "55（含自然失效 29 件）", "3435.54万元（含追加）"
_NOTED = re.compile(r"^([-+−－]?\d[\d,]*(?:\.\d+)?(?:万元|亿元|元|件|个|项)?)[（(][^（()）]{1,30}[)）]$")
_CHANGE = re.compile(r"^(增加|增|减少|减)(\d+)(项|个|件)?$")
_SLASH = {"/", "／", "—", "-", "--", "——", "－", "无", "×", "\\"}
MONEY_FACTOR = {"元": 1, "万元": 10_000, "亿元": 100_000_000}


@dataclass
class Cell:
    """One printed cell. `line` is the index into Document.lines it came from."""

    printed: str  # as printed, surrounding blanks removed
    kind: str  # number | zero | empty | slash | text
    value: Optional[float]  # the number printed (before money normalisation); None for empty/slash/text
    line: int
    unit: Optional[str] = None

    @property
    def is_value(self) -> bool:
        return self.kind != "text"


def clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def parse_cell(text: str, line: int) -> Cell:
    printed = clean(text)
    t = unicodedata.normalize("NFKC", printed).replace(" ", "")
    if t == "":
        return Cell(printed, "empty", None, line)
    if t in _SLASH:
        return Cell(printed, "slash", None, line)
    m = _NUM.match(t)
    noted = _NOTED.match(t) if not m else None
    if noted:
        m = _NUM.match(noted.group(1))
    if not m:
        # 本年增/减 printed in words: "增加3" / "减少2" / "减2"
        w = _CHANGE.match(t)
        if w:
            v = float(w.group(2)) * (-1 if w.group(1).startswith("减") else 1)
            return Cell(printed, "zero" if v == 0 else "number", v, line)
        return Cell(printed, "text", None, line)
    sign, whole, frac, unit = m.groups()
    v = float(whole.replace(",", "") + (frac or ""))
    if sign in ("-", "−", "－"):
        v = -v
    return Cell(printed, "zero" if v == 0 else "number", v, line, unit)


def is_unit_token(text: str) -> bool:
    return unicodedata.normalize("NFKC", text).strip() in ("元", "万元", "亿元", "件", "个", "项")


def to_yuan(value: Optional[float], unit: Optional[str]) -> Optional[float]:
    if value is None:
        return None
    return round(value * MONEY_FACTOR.get(unit or "元", 1), 2)


# ---------------------------------------------------------------- run-together digits
def splits(tokens: list[str], want: int, sums: Optional[list[tuple[list[int], int]]] = None,
           limit: int = 2000) -> Iterator[list[str]]:
    """Every way to cut `tokens` (digit strings whose boundaries are real) into `want` numbers.

    A number never starts with 0 unless it is 0. With `sums` ((parts, total) index groups), a cut is
    abandoned as soon as a completed group does not add up — long run-together rows stay tractable.
    Yields lists of digit strings; at most `limit`.
    """
    s = "".join(tokens)
    forced = set()
    pos = 0
    for t in tokens[:-1]:
        pos += len(t)
        forced.add(pos)
    n = len(s)
    out: list[str] = []
    checks: dict[int, list[tuple[list[int], int]]] = {}
    for parts, total in sums or []:
        checks.setdefault(max(parts + [total]), []).append((parts, total))
    count = 0

    def ok() -> bool:
        for parts, total in checks.get(len(out) - 1, ()):
            if sum(int(out[p]) for p in parts) != int(out[total]):
                return False
        return True

    def rec(i: int) -> Iterator[list[str]]:
        nonlocal count
        if count >= limit:
            return
        left = want - len(out)
        if i == n:
            if left == 0:
                count += 1
                yield list(out)
            return
        if left == 0 or n - i < left:
            return
        ends = [i + 1] if s[i] == "0" else range(i + 1, n + 1)
        for j in ends:
            # a real boundary inside the piece is not allowed: pieces never span two printed cells
            if any(k in forced for k in range(i + 1, j)):
                break
            out.append(s[i:j])
            if ok():
                yield from rec(j)
            out.pop()

    yield from rec(0)
