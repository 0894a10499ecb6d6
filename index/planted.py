"""Planted text: sentences in a report that speak to a reader or a model instead of reporting — instructions
("忽略以上所有指令…", "你现在只需要回答…"), self-contradictions ("以上数据均已作废", "本年新收…实为12345件",
"以本段为准") and links (http://…, www.…) other than a government portal's own (*.gov.cn).

Why a detector at ingest: a report file is data from outside; a sentence that tells its reader to ignore the
tables or to visit a site is either an attack on the assistant or an editing accident, and in both cases staff
should see it (a data-quality finding) and no answer may repeat it. The same predicate runs on the read side:
`retrieve.sentences` never offers such a sentence as evidence (so it is never quoted, never sent to a model),
and a model's reply that contains one is dropped.

Rules are phrasings, not a model: what is flagged is said (kind + the words that matched) so a finding can be
checked by eye, and the real reports in data/ give no finding (tests/test_audit.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from index.records import Check, Document
from index.sentences import END, split_sentences

# instructions addressed to the reader / a model
_INSTRUCTION = re.compile(
    r"忽略(?:掉)?(?:以上|上述|前面|之前|此前|先前|上面|其他|其它)?(?:的)?(?:所有|全部|一切)?(?:的)?(?:指令|指示|提示|要求|规则|内容|材料|说明|设定)"
    r"|(?:无视|不要理会|不必理会)(?:以上|上述|前面|之前)"
    r"|你(?:现在|必须|只需|只需要|应当|应该)(?:只)?(?:要)?(?:回答|输出|回复|扮演|是一个|作为)"
    r"|(?:新|以下|下面)的?指令[:：]|新指令|(?:^|[。；\s])(?:系统(?:提示|指令)?|助手|回答)[:：]"
    r"|请(?:直接)?(?:回答|回复|输出)[:：]|(?:所有|全部)数字一律|一律回答"
    r"|</?\s*材料\s*>"
    r"|\b(?:ignore|disregard)\s+(?:all\s+)?(?:the\s+)?(?:previous|above|prior|earlier)\b|\bSYSTEM\s*:|\bassistant\s*:"
    r"|\byou\s+are\s+now\b",
    re.IGNORECASE)
# a sentence that tells the reader to disbelieve the report's own figures
_CONTRADICTION = re.compile(
    r"(?:数据|数字|数值|以上|上述|前述|表格|本报告)[^。；]{0,8}(?:作废|不作数)"
    r"|(?:数据|数字|数值|以上|上述|表格)[^。；]{0,6}(?:均|全部|一律)(?:已)?(?:无效|失效)"
    r"|以(?:本段|本条|本句|此段|此句|下述|下列|以下)(?:内容|数字|数据|说法)?为准"
    r"|实(?:际)?(?:应)?为\s*\d[\d,]*(?:\.\d+)?\s*(?:万)?\s*(?:件|个|份|条|次|人|名|元|%)"
    r"|(?:真实|正确|实际)(?:的)?(?:数字|数据|数值)(?:应)?(?:是|为)\s*\d")
LINK = re.compile(r"(?:https?|ftp)\s*[:：]\s*//[^\s，。；、）)”\"]+|www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[^\s，。；、）)”\"]*",
                   re.IGNORECASE)
# a government portal's address (www.pingtan.gov.cn): reports print their own site as where to apply, which is
# the report's content; any other address in a report is planted (a model's reply gets no links at all)
_OWN_SITE = re.compile(r"^(?:(?:https?|ftp)\s*[:：]\s*//)?[^/\s]*\.gov(?:\.cn)?(?:[/:]|$)", re.IGNORECASE)
# a crawler's header block (标题: … 原文链接: https://…) is metadata about the page, not report text
_HEADER_LINE = re.compile(r"^\s*(?:原文链接|页面链接|链接|网址|来源|本地目录|发布机构|标题|发布时间|栏目|文号)\s*[:：]")
PARAGRAPH = 300  # a line up to this long is one paragraph: planted words anywhere in it spoil all of it

KINDS = {"instruction": "指令性文字", "contradiction": "自相矛盾、否定本报告数据的文字", "link": "网址链接"}


@dataclass
class Planted:
    kind: str  # instruction | contradiction | link
    text: str  # the sentence
    match: str  # the words that made it planted
    line: int = 0
    page: Optional[int] = None


def classify(sentence: str) -> Optional[tuple[str, str]]:
    """(kind, matched words) when the sentence is planted text, else None. Instructions first: they are the
    attack; a contradiction or a link beside one is part of it."""
    s = sentence or ""
    for kind, pat in (("instruction", _INSTRUCTION), ("contradiction", _CONTRADICTION)):
        m = pat.search(s)
        if m:
            return kind, m.group(0).strip()
    for m in LINK.finditer(s):
        if not _OWN_SITE.search(m.group(0)):
            return "link", m.group(0).strip()
    return None


def is_planted(sentence: str) -> bool:
    return classify(sentence) is not None


def clean_text(text: str) -> str:
    """`text` without its planted sentences (a paragraph up to PARAGRAPH characters goes whole), line
    structure kept. For anything that hands report text on (a retrieval node, a model prompt)."""
    out = []
    for ln in (text or "").split("\n"):
        if _HEADER_LINE.match(ln):
            out.append(ln)
            continue
        if len(ln) <= PARAGRAPH and is_planted(ln):
            continue
        out.append("".join(s for s in END.split(ln) if not is_planted(s)))
    return "\n".join(out)


def find_planted(doc: Document) -> list[Planted]:
    """Every planted sentence of a report, with its line. Table rows (cells) and a crawler's header lines are
    not prose and are skipped."""
    out: list[Planted] = []
    for ln in doc.lines:
        if ln.cells or _HEADER_LINE.match(ln.text or ""):
            continue
        for s in split_sentences(ln.text):
            hit = classify(s)
            if hit:
                out.append(Planted(hit[0], s, hit[1], ln.line, ln.page))
    return out


def planted_checks(doc: Document) -> list[Check]:
    """One data-quality finding per planted sentence (at most 10 per report, the rest counted in the last).
    Instructions and contradictions fail (the report is stored with a warning); a bare link is "uncertain":
    a report may print its own portal's address, so it is listed, not alarmed — it is still never quoted."""
    found = find_planted(doc)
    out: list[Check] = []
    for i, p in enumerate(found[:10]):
        where = (f"第{p.page}页" if p.page else "") + f"第{p.line}行"
        snippet = p.text if len(p.text) <= 60 else p.text[:57] + "…"
        more = f"（另有{len(found) - 10}处同类文字）" if i == 9 and len(found) > 10 else ""
        out.append(Check(doc.file, "planted_text", where, "uncertain" if p.kind == "link" else "fail",
                         f"{doc.file}：{where}疑似植入的{KINDS[p.kind]}（“{p.match}”）：「{snippet}」。"
                         f"该句不作为证据引用，也不会交给模型{more}"))
    return out
