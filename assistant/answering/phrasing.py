"""LLM phrasing of a drafted answer: the prompt (files in prompts/, numbered facts and quotes), streaming with a
loop guard, and the checks that decide whether the model's wording is kept or the draft stands.

The model only phrases: numbers come from the facts store and code, so a reply with a number no cited source
holds, a missing key number, no [n], or nothing but the question said back falls back to the draft.
"""
from __future__ import annotations

import re
import time
from typing import Iterable, Iterator

from assistant.llm import backends as llm_mod
from assistant.answering.compose import Citations, Draft, load_prompt, who
from assistant.answering.meaning import meaning_changes
from assistant.answering.question import Query
from assistant.answering.verify import _matches, extract_numbers, numbers_in, verify
from index import planted
from index.records import AnswerCheck
from index.sentences import split_sentences


MODEL_NAMES = {"local": "本地", "openai": "在线", "scripted": "测试用"}


def llm_messages(question: str, facts: list[str], evidence: list[str]) -> list[dict]:
    """System rules, one worked example (a 0.5B model follows an example far better than instructions),
    then the question with numbered material: computed facts first, then quoted evidence."""
    material = "\n".join(list(facts) + list(evidence)) or "（无）"
    # passages are data: a report that prints the delimiters cannot close the block and speak as the user
    material = re.sub(r"<\s*/?\s*材料\s*>", lambda m: m.group(0).replace("<", "〈").replace(">", "〉"), material)
    return [{"role": "system", "content": load_prompt("answer_system")},
            {"role": "user", "content": load_prompt("answer_example_user")},
            {"role": "assistant", "content": load_prompt("answer_example_assistant")},
            {"role": "user", "content": load_prompt("answer_user", question=question, material=material)}]


def fact_lines(draft_facts: list[str], limit: int = 8, width: int = 160) -> list[str]:
    """The template's sentences as numbered material lines: '…68件[1]' becomes '[1] …68件。'."""
    out = []
    for part in draft_facts:
        for sent in re.split(r"(?<=。)", part):
            sent = sent.strip()
            if not sent:
                continue
            marks = re.findall(r"\[\d+\]", sent)
            body = re.sub(r"\[\d+\]", "", sent)
            out.append(f"{''.join(dict.fromkeys(marks))} {body[:width]}".strip())
            if len(out) >= limit:
                return out
    return out


def evidence_lines(cites: Citations, numbers: Iterable[int], limit: int = 3, width: int = 120) -> list[str]:
    out = []
    for n in list(numbers)[:limit]:
        c = cites.items[n - 1]
        out.append(f"[{n}] {who(c.year, c.agency)}的报告：“{c.quote[:width]}”")
    return out


def stream_llm(backend, messages: list[dict], max_tokens: int = 160) -> Iterator[str]:
    """Stream the reply; stop early when a small model starts looping ("[1][1][1]…")."""
    out = ""
    for delta in backend.stream_chat(messages, max_tokens=max_tokens, temperature=0.0):
        out += delta
        yield delta
        if len(out) > 30 and _looping(out):
            break


