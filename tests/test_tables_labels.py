"""Fuzzy label matching against the canonical vocabulary (index/tables/labels.py)."""
import pytest

from index.tables.labels import T1, T2, T3, match_row, norm, outcome_rows, row_specs

T2_2019 = row_specs(T2, "2019")
T2_2021 = row_specs(T2, "2021")


@pytest.mark.parametrize("printed,row", [
    ("一、本年新收政府信息公开申请数量", "本年新收"),
    ("一、本年新增政府信息公开申请数量", "本年新收"),  # 山东 2019 writes 新增
    ("(七) 总计", "总计"),
    ("（七）总计", "总计"),
    ("3. 危及“三安全一稳定”", "不予公开-危及“三安全一稳定”"),
    ("三 2.其他法律行政止公开", "不予公开-其他法律行政法规禁止公开"),  # hongze_2023 drops 法规禁
    ("5. 要求行政机关确认或重新出具 已获取信息", "不予处理-要求行政机关确认或重新出具已获取信息"),
    ("2.重复申请", "不予处理-重复申请"),
    ("四、结转下年度继续办理", "结转下年度继续办理"),
])
def test_printed_labels_match_their_row(printed, row):
    spec, score = match_row(T2_2019, printed)
    assert spec is not None and spec.name == row and score >= 0.7


@pytest.mark.parametrize("printed", [
    "三、收到和处理政府信息公开申请情况",  # shares 政府信息公开申请 with row 一: must not match it
    "（三）不予公开",  # a parent label is no row (and is not 予以公开)
    "申请人情况", "法人或其他组织", "开", "三、本年度办理结果",
])
def test_headings_and_parents_match_no_row(printed):
    assert match_row(T2_2019, printed)[0] is None


def test_2021_split_other_rows():
    names = [s.name for s in T2_2021]
    assert "其他处理" not in names and "其他处理-其他" in names
    assert match_row(T2_2021, "3、其他")[0].name == "其他处理-其他"
    assert match_row(T2_2021, "其他法律行政法规禁止公开")[0].name != "其他处理-其他"  # "其他" is exact only
    spec, _ = match_row(T2_2021, "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")
    assert spec.name.startswith("其他处理-申请人无正当理由")
    assert outcome_rows("2021")[-3:] == [s.name for s in T2_2021 if s.name.startswith("其他处理-")]


def test_2021_table1_has_only_its_own_fields():
    specs = {s.name: s.columns for s in row_specs(T1, "2021")}
    assert "其他对外管理服务事项" not in specs and "政府集中采购" not in specs
    assert specs["行政许可"] == ("本年处理决定数量",)
    assert match_row(row_specs(T1, "2021"), "行政规范性文件")[0].name == "规范性文件"


def test_norm_strips_numbering_width_and_punctuation():
    assert norm("（二）部分公开（区分处理的，只计这一情形）") == "部分公开区分处理的只计这一情形"
    assert norm("(五) 不予处理") == norm("（五）不予处理") == "不予处理"
    assert match_row(row_specs(T3, "2019"), "未经复议直接诉讼")[0].name == "行政诉讼-未经复议直接起诉"
