"""Input checks run before a question is understood: empty, too long, no words, not Chinese.

Why here and not in the UI: the CLI, the batch mode and the app all reach `Assistant.ask`, and a 5,000-character
question otherwise costs tens of seconds of retrieval (every character is a BM25 term and a dense query) — one
pasted document could stall the app for every other user. Each refusal says what was wrong and what to do.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

MAX_QUESTION_CHARS = 500  # the longest gold question is under 80 characters; a page of text is not a question

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def clean_question(text: Optional[str]) -> str:
    """Control characters dropped (they are invisible in the app and break logs); whitespace runs kept as one."""
    text = "".join(ch for ch in (text or "") if ch in "\t\n" or unicodedata.category(ch)[0] != "C")
    return re.sub(r"\s+", " ", text).strip()


def question_problem(text: str) -> Optional[tuple[str, str]]:
    """(code, message) when the (cleaned) question cannot be answered as asked, else None."""
    if not text:
        return "empty", "问题是空的：请输入要查询的问题，例如“2020年福建省人社厅新收政府信息公开申请多少件？”"
    if len(text) > MAX_QUESTION_CHARS:
        return "too_long", (f"问题太长（{len(text)}字，上限{MAX_QUESTION_CHARS}字）：请只写要问的事项，"
                            "例如机关、年份和要查的数字或内容。")
    if not any(ch.isalnum() for ch in text):
        return "no_words", "问题里没有文字，只有标点或符号：请用一句话写出要查询的机关、年份和内容。"
    if not _CJK.search(text) and _LATIN.search(text):
        return "not_chinese", ("目前只支持中文提问（库中报告都是中文）：请用中文提问，例如“2020年福建省人社厅新收"
                               "政府信息公开申请多少件？” (please ask in Chinese)")
    return None