def _looping(text: str) -> bool:
    tail = text[-24:]
    for size in range(1, 9):
        unit = tail[-size:]
        if unit.strip() and unit * (24 // size) == tail[-size * (24 // size):]:
            return True
    return False


def phrase(backend, q: Query, draft: Draft, cites: Citations, timings: dict, report_years: list[int]):
    """Generator: streams the LLM's reply, then returns (final text, llm name, checks). The reply is kept
    only when every number in it is grounded in a cited source and the key numbers are all there."""
    name = llm_mod.backend_name(backend)
    said = MODEL_NAMES.get(name, "所选")  # staff read "本地模型", not the backend's code
    evidence = evidence_lines(cites, draft.evidence or [c.n for c in cites.items if c.kind == "passage"])
    facts = fact_lines(draft.facts) if (draft.key_numbers or draft.lead) else []
    ask = f"请用一句话概括下列材料的要点（{q.question}）" if draft.lead else q.question
    msgs = llm_messages(ask, facts, evidence)
    out, t0, first = "", time.perf_counter(), None
    if draft.preface:
        yield draft.preface
    try:
        for delta in stream_llm(backend, msgs):
            if first is None:
                first = (time.perf_counter() - t0) * 1000.0
            out += delta
            yield delta
    except Exception as e:  # a failing model must not lose the answer
        # the exception's own (English) text stays in `detail` for the log; staff read Chinese
        return draft.text, name, [AnswerCheck("llm_error", "fail", f"{said}模型调用失败，已改用按表格数据/原文生成的答案。",
                                               detail=str(e))]
    timings["llm_ttft"] = first or 0.0
    out = out.strip()
    problems = []
    if not out or "没有相关信息" in out:
        problems.append("模型未给出答案")
    elif _echoes(out, q.question):
        problems.append("模型只复述了问题，没有回答")
    out = re.sub(r"。((?:\[\d+\])+)。", r"\1。", out)
    if draft.evidence and not draft.key_numbers and not re.search(r"\[\d+\]", out):
        # a text answer restating its quotes without markers: it is checked against, and shown with, them
        out += "".join(f"[{n}]" for n in draft.evidence)
    res = verify(out, [q.question], computed=draft.computed,
                 allowed_years=list(report_years) + q.years,
                 n_citations=len(cites.items), cited_sources=cites.by_number(),
                 cited_passages=cites.passage_quotes())
    if res.unverified:
        problems.append("数字无法核实：" + "、".join(res.unverified))
    problems += added_to_draft(out, draft, q, report_years)
    labels = [x for c in cites.items if c.kind == "cell" for x in (c.row, c.column)]
    problems += meaning_changes(out, "\n".join([draft.text, *draft.facts, draft.details or ""]), q.question, labels)
    if res.bad_citations:
        problems.append("引用编号不存在：" + "、".join(map(str, res.bad_citations)))
    if not res.cited:
        problems.append("没有标注出处编号")
    lost = [k for k in draft.key_numbers if not _contains(out, k)]
    if lost:
        problems.append("漏掉了关键数字/名称：" + "、".join(lost))
    if problems:
        yield "\n（模型的措辞未通过核对，以下为按表格数据和原文生成的答案）\n" + draft.text
        return draft.text, name, [AnswerCheck("llm_fallback", "fail", f"{said}模型的回答未通过核对（{'；'.join(problems)}），已改用按表格数据/原文生成的答案。",
                                   llm_text=out)]
    if draft.lead:  # 简报: the model's lead sentence, then the full template body
        out += "\n" + draft.text
        yield "\n" + draft.text
        return out, name, [AnswerCheck("llm_phrased", "pass", f"{said}模型撰写导语，数字已核对。")]
    if draft.details:
        out += "\n" + draft.details
        yield "\n" + draft.details
    if draft.notes:
        out += "".join(draft.notes)
        yield "".join(draft.notes)
    if draft.evidence:  # text answers keep the quoted evidence after the model's sentence
        quotes = "；".join(f"“{cites.items[n - 1].quote}”[{n}]" for n in draft.evidence)
        out += "\n原文：" + quotes
        yield "\n原文：" + quotes
    return draft.preface + out, name, [AnswerCheck("llm_phrased", "pass", f"{said}模型措辞，数字已核对。")]


def added_to_draft(reply: str, draft: Draft, q: Query, report_years: Iterable[int] = ()) -> list[str]:
    """What a reply says that the draft does not: a link, an instruction or a denial of the data (planted text
    a model picked up — index/planted.py), or a figure. The model only rewords the draft, so any of these
    means it took something from elsewhere (a report's planted paragraph, its own invention): drop it."""
    problems = []
    known = draft.text + "\n" + "\n".join(draft.facts) + "\n" + (draft.details or "")
    links = [m.group(0) for m in planted.LINK.finditer(reply) if re.sub(r"\s", "", m.group(0)) not in known]
    if links:
        problems.append("加入了草稿中没有的链接：" + "、".join(links[:2]))
    said = [planted.classify(s) for s in split_sentences(reply)]
    bad = [m for k, m in (x for x in said if x) if k != "link" and m not in known]
    if bad:
        problems.append("含有指令性或否定报告数据的文字：" + "、".join(bad[:2]))
    allowed = numbers_in([known, q.question]) | {round(float(c), 6) for c in draft.computed if c is not None}
    years = {float(y) for y in list(report_years) + list(q.years)}
    extra = [n.text for n in extract_numbers(reply)
             if not (n.year_like and n.value in years) and not _matches(n, allowed)]
    if extra:
        problems.append("加入了草稿中没有的数字：" + "、".join(dict.fromkeys(extra)))
    return problems


def _echoes(reply: str, question: str) -> bool:
    """The reply says nothing the question did not ("洪泽区2024年政务公开培训情况[1]。"): at most two character
    pairs and no number that the question lacks."""
    core = re.sub(r"\[\d+\]|[^\w\u4e00-\u9fff]", "", reply)
    asked = re.sub(r"[^\w\u4e00-\u9fff]", "", question)
    pairs = {core[i:i + 2] for i in range(len(core) - 1)}
    if not pairs or len(core) > len(asked) + 12 or set(re.findall(r"\d+", core)) - set(re.findall(r"\d+", asked)):
        return False  # longer, or it brings a number the question did not have: an answer
    return len(pairs - {asked[i:i + 2] for i in range(len(asked) - 1)}) <= 2


def _contains(text: str, key: str) -> bool:
    if re.fullmatch(r"[\d.]+", key):
        return re.search(rf"(?<![\d.]){re.escape(key)}(?![\d.]|\d)", text) is not None
    return key[:2] in text
