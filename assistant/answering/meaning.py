"""Does a model's rewording keep what each figure means, not only its digits?

The numeric check (verify.py) only asks whether a number is in a cited source. A 0.5B model keeps every digit
and still changes the claim: a year's count becomes "比上一年多了68件", a row's 总计 becomes its 自然人 column.
So, clause by clause, a figure in the reply must keep the labels and the relation it has in the draft:
- a relation word (增加, 减少, 占, 比…多 …) the reply uses must be one the draft or the question uses;
- a row or column label of a cited cell, or a year, said next to a figure must stand next to that same figure
  somewhere in the draft.
The draft is what the table tool and the composer wrote from the facts, so it is the meaning to keep.
"""
from __future__ import annotations

import re
from typing import Iterable

from assistant.answering.lexicon import load_lexicon
from assistant.answering.verify import extract_numbers

# words that turn a figure into a relation between figures
RELATIONS = ("增加", "减少", "增长", "下降", "上升", "回落", "持平", "同比", "环比", "上一年", "上年", "去年", "较上",
             "翻番", "占", "比例", "比重", "最多", "最少", "最高", "最低", "排名", "居首", "平均", "差")
_COMPARE = re.compile(r"比[^，,。；;]{0,24}?(多|少|高|低)")
_CLAUSE = re.compile(r"[，,。；;：:！？!?\n]")  # the reply's clauses: a label next to its figure
_SENTENCE = re.compile(r"[。；;！？!?\n]")  # the draft's: "…申请：129件" states the label before the colon
_GENERIC = {"总计", "合计", "其他", "数量", "件数"}


def _relations(text: str) -> set[str]:
    found = {w for w in RELATIONS if w in text}
    found |= {"比…" + m.group(1) for m in _COMPARE.finditer(text)}
    return found


def _clauses(text: str, cut: re.Pattern = _CLAUSE) -> list[str]:
    return [c for c in cut.split(re.sub(r"\[\d+\]", "", text or "")) if c.strip()]


def _figures(clause: str) -> set[float]:
    return {n.value for n in extract_numbers(clause) if not n.year_like}


def _years(clause: str) -> set[str]:
    return set(re.findall(r"(?<!\d)(?:19|20)\d{2}(?=年)", clause))


def table_words() -> set[str]:
    """Row and column names a figure can be attributed to: the lexicon's columns (自然人, 商业企业, 结果维持 …)
    with their phrasings, and its quantities' labels cut at · and （ (予以公开, 不予公开, 属于国家秘密 …)."""
    lex = load_lexicon()
    out = {w for c in lex.columns for w in [c["column"], *c.get("phrases", [])]}
    for q in lex.quantities.values():
        out |= {w for w in re.split(r"[·（）()＋+]", q.label) if w}
    return out


def meaning_changes(reply: str, draft_text: str, question: str, labels: Iterable[str] = ()) -> list[str]:
    """What the reply changes about its figures' meaning (empty: kept). `labels`: the row and column names
    of the cells the answer cites, beside the table's own words."""
    problems = []
    said = _relations(draft_text) | _relations(question)
    added = sorted(_relations(reply) - said)
    if added:
        problems.append("改变了数字之间的关系（草稿中没有“" + "”“".join(added) + "”）")
    words = sorted({w for w in {*labels, *table_words()} if w and w not in _GENERIC and len(w) >= 2},
                   key=len, reverse=True)
    draft_clauses = [(c, _figures(c)) for c in _clauses(draft_text, _SENTENCE)]
    for clause in _clauses(reply):
        for value in _figures(clause):
            near = [c for c, figs in draft_clauses if value in figs]
            if not near:
                continue  # a figure the draft does not state: the numeric check's business
            here = " ".join(near)
            moved = [w for w in words if w in clause and w not in here and w not in question
                     and not any(w in x and x in here for x in words if x != w)]  # 企业 inside 商业企业
            if moved:
                problems.append(f"把数字{_fmt(value)}说成了“{moved[0]}”的数值")
            years = [y for y in _years(clause) if y not in here and y not in question]
            if years:
                problems.append(f"把数字{_fmt(value)}说成了{years[0]}年的数值")
    return list(dict.fromkeys(problems))


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"
