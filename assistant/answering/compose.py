"""The composer: template answers for table results and the prompt files (prompts/); the numbered citations and
the report files' lines are in citations.py, caveats and refusals in notes.py.

Quotes are exact text from the report file (whitespace normalised) with the line span they occupy, so a reader
can check every sentence. Numbers in template answers come only from facts and table_tool's arithmetic.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

# the report files' lines and the numbered citations live in citations.py; the callers import them from here too
from assistant.answering.citations import OUTLINE_NUMBER, Citations, SourceFiles, line_tuples, squash  # noqa: F401
from assistant.answering.table_results import Difference, Item, Ranking, Shares, Sum, TableAnswer
from assistant.answering.table_tool import fmt
from index.config import PROMPTS_DIR
from index.errors import ConfigError


# ---------------------------------------------------------------- prompts
def load_prompt(name: str, **values) -> str:
    """Prompt files are plain text with {placeholders}; a missing value is an error that names it."""
    path = Path(PROMPTS_DIR) / f"{name}.txt"
    if not path.exists():
        raise ConfigError(f"prompt file {path} is missing; restore it from git")
    text = path.read_text(encoding="utf-8")
    needed = set(re.findall(r"\{(\w+)\}", text))
    missing = needed - set(values)
    if missing:
        raise ConfigError(f"prompt {path.name}: no value for placeholder(s) {', '.join(sorted(missing))}")
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), text).strip()


@dataclass
class Draft:
    text: str
    key_numbers: list[str] = field(default_factory=list)  # an LLM rephrasing must keep these
    facts: list[str] = field(default_factory=list)  # fact sentences for the LLM prompt
    computed: list[float] = field(default_factory=list)
    refused: bool = False
    evidence: list[int] = field(default_factory=list)  # citation numbers of quoted passages
    notes: list[str] = field(default_factory=list)  # caveats shown after any phrasing (uneven library …)
    preface: str = ""  # a caveat said before the answer, phrasing or not (the table has no such cell …)
    lead: bool = False  # the LLM writes a lead sentence above the template instead of replacing it (简报)
    details: str = ""  # template text kept after the LLM's sentence (per-report breakdown of an aggregate)
    extractive: str = ""  # why this answer is never given to the LLM to rephrase (said in the checks)

    def add_note(self, note: str, first: bool = False) -> None:
        """A caveat the answer must carry (a conflict, an unread table, a gap in the library, how a year was
        read): a part of the draft, kept after any phrasing, and in its text — after it, or before it."""
        if first:
            self.preface, self.text = note + self.preface, note + self.text
        else:
            self.notes.append(note)
            self.text += note


# ---------------------------------------------------------------- how a report is named to staff
UNNAMED = "（发布机关未能识别）"


def who(year: Optional[int], agency: Optional[str]) -> str:
    """'2020年福建省人力资源和社会保障厅'; an unknown year or agency said in words, never "None"."""
    return f"{f'{year}年' if year else '（年度未能识别）'}{agency or UNNAMED}"


def year_name(year) -> str:
    return f"{year}年" if year else "（年度未能识别）"


def key_name(key) -> str:
    """A group key as printed: an agency, a year or a part — a missing one in words."""
    return UNNAMED if key is None else str(key)


# ---------------------------------------------------------------- table answers
def _who(i: Item) -> str:
    return who(i.year, i.agency)


def _val(i: Item) -> str:
    if i.value is None:
        return "报告中无此数值"
    v = f"{fmt(i.value)}{i.quantity.unit}"
    if i.quantity.money:
        cell = next((c for c in i.cells if c.printed), None)
        if cell and "万" in (cell.printed or ""):
            v += f"（报告原文为“{squash(cell.printed)}”）"
        elif cell and (cell.unit == "万元" or "万元" in cell.column):
            v += f"（表中单位为万元，原文为“{squash(cell.printed)}”）"
    if len(i.cells) > 1:
        v += f"（{i.formula}）"
    return v


def table_draft(ta: TableAnswer, cites: Citations) -> Draft:
    q, r, op = ta.query, ta.result, ta.operation
    d = Draft(text="", computed=list(ta.computed))
    items = [i for i in ta.items]
    main = items[0].quantity if items else None
    label = main.display if main else ""
    unit = main.unit if main else ""
    parts: list[str] = []
    if op in ("argmax", "argmin", "rank") and ta.groups and isinstance(r, Ranking):
        pct = unit == "%"
        word = ("最低" if pct else "最少") if op == "argmin" else ("最高" if pct else "最多")
        if q.by == "year":
            scope = f"{'、'.join(q.agencies)}" if q.agencies else "按库中全部报告合计"
            who = "、".join(f"{k}年" for k in r.ties or [r.winner])
            tie = "并列" if len(r.ties) > 1 else ""
            parts.append(f"{scope}，{who}{label}{tie}{word}，{'各' if tie else '共'}{fmt(r.value)}{unit}{_win_marks(ta, cites)}。")
            for g in ta.groups:
                detail = "，".join(f"{i.agency or UNNAMED}{fmt(i.value)}{unit}{cites.marks(i.cells)}" for i in g.items if i.value is not None)
                n = len(g.items)
                total = f"合计{g.formula}{unit}" if n > 1 else f"{fmt(g.value)}{unit}"
                parts.append(f"{year_name(g.key)}：{total}（{n}份报告：{detail}）。")
        elif q.by == "part":
            base = q.whole or re.sub(r"（[^（）]*）$", "", label)
            who = _who(items[0]) if len({i.file for i in items}) == 1 else ""
            ties = r.ties or [r.winner]
            tie = "并列" if len(ties) > 1 else ""
            if r.value == 0 and op != "rank":
                parts.append(f"{who}{base}各类均为0{unit}{_win_marks(ta, cites)}。")
            else:
                parts.append(f"{who}{base}中，{'、'.join(map(str, ties))}{tie}{word}，{'各' if tie else ''}"
                             f"{fmt(r.value)}{unit}{_win_marks(ta, cites)}。")
            parts.append("各类：" + "；".join(f"{k + 1}. {g.key} {fmt(g.value)}{unit}" + "".join(
                cites.marks(i.cells) for i in g.items) for k, g in enumerate(ta.groups) if g.value is not None)
                + f"（各类合计{fmt(r.total)}{unit}）。")
        else:
            yrs = "、".join(f"{y}年" for y in q.years) if q.years else ""
            ties = r.ties or [r.winner]
            tie = "并列" if len(ties) > 1 else ""
            parts.append(f"{yrs}{label}{tie}{word}的是{'、'.join(map(key_name, ties))}，{'各' if tie else ''}{fmt(r.value)}{unit}"
                         f"{_win_marks(ta, cites)}。")
            ranked = "；".join(f"{k + 1}. {key_name(g.key)} {fmt(g.value)}{unit}" + "".join(cites.marks(i.cells) for i in g.items)
                               for k, g in enumerate(ta.groups) if g.value is not None)
            parts.append(("排名：" if op == "rank" else "各报告：" if q.by == "report" else "各单位：") + ranked + "。")
        if r.spread:
            hi, lo, gap = r.spread.high, r.spread.low, r.spread.gap
            suffix = "年" if q.by == "year" else ""
            parts.append(f"最多的{hi.key}{suffix}比最少的{lo.key}{suffix}多{fmt(gap)}{unit}"
                         f"（{fmt(hi.value)} − {fmt(lo.value)} = {fmt(gap)}）。")
        d.key_numbers = [str(r.winner), fmt(r.value)]
    elif op == "list" and ta.groups:
        withs = [g for g in ta.groups if (g.value or 0) > 0]
        zero = [g for g in ta.groups if g.value == 0]
        if withs:
            parts.append(f"报告中有{label}的单位：" + "；".join(
                f"{key_name(g.key)}（" + "，".join(f"{i.year}年{fmt(i.value)}{unit}{cites.marks(i.cells)}" for i in g.items
                                       if i.value is not None) + "）" for g in withs) + "。")
        else:
            parts.append(f"库中报告均没有{label}（数值为0）。")
        if zero:
            parts.append("为0的：" + "；".join(key_name(g.key) + "".join(cites.marks(i.cells) for i in g.items) for g in zero) + "。")
        d.key_numbers = [fmt(g.value) for g in withs]
    elif op == "diff" and isinstance(r, Difference):
        a, b, diff = r.start, r.end, r.diff
        word = "增加" if diff > 0 else ("减少" if diff < 0 else "持平，变化")
        pct = f"，{'增长' if diff > 0 else '下降'}{fmt(abs(r.pct))}%" if r.pct not in (None, 0) else ""
        # the answer first ("…比…少36件（68 − 32 = 36）"), then the two figures it comes from, each cited
        if a.agency != b.agency:
            # two agencies are compared, not one changing: "厦门…比福建…少36件", in the order the question named them
            more = "多" if a.value > b.value else "少" if a.value < b.value else "持平，相差"
            same = a.year == b.year
            parts.append(f"{year_name(a.year) if same else ''}{a.agency or UNNAMED if same else _who(a)}{label}比"
                         f"{b.agency or UNNAMED if same else _who(b)}{more}{fmt(abs(diff))}{unit}（{ta.formula}）："
                         f"{a.agency or UNNAMED}{_val(a)}{cites.marks(a.cells)}，{b.agency or UNNAMED}{_val(b)}"
                         f"{cites.marks(b.cells)}。")
        elif a.year != b.year:
            change = f"{word}了{fmt(abs(diff))}{unit}（{ta.formula}{pct}）"
            if pct and a.value and re.search(r"百分之|百分比|%|幅度|增幅|降幅|增长率|下降率", q.text):
                # asked for the rate: it leads, with its own formula
                change = (f"{'增长' if diff > 0 else '下降'}{fmt(abs(r.pct))}%（({fmt(b.value)} − {fmt(a.value)}) ÷ "
                          f"{fmt(a.value)} = {fmt(r.pct)}%），{word}{fmt(abs(diff))}{unit}")
            parts.append(f"{a.agency or UNNAMED}{year_name(b.year)}{label}比{year_name(a.year)}{change}："
                         f"{year_name(a.year)}{_val(a)}{cites.marks(a.cells)}，{year_name(b.year)}{_val(b)}"
                         f"{cites.marks(b.cells)}。")
        else:
            parts.append(f"{_who(a)}{label}{_val(a)}{cites.marks(a.cells)}，{_who(b)}{_val(b)}{cites.marks(b.cells)}；"
                         f"{word}了{fmt(abs(diff))}{unit}（{ta.formula}{pct}）。")
        d.key_numbers = [fmt(abs(diff))]
    elif op == "ratio" and isinstance(r, Shares) and r.rows:
        for x in r.rows:
            num, den = x.num, x.den
            parts.append(f"{_who(num)}{num.display}占{den.display}的{fmt(x.pct)}%（{x.formula}）：{num.display}"
                         f"{_val(num)}{cites.marks(num.cells)}，{den.display}{_val(den)}{cites.marks(den.cells)}。")
            d.key_numbers.append(fmt(x.pct))
    elif op == "sum" and isinstance(r, Sum):
        several = len({i.quantity.id for i in items}) > 1
        mains = [i for i in items if (i.quantity == main or several) and i.value is not None]
        what = "、".join(dict.fromkeys(i.display for i in mains)) if several else label
        parts.append(f"{what}合计{fmt(r.total)}{unit}（{ta.formula}）：" +
                     "；".join(f"{_who(i)}{i.display if several else ''}{_val(i)}{cites.marks(i.cells)}" for i in mains)
                     + "。")
        d.key_numbers = [fmt(r.total)]
    elif op == "trend" and ta.groups:
        seq = "→".join(f"{year_name(g.key)}{fmt(g.value)}{unit}" + "".join(cites.marks(i.cells) for i in g.items) for g in ta.groups)
        who = "、".join(q.agencies) if q.agencies else "库中报告合计"
        parts.append(f"{who}{label}逐年情况：{seq}。")
        known = [g for g in ta.groups if g.value is not None]
        for a, b in zip(known, known[1:]):
            dv = b.value - a.value
            parts.append(f"{b.key}年比{a.key}年{'增加' if dv >= 0 else '减少'}{fmt(abs(dv))}{unit}。")
        d.key_numbers = [fmt(g.value) for g in known]
    if not parts:  # lookup / compare / anything that fell through: one sentence per item
        for i in items:
            if i.value is None:
                continue
            parts.append(f"{_who(i)}{i.display}：{_val(i)}{cites.marks(i.cells)}。")
            d.key_numbers.append(fmt(i.value))
    d.text = "".join(parts)
    d.facts = [p for p in parts]
    if op in ("argmax", "argmin", "rank") and len(parts) > 1:
        # the model rephrases the headline only; the breakdown follows as the template wrote it
        d.facts, d.details = parts[:1], "".join(parts[1:])
    d.notes = list(dict.fromkeys(ta.notes))
    d.text += "".join(d.notes)
    for p in reversed(list(dict.fromkeys(ta.prefaces))):
        d.add_note(p, first=True)
    return d


def _win_marks(ta: TableAnswer, cites: Citations) -> str:
    win = set(ta.result.ties or [ta.result.winner]) if isinstance(ta.result, Ranking) else set()
    return "".join(cites.marks(i.cells) for g in ta.groups if g.key in win for i in g.items)
