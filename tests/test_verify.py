"""The numeric grounding check: normalisation of numbers and catching a planted wrong number."""
from __future__ import annotations

import pytest

from assistant.answering.verify import cn_to_number, extract_numbers, verify


@pytest.mark.parametrize("s,v", [("三", 3), ("十二", 12), ("二十", 20), ("一百零五", 105), ("两千", 2000), ("三万五千", 35000)])
def test_chinese_numerals(s, v):
    assert cn_to_number(s) == v


def test_extract_normalises_units_commas_percent_and_chinese():
    nums = {n.text: n for n in extract_numbers("采购3435.54万元，共1,234件，占56.5%，配备三名工作人员，召开十二场[3]")}
    assert nums["3435.54万"].value == 34355400 and nums["3435.54万"].raw == 3435.54
    assert nums["1,234"].value == 1234
    assert nums["56.5%"].percent and nums["56.5%"].value == 56.5
    assert nums["三"].value == 3 and nums["十二"].value == 12
    assert "3" not in nums  # citation markers are not numbers


def test_wan_and_yuan_are_the_same_number():
    src = ["政府集中采购\t3\t3435.54万元"]
    assert verify("采购总金额为34355400元[1]", [], cited_sources={1: src}).ok
    assert verify("采购总金额为3435.54万元[1]", [], cited_sources={1: src}).ok


def test_planted_wrong_number_is_caught():
    src = {1: ["一、本年新收政府信息公开申请数量\t68", "68"]}
    good = verify("2020年新收申请68件[1]。", [], cited_sources=src, allowed_years=[2020])
    bad = verify("2020年新收申请86件[1]。", [], cited_sources=src, allowed_years=[2020])
    assert good.ok and good.unverified == []
    assert not bad.ok and bad.unverified == ["86"]
    assert bad.to_check().status == "fail" and "86" in bad.to_check().message


def test_number_must_be_in_the_cited_source_not_just_any_source():
    src = {1: ["配备 1 名工作人员"], 2: ["开展政务公开培训"]}
    assert verify("配备了1名工作人员[1]", [], cited_sources=src).ok
    assert not verify("配备了1名工作人员[2]", [], cited_sources=src).ok


def test_computed_values_and_rounded_percentages_pass():
    src = {1: ["52"], 2: ["68"]}
    assert verify("增加了16件，增长30.8%[1][2]", [], computed=[16, 30.77], cited_sources=src).ok
    assert not verify("增加了17件[1][2]", [], computed=[16], cited_sources=src).ok


def test_unknown_citation_number_fails():
    r = verify("68件[3]", [], cited_sources={1: ["68"]}, n_citations=1)
    assert not r.ok and r.bad_citations == [3]


def test_years_are_allowed_only_when_known():
    assert verify("2020年68件[1]", [], cited_sources={1: ["68"]}, allowed_years=[2020]).ok
    assert not verify("2031年68件[1]", [], cited_sources={1: ["68"]}, allowed_years=[2020]).ok


def test_row_labels_of_a_cited_cell_are_not_figures_to_find():
    """One-cell-per-line layouts quote only the cell ("0"); the row label's 四 is the template's word."""
    from assistant.answering.compose import Citations
    from index.records import Citation

    cites = Citations(sources=None, reports=[])
    cites.items.append(Citation(n=1, file="r.txt", agency="甲", year=2020, kind="cell", quote="0", line_start=9,
                                line_end=9, table="依申请公开", row="不予公开-属于四类过程性信息", column="总计", value=0))
    ok = verify("不予公开·属于四类过程性信息：0件[1]。", [], cited_sources=cites.by_number())
    assert ok.ok, ok.unverified
    bad = verify("不予公开·属于四类过程性信息：5件[1]。", [], cited_sources=cites.by_number())
    assert bad.unverified == ["5"]
    uncited = verify("属于四类过程性信息：0件。", [], cited_sources=cites.by_number())
    assert not uncited.ok  # the label supports 四 only when its cell is cited


def test_determiners_and_ordinals_are_not_counts():
    assert verify("库中报告的表格里没有这一项的数值；同一类申请按第一批处理。", []).ok
    assert verify("共三件[1]", [], cited_sources={1: ["三件"]}).ok
    assert not verify("共受理三件申请。", []).ok


def test_a_passage_counts_where_quoted_or_attributed_not_where_restated():
    """Issue 16: a number inside any cited passage used to count as grounded, so a planted figure passed."""
    p = {1: ["（8）创新网站智能政策问答服务。开发“人社福精灵智能机器人”互动问答系统，实现一对多 7×24 小时智能服务。"]}
    quoted = "2020年福建省人力资源和社会保障厅的报告：“" + p[1][0] + "”[1]。"
    assert verify(quoted, [], cited_passages=p, allowed_years=[2020]).ok  # a whole quote, quotes inside it
    assert verify("该厅实现了7×24小时智能服务[1]。", [], cited_passages=p).unverified == ["7", "24"]
    assert verify("据该厅报告，实现了7×24小时智能服务[1]。", [], cited_passages=p).ok
    assert not verify("报告原文称实现了7×25小时智能服务[1]。", [], cited_passages=p).ok
