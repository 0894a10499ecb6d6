"""How a question's quantity was read, when the reading is not certain, and the nearest other readings.

Phrases are matched exactly, or with one character wrong (a pinyin input method picks a homophone: 行政复意,
规范姓文件) when the phrase is four characters or more — shorter ones are too close to other words for a
one-character slip to say which was meant. A reading is unsure when it rests on a typo, on a generic phrase
that several cells could answer ("申请数量", "依申请公开": lexicon readings.unsure_phrases), on no phrase at all
(the 新收 default for "申请"), or when two quantities fit one typo equally. Then the Query carries the reading
and the two nearest alternatives, each with the question rewritten to it — the answer says how it was read
and the app offers the alternatives to click.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from assistant.answering.lexicon import Lexicon

MIN_FUZZY = 4  # shortest phrase matched with one character wrong


@dataclass(frozen=True)
class Reading:
    """One way to read the question: the quantity meant, the question asked that way, and why it is offered."""

    quantity: str  # quantity id
    label: str  # its name as staff read it ("本年新收政府信息公开申请")
    question: str  # the question rewritten to this reading (what a click asks)
    why: str = ""  # what made the reading unsure ("“行政复意”疑为“行政复议”")

    def to_dict(self) -> dict:
        return {"quantity": self.quantity, "label": self.label, "question": self.question, "why": self.why}


@dataclass(frozen=True)
class Hit:
    """A lexicon phrase found in the question: exactly, or with the character at `wrong` mistyped."""

    start: int
    end: int
    quantity: str
    phrase: str
    weak: bool
    wrong: Optional[int] = None  # index in the text of the mistyped character
    rivals: tuple[str, ...] = ()  # other quantities this typo fits as well

    @property
    def exact(self) -> bool:
        return self.wrong is None

    @property
    def matched(self) -> int:
        return self.end - self.start - (0 if self.exact else 1)


_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_FUZZY: dict[int, tuple[dict[str, list[tuple[str, str]]], list[int], list[str]]] = {}


def _fuzzy_index(lex: Lexicon):
    """Each strong phrase under every one-character mask (规范?文件 …): a window of the question is looked up
    under its own masks, so a typo costs one dict lookup per character instead of a scan of the lexicon."""
    hit = _FUZZY.get(id(lex))
    if hit is None:
        masks: dict[str, list[tuple[str, str]]] = {}
        for p, qid, weak in lex.phrases:
            if weak or len(p) < MIN_FUZZY or not _CJK.match(p):
                continue
            for i in range(len(p)):
                masks.setdefault(p[:i] + "?" + p[i + 1:], []).append((p, qid))
        lengths = sorted({len(k) for k in masks}, reverse=True)
        # words of the lexicon that are not quantities: a character of one of them is never the typo
        words = {p for p, _q, _w in lex.phrases} | {w for c in lex.columns for w in c["phrases"]} | set(lex.total_words)
        words |= {w for k, ws in lex.ops.items() if not k.endswith("patterns") for w in ws}
        hit = _FUZZY[id(lex)] = (masks, lengths, sorted((w for w in words if len(w) >= 2), key=len, reverse=True))
    return hit


def phrase_hits(text: str, lex: Lexicon) -> list[Hit]:
    """Every exact and one-typo match of a quantity phrase, best first: the most matching characters, an exact
    match before a typo of the same weight. The caller takes them greedily, so "未经复议直街起诉" is one row
    (seven characters right), not 复议 + 起诉 (four)."""
    exact_set = {p for p, _q, _w in lex.phrases}
    hits: list[Hit] = []
    for phrase, qid, weak in lex.phrases:
        if phrase not in text:
            continue
        for m in re.finditer(re.escape(phrase), text):
            hits.append(Hit(m.start(), m.end(), qid, phrase, weak))
    masks, lengths, words = _fuzzy_index(lex)
    said = [False] * len(text)  # characters inside a word the lexicon knows ("新制作", "处理决定", "采购花了")
    for w in words:
        if w in text:
            for m in re.finditer(re.escape(w), text):
                said[m.start():m.end()] = [True] * (m.end() - m.start())
    for n in lengths:
        for s in range(0, len(text) - n + 1):
            w = text[s:s + n]
            if w in exact_set or not _CJK.match(w):
                continue
            found: dict[str, tuple[str, int]] = {}
            for i in range(n):
                if said[s + i]:
                    continue
                for p, qid in masks.get(w[:i] + "?" + w[i + 1:], ()):
                    found.setdefault(qid, (p, s + i))
            if not found:
                continue
            qids = list(found)
            for qid in qids:
                p, wrong = found[qid]
                hits.append(Hit(s, s + n, qid, p, False, wrong, tuple(x for x in qids if x != qid)))
    hits.sort(key=lambda h: (-h.matched, not h.exact, h.start))
    return hits


def select(hits: list[Hit]) -> list[Hit]:
    """The hits kept, greedily and without overlap, in text order. A typo is read only when the question names
    no quantity exactly elsewhere: beside an exact name, a near miss ("本年新制做" ~ 本年新增) is another word
    more often than a slip."""
    def greedy(cands):
        used, kept = set(), []
        for h in cands:
            if used.isdisjoint(range(h.start, h.end)):
                used.update(range(h.start, h.end))
                kept.append(h)
        return kept

    kept = greedy(hits)
    if any(not h.exact for h in kept) and any(h.exact and not h.weak for h in kept):
        kept = greedy([h for h in hits if h.exact])
    return sorted(kept, key=lambda h: h.start)


# ---------------------------------------------------------------- unsure readings and their alternatives
def _alike(a: str, b: str) -> float:
    """Dice similarity of two phrases' characters: how near another quantity's wording is to what was said."""
    sa, sb = set(a), set(b)
    return 2 * len(sa & sb) / (len(sa) + len(sb)) if sa and sb else 0.0


def nearest(qid: str, said: str, lex: Lexicon, exclude: set[str], n: int = 2) -> list[str]:
    """The n quantities most likely meant instead of `qid`: the lexicon's own 'near' list first, then those
    whose phrases are most alike to what the question said, in the same table before others."""
    out = [x for x in lex.near.get(qid, []) if x in lex.quantities and x not in exclude and x != qid]
    if len(out) < n:
        table = lex.quantities[qid].table
        score: dict[str, float] = {}
        for p, other, _w in lex.phrases:
            if other != qid and other not in exclude and other not in out:
                score[other] = max(score.get(other, 0.0), _alike(said, p))
        order = list(lex.quantities)
        # the same table first: a row beside the one read is nearer than a like-sounding row of another table
        out += sorted((k for k, v in score.items() if v > 0), key=lambda k: (
            lex.quantities[k].table != table, -score[k], order.index(k)))
    if len(out) < n:  # nothing alike enough: the rows beside it (same group, then same table)
        group = qid.split("-")[0]
        out += sorted((k for k in order if k not in out and k != qid and k not in exclude
                       and lex.quantities[k].table == table),
                      key=lambda k: (k.split("-")[0] != group, abs(order.index(k) - order.index(qid))))
    return out[:n]


def _phrase_for(qid: str, lex: Lexicon) -> str:
    """The wording a rewritten question uses for a quantity: its label without the bracketed note, and without
    总计 (a total word: "个人本年度办理结果总计" would ask for the total beside the column)."""
    return re.sub(r"总计$", "", re.sub(r"（[^（）]*）$", "", lex.quantities[qid].label).replace("·", ""))


def unsure(q, used: list[Hit], defaulted: bool, lex: Lexicon) -> None:
    """Set q.reading and q.alternatives when the quantity was read from a typo, a generic phrase or nothing."""
    if len(q.quantities) != 1 or q.reading is not None:
        return
    chosen = q.quantities[0].id.split("·")[0]
    hit = next((h for h in used if h.quantity == chosen), None)
    if defaulted and not any(w in q.text for w in lex.confirm.get(chosen, ())):
        why, said, span = "问题没有说明是哪项申请数字", "申请", None
    elif hit is not None and not hit.exact:
        typed = q.text[hit.start:hit.end]
        why, said, span = f"“{typed}”疑为“{hit.phrase}”", hit.phrase, (hit.start, hit.end)
    elif hit is not None and hit.phrase in lex.unsure_phrases and not any(
            h.exact and h.phrase not in lex.unsure_phrases for h in used if h.quantity == chosen) and not any(
            w in q.text for w in lex.confirm.get(chosen, ())):
        why, said, span = f"“{hit.phrase}”可指表中多项", hit.phrase, (hit.start, hit.end)
    else:
        return
    rivals = list(hit.rivals) if hit is not None else []
    exclude = {chosen} | {x.id.split("·")[0] for x in q.quantities}
    alts = (rivals + nearest(chosen, said, lex, exclude | set(rivals)))[:2]
    if rivals:  # a tie: the typo fits another row as well, which comes first among the alternatives
        why += "，与另一项同样接近"

    def ask(qid: str) -> str:
        phrase = _phrase_for(qid, lex)
        if span is not None:
            out = q.text[:span[0]] + phrase + q.text[span[1]:]
        else:
            m = re.search(r"申请", q.text)  # the default: name the row where the bare 申请 stood
            out = q.text[:m.start()] + phrase + q.text[m.end():] if m else q.text + f"（{phrase}）"
        if lex.quantities[qid].unit != lex.quantities[chosen].unit:  # "…项目数量是多少元" would ask for money
            out = re.sub(r"(是|有)?(多少|几)(件|项|个|元|万元|钱)?[?？]?$", "是多少？", out)
        return out

    read = q.quantities[0]

    def label(qid: str) -> str:  # an alternative keeps the column the question named ("个人申请" -> 自然人)
        other = lex.quantities[qid]
        if read.column_label and other.table == read.table:
            return other.with_column(read.column_label).display
        return other.display

    q.reading = Reading(chosen, read.display, ask(chosen), why)
    q.alternatives = [Reading(a, label(a), ask(a)) for a in alts]


def sentence(q) -> str:
    """How the answer says it read the question, and what else it could have meant."""
    if q.reading is None:
        return ""
    out = f"（按“{q.reading.label}”理解"
    if q.reading.why:
        out += f"：{q.reading.why}"
    if q.alternatives:
        out += "；如想问的是" + "或".join(f"“{a.label}”" for a in q.alternatives) + "，可换个问法"
    return out + "。）"


def label_numbers(sentence: str) -> list[float]:
    """The numerals of the rows' own names in a reading sentence (“三安全一稳定”, 四类过程性信息): words of the
    template, not counts — given to the verifier as code's, so it does not take them for claimed figures."""
    from assistant.answering.verify import extract_numbers

    return [n.value for n in extract_numbers(sentence)]
