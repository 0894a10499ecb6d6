"""The table tool over the real ingested sample library: each operation, its cells and formulas; values are
checked against the hand-checked gold facts, not against our own parser."""
from __future__ import annotations

import json
from pathlib import Path

from assistant.answering import table_tool
from assistant.answering.question import library_reports, understand

GOLD = json.loads(Path(__file__).resolve().parents[1].joinpath("data/gold/seed_facts.json").read_text(encoding="utf-8"))
FJ, SD, JS, XM = ("福建省人力资源和社会保障厅", "山东省人力资源和社会保障厅", "江苏省人力资源和社会保障厅",
                  "厦门市人力资源和社会保障局")


def gold(agency, year, table, row, column):
    for r in GOLD["reports"]:
        if r["agency"] == agency and r["year"] == year:
            for f in r["facts"]:
                if (f["table"], f["row"], f["column"]) == (table, row, column):
                    return f["value"]
    raise KeyError((agency, year, table, row, column))


def run(q, library):
    return table_tool.run(understand(q, library), library)


def test_lookup_returns_value_with_its_source_cell(library):
    ta = run("2020年福建省人社厅新收政府信息公开申请多少件？", library)
    [item] = ta.items
    assert item.value == gold(FJ, 2020, "依申请公开", "本年新收", "总计") == 68
    [cell] = item.cells
    assert (cell.table, cell.row, cell.column, cell.file) == ("依申请公开", "本年新收", "总计", "002_6b472aee8860b578.txt")
    assert cell.line and cell.source_text and "68" in cell.source_text


def test_two_columns_of_one_row(library):
    ta = run("江苏省人社厅2019年政府信息公开行政复议共多少件？其中结果维持的有多少件？", library)
    assert [i.value for i in ta.items] == [gold(JS, 2019, "复议诉讼", "行政复议", "总计"),
                                          gold(JS, 2019, "复议诉讼", "行政复议", "结果维持")] == [14, 12]


def test_money_is_in_yuan(library):
    ta = run("福建省人社厅2019年政府集中采购总金额是多少？", library)
    assert ta.items[0].value == 34355400


def test_sum_rows_show_the_formula(library):
    ta = run("2019年江苏省人社厅行政诉讼多少件", library)
    it = ta.items[0]
    direct = gold(JS, 2019, "复议诉讼", "行政诉讼-未经复议直接起诉", "总计")
    after = gold(JS, 2019, "复议诉讼", "行政诉讼-复议后起诉", "总计")
    assert it.value == direct + after and len(it.cells) == 2
    assert it.formula.endswith(f"= {direct + after}")


def test_argmax_by_year_across_the_library_is_uneven_and_says_so(library):
    ta = run("哪年依申请公开最多？", library)
    assert ta.result.winner == 2019 and ta.result.value == 52 + 159 + 129
    assert ta.result.reports_per_year == {2019: 3, 2020: 2}
    g2019 = next(g for g in ta.groups if g.key == 2019)
    assert sorted(i.value for i in g2019.items) == [52, 129, 159]
    assert any("收录的报告不同" in n for n in ta.prefaces) and not any("收录" in n for n in ta.notes)


def test_argmax_by_year_for_one_agency(library):
    ta = run("福建省人社厅哪一年收到的政府信息公开申请更多？", library)
    assert ta.result.winner == 2020 and ta.result.value == 68


def test_argmax_and_argmin_by_agency(library):
    assert run("2019年哪个单位新收的政府信息公开申请最多？", library).result.winner == SD
    assert run("2019年哪个单位新收的政府信息公开申请最少？", library).result.winner == FJ


def test_rank(library):
    ta = run("2019年各单位新收申请排名", library)
    assert [g.key for g in ta.groups] == [SD, JS, FJ]


def test_diff_with_formula(library):
    ta = run("福建省人社厅2020年新收申请数比2019年增加了多少件？", library)
    assert ta.result.diff == 16 and ta.formula == "68 − 52 = 16"
    assert 16 in ta.computed


def test_ratio(library):
    ta = run("2019年山东省人社厅予以公开占比是多少", library)
    [r] = ta.result.rows
    num = gold(SD, 2019, "依申请公开", "予以公开", "总计")
    den = gold(SD, 2019, "依申请公开", "总计", "总计")
    assert r.pct == round(num / den * 100, 2) and r.formula.startswith(f"{num} ÷ {den}")


def test_sum_over_agencies(library):
    ta = run("2019年三家单位新收申请合计多少", library)
    assert ta.result.total == 340 and ta.formula == "52 + 159 + 129 = 340"


def test_trend(library):
    ta = run("福建省人社厅新收申请的变化趋势", library)
    assert [(g.key, g.value) for g in ta.groups] == [(2019, 52), (2020, 68)]


def test_list_agencies_with_litigation(library):
    ta = run("哪些单位的报告中出现了政府信息公开行政诉讼案件？", library)
    assert set(ta.result.with_value) == {JS, XM, FJ} and ta.result.without == [SD]


def test_missing_year_gives_no_items(library):
    q = understand("福建省人社厅2022年行政复议有多少件？", library)
    assert not table_tool.run(q, library).found


def test_reports_come_from_the_library(library):
    assert {r.file for r in library_reports(library)} == {r["file"] for r in GOLD["reports"]}


def test_argmax_of_shares_compares_ratios_not_counts(library):
    ta = run("哪个单位2019年的予以公开比例最高", library)
    shares = {i.agency: i.value for i in ta.items}
    assert shares[FJ] == round(34 / 52 * 100, 2) and ta.result.winner == FJ  # not 山东, which has the most
    assert all(len(i.cells) == 2 and "÷" in i.formula for i in ta.items)


def test_parent_sum_formula_lists_only_nonzero_rows(library):
    ta = run("2019年山东人社厅不予处理的申请有多少", library)
    assert ta.items[0].value == 16 and ta.items[0].formula.endswith("= 16（其余各项为0）")


def test_shares_are_compared_report_by_report_never_added(library):
    """'哪份报告的部分公开占比最高？' once added 2020's two reports' shares (3.12 + 34.78 = 37.9%)."""
    ta = run("哪份报告的部分公开占比最高？", library)
    assert ta.query.by == "report"
    assert ta.result.winner == "福建省人力资源和社会保障厅2020年" and round(ta.result.value, 2) == 34.78
    assert all(len(g.items) == 1 for g in ta.groups)
    # by year, the same share is still per report when a year holds several, and the answer says so
    ta = run("哪年部分公开的比例最高？", library)
    assert all(len(g.items) == 1 for g in ta.groups)
    assert any("不把各报告的比例相加" in n for n in ta.notes)


def test_which_report_groups_by_report_not_by_year(library):
    ta = run("哪份报告的本年新收申请最多？", library)
    assert ta.query.by == "report" and ta.result.winner == "山东省人力资源和社会保障厅2019年"
    assert ta.result.value == 159


def test_a_whole_is_never_added_to_its_own_part(library):
    """'办理结果中“不予处理”合计' means the part: 办理结果总计 + 不予处理 would count the part twice."""
    ta = run("福建省人社厅2020年办理结果中“不予处理”合计多少件？", library)
    assert [q.id for q in {i.quantity.id: i.quantity for i in ta.items}.values()] == ["不予处理"]
    assert ta.result.total == sum(i.value for i in ta.items)
    assert any("已包含" in n for n in ta.notes)
