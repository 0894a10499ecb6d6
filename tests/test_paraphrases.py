"""The paraphrase suite (issue 13 item 5): every lexicon quantity in many phrasings, every operation and the
follow-up chains of tests/paraphrases.py, understood against the real sample library; for a subset, the
answer's number against the gold facts (Assistant, llm="none"). bench/routing.py prints the same as a table."""
from __future__ import annotations

import json
import re

import pytest

from assistant.answering.question import library_reports, understand
from tests import paraphrases as P

CASES = P.suite()
LEX = json.loads(P.LEXICON.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def library(built_store):
    from index.library import Library

    lib = Library(built_store)
    yield lib
    lib.close()


@pytest.fixture(scope="module")
def reports(library):
    return library_reports(library)


def read(case, library, reports):
    return understand(case.question, library, history=case.history, reports=reports)


def test_the_suite_covers_every_quantity_phrasing_and_operation():
    ids = [q["id"] for q in LEX["quantities"]]
    assert set(P.WORDS) == set(ids), "every lexicon quantity needs its phrasings in tests/paraphrases.py WORDS"
    for qid in ids:
        styles = {c.style for c in P.lookups() if c.quantity == qid}
        assert len(styles) >= 5 and {"formal", "colloquial", "short", "traditional", "typo"} <= styles
        ops = {c.operation for c in P.operations() if c.quantity == qid}
        assert {"sum", "argmax", "argmin", "diff", "trend", "compare", "list"} <= ops
    assert {c.by for c in P.operations() if c.operation in ("argmax", "argmin")} == {"year", "agency", "report"}
    assert any(c.operation == "ratio" for c in P.operations())
    assert len({c.style for c in P.follow_ups()}) >= 10


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_understood(case, library, reports):
    q = read(case, library, reports)
    assert P.mismatches(case, q) == {}, " | ".join(case.turns)


def test_routing_accuracy_is_at_least_98_percent(library, reports):
    right = sum(not P.mismatches(c, read(c, library, reports)) for c in CASES)
    assert right / len(CASES) >= 0.98


# ---------------------------------------------------------------- how the question was read
@pytest.mark.parametrize("case", [c for c in CASES if c.unsure or (c.style == "typo" and not P.still_named(c))],
                         ids=lambda c: c.id)
def test_an_unsure_reading_is_said_with_two_alternatives_that_read_as_themselves(case, library, reports):
    q = read(case, library, reports)
    assert q.reading is not None and q.reading.quantity == case.quantity.split("·")[0]
    assert len(q.alternatives) == 2 and q.reading.quantity not in {a.quantity for a in q.alternatives}
    for alt in q.alternatives:  # a click on the suggestion asks it that way
        again = understand(alt.question, library, reports=reports)
        assert [x.id.split("·")[0] for x in again.quantities] == [alt.quantity], alt.question
        assert again.agencies == q.agencies and again.years == q.years


@pytest.mark.parametrize("case", [c for c in CASES if c.style in ("formal", "short", "cn_year") or c.style in (
    "sum", "diff", "argmax_report", "其中…", "那…年呢")], ids=lambda c: c.id)
def test_a_question_that_names_its_quantity_is_not_hedged(case, library, reports):
    q = read(case, library, reports)
    assert q.reading is None and q.alternatives == []


# ---------------------------------------------------------------- the answers' numbers (gold facts)
ANSWERED = [c for c in CASES if c.value is not None and (
    c.style in ("formal", "typo", "traditional", "generic", "sum", "diff", "其中…", "单位呢", "聚合后…年呢", "换个量")
    or (c.style in ("colloquial", "sum_years", "那…年呢") and sum(map(ord, c.id)) % 3 == 0))]  # a fixed third of these


@pytest.fixture(scope="module")
def assistant(built_store):
    from assistant.answering.answer import Assistant

    return Assistant(built_store, llm="none", log=False).warm_up()


def _plain(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _numbers(text: str) -> set[str]:
    return {_plain(float(n)) for n in re.findall(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])", text.replace(",", ""))}


@pytest.mark.parametrize("case", ANSWERED, ids=lambda c: c.id)
def test_the_answer_gives_the_gold_number_from_the_right_reports(case, assistant):
    ans = assistant.ask(case.question, history=case.history)
    assert not ans.refused, ans.text
    v = abs(case.value)
    want = {_plain(v)} | ({_plain(v / 10000)} if v >= 10000 else set())  # 34355400元 or 3435.54万元
    assert want & _numbers(ans.text), ans.text
    files = {r["file"] for r in P.gold()["reports"] if r["agency"] in case.agencies and r["year"] in case.years} \
        if case.agencies else {r["file"] for r in P.gold()["reports"] if r["year"] in case.years}
    assert {c.file for c in ans.citations if c.kind == "cell"} <= files
