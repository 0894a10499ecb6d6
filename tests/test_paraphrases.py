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
    assert want & _numbers(ans.text) and ans.unverified_numbers == [], ans.text
    files = {r["file"] for r in P.gold()["reports"] if r["agency"] in case.agencies and r["year"] in case.years} \
        if case.agencies else {r["file"] for r in P.gold()["reports"] if r["year"] in case.years}
    assert {c.file for c in ans.citations if c.kind == "cell"} <= files


@pytest.mark.parametrize("case", [c for c in CASES if c.unsure][:4] + [
    c for c in CASES if c.style == "typo" and not P.still_named(c)][::12],
                         ids=lambda c: c.id)
def test_the_answer_says_how_it_read_an_unsure_question_and_offers_the_alternatives(case, assistant):
    ans = assistant.ask(case.question, history=case.history)
    label = P.lexicon_quantities()[case.quantity]["label"]
    assert ans.reading and ans.reading.startswith(f"（按“{label}") and ans.reading in ans.text
    assert ans.unverified_numbers == []  # 三安全一稳定, 四类… in the rows' names are no claimed counts
    assert len(ans.alternatives) == 2 and all(a["question"] and a["label"] for a in ans.alternatives)
    d = ans.to_dict()
    assert d["reading"] == ans.reading and [a["question"] for a in d["alternatives"]] == \
        [a["question"] for a in ans.alternatives]
    again = assistant.ask(ans.alternatives[0]["question"])  # what a click on the first suggestion asks
    assert not again.refused and label not in again.text.split("。")[0]


def test_a_plain_question_carries_no_reading(assistant):
    ans = assistant.ask("江苏省人社厅2019年行政复议案件有多少件？")
    assert ans.reading is None and ans.alternatives == [] and "按“" not in ans.text and "reading" not in ans.to_dict()


def test_a_typo_two_rows_fit_equally_offers_the_other_first(reports):
    q = understand("福建省人社厅2019年行政处议有多少件？", reports=reports)  # 行政复议 or 行政处罚, one character off each
    assert q.reading is not None and "同样接近" in q.reading.why
    assert {q.reading.quantity, q.alternatives[0].quantity} == {"行政复议", "行政处罚"}
