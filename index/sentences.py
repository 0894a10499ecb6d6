"""Where a sentence ends in report text: the one definition the chunker, the planted-text filter, the
answers' quotes, the 简报's quotes and the search snippets share (a quote cut one way and checked another
would not match its own source)."""
from __future__ import annotations

import re

END_CHARS = "。！？；!?;"  # a 全角 or ASCII full stop, question or exclamation mark, or semicolon
END = re.compile(rf"(?<=[{END_CHARS}])")  # split after an end, keeping it with its sentence


def split_sentences(text: str) -> list[str]:
    """The non-empty sentences of `text`, stripped, each with its end mark."""
    return [s for s in (x.strip() for x in END.split(text or "")) if s]
