"""Answers from the reports' prose: the sentences that best answer a question, quoted exactly and cited.

Three shapes, chosen by rules over the question:
- one agency (or the whole library): the best one or two sentences;
- 各单位/各地 … without a named agency: the best sentence of each report, so no agency drowns the others;
- 哪些单位提到了X / 有没有报告提到X: every report whose text holds X word for word, one quote each — a lookup,
  not a ranking, so "none" is a finding, not a weak-evidence refusal.
"""
from __future__ import annotations

import re
from typing import Optional

from assistant.answering import narrative
from assistant.answering.compose import Citations, Draft, SourceFiles, squash, who
from assistant.answering.question import Query
from assistant.answering.lexicon import norm
from assistant.answering.retrieve import HybridRetriever, best_sentences, sentences

MIN_EVIDENCE = 0.34  # share of the question's content words a quoted sentence must cover (else: weak → refuse)
_COUNT = re.compile(r"(\d|[一二三四五六七八九十两百千万])\s*(?:余|多)?\s*(?:名|个|场|次|件|人|条|项|份|家|期|篇|户|万|余|%)")
_MENTIONS = re.compile(r"(?:哪些|哪几个|哪几家|哪个|哪家|有没有|是否有|有无)(?:单位|报告|机关|部门|地方|年报)?(?:的报告|的年报)?"
                       r"(?:中|里)?(?:提到|提及|涉及|写到|出现|谈到|讲到)(?:了|过)?[“\"「]?(.{2,24}?)[”\"」]?"
                       r"(?:的内容|的情况|这个词|一词|的表述|的做法)?(?:吗|呢)?[?？。！!]*$")
_EACH = re.compile(r"各单位|各地|各部门|各机关|各个单位|每个单位|每家单位|各报告|各家")
_PROBLEMS = re.compile(r"问题|不足|短板")
LISTED = 8  # reports quoted by a mentions answer; the rest are named


def cite_sentence(sources: SourceFiles, cites: Citations, chunk, sent: str) -> tuple[str, int]:
    """The sentence as the file prints it, and its citation number (the chunk's span when it cannot be found)."""
    loc = sources.locate(chunk.file, sent, near=(chunk.page, chunk.line_start))
    if loc:
        ls, le, page, quote, page_end = loc
    else:  # chunk text differs from the file (e.g. a generated header): cite the chunk's span
        ls, le, page, quote, page_end = chunk.line_start, chunk.line_end, chunk.page, squash(sent), chunk.page_end
    return quote, cites.passage(chunk.file, quote, ls, le, page, chunk.section, page_end)


