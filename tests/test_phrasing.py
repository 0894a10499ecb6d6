"""A model's rewording is kept only when each figure keeps its meaning (issue 13 item 7): its row, column and
year, and the relation words of the draft — not only its digits. Scripted replies stand in for the model's
wording; the draft, the citations and the checks are the real ones over the sample library."""
from __future__ import annotations

import pytest

from assistant.answering.answer import Assistant
from assistant.answering.meaning import meaning_changes
from assistant.llm.backends import ScriptedBackend

FJ_2020 = "2020年福建省人社厅新收政府信息公开申请多少件？"
JS_2019 = "江苏人社厅2019年新收申请多少件？"


@pytest.fixture(scope="module")
def assistant(built_store):
    return Assistant(built_store, llm="none", log=False).warm_up()


def _phrased(assistant, question, reply):
    ans = assistant.with_llm(ScriptedBackend([reply])).ask(question)
    rules = {c.rule: c for c in ans.checks}
    return ans, rules


@pytest.mark.parametrize("question, reply, why", [
    (FJ_2020, "福建省人社厅2020年新收申请比上一年多了68件[1]。", "关系"),  # a year's count made a change
    (JS_2019, "江苏省人社厅2019年自然人提出的新收申请129件[1]。", "自然人"),  # the row's 总计 as its 自然人 column
    (JS_2019, "江苏省人社厅2020年新收申请129件[1]。", "2020"),  # another year
])
def test_a_rewording_that_changes_a_figures_meaning_is_dropped(assistant, question, reply, why):
    ans, rules = _phrased(assistant, question, reply)
    fb = rules["llm_fallback"]
    assert why in fb.message and fb.llm_text.startswith(reply[:6])
    assert reply not in ans.text and ans.text == assistant.ask(question).text  # the extractive answer stands
    assert "local" not in fb.message and "[" not in fb.message  # staff read Chinese, no internal marks


@pytest.mark.parametrize("question, reply", [
    (FJ_2020, "2020年，福建省人社厅共新收政府信息公开申请68件[1]。"),
    (JS_2019, "2019年江苏省人社厅本年新收的政府信息公开申请为129件[1]。"),
])
def test_a_rewording_that_keeps_the_meaning_is_kept(assistant, question, reply):
    ans, rules = _phrased(assistant, question, reply)
    assert "llm_phrased" in rules and ans.text.startswith(reply)


def test_the_check_reads_labels_and_relations_clause_by_clause():
    draft = "2019年江苏省人社厅本年新收政府信息公开申请：129件[1]；其中自然人127件[2]。"
    assert meaning_changes("新收129件，其中自然人提出127件", draft, "问题") == []
    assert meaning_changes("其中自然人提出129件", draft, "问题") == ["把数字129说成了“自然人”的数值"]
    assert meaning_changes("2019年比2018年增加129件", draft, "问题")[0].startswith("改变了数字之间的关系")
    # a relation the question itself asks about is not an addition
    assert meaning_changes("增长了16件", "68 − 52 = 16：增加了16件", "增长了多少") == []
