"""Follow-ups and comparisons as staff ask them (issue 13 items 1 and 3), on the sample library, no LLM."""
from __future__ import annotations

import re

import pytest

from assistant.answering.answer import Assistant


@pytest.fixture(scope="module")
def assistant(built_store):
    return Assistant(built_store, llm="none", log=False).warm_up()


def _chain(a, *questions):
    hist, ans = [], None
    for q in questions:
        ans = a.ask(q, history=list(hist))
        hist.append(q)
    return ans


def _chain_of_queries(a, *questions):
    """As the chat keeps a conversation: each turn's understood query, not its words, goes into the history."""
    hist, ans = [], None
    for q in questions:
        ans = a.ask(q, history=list(hist))
        hist.append(ans.query)
    return ans


@pytest.mark.parametrize("chain", [
    ("江苏人社厅2019年新收申请多少件？", "其中自然人提出的有多少？"),
    ("山东人社厅2019年予以公开多少件", "江苏呢？", "两者相差多少？"),
    ("哪年依申请公开最多？", "那2019年呢？"),
])
def test_a_follow_up_against_the_last_understood_query_answers_as_against_the_words(assistant, chain):
    by_query, by_words = _chain_of_queries(assistant, *chain), _chain(assistant, *chain)
    assert by_query.query is not None and not by_query.refused
    assert by_query.text == by_words.text
    assert [c.to_dict() for c in by_query.citations] == [c.to_dict() for c in by_words.citations]


def test_a_column_named_in_a_follow_up_replaces_the_total(assistant):
    ans = _chain(assistant, "江苏人社厅2019年新收申请多少件？", "其中自然人提出的有多少？")
    assert "127件" in ans.text and "129件" not in ans.text


def test_both_refers_to_the_previous_two_answers(assistant):
    ans = _chain(assistant, "山东人社厅2019年予以公开多少件", "江苏呢？", "两者相差多少？")
    assert not ans.refused
    assert "69件" in ans.text and "76件" in ans.text and "少7件" in ans.text and "增加" not in ans.text


def test_who_has_more_names_the_winner(assistant):
    ans = assistant.ask("山东人社厅和江苏人社厅2019年谁的行政复议多？")
    first = ans.text.split("。")[0]
    assert "江苏省人力资源和社会保障厅" in first and "14件" in first


def test_a_comparison_of_two_agencies_is_not_called_an_increase(assistant):
    ans = assistant.ask("厦门人社局2020年新收申请比福建人社厅同年少多少件？")
    assert "少36件" in ans.text and "增加" not in ans.text and "增长" not in ans.text


@pytest.mark.parametrize("chain, said", [
    (("山东人社厅2019年新收申请多少件", "和江苏比呢"), "多30件（159 − 129 = 30）"),
    (("厦门人社局2020年新收申请比福建人社厅同年少多少件？",), "少36件（68 − 32 = 36）"),
])
def test_a_difference_is_written_larger_minus_smaller_with_one_minus_sign(assistant, chain, said):
    ans = _chain(assistant, *chain)
    assert said in ans.text and not re.search(r"= ?-\d", ans.text), ans.text


def test_a_by_year_comparison_says_first_what_each_year_holds_and_offers_the_per_agency_view(assistant):
    ans = assistant.ask("哪年依申请公开最多？")
    first = ans.text.split("。")[0]
    assert first.startswith("注意：库中各年份收录的报告不同") and "2019年3份" in first and "2020年2份" in first
    assert "按单位看，可以问：“福建省人力资源和社会保障厅哪年" in ans.text
    assert "2019年本年新收政府信息公开申请最多，共340件" in ans.text


def test_a_by_report_ranking_is_not_called_a_sum_by_agency(assistant):
    ans = assistant.ask("哪份报告的本年新收申请最多？")
    assert ans.text.startswith("本年新收政府信息公开申请最多的是山东省人力资源和社会保障厅2019年，159件")
    assert "按单位合计" not in ans.text and "各报告：" in ans.text