def text_draft(retriever: HybridRetriever, sources: SourceFiles, q: Query, cites: Citations, strict: bool = True,
               query_text: Optional[str] = None, k: int = 2) -> Optional[Draft]:
    years = [y for y in q.years if y not in q.missing_years] or None
    # a follow-up ("那2020年呢？") searches with the earlier question's words, first in search_text
    earlier = norm(q.search_text.split(" ")[0]) if q.follow_up and q.search_text else ""
    m = (_MENTIONS.search(q.text) or (_MENTIONS.search(earlier) if earlier else None)) if query_text is None else None
    phrase = re.sub(r"^[了过]|(的|吗|呢)$", "", m.group(1).strip("?？!！。.“”\"'「」 ")) if m else ""
    if len(re.sub(r"\W", "", phrase)) >= 2:  # "哪些报告提到了？" names nothing to look for
        return mentions_draft(retriever, sources, q, cites, phrase, years)
    asked = q.text if narrative.wants_outline(q.text) else earlier if narrative.wants_outline(earlier) else ""
    if asked and query_text is None:  # 做了哪些工作 / 如何推进 / 存在什么问题: the section, point by point
        d = narrative.draft(retriever.library, q, cites, asked)
        if d is not None:
            return d
    text = query_text or q.search_text or q.question
    each_word = _EACH.search(q.text) if not q.agencies else None
    each = each_word is not None
    # narrowed to named reports, the retriever only orders a dozen chunks, barely apart (a long chunk holding
    # "主动公开文件286份" ranks 7th): let the sentence scorer see more of them
    passages = retriever.search(text, years=years, agencies=q.agencies or None,
                                top_k=10 if q.agencies else (24 if each else 6))
    if not passages:
        return None
    drop = q.agency_mentions + list(q.agencies) + ([each_word.group(0)] if each_word else [])  # 各单位 is not a topic
    bonus = ["存在的主要问题", "存在问题", "问题及改进"] if _PROBLEMS.search(q.text) else []
    best = best_sentences(text, passages, drop=drop, k=40 if each else k, section_bonus=bonus)
    if not best or (strict and best[0][2] < MIN_EVIDENCE):
        return None
    if each:  # the best sentence of each report, best reports first
        seen: set[str] = set()
        best = [b for b in best if b[0].chunk.file not in seen and not seen.add(b[0].chunk.file)][:5]
    pieces, nums = [], []
    for p, sent, _sc in best:
        quote, n = cite_sentence(sources, cites, p.chunk, sent)
        nums.append(n)
        pieces.append((p.chunk, quote, n))
    out = "；".join(f"{who(c.year, c.agency)}的报告：“{quote}”[{n}]" for c, quote, n in pieces) + "。"
    if re.search(r"多少|几[个场次件名人条项份家期篇户]", q.text) and not _COUNT.search(pieces[0][1]):
        # asked for a count, and the closest sentence gives none: say so rather than let a quote pass as one
        out = "报告原文最相关的内容没有写明具体数字：" + out
    return Draft(text=out, evidence=nums,
                 extractive="各单位的原文逐条引用，不交给模型合并改写。" if each and len(pieces) > 1 else "")


def mentions_draft(retriever: HybridRetriever, sources: SourceFiles, q: Query, cites: Citations, phrase: str,
                   years: Optional[list[int]]) -> Draft:
    """Every report whose prose holds `phrase` word for word (spaces and line wraps ignored), one quote each."""
    key = norm(phrase)
    by_file: dict[str, tuple] = {}
    planted_only: dict[str, object] = {}  # reports where the phrase stands only in planted text (not quotable)
    for c in retriever.containing(key, years=years, agencies=q.agencies or None):
        if c.file in by_file:
            continue
        sent = next((s for s in sentences(c.text) if key in norm(s)), None)
        if sent is not None:
            by_file[c.file] = (c, sent)
            planted_only.pop(c.file, None)
        else:
            planted_only.setdefault(c.file, c)
    scope = "、".join(q.agencies) + "的" if q.agencies else ""
    scope += "、".join(f"{y}年" for y in years) if years else ""
    flagged = ""
    if planted_only:  # found, but only where the audit marked the text as planted: said, never quoted
        flagged = ("另有" + "、".join(who(c.year, c.agency) for c in planted_only.values()) +
                   f"的报告中“{phrase}”只出现在被标记为疑似植入的文字里（见年报库的数据核验），不作引用。")
    if not by_file:
        if flagged:
            return Draft(text=f"库中{scope}报告的正文没有可引用的“{phrase}”。" + flagged.removeprefix("另有"),
                         extractive="只在疑似植入的文字中出现，如实说明。")
        return Draft(text=f"库中{scope}报告的正文都没有提到“{phrase}”（按原文逐字查找；统计表不在此列）。",
                     extractive="逐字查找没有结果，如实说明。")
    found = sorted(by_file.values(), key=lambda x: (-(x[0].year or 0), x[0].agency or ""))
    pieces, nums = [], []
    for c, sent in found[:LISTED]:
        quote, n = cite_sentence(sources, cites, c, sent)
        nums.append(n)
        pieces.append(f"{who(c.year, c.agency)}：“{quote}”[{n}]")
    more = found[LISTED:]
    tail = ("另有" + "、".join(who(c.year, c.agency) for c, _s in more) + "的报告也提到。") if more else ""
    return Draft(text=f"库中{scope}有{len(found)}份报告提到“{phrase}”：" + "；".join(pieces) + "。" + tail + flagged,
                 evidence=nums, computed=[float(len(found))],
                 extractive="逐字查找的结果按报告逐条引用，不交给模型改写。")
