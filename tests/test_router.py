"""The router: table / text / both / refuse by rules, always with a reason."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answering.question import ReportInfo, understand
from assistant.answering.router import route

GOLD = Path(__file__).resolve().parents[1].joinpath("data/gold/seed_facts.json")


@pytest.fixture(scope="module")
def reports():
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    return [ReportInfo(r["file"], r["agency"], r["region"], r["level"], r["year"]) for r in gold["reports"]]


@pytest.mark.parametrize("q,kind", [
    ("2020年福建省人社厅新收政府信息公开申请多少件？", "table"),
    ("哪年依申请公开最多？", "table"),
    ("福建省人社厅开发的智能问答机器人叫什么名字？", "text"),
    ("厦门市人社局2020年的报告指出工作中存在什么问题？", "text"),
    ("江苏省人社厅2019年的依申请公开中，网络申请和信件申请各有多少件？", "both"),
    ("为福建省人社厅2019—2020年的政府信息公开工作写一份简报。", "both"),
    ("广东省人社厅2020年收到多少政府信息公开申请？", "refuse"),
    ("福建省人社厅2022年政府信息公开行政复议有多少件？", "refuse"),
])
def test_routes(q, kind, reports):
    r = route(understand(q, reports=reports))
    assert r.kind == kind
    assert r.reason  # never a bare label


def test_refusal_reason_names_what_is_missing(reports):
    r = route(understand("广东省人社厅2020年收到多少政府信息公开申请？", reports=reports))
    assert "广东省人社厅" in r.reason
    r = route(understand("福建省人社厅2022年行政复议有多少件？", reports=reports))
    assert "2022" in r.reason


def test_partly_missing_years_are_not_refused(reports):
    # 厦门 has 2020 only: 近两年 asks 2019 and 2020 — answer 2020, say 2019 is missing (not a refusal)
    q = understand("近两年厦门市人社局行政诉讼多少件", reports=reports)
    assert route(q).kind == "table" and q.missing_years == [2019]


def test_llama_index_tools_answer_from_the_store(built_store):
    from index.library import Library

    from assistant.answering.retrieve import HybridRetriever
    from assistant.answering.router import llama_index_tools

    lib = Library(built_store)
    table, text = llama_index_tools(lib, HybridRetriever(lib))
    assert table.metadata.name == "table_facts" and text.metadata.name == "report_text"
    out = table.call(question="2020年福建省人社厅新收政府信息公开申请多少件？")
    assert "68件[1]" in out.content and "002_6b472aee8860b578.txt" in out.content
    res = text.call(input="福建省人社厅开发的智能问答机器人叫什么名字？")
    assert any("人社福精灵" in n.node.get_content() for n in res.raw_output.source_nodes)
