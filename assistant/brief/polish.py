"""Optional LLM polishing of a 简报's template prose, kept only when no number was lost, changed or added.

Each paragraph of parts 一–四 is rewritten on its own (short prompts suit a 0.5B model) and checked with the
shared verifier in both directions: every number of the rewrite must be in the template paragraph, and every
number of the template paragraph must be in the rewrite; the [n] markers must be the same set. Anything else
(backend missing, error, empty or odd output) keeps the template paragraph and is recorded in Brief.polish.
Quotes (part 五), audit findings (part 六), 同比变化 formula lines and paragraphs dense with figures are never
rewritten.
"""
from __future__ import annotations

import logging
import re

from assistant.answering.verify import extract_numbers

log = logging.getLogger(__name__)

POLISHED_SECTIONS = ("一、", "二、", "三、", "四、")
MAX_NUMBERS = 12  # a paragraph denser than this is a list of figures: a 0.5B model only loses some of them
_CITE = re.compile(r"\[\d+\]")


def _backend(llm):
    if not isinstance(llm, str):
        return llm  # a backend object (tests pass assistant.llm.backends.ScriptedBackend)
    from assistant.llm.backends import get_backend

    return get_backend(llm)


def check_rewrite(original: str, rewrite: str, years=(), n_sources: int | None = None) -> str | None:
    """None when the rewrite keeps every number and citation of the original; else the reason it does not."""
    from assistant.answering.verify import verify

    rewrite = (rewrite or "").strip()
    if not rewrite:
        return "空输出"
    if not 0.5 <= len(rewrite) / max(len(original), 1) <= 2.0:
        return f"长度异常（{len(rewrite)}字，原文{len(original)}字）"
    if sorted(set(_CITE.findall(rewrite))) != sorted(set(_CITE.findall(original))):
        return "引用编号与草稿不一致"
    for q in re.findall(r"“[^”]*”", original):
        if q not in rewrite:
            return "改动了引号内的原文"
    added = verify(rewrite, [original], allowed_years=years, n_citations=n_sources)
    if not added.ok:
        return "出现草稿中没有的数字：" + "、".join(added.unverified) if added.unverified else "引用编号越界"
    lost = verify(original, [rewrite], allowed_years=())
    if not lost.ok:
        return "丢失了数字：" + "、".join(lost.unverified)
    return None


def polish(brief, llm, max_tokens: int = 400) -> None:
    """Rewrite the brief's template paragraphs in place where the rewrite passes `check_rewrite`."""
    from assistant.answering.compose import load_prompt

    try:
        backend = _backend(llm)
        if backend is None:
            brief.notes.append("未配置可用的大模型，简报使用模板文字。")
            return
        backend.warm_up()
    except Exception as e:  # a missing model file is not a reason to fail the whole brief
        brief.notes.append(f"大模型不可用（{e}），简报使用模板文字。")
        return
    brief.llm = getattr(backend, "model_id", None) or getattr(backend, "name", "llm")
    for s in brief.sections:
        if not s.title.startswith(POLISHED_SECTIONS):
            continue
        for i, para in enumerate(s.paragraphs):
            entry = {"section": s.title, "index": i}
            if para.startswith("同比变化") or len(extract_numbers(para)) > MAX_NUMBERS:
                brief.polish.append(dict(entry, status="skipped", reason="算式或数字密集的段落保留模板原文"))
                continue
            try:
                reply = backend.chat([{"role": "user", "content": load_prompt("brief_polish", text=para)}],
                                     max_tokens=max_tokens, temperature=0.0)
                reason = check_rewrite(para, reply, brief.years, len(brief.sources))
            except Exception as e:
                reply, reason = "", f"调用失败：{e}"
            if reason is None:
                s.paragraphs[i] = reply.strip()
                entry["status"] = "kept"
            else:
                entry.update(status="rejected", reason=reason)
            brief.polish.append(entry)
