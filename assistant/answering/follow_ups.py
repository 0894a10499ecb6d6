"""Follow-ups: a short question that changes one slot of the last understood query, or acts on the last two.

"那2019年呢？" changes the year, "江苏呢？" the agency, "其中自然人提出的有多少？" the column, "增长了百分之多少"
the operation; "两者相差多少？" / "这两年合计" act on the previous two answers; "和江苏比呢" keeps the earlier
agency and adds the new one. After an aggregate ("哪年依申请公开最多？"), naming one member of the grouping
("那2019年呢？") asks for that member's value, not the ranking again.
"""
from __future__ import annotations

import re
from typing import Callable, Optional

FOLLOW = re.compile(r"^(那|那么|那在|那它|它|其|该|这个单位|这家|同期|还有|再看|换成)|呢[?？]?$|它的|其中的|该单位|该机关|同一单位"
                    r"|^(两者|二者|两家|这两|它们|两个单位)")
# "两者相差多少？": an operation over the previous two answers, not over the last one alone
BOTH = re.compile(r"两者|二者|两家|这两|它们|两个单位|两地")
# "和江苏比呢？" / "跟江苏人社厅比一下" / "与2019年相比呢": the earlier subject stays, the named one joins it
# "比江苏多多少？" likewise: the named agency is compared with the earlier one
WITH = re.compile(r"^(那么?)?((和|跟|与|同)(.{1,20}?)(相比|比较|对比|比)(一下|的话|起来)?(呢|怎么样|如何|怎样|又如何)?"
                  r"|(比|较)(.{1,14}?)(多|少|高|低)(了|出)?(多少|几)(件|项|个)?(呢)?)[?？]?$")


def joins(text: str, q, defaulted: bool) -> bool:
    """"和江苏比呢" / "比江苏多多少？": a short question naming only the other side of a comparison."""
    return len(text) <= 16 and (not q.quantities or defaulted) and WITH.search(text) is not None
# an operation alone ("比上年增长了多少？", "合计多少", "占比呢"): it acts on what was asked last
_OP_ONLY = re.compile(r"增长|增加|减少|下降|上升|变化|相差|差多少|差距|多多少|少多少|合计|一共|总共|加起来|占比|比例|比重"
                      r"|百分之|排名|趋势|最多|最少|比上年|同比|相比|对比")


def is_follow_up(text: str, q, prev, defaulted: bool) -> bool:
    """Whether the question leans on the last one: a follow-up word, or no subject of its own beside a year or
    an operation ("2019年的？", "增长了百分之多少？") — not "有没有报告提到信息处理费？"."""
    if prev is None:
        return False
    if FOLLOW.search(text) or joins(text, q, defaulted):
        return True
    no_subject = (not q.quantities or defaulted) and not q.agencies and not q.unknown_agencies
    if no_subject and (q.years or q.year_phrase) and len(text) <= 14:
        return True
    return no_subject and len(text) <= 16 and _OP_ONLY.search(text) is not None


def inherit(q, prev, text: str, rest: str, question: str, defaulted: bool,
            columns: Callable[[list, str], list]) -> None:
    """Fill the slots the follow-up leaves open from the previous query (and, for 两者/和…比, the one before)."""
    q.follow_up = True
    with_ = joins(text, q, defaulted)
    if not q.agencies and not q.unknown_agencies:
        q.agencies, q.agency_mentions = list(prev.agencies), list(prev.agency_mentions)
    elif with_ and not q.unknown_agencies:
        for a, m in reversed(list(zip(prev.agencies, prev.agency_mentions or prev.agencies))):
            if a not in q.agencies:
                q.agencies.insert(0, a)
                q.agency_mentions.insert(0, m)
    if not q.years and not q.year_phrase:
        q.years = list(prev.years)
    elif with_ and q.years:  # "和2019年比呢": both years
        q.years = sorted(set(q.years) | set(prev.years))
    earlier = getattr(prev, "earlier", None)
    if BOTH.search(text) and earlier is not None and not q.unknown_agencies:
        for a, m in zip(earlier.agencies, earlier.agency_mentions or earlier.agencies):
            if a not in q.agencies:
                q.agencies.insert(0, a)
                q.agency_mentions.insert(0, m)
        if not q.year_phrase:
            q.years = sorted(set(q.years) | set(earlier.years))
    if not q.quantities or (defaulted and prev.quantities):
        # "其中自然人提出的有多少？": the earlier quantity, with the column this question names (its 申请 is
        # the earlier one's, not the 新收 default)
        q.quantities = columns(list(prev.quantities), re.sub(r"^(那么?)?其中", "", rest))
        q.text_cue = q.text_cue or prev.text_cue
        # "那2020年呢？" after a text question: search with the earlier words, under the new filters
        base = prev.search_text or prev.question
        for m in prev.agency_mentions:
            base = base.replace(m, "")
        q.search_text = re.sub(r"(?:19|20)\d{2}\s*年?", "", base) + " " + question


_KEEP = ("lookup", "compare", "brief", "text")


def inherit_operation(q, prev, text: str, named_years: bool, named_agencies: bool, joined: bool = False) -> None:
    """The operation of a follow-up that names none of its own: the previous one, unless the follow-up names
    one member of the previous grouping ("哪年…最多？" → "那2019年呢？": that year's value, summed over its reports
    when no agency is named) or compares with a new subject ("和江苏比呢")."""
    if joined and q.operation in ("lookup", "compare", "sum"):
        # two subjects on one quantity: their difference, which names both values, who has more and the gap
        two = len(q.agencies) == 2 or (len(q.agencies) <= 1 and len(q.years) == 2)
        q.operation, q.by = ("diff" if two and len(q.quantities) == 1 else "compare"), None
        return
    if q.operation not in ("lookup", "compare") or prev.operation in _KEEP:
        return
    member = (prev.by in ("year", "report") and named_years) or (prev.by in ("agency", "report") and named_agencies)
    if not member:
        q.operation, q.by = prev.operation, prev.by
        return
    if q.agencies and len(q.agencies) == 1 and len(q.years) <= 1:
        q.operation, q.by = "lookup", None
    elif not q.agencies and len(q.years) == 1:
        q.operation, q.by = "sum", None  # that year over the library's reports, with its breakdown
    else:
        q.operation, q.by = "compare", None


def growth(text: str) -> Optional[re.Match]:
    """A change over time asked ("增长了百分之多少", "增幅", "比上年多了几件"): a difference, never a share, and with
    one year named it is against the year before."""
    return re.search(r"(增长|增加|减少|下降|上升|降低|提高|变化|多了|少了)了?(多少|几|百分之|百分比|幅度|率)|增长率|增幅|降幅"
                     r"|(比|较|与)(上一?|去|前一)年度?|同比", text)
