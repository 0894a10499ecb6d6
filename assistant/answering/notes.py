"""What an answer says about itself and about the library, apart from its figures and quotes: a table
answer joined to the report's words, how a relative year was read, what the library does not hold, why a
table has no such cell, and refusals that say what the library holds. The composer's text, in one place, so
the answer step only chooses which to say."""
from __future__ import annotations

import re
from typing import Iterable, Optional

from assistant.answering.compose import Draft
from assistant.answering.question import Query
from index.library import ReportInfo


def combined(table: Draft, text: Draft) -> Draft:
    """A table answer followed by the report's own words on the rest of the question."""
    return Draft(text=table.text + "\n原文相关内容：" + text.text, key_numbers=table.key_numbers, facts=table.facts,
                 computed=table.computed + text.computed, evidence=text.evidence, notes=table.notes,
                 details=table.details)


def assumed_years_note(query: Query) -> Optional[str]:
    """去年/近两年 are read against the newest report held (for the named agency): say which years."""
    if not (query.year_phrase and query.years) or re.search(r"(19|20)\d{2}", query.question):
        return None
    whose = "、".join(query.agencies) if query.agencies else "库中"
    return (f"（问题中的“{query.year_phrase}”按{whose}最新报告的年度理解为"
            f"{'、'.join(f'{y}年' for y in sorted(query.years))}。）")


def library_gaps(query: Query) -> list[str]:
    """What the question named that the library does not hold (answered for the rest)."""
    out = []
    if query.unknown_agencies:
        out.append(f"库中没有{'、'.join(query.unknown_agencies)}的报告，未作回答。")
    if query.missing_years:
        out.append(f"库中没有{'、'.join(query.agencies) or '任何单位'}{'、'.join(f'{y}年' for y in query.missing_years)}的报告。")
    return out


def no_cell_note(query: Query, gaps: list[str]) -> str:
    """Said before quoting prose when the table has no such cell (never a silent swap)."""
    labels = "、".join(x.display for x in query.quantities)
    why = "；".join(gaps) or "可能是报告所用模板没有这一栏"
    return f"库中相应报告的统计表里没有“{labels}”的数值（{why}）。原文相关内容："


# ---------------------------------------------------------------- refusals and holdings
def holdings(reports: Iterable[ReportInfo]) -> str:
    by: dict[str, list[int]] = {}
    for r in reports:  # a report of unknown publisher is said so, not shown by its (often hashed) file name
        by.setdefault(r.agency or "发布机关未能识别的报告", []).append(r.year or 0)
    if not by:
        return "库中还没有任何报告（请先用 ingest 导入）"
    def years(ys: list[int]) -> str:
        known = "、".join(str(y) for y in sorted(set(ys)) if y)
        return (known + "年" if known else "") + ("、年度未知" if known and 0 in ys else "" if known else "年度未知")
    return "；".join(f"{a}（{years(ys)}）" for a, ys in by.items())


def refusal(query: Query, reports: list[ReportInfo], reason: str, gaps: Iterable[str] = ()) -> Draft:
    """`gaps`: why a named report's template has no such row (a fact about the report, said in the refusal)."""
    held = holdings(reports)
    if reason == "agency":
        what = "、".join(query.unknown_agencies)
        text = f"无法回答：库中没有{what}的报告，不能给出相关数字。库中现有：{held}。"
    elif reason == "year":
        who = "、".join(query.agencies) if query.agencies else "任何单位"
        yrs = "、".join(f"{y}年" for y in query.missing_years)
        text = f"无法回答：库中没有{who}{yrs}的报告。库中现有：{held}。"
    elif reason == "no_fact":
        labels = "、".join(q.display for q in query.quantities)
        why = "；".join(gaps)
        text = f"无法回答：库中相应报告的表格里没有“{labels}”这一项的数值{f'（{why}）' if why else ''}。库中现有：{held}。"
    else:
        text = f"无法回答：库中报告里没有找到与这个问题相关的内容或数据，不作猜测。库中现有：{held}。"
    return Draft(text=text, refused=True)
