"""A question the rules cannot read, rewritten by a server model into the lexicon's words and read again by
the rules (issue 13 item 7). Scripted picks test the validation; the slow test asks a real llama_cpp.server."""
from __future__ import annotations

import pytest

from assistant.answering import rewrite
from assistant.answering.answer import Assistant
from assistant.answering.question import understand
from assistant.llm.backends import OpenAIBackend, ScriptedBackend

Q = "2020年福建人社厅收到的信息公开请求数目是多少"  # the rules find no table item in it


class Server(ScriptedBackend):
    """Scripted replies under the server backend's name (the rewrite is only tried with a server model)."""

    name = "openai"


def test_the_rules_alone_cannot_read_it(library):
    assert understand(Q, library).quantities == []


def test_a_valid_pick_is_read_again_by_the_rules_and_said(built_store):
    a = Assistant(built_store, llm=Server(["项目：本年新收政府信息公开申请；列：无"] + ["68件[1]。"] * 2), log=False)
    ans = a.warm_up().ask(Q)
    assert not ans.refused and ans.route.kind == "table" and "68" in ans.text
    assert "按统计表中的“本年新收政府信息公开申请”理解" in ans.text
    assert [(c.row, c.column, c.value) for c in ans.citations] == [("本年新收", "总计", 68.0)]


@pytest.mark.parametrize("reply", [
    "项目：群众来信数量；列：无",  # not a lexicon item: an invented name is never used
    "新收68件",  # not the format
    "",
])
def test_an_invalid_pick_changes_nothing(built_store, reply):
    a = Assistant(built_store, llm=Server([reply, "x"]), log=False).warm_up()
    plain = Assistant(built_store, llm="none", log=False).warm_up().ask(Q)
    ans = a.ask(Q)
    assert "按统计表中的" not in ans.text and ans.route.kind == plain.route.kind


def test_the_pick_never_reaches_the_agency_or_year(library):
    q, label = rewrite.reread(Q, Server(["项目：政府信息公开行政复议；列：无"]), lambda t: understand(t, library))
    assert label == "政府信息公开行政复议" == q.quantities[0].label
    assert q.years == [2020] and q.agencies == ["福建省人力资源和社会保障厅"]


def test_no_rewrite_without_a_server_model_or_for_a_readable_question(library):
    assert not rewrite.wants_rewrite(understand(Q, library), ScriptedBackend(["x"]))  # not a server
    assert not rewrite.wants_rewrite(understand("2020年福建省人社厅新收申请多少件", library), Server(["x"]))
    assert rewrite.wants_rewrite(understand(Q, library), Server(["x"]))


@pytest.mark.slow
def test_a_real_server_models_pick_is_a_lexicon_item_or_nothing(llama_server, library):
    backend = OpenAIBackend(base_url=llama_server, model="qwen")
    got = rewrite.pick(backend, Q)
    labels = {q.label for q in __import__("assistant.answering.lexicon", fromlist=["x"]).load_lexicon().quantities.values()}
    assert got is None or got[0] in labels
    again = rewrite.reread(Q, backend, lambda t: understand(t, library))
    if again is not None:  # whatever the model picked, the rules read it back as that item, for this agency and year
        q, label = again
        assert q.quantities[0].label == label and q.years == [2020] and q.agencies == ["福建省人力资源和社会保障厅"]
