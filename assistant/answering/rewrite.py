"""A question the rules cannot read, rewritten by a server model into the lexicon's own words — then read by
the same rules, never trusted as such.

Only with an OpenAI-compatible server configured (a capable model: the bundled 0.5B one is not asked). The
model picks one quantity label and at most one column from the lexicon (prompts/rewrite_query.txt); its
pick is kept only when it is one of those names, and the question is then understood again with that label
appended, so the agency, years and operation still come from the staff's own words and the quantity from the
lexicon. A pick that names another agency or year than the question did is impossible by construction: the
model's line never reaches the agency or year reader.
"""
from __future__ import annotations

import logging
import re
from typing import Optional

from assistant.answering.compose import load_prompt
from assistant.answering.lexicon import load_lexicon

log = logging.getLogger(__name__)

# a question that asks for a figure: the rules found none, so it is worth one model call
_ASKS_FIGURE = re.compile(r"多少|几(?:件|个|次|回|起|项|家|份|宗)|数量|数目|件数|总数|合计|一共|共计|最多|最少|排名|占比|比例|增长|减少")


def wants_rewrite(query, backend) -> bool:
    return (backend is not None and getattr(backend, "name", "") == "openai" and not query.quantities
            and query.operation not in ("holdings", "brief") and bool(_ASKS_FIGURE.search(query.text)))


def pick(backend, question: str) -> Optional[tuple[str, Optional[str]]]:
    """(quantity label, column or None) as the model picked them from the lexicon, or None."""
    lex = load_lexicon()
    labels = [q.label for q in lex.quantities.values()]
    columns = list(dict.fromkeys(c["column"] for c in lex.columns))
    prompt = load_prompt("rewrite_query", quantities="、".join(labels), columns="、".join(columns), question=question)
    try:
        reply = backend.chat([{"role": "user", "content": prompt}], max_tokens=60)
    except Exception as e:  # the server is down: the rules' answer stands
        log.warning("query rewrite: %s", e)
        return None
    m = re.search(r"项目[:：]\s*([^；;\n]+?)\s*[；;]\s*列[:：]\s*([^；;\n]+)", reply or "")
    if not m:
        return None
    label, column = m.group(1).strip("“”\"' "), m.group(2).strip("“”\"'。 ")
    if label not in labels:
        return None
    return label, (column if column in columns else None)


def rewritten_question(question: str, label: str, column: Optional[str]) -> str:
    """The staff's question with the lexicon's own phrasing of what it asks (the longest specific phrase of
    the quantity, the column's name), for the rules to read again."""
    lex = load_lexicon()
    qid = next(q.id for q in lex.quantities.values() if q.label == label)
    phrase = max((p for p, i, weak in lex.phrases if i == qid and not weak), key=len, default=label)
    return f"{question.rstrip('？?。 ')}（{phrase}{f'，{column}' if column else ''}）？"


def reread(question: str, backend, understand) -> Optional[tuple[object, str]]:
    """(the query understood from the rewritten question, the label) when the model's pick reads back as that
    quantity under the rules; None otherwise."""
    got = pick(backend, question)
    if got is None:
        return None
    label, column = got
    q = understand(rewritten_question(question, label, column))
    if not q.quantities or q.quantities[0].label != label:
        return None
    return q, label
