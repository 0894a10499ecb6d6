"""Question understanding by rules: years, agencies, quantities, operation, follow-up slots.

Rules first because the phrasing space of these questions is small and regular, the answer must be exact,
and a 0.5B model cannot be trusted to fill slots. The vocabulary lives in lexicon.json (easy to extend);
agencies are resolved against the reports the library actually holds, so a new agency needs no code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

from assistant.answering import follow_ups, readings
from assistant.answering.lexicon import Lexicon, Quantity, load_lexicon, norm, norm_question, row_columns
from assistant.answering.agencies import find_agencies
from index.library import ReportInfo

Operation = str  # lookup | argmax | argmin | sum | diff | ratio | rank | trend | compare | list | brief | text


# ---------------------------------------------------------------- the library's reports
def library_reports(library) -> list[ReportInfo]:
    """The reports the library holds (current editions), by year then agency: the order answers list them in."""
    return sorted(library.reports(), key=lambda r: (r.year is not None, r.year or 0, r.agency is not None,
                                                   r.agency or "", r.file))


# ---------------------------------------------------------------- the understood question
@dataclass
class Query:
    question: str
    text: str  # normalised
    years: list[int] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)  # full names as the library holds them
    agency_mentions: list[str] = field(default_factory=list)  # the words that named them
    unknown_agencies: list[str] = field(default_factory=list)  # named but not in the library
    missing_years: list[int] = field(default_factory=list)  # asked for, not in the library (for those agencies)
    quantities: list[Quantity] = field(default_factory=list)
    operation: Operation = "lookup"
    by: Optional[str] = None  # "year" | "agency" | "part" (columns or rows of one whole) for argmax/argmin/rank/list
    whole: Optional[str] = None  # by "part": what the parts make up (本年新收政府信息公开申请, 本年度办理结果)
    spread: bool = False  # both 最多 and 最少 asked ("最少的是哪个？比最多的少多少"): the gap is wanted too
    metric: str = "value"  # "ratio": argmax/rank compare shares (哪个单位予以公开比例最高), not counts
    text_cue: bool = False  # asks about something the tables do not hold (channels, reasons, names …)
    follow_up: bool = False
    year_phrase: Optional[str] = None
    search_text: Optional[str] = None  # what to retrieve with (a follow-up borrows the earlier question's words)
    notes: list[str] = field(default_factory=list)
    reading: Optional[readings.Reading] = None  # set when the quantity's reading is unsure: how it was read
    alternatives: list[readings.Reading] = field(default_factory=list)  # the two nearest other readings

    def slots(self) -> dict:
        return {"years": self.years, "agencies": self.agencies, "quantities": [q.id for q in self.quantities],
                "operation": self.operation, "by": self.by, "follow_up": self.follow_up}


_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_COUNT = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "一": 1, "2": 2, "3": 3, "4": 4, "5": 5}


def _cn_year(s: str) -> Optional[int]:
    if all(c in _CN_DIGITS for c in s) and len(s) == 4:
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    return None


def parse_years(text: str, library_years: list[int]) -> tuple[list[int], Optional[str]]:
    """Years named in the question; relative phrases (去年, 近两年) are anchored on the newest report year."""
    t = text
    newest = max(library_years) if library_years else None
    years: list[int] = []
    phrase = None
    for m in re.finditer(r"((?:19|20)\d{2})\s*(?:年)?\s*(?:-|至|到|~)\s*((?:19|20)\d{2})", t):
        a, b = sorted((int(m.group(1)), int(m.group(2))))  # 2020-2019 is the same span
        if b <= a + 30:
            years.extend(range(a, b + 1))
            phrase = m.group(0)
    t2 = re.sub(r"((?:19|20)\d{2})\s*(?:年)?\s*(?:-|至|到|~)\s*((?:19|20)\d{2})", " ", t)
    for m in re.finditer(r"(?<!\d)((?:19|20)\d{2})(?!\d)", t2):
        years.append(int(m.group(1)))
    for m in re.finditer(r"(?<![\d近前满第续])(\d{2})年(?!代|来|以来|间|内)", t2):  # "19年": staff shorthand
        y = 2000 + int(m.group(1))
        if library_years and min(library_years) - 10 <= y <= max(library_years) + 1:
            years.append(y)
    for m in re.finditer(r"([〇零○一二三四五六七八九]{4})年", t):
        y = _cn_year(m.group(1))
        if y:
            years.append(y)
    if newest:
        m = re.search(r"(?:近|最近|过去|前)([两二三四五2-5])(?:个)?年", t)
        if m:
            n = _CN_COUNT[m.group(1)]
            years.extend(range(newest - n + 1, newest + 1))
            phrase = m.group(0)
        last = re.search(r"去年|上一年度?(?!项目)|最近一年|最新一年|最新的?报告|最近的?报告|今年", t)
        if last and not years:
            years.append(newest)
            phrase = last.group(0)
        if "前年" in t and not years:
            years.append(newest - 1)
            phrase = "前年"
    out = sorted(set(years))
    return out, phrase


# ---------------------------------------------------------------- agencies
# ---------------------------------------------------------------- quantities and columns
def find_quantities(text: str, lex: Lexicon) -> tuple[list[Quantity], str, list[readings.Hit]]:
    """The quantities named (exactly, or with one character mistyped), the text with their phrases blanked,
    and the phrase matches kept (for how sure the reading is)."""
    kept = readings.select(readings.phrase_hits(text, lex))
    used = [False] * len(text)
    for h in kept:
        used[h.start:h.end] = [True] * (h.end - h.start)
    hits = [(h.start, h.quantity, h.weak) for h in kept]
    ids: list[str] = []
    for _, qid, weak in hits:
        if qid not in ids:
            ids.append(qid)
    strong_tables = {lex.quantities[q].table for _, q, w in hits if not w}
    weak_only = {q for q in ids if all(w for _, qq, w in hits if qq == q)}
    # a generic phrase ("依申请公开", "诉讼") gives way to a specific row of the same table
    ids = [q for q in ids if not (q in weak_only and lex.quantities[q].table in strong_tables
                                  and any(lex.quantities[o].table == lex.quantities[q].table and o not in weak_only
                                          for o in ids))]
    # a parent sum gives way to one of its own sub-rows (无法提供 vs 无法提供-本机关不掌握…)
    ids = [q for q in ids if not any(o.startswith(q + "-") for o in ids)]
    # the whole named as context gives way to its part ("办理结果中部分公开几件"), unless a total is asked too
    # ("…占全部办结申请的比例" names the whole as the share's base: kept)
    if not any(w in text for w in lex.total_words) and not re.search(r"占.{0,14}(比例|比重|百分|几成)", text):
        ids = [q for q in ids if not any(o in lex.quantities[q].parts or o.split("-")[0] in lex.quantities[q].parts
                                         for o in ids if o != q)]
    blank = "".join("　" if used[i] else c for i, c in enumerate(text))
    return [lex.quantities[q] for q in ids], blank, kept


def apply_columns(quantities: list[Quantity], text: str, lex: Lexicon) -> list[Quantity]:
    """'结果维持的有多少' / '自然人申请' name a column; '共多少…其中维持' asks for the total and the column."""
    if not quantities:
        return quantities
    out: list[Quantity] = []
    wants_total = any(w in text for w in lex.total_words)
    # "行政复议案件数量及维持的数量": the row's total and, joined by 及/以及/和, a column
    for q in quantities:
        cols = []
        used = [False] * len(text)
        # longest phrase first, and a matched span is used up ("法人或其他组织" is not also "其他组织")
        own = row_columns(q.table, q.rows) if q.rows else None  # "项目数量" is no column of 政府集中采购
        phrases = sorted(((norm(p), c) for c in lex.columns if c["table"] == q.table for p in c["phrases"]
                          if own is None or {norm(x) for x in (c["column"], *c.get("alt", ()))} & own),
                         key=lambda x: -len(x[0]))
        for p, c in phrases:
            for m in re.finditer(re.escape(p), text):
                if not any(used[m.start():m.end()]):
                    used[m.start():m.end()] = [True] * (m.end() - m.start())
                    cols.append((m.start(), c))
        cols.sort(key=lambda x: x[0])
        # one phrase can match two column entries (其他结果 vs 其他): keep the longest, distinct columns
        seen, chosen = set(), []
        for _, c in cols:
            if c["column"] not in seen:
                seen.add(c["column"])
                chosen.append(c)
        if not chosen:
            out.append(q)
            continue
        first = cols[0][0]
        joined = re.search(r"(及|以及|和|与|、|其中)(其|的|结果)?$", text[max(0, first - 4):first]) is not None
        if (wants_total or joined) and not any(c["column"] in q.columns[:1] for c in chosen):
            out.append(q)
        for c in chosen:
            if c["column"] in q.columns and len(chosen) == 1 and not (wants_total or joined):
                out.append(q)
                continue
            out.append(q.with_column(c["column"], c.get("alt", ()), c.get("sum", ())))
    return out


# ---------------------------------------------------------------- operation
def _has(text: str, words: Iterable[str]) -> bool:
    return any(norm(w) in text for w in words)


def _first(text: str, words: Iterable[str]) -> int:
    """Where the earliest of `words` occurs in text (len(text) when none does)."""
    return min([text.find(norm(w)) for w in words if norm(w) in text] or [len(text)])


_HOLDINGS = re.compile(r"(库|系统|资料)(里|中|内)?.{0,6}(哪些|几份|多少份|什么)(报告|年报|单位|机关|年份|年度)|收录了"
                       r"|有哪些(报告|年报)|哪些单位的(报告|年报)")


_BY_COLUMN = re.compile(r"哪类|哪一类|哪种|哪一种|什么类型|哪个类型|哪类型|各类|构成|结构|分布|申请主体|申请人类型|哪些类型")


def detect_operation(text: str, q: Query, lex: Lexicon) -> tuple[str, Optional[str]]:
    ops = lex.ops
    if _HOLDINGS.search(text) and not q.quantities:
        return "holdings", None
    if _has(text, ops["brief"]):
        return "brief", None
    if _has(text, ops["list"]):
        return "list", "agency"
    by = ("year" if _has(text, ops["by_year"]) else "report" if _has(text, ops.get("by_report", []))
          else "agency" if _has(text, ops["by_agency"]) else None)
    if _has(text, ops["rank"]):
        return "rank", by or ("year" if len(q.agencies) == 1 else "agency")
    if _has(text, ops["argmax"]) or _has(text, ops["argmin"]):
        # both words ("最少的是哪个？比最多的少多少"): the first one asked decides
        op = "argmin" if _first(text, ops["argmin"]) < _first(text, ops["argmax"]) else "argmax"
        if by is None:
            by = "year" if (len(q.agencies) == 1 or len(q.years) != 1) else "agency"
        return op, by
    if by == "agency" and len(q.agencies) >= 2 and (
            m := re.search(r"(谁|哪家|哪一家|哪个|哪一个|哪边)(的)?.{0,16}?(多|高|大|少|低|小)", text)):
        # "山东和江苏谁的行政复议多？": the comparison asked, with its winner (and gap)
        return ("argmin" if m.group(3) in "少低小" else "argmax"), "agency"
    if by == "year":  # 哪年… without 最多: still an argmax over years
        return "argmax", "year"
    grows = follow_ups.growth(text)  # "增长了百分之多少" is a change, not a share
    if _has(text, ops["ratio"]) and q.quantities and not grows:
        return "ratio", None
    diff_word = _has(text, ops["diff"]) or any(re.search(p, text) for p in ops.get("diff_patterns", []))
    if _has(text, ops["trend"]) and not re.search(r"多少|几|百分", text):
        return "trend", "year"  # "近两年新收申请变化情况": the course, not one difference
    if diff_word and (len(q.years) >= 2 or len(q.agencies) >= 2 or (grows and len(q.years) <= 1)):
        return "diff", None
    if _has(text, ops["trend"]):
        return "trend", "year"
    if _has(text, ops["sum"]) and (len(q.years) >= 2 or len(q.agencies) >= 2 or not q.agencies or not q.years
                                   or len(q.quantities) >= 2):
        return "sum", None
    if len(q.years) >= 2 or len(q.agencies) >= 2:
        return "compare", None
    return "lookup", None


def understand(question: str, library=None, history: Optional[list] = None, reports: Optional[list[ReportInfo]] = None,
               lexicon: Optional[Lexicon] = None) -> Query:
    """Turn a question into slots. `history`: earlier questions (str, Query, or chat dicts with role/content)."""

    lex = lexicon or load_lexicon()
    if reports is None:
        reports = library_reports(library) if library is not None else []
    text = norm_question(question)
    q = Query(question=question, text=text)
    agencies, mentions, unknown, rest = find_agencies(text, reports, lex)
    q.agencies, q.agency_mentions, q.unknown_agencies = agencies, mentions, unknown
    lib_years = sorted({r.year for r in reports if r.year})
    scope_years = sorted({r.year for r in reports if r.year and (not agencies or r.agency in agencies)}) or lib_years
    q.years, q.year_phrase = parse_years(rest, scope_years)
    # years blanked one for one, so a phrase's offsets are the question's (a reading rewrites the question there)
    quantities, rest2, hits = find_quantities(re.sub(r"(?:19|20)\d{2}年?", lambda m: "　" * len(m.group(0)), rest), lex)
    money = {"政府集中采购项目": "政府集中采购金额", "行政事业性收费": "行政事业性收费金额"}
    if any(x.id in money for x in quantities) and re.search(r"金额|钱|元|资金|花费|支出", rest):
        quantities = [lex.quantities[money[x.id]] if x.id in money else x for x in quantities]
    if not quantities and "申请" in rest and (any(
            norm(p) in rest for c in lex.columns if c["table"] == "依申请公开" for p in c["phrases"])
            or re.search(r"多少|几|最多|最少|增|减|比|合计|排名|趋势", rest) or _BY_COLUMN.search(rest)):
        quantities = [lex.quantities["新收申请"]]  # "自然人申请多少件", "多收了多少申请": 新收 by default
    defaulted = bool(quantities) and not hits
    q.quantities = apply_columns(quantities, rest, lex)
    q.text_cue = _has(text, lex.text_cues)
    if q.text_cue and q.quantities and not re.search(r"多少|几|数量|比例|占比|最多|最少|合计|排名|趋势|增|减", rest):
        named = {x.id.split("·")[0] for x in q.quantities}
        if not any(p in rest for p, qid, weak in lex.phrases if not weak and qid in named):
            q.quantities = []  # "依申请公开工作有哪些做法": the topic's name, not a figure asked for
    prev = _previous(history, library, reports, lex)
    named_years, named_agencies = bool(q.years or q.year_phrase), bool(q.agencies)
    inherited = False  # the quantity is the previous question's: its reading was said there
    joined = prev is not None and follow_ups.joins(text, q, defaulted)  # "和江苏比呢": before slots are filled
    if not _HOLDINGS.search(text) and follow_ups.is_follow_up(text, q, prev, defaulted):
        inherited = bool(prev.quantities) and (not q.quantities or defaulted)
        follow_ups.inherit(q, prev, text, rest, question, defaulted, lambda qs, t: apply_columns(qs, t, lex))
    q.operation, q.by = detect_operation(text, q, lex)
    q.spread = _has(text, lex.ops["argmax"]) and _has(text, lex.ops["argmin"])
    if q.operation == "diff" and len(q.years) == 1 and len(q.agencies) < 2:
        q.years = [q.years[0] - 1, q.years[0]]  # "2020年同比增长多少": against the year before
    if _BY_COLUMN.search(text) and len(q.quantities) == 1 and not q.quantities[0].column_label:
        base = q.quantities[0]
        cols = [c for c in lex.columns if c["table"] == base.table and c["table"] != "主动公开" and not c.get("sum")]
        if base.parts:  # "办理结果构成": the rows that make up the total
            q.quantities = [lex.quantities[x] for x in base.parts]
        elif cols:  # "哪类申请人最多", "复议结果各类分别多少": one quantity per column of the row
            q.quantities = [base.with_column(c["column"], c.get("alt", ())) for c in cols]
        if base.parts or cols:
            q.by, q.whole = "part", re.sub(r"总计$", "", base.label)
            if q.operation not in ("argmax", "argmin", "rank"):
                q.operation = "rank"
    if q.operation in ("argmax", "argmin", "rank") and q.quantities and re.search(r"比例|占比|比重|公开率|百分比", text):
        q.metric = "ratio"
    if q.follow_up and prev is not None:
        follow_ups.inherit_operation(q, prev, text, named_years, named_agencies, joined)
    if not inherited:
        readings.unsure(q, hits, defaulted, lex)
    # years asked for that the library lacks (for the named agencies)
    held = {(r.agency, r.year) for r in reports}
    if q.years:
        for y in q.years:
            if q.agencies:
                if not any((a, y) in held for a in q.agencies):
                    q.missing_years.append(y)
            elif y not in lib_years:
                q.missing_years.append(y)
    return q


def _previous(history, library, reports, lex) -> Optional[Query]:
    if not history:
        return None
    prev: Optional[Query] = None
    chain: list[Query | str] = []
    for h in history:
        if isinstance(h, Query):
            chain.append(h)
        elif isinstance(h, str):
            chain.append(h)
        elif isinstance(h, dict) and h.get("role") == "user" and isinstance(h.get("content"), str):
            chain.append(h["content"])
        elif isinstance(h, (list, tuple)) and h and isinstance(h[0], str):  # (user, bot) pairs
            chain.append(h[0])
    for h in chain:
        before = prev
        if isinstance(h, Query):
            prev = h
        else:
            prev = understand(h, library, history=[prev] if prev else None, reports=reports, lexicon=lex)
        prev.earlier = before  # the turn before it, for "两者…" (kept one deep: no chain of chains)
        if before is not None:
            before.earlier = None
    return prev
