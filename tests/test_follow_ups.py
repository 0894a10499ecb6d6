"""Follow-ups and comparisons as staff ask them (issue 13 items 1 and 3), on the sample library, no LLM."""
from __future__ import annotations

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
