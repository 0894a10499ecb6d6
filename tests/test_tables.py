"""parse_tables on the real sample reports and the real 2021-template PDFs (loaded by the real loaders)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.loaders import load
from index.records import Document, Line
from index.tables import parse_tables

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
GOLD = json.loads((ROOT / "data" / "gold" / "seed_facts.json").read_text(encoding="utf-8"))
REAL_PDF = ROOT / "data" / "real-pdf"


def _doc(lines: list[str], name: str = "t.txt") -> Document:
    return Document(file=name, path=name, sha256="", format="txt",
                    lines=[Line(text=t, line=i + 1) for i, t in enumerate(lines)])


@pytest.mark.parametrize("report", GOLD["reports"], ids=lambda r: r["file"])
def test_samples_match_gold_exactly(report):
    res = parse_tables(load(SAMPLE / report["file"]))
    have = {f.key: f for f in res.facts}
    wrong = [(f["table"], f["row"], f["column"], f["value"], have.get((f["table"], f["row"], f["column"])))
             for f in report["facts"]
             if (g := have.get((f["table"], f["row"], f["column"]))) is None or g.value is None
             or abs(g.value - f["value"]) > 0.01]
    assert not wrong, wrong[:5]
    assert res.template == "2019"
    assert len(res.facts) == len(report["facts"])  # nothing invented beyond the template
    assert all(c.status == "pass" for c in res.checks), [c.message for c in res.checks if c.status != "pass"]


def test_all_990_sample_values():
    total = hit = 0
    for report in GOLD["reports"]:
        have = {f.key: f.value for f in parse_tables(load(SAMPLE / report["file"])).facts}
        for f in report["facts"]:
            total += 1
            v = have.get((f["table"], f["row"], f["column"]))
            hit += v is not None and abs(v - f["value"]) < 0.01
    assert (hit, total) == (990, 990)


def test_sources_point_at_the_printed_cell():
    res = parse_tables(load(SAMPLE / "001_0c9ceee508d7cea1.txt"))
    f = next(f for f in res.facts if f.key == ("依申请公开", "本年新收", "总计"))
    assert f.source.line == 86 and f.source.text.startswith("一、本年新收政府信息公开申请数量")
    assert f.printed == "32" and f.kind == "number"
    # one cell per line (福建 2019): each value has its own line
    res = parse_tables(load(SAMPLE / "000_a1db54b6d4824c27.txt"))
    f = next(f for f in res.facts if f.key == ("主动公开", "其他对外管理服务事项", "本年增/减"))
    assert (f.value, f.source.line) == (-2, 61)


def test_money_normalised_to_yuan_with_unit_as_printed():
    by_file = {}
    for name in ("000_a1db54b6d4824c27.txt", "001_0c9ceee508d7cea1.txt", "003_445335a71f9baff7.txt"):
        res = parse_tables(load(SAMPLE / name))
        by_file[name] = next(f for f in res.facts if f.key == ("主动公开", "政府集中采购", "采购总金额(元)"))
    assert (by_file["000_a1db54b6d4824c27.txt"].value, by_file["000_a1db54b6d4824c27.txt"].unit) == (34355400, "万元")
    assert by_file["001_0c9ceee508d7cea1.txt"].unit == "元"  # from the header 采购总金额（元）
    assert by_file["003_445335a71f9baff7.txt"].value == pytest.approx(6659425.34)


def test_extra_merged_cell_is_resolved_by_column_balance():
    """厦门 2020 row 四 prints 0 1 0 0 0 0 0 1 for seven columns: only 商业企业=1 balances 一+二 = （七）+四."""
    res = parse_tables(load(SAMPLE / "001_0c9ceee508d7cea1.txt"))
    row = {f.column: f.value for f in res.facts if f.row == "结转下年度继续办理"}
    assert row["自然人"] == 0 and row["商业企业"] == 1 and row["总计"] == 1


def test_empty_cells_are_zero_only_when_totals_confirm_them():
    res = parse_tables(load(SAMPLE / "003_445335a71f9baff7.txt"))
    f = next(f for f in res.facts if f.key == ("依申请公开", "本年新收", "商业企业"))
    assert (f.value, f.kind) == (0, "empty")


@pytest.mark.parametrize("name", ["huaian_2024.pdf", "hongze_2023.pdf", "hongze_2024.pdf"])
def test_real_2021_pdfs(name):
    res = parse_tables(load(REAL_PDF / name))
    assert res.template == "2021"
    keys = {f.key for f in res.facts}
    assert ("主动公开", "行政许可", "本年处理决定数量") in keys
    assert ("主动公开", "其他对外管理服务事项", "处理决定数量") not in keys  # not in the 2021 template
    t2 = [c for c in res.checks if c.rule in ("row_sum", "column_balance", "outcome_sum")]
    assert len(t2) >= 30 and all(c.status == "pass" for c in t2), [c.message for c in t2 if c.status != "pass"]
    assert all(f.source.page for f in res.facts)
    review = [c for c in res.checks if c.rule == "review_sum"]
    if name == "hongze_2023.pdf":  # printed inconsistently in the source: reported, not hidden
        assert {c.scope for c in review if c.status == "fail"} == {"复议诉讼/行政复议", "复议诉讼/行政诉讼-复议后起诉"}
    else:
        assert all(c.status == "pass" for c in review)


def test_huaian_split_other_rows_and_fee_in_yuan():
    res = parse_tables(load(REAL_PDF / "huaian_2024.pdf"))
    v = {f.key: f for f in res.facts}
    assert v[("依申请公开", "其他处理-其他", "总计")].value == 110
    assert ("依申请公开", "其他处理", "总计") not in v
    fee = v[("主动公开", "行政事业性收费", "本年收费金额(万元)")]
    assert (fee.value, fee.unit, fee.printed) == (961716000, "万元", "96171.6")
    assert v[("复议诉讼", "行政复议", "总计")].value == 351


def test_hongze_keeps_the_single_other_row_it_prints():
    res = parse_tables(load(REAL_PDF / "hongze_2024.pdf"))
    rows = {f.row for f in res.facts if f.table == "依申请公开"}
    assert "其他处理" in rows and not any(r.startswith("其他处理-") for r in rows)


def test_missing_tables_give_no_facts_and_a_warning():
    res = parse_tables(_doc(["一、总体情况", "本年度我单位依法做好政府信息公开工作。"]))
    assert res.template is None and res.facts == []
    assert res.warnings and res.warnings[0].code == "missing_table"
    # table 2 only: table 1 and 3 are reported missing, never filled with 0
    lines = ["三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量\t5\t0\t0\t0\t0\t0\t5",
             "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0", "五、存在的主要问题及改进情况"]
    res = parse_tables(_doc(lines))
    assert {f.table for f in res.facts} == {"依申请公开"}
    assert not any(f.row == "总计" for f in res.facts)
    codes = [w.code for w in res.warnings]
    assert "missing_row" in codes and "missing_table" in codes
    assert any(c.rule == "missing_table" and c.status == "not_assessable" for c in res.checks)


def test_ambiguous_run_together_row_is_marked_uncertain():
    # 1,2,0,11,14 and 12,0,1,1,14 both add up: the likelier one is kept, its cells marked uncertain
    lines = ["四、政府信息公开行政复议、行政诉讼情况", "行政复议 行政诉讼", "1201114 0 0 0 0 0 0 0 0 0 0",
             "五、存在的主要问题及改进情况"]
    res = parse_tables(_doc(lines))
    row = {f.column: f for f in res.facts if f.row == "行政复议"}
    assert [row[c].value for c in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")] == [12, 0, 1, 1, 14]
    assert row["结果维持"].uncertain and not row["总计"].uncertain


def test_litigation_table_with_a_blank_group_dropped_by_extraction():
    # only 10 of 15 cells printed: which group was blank is unknown, so the reading is marked uncertain
    res = parse_tables(_doc(["四、政府信息公开行政复议、行政诉讼情况", "行政复议 行政诉讼", "3 2 0 0 5 0 0 0 0 0",
                             "五、存在的主要问题及改进情况"]))
    review = {(f.row, f.column): f for f in res.facts}
    assert review[("行政复议", "总计")].uncertain and review[("行政诉讼-未经复议直接起诉", "总计")].value == 5
    res = parse_tables(_doc(["四、政府信息公开行政复议、行政诉讼情况", "行政复议 行政诉讼", "3 2 0",
                             "五、存在的主要问题及改进情况"]))
    assert not [f for f in res.facts if f.table == "复议诉讼"]
    assert any("无法读作该表的15列" in w.message for w in res.warnings)


def test_labelled_litigation_rows_and_slash_cells():
    res = parse_tables(_doc(["四、政府信息公开行政复议、行政诉讼情况", "类别 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |",
                             "行政复议 | 2 | 1 | 0 | 0 | 3 |", "行政诉讼（未经复议直接起诉） | 1 | 0 | 0 | 1 | 2 |",
                             "行政诉讼（复议后起诉） | 0 | 0 | 0 | 0 | 0 |", "五、存在的主要问题"]))
    v = {(f.row, f.column): f.value for f in res.facts}
    assert v[("行政复议", "总计")] == 3 and v[("行政诉讼-未经复议直接起诉", "尚未审结")] == 1
    res = parse_tables(_doc(["三、收到和处理政府信息公开申请情况", "一、本年度新收政府信息公开申请数量 5 / 0 0 0 0 5", "五、"]))
    f = next(f for f in res.facts if f.column == "商业企业")
    assert (f.kind, f.value, f.printed) == ("slash", None, "/")


def test_prose_above_table_2_and_a_missing_table_3_heading():
    lines = ["三、收到和处理政府信息公开申请情况", "本年新收政府信息公开申请1件，均按时答复。",
             "申请人情况\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计",
             "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1", "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0",
             "（一）予以公开\t1\t0\t0\t0\t0\t0\t1", "5.属于三类内部事务信息\t0\t0\t0\t0\t0\t0\t0",
             "（七）总计\t1\t0\t0\t0\t0\t0\t1", "四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0", "五、存在的主要问题及改进情况"]
    res = parse_tables(_doc(lines))
    v = {(f.row, f.column): f for f in res.facts}
    assert v[("总计", "总计")].source.line == 8  # not the header's 总计
    assert v[("结转下年度继续办理", "总计")].value == 0  # table 2 does not end at "5.属于…"
