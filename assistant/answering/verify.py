"""Numeric grounding: every number in an answer must appear in a cited fact or quote, or be computed by code.

A 0.5B model miscopies and miscomputes numbers; this check is what makes its phrasing safe to show. Numbers
are compared as values (万/亿 expanded, commas dropped, % kept as a percentage, Chinese numerals with a
measure word read as numbers), so "3435.54万元" and "34355400元" are the same number. The result is data
(VerifyResult), shown to the user — an unverified number never passes silently.

What grounds a number (issues 11 and 16): a table fact the answer cites (its value and its labels, never the
whole source line: a crawler's line holds every cell of the report), a value computed by code, the question,
or a passage the answer cites — and a passage only where the answer quotes it verbatim in “…” or attributes
the figure to it in words ("报告原文称…"). A digit run that is several table cells printed together
("规范性文件6233440规章…") states no number at all, so neither it nor a piece of it grounds anything.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

from index.records import AnswerCheck

_CN_NUM = "零〇一二两三四五六七八九十百千万亿"
_CN_VAL = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_MEASURE = "件名个场次人条项份期家篇次位期批类种套户所元万亿倍天日月"

_ARABIC = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(万|亿)?\s*(%|％)?")
# 这一项, 每一件, 同一类, 第一批: a determiner or an ordinal, not a count the answer asserts
_CHINESE = re.compile(rf"(?<![{_CN_NUM}这那每同哪某任单逐统唯第])([{_CN_NUM}]+)(?=[{_MEASURE}])")
# "六类申请人之和", "属于四类过程性信息": a numeral naming the template's categories, not a count the answer asserts
_CATEGORY = re.compile(r"[类种](?:申请人|过程性信息|情形|情况|主体|结果|文件|信息)")
_CITE = re.compile(r"\[\d+\]")
# digits glued to words on both sides with no unit after them: cells run together, not a stated number
RUN_DIGITS = 5
_UNIT_AFTER = set(_MEASURE) | set("年%％余多万亿封页字起宗例台部本张点座处.,，、。；）)")
_QUOTE = re.compile(r"“([^“”]{2,})”")
_ATTRIBUTED = re.compile(r"报告(?:原文)?中?(?:称|写道|写明|写|提到|提及|指出|显示|表示|载明|记载)|原文(?:称|写道|写|为|是)"
                         r"|据[^。；]{0,24}(?:报告|原文)|的报告[:：]|报告原文")


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
    start: int = 0  # offset in the text
    run: bool = False  # a run of run-together table cells (see is_run)


def is_run(text: str, start: int, end: int) -> bool:
    """Digits [start, end) are a run of table cells printed together: long, no separators, a word right
    before them and a word (not a unit) right after ("行政规范性文件6233440规章…")."""
    digits = text[start:end]
    if len(digits) < RUN_DIGITS or not digits.isdigit():
        return False
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    word = lambda c: bool(c) and ("\u4e00" <= c <= "\u9fff" or c.isalpha())
    return word(before) and (not after or (word(after) and after not in _UNIT_AFTER))


def extract_numbers(text: str) -> list[Num]:
    t = _CITE.sub(lambda m: " " * len(m.group(0)), text or "")  # same length: offsets stay the answer's
    out: list[Num] = []
    for m in _ARABIC.finditer(t):
        digits = m.group(1).replace(",", "")
        frac = m.group(2) or ""
        raw = float(digits + frac)
        mult = {"万": 1e4, "亿": 1e8}.get(m.group(3) or "", 1)
        after = t[m.end():m.end() + 1]
        year_like = bool(re.fullmatch(r"(19|20)\d{2}", digits)) and not frac and not m.group(3) and not m.group(4) \
            and (after in ("年", "-", "—", "至", "") or True)
        run = not frac and not m.group(3) and not m.group(4) and is_run(t, m.start(1), m.end(1))
        out.append(Num(text=m.group(0).strip(), value=raw * mult, raw=raw, percent=bool(m.group(4)),
                       decimals=len(frac) - 1 if frac else 0, year_like=year_like, start=m.start(), run=run))
    for m in _CHINESE.finditer(t):
        v = cn_to_number(m.group(1))
        if v is not None and not _CATEGORY.match(t, m.end(1)):
            out.append(Num(text=m.group(1), value=v, raw=v, start=m.start()))
    return out


def numbers_in(texts: Iterable[str]) -> set[float]:
    """Every value a source text supports: as written and with 万/亿 expanded. A run of cells printed
    together supports nothing (6233440 is 623, 3, 4, 40 — or something else; the table parser decides)."""
    vals: set[float] = set()
    for t in texts:
        for n in extract_numbers(t or ""):
            if n.run:
                continue
            vals.add(round(n.value, 6))
            vals.add(round(n.raw, 6))
    return vals


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", _CITE.sub("", text or ""))


def _quoted_spans(answer: str, passages: list[str]) -> list[tuple[int, int]]:
    """Offsets of the answer's “…” quotations that are a cited passage's own words (whitespace aside)."""
    flat = [_flat(p) for p in passages]
    spans = []
    for m in _QUOTE.finditer(answer or ""):  # a quotation of part of a passage
        body = _flat(m.group(1))
        if body and any(body in p for p in flat):
            spans.append((m.start(1), m.end(1)))
    for p in passages:  # a whole passage in quotes, quote marks of its own inside (开发“人社福精灵”系统)
        at = (answer or "").find(p) if p else -1
        while at >= 0:
            if answer[at - 1:at] == "“":
                spans.append((at, at + len(p)))
            at = answer.find(p, at + 1)
    return spans


def _sentence_at(answer: str, pos: int) -> str:
    """The answer's sentence around offset `pos` (quotes inside it included)."""
    starts = [m.end() for m in re.finditer(r"[。！？；\n]", answer[:pos])]
    a = starts[-1] if starts else 0
    m = re.search(r"[。！？；\n]", answer[pos:])
    return answer[a:pos + m.start()] if m else answer[a:]


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
        return AnswerCheck("numbers_grounded", status, msg, unverified=list(self.unverified))


def verify(answer: str, sources: Iterable[str], computed: Iterable[float] = (), allowed_years: Iterable[int] = (),
           n_citations: Optional[int] = None, cited_sources: Optional[dict[int, list[str]]] = None,
           cited_passages: Optional[dict[int, list[str]]] = None) -> VerifyResult:
    """Check every number of `answer` against `sources` (text always allowed, e.g. the question), the sources of
    the citations the answer actually marks (`cited_sources`: n -> fact values and labels, any number in them
    counts), values computed by code, and `cited_passages` (n -> quoted report text): a passage's number
    counts only inside a verbatim “quote” of it or in a sentence that attributes it in words (报告原文称)."""
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
    passages = [t for n in res.cited for t in (cited_passages or {}).get(n, [])]
    from_passages = numbers_in(passages)
    quoted = _quoted_spans(answer or "", passages)
    years = {float(y) for y in allowed_years}
    for n in extract_numbers(answer):
        res.checked.append(n.text)
        if n.year_like and n.value in years:
            continue
        if any(a <= n.start < b for a, b in quoted):
            continue  # the report's own words, quoted and cited
        if n.run or not (_matches(n, allowed) or (
                _matches(n, from_passages) and _ATTRIBUTED.search(_sentence_at(answer, n.start)))):
            res.unverified.append(n.text)
    res.ok = not res.unverified and not res.bad_citations
    return res
