"""Answer style (issue 13 item 6) on the real ingested samples: the answer in the first sentence, then the
breakdown; one citation per figure — a figure computed from several cells is one [n] whose citation carries the
cells, and the source panel marks them all together; every number still grounded."""
from __future__ import annotations

import re

import pytest

from assistant.answering.answer import Assistant
from assistant.ui import render
from index.conversations import citation_from
from index.library import Library


@pytest.fixture(scope="module")
def assistant(built_store):
    return Assistant(built_store, llm="none", log=False).warm_up()


def marks(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\[(\d+)\]", text)]


def test_a_sum_of_a_group_is_one_citation_carrying_its_cells(assistant):
    ans = assistant.ask("江苏人社厅2019年不予公开合计多少件？")
    assert marks(ans.text) == [1] and len(ans.citations) == 1, ans.text
    c = ans.citations[0]
    facts = Library(assistant.store_dir).facts(file=c.file, table="依申请公开")
    group = [f for f in facts if f.row.startswith("不予公开-") and f.column == "总计"]
    assert len(group) == 8 and {(x.row, x.column) for x in c.cells} == {(f.row, f.column) for f in group}
    assert sum(x.value for x in c.cells) == 1 and "1件" in ans.text and not ans.unverified_numbers
    assert (c.kind, c.table, c.row, c.column) == ("cell", "依申请公开", "不予公开", "总计")
    # kept in a conversation and read back, it is the same citation with the same cells
    assert citation_from(c.to_dict()) == c


def test_the_panel_marks_every_cell_of_the_figure(assistant, built_store):
    from assistant.ui.services import Services

    ans = assistant.ask("江苏人社厅2019年不予公开合计多少件？")
    c = ans.citations[0].to_dict()
    html = render.table_panel(c, Services(built_store).facts(file=c["file"], table=c["table"]))
    assert html.count('class="nb-hit"') == 8
    assert html.count("nb-cell-row") == 8  # each cell's row, as the printed table has it


def test_a_share_cites_its_two_cells_once(assistant):
    ans = assistant.ask("哪份报告的部分公开占比最高？")
    first = ans.text.split("。")[0]
    assert "最高的是福建省人力资源和社会保障厅2020年，34.78%" in first and marks(first) == [1], ans.text
    assert len(ans.citations[0].cells) == 2 and ans.citations[0].cells[0].row.startswith("部分公开")
    assert len(set(marks(ans.text))) == len(ans.citations) == 5  # one per report ranked
    assert not ans.unverified_numbers


@pytest.mark.parametrize("question,lead", [
    ("福建人社厅2019年到2020年新收申请增加了多少？", "福建省人力资源和社会保障厅2020年本年新收政府信息公开申请比2019年增加了16件（68 − 52 = 16"),
    ("福建人社厅2020年比2019年予以公开增长了百分之多少", "比2019年增长14.71%（(39 − 34) ÷ 34 = 14.71%）"),
    ("厦门人社局2020年新收申请比福建人社厅同年少多少件？", "2020年厦门市人力资源和社会保障局本年新收政府信息公开申请比福建省人力资源和社会保障厅少36件"),
    ("江苏人社厅2019年予以公开占办理结果总计的比例是多少", "予以公开占本年度办理结果总计的56.72%（76 ÷ 134 = 56.72%）"),
    ("2019年各单位新收申请合计多少件？", "本年新收政府信息公开申请合计340件（52 + 159 + 129 = 340）"),
])
def test_the_answer_comes_first_then_its_figures(assistant, question, lead):
    ans = assistant.ask(question)
    head, _, rest = ans.text.partition("：")
    assert lead in head, ans.text
    assert not marks(head), ans.text  # the conclusion, then each figure with its one citation
    assert len(marks(rest)) == len(set(marks(rest))) == len(ans.citations), ans.text
    assert not ans.unverified_numbers
