"""Numeric grounding: every number in an answer must appear in a cited fact or quote, or be computed by code.

A 0.5B model miscopies and miscomputes numbers; this check is what makes its phrasing safe to show. Numbers
are compared as values (万/亿 expanded, commas dropped, % kept as a percentage, Chinese numerals with a
measure word read as numbers), so "3435.54万元" and "34355400元" are the same number. The result is data
(VerifyResult), shown to the user — an unverified number never passes silently.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

_CN_NUM = "零〇一二两三四五六七八九十百千万亿"
_CN_VAL = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_MEASURE = "件名个场次人条项份期家篇次位期批类种套户所元万亿倍天日月"

_ARABIC = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(万|亿)?\s*(%|％)?")
# 这一项, 每一件, 同一类, 第一批: a determiner or an ordinal, not a count the answer asserts
_CHINESE = re.compile(rf"(?<![{_CN_NUM}这那每同哪某任单逐统唯第])([{_CN_NUM}]+)(?=[{_MEASURE}])")
_CITE = re.compile(r"\[\d+\]")


def cn_to_number(s: str) -> Optional[float]:
    """'三' -> 3, '十二' -> 12, '一百零五' -> 105, '3万' style handled elsewhere; None when not a number."""
    if not s or any(c not in _CN_NUM for c in s):
        return None
    if s in ("万", "亿"):
        return None
    total, section, digit = 0, 0, None
    for c in s:
        if c in _CN_VAL:
            digit = _CN_VAL[c]
        elif c in _CN_UNIT:
            section += (digit if digit is not None else 1) * _CN_UNIT[c]
            digit = None
        elif c == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        elif c == "亿":
            total += (section + (digit or 0)) * 100000000
            section, digit = 0, None
    total += section + (digit or 0)
    return float(total)


@dataclass
class Num:
    text: str
    value: float  # the number as a plain value (万/亿 expanded; percentages stay as percent points)
    raw: float  # the digits as written (3435.54 for "3435.54万")
    percent: bool = False
    decimals: int = 0
    year_like: bool = False


def extract_numbers(text: str) -> list[Num]:
    t = _CITE.sub(" ", text or "")
    out: list[Num] = []
    for m in _ARABIC.finditer(t):
        digits = m.group(1).replace(",", "")
        frac = m.group(2) or ""
        raw = float(digits + frac)
        mult = {"万": 1e4, "亿": 1e8}.get(m.group(3) or "", 1)
        after = t[m.end():m.end() + 1]
        year_like = bool(re.fullmatch(r"(19|20)\d{2}", digits)) and not frac and not m.group(3) and not m.group(4) \
            and (after in ("年", "-", "—", "至", "") or True)
        out.append(Num(text=m.group(0).strip(), value=raw * mult, raw=raw, percent=bool(m.group(4)),
                       decimals=len(frac) - 1 if frac else 0, year_like=year_like))
    for m in _CHINESE.finditer(t):
        v = cn_to_number(m.group(1))
        if v is not None:
            out.append(Num(text=m.group(1), value=v, raw=v))
    return out


def numbers_in(texts: Iterable[str]) -> set[float]:
    """Every value a source text supports: as written and with 万/亿 expanded."""
    vals: set[float] = set()
    for t in texts:
        for n in extract_numbers(t or ""):
            vals.add(round(n.value, 6))
            vals.add(round(n.raw, 6))
    return vals


def _matches(n: Num, allowed: set[float]) -> bool:
    for cand in (n.value, n.raw):
        if round(cand, 6) in allowed:
            return True
        for a in allowed:  # a rounded rendering of an allowed value (56.5 for 56.52)
            if n.decimals and round(a, n.decimals) == round(cand, n.decimals):
                return True
            if not n.decimals and n.percent and round(a) == cand:
                return True
    return False


@dataclass
class VerifyResult:
    ok: bool
    unverified: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    cited: list[int] = field(default_factory=list)  # [n] markers found in the answer
    bad_citations: list[int] = field(default_factory=list)  # markers that point at nothing

    def to_check(self) -> dict:
        status = "pass" if self.ok else "fail"
        msg = ("答案中的数字均可在引用的事实或原文中找到。" if self.ok else
               "答案中有数字无法在引用的事实或原文中找到：" + "、".join(self.unverified))
        if self.bad_citations:
            msg += " 引用编号不存在：" + "、".join(f"[{n}]" for n in self.bad_citations)
        return {"rule": "numbers_grounded", "status": status, "message": msg, "unverified": self.unverified}


def verify(answer: str, sources: Iterable[str], computed: Iterable[float] = (), allowed_years: Iterable[int] = (),
           n_citations: Optional[int] = None, cited_sources: Optional[dict[int, list[str]]] = None) -> VerifyResult:
    """Check every number of `answer` against `sources` (text always allowed, e.g. the question), the sources of
    the citations the answer actually marks (`cited_sources`: n -> fact value / quote texts), and values
    computed by code."""
    res = VerifyResult(ok=True)
    res.cited = sorted({int(m) for m in re.findall(r"\[(\d+)\]", answer or "")})
    if n_citations is not None:
        res.bad_citations = [n for n in res.cited if n < 1 or n > n_citations]
    texts = list(sources)
    if cited_sources is not None:
        for n in res.cited:
            texts += cited_sources.get(n, [])
    allowed = numbers_in(texts)
    allowed |= {round(float(c), 6) for c in computed if c is not None}
    years = {float(y) for y in allowed_years}
    for n in extract_numbers(answer):
        res.checked.append(n.text)
        if n.year_like and n.value in years:
            continue
        if not _matches(n, allowed):
            res.unverified.append(n.text)
    res.ok = not res.unverified and not res.bad_citations
    return res
