"""Question understanding: years, agencies, quantities, operations and follow-ups, resolved against the
sample library's real report metadata (from the hand-checked gold file, so no store is needed)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answering.question import ReportInfo, parse_years, understand
from assistant.answering.lexicon import load_lexicon, norm

GOLD = Path(__file__).resolve().parents[1].joinpath("data/gold/seed_facts.json")
FJ, XM, SD, JS = ("福建省人力资源和社会保障厅", "厦门市人力资源和社会保障局", "山东省人力资源和社会保障厅",
                  "江苏省人力资源和社会保障厅")


@pytest.fixture(scope="module")
def reports() -> list[ReportInfo]:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    return [ReportInfo(r["file"], r["agency"], r["region"], r["level"], r["year"]) for r in gold["reports"]]


def u(q, reports, history=None):
    return understand(q, reports=reports, history=history)


@pytest.mark.parametrize("text,years", [
    ("2019年", [2019]), ("2019—2020年", [2019, 2020]), ("2019-2020年", [2019, 2020]), ("2019年至2020年", [2019, 2020]),
    ("2019年和2020年", [2019, 2020]), ("近两年", [2019, 2020]), ("去年", [2020]), ("前年", [2019]),
    ("二〇一九年", [2019]), ("２０２０年", [2020]), ("最近三年", [2018, 2019, 2020]),
])
def test_years(text, years):
    assert parse_years(norm(text), [2019, 2020])[0] == years


@pytest.mark.parametrize("q,agencies", [
    ("福建人社厅2019年收到多少申请", [FJ]), ("福建省人社厅2019年收到多少申请", [FJ]),
    ("厦门市人社局2020年收到多少申请", [XM]), ("山东2019年收到多少申请", [SD]), ("江苏省人社厅收到多少申请", [JS]),
    ("福建省人力资源和社会保障厅2020年新收申请", [FJ]), ("厦门人社局新收申请", [XM]),
    ("2019年福建和山东的新收申请对比", [FJ, SD]),
])
def test_agencies_resolve_against_the_library(q, agencies, reports):
    assert u(q, reports).agencies == agencies


def test_region_of_a_city_does_not_name_the_province_agency(reports):
    # 厦门 lies in 福建省, but "厦门" must not also pull in 福建省人社厅
    assert u("厦门2020年新收申请多少", reports).agencies == [XM]


def test_unknown_agency_is_reported(reports):
    q = u("广东省人社厅2020年收到多少政府信息公开申请？", reports)
    assert q.agencies == [] and q.unknown_agencies == ["广东省人社厅"]


def test_missing_year_for_the_named_agency(reports):
    q = u("厦门市人社局2019年新收申请多少", reports)
    assert q.missing_years == [2019]
    assert u("福建省人社厅2022年行政复议有多少件", reports).missing_years == [2022]


@pytest.mark.parametrize("q,qid", [
    ("依申请公开多少件", "新收申请"), ("收到的政府信息公开申请有多少", "新收申请"), ("新收申请多少", "新收申请"),
    ("本年新增申请多少", "新收申请"), ("予以公开多少件", "予以公开"), ("部分公开了几件", "部分公开"),
    ("因保护第三方合法权益不予公开的申请有几件", "不予公开-保护第三方合法权益"),
    ("因“本机关不掌握相关政府信息”而无法提供的申请有几件", "无法提供-本机关不掌握相关政府信息"),
    ("不予公开的申请共几件", "不予公开"), ("重复申请有几件", "不予处理-重复申请"),
    ("行政复议多少件", "行政复议"), ("被提起行政诉讼多少件", "行政诉讼"), ("规范性文件制发了多少件", "规范性文件"),
    ("政府集中采购总金额是多少", "政府集中采购金额"), ("结转下年度继续办理的有几件", "结转下年"),
    ("办结行政许可多少件", "行政许可"), ("作出行政处罚决定多少件", "行政处罚"), ("办结申请多少件", "办理总计"),
    ("依申请公开办理结果中部分公开几件", "部分公开"), ("办理结果里因信访举报投诉不予处理的有几件", "不予处理-信访举报投诉类申请"),
])
def test_quantity_phrasings_map_to_canonical_cells(q, qid, reports):
    got = u("福建省人社厅2019年" + q, reports).quantities
    assert [x.id for x in got] == [qid]


def test_named_column_and_total(reports):
    q = u("江苏省人社厅2019年政府信息公开行政复议共多少件？其中结果维持的有多少件？", reports)
    assert [x.id for x in q.quantities] == ["行政复议", "行政复议·结果维持"]
    q = u("山东2019年自然人申请多少件", reports)
    assert [x.id for x in q.quantities] == ["新收申请·自然人"]
    q = u("江苏2019年法人或其他组织申请多少件", reports)  # not also the 其他 column
    assert [x.id for x in q.quantities] == ["新收申请·法人或其他组织"]


@pytest.mark.parametrize("q,op,by", [
    ("2020年福建省人社厅新收申请多少件？", "lookup", None),
    ("哪年依申请公开最多？", "argmax", "year"),
    ("福建省人社厅哪一年收到的政府信息公开申请更多？", "argmax", "year"),
    ("2019年哪个单位新收的政府信息公开申请最多？", "argmax", "agency"),
    ("2019年哪个单位予以公开最少？", "argmin", "agency"),
    ("福建省人社厅2020年新收申请数比2019年增加了多少件？", "diff", None),
    ("福建人社厅2020年予以公开占比是多少", "ratio", None),
    ("2019年三家单位新收申请合计多少", "sum", None),
    ("2019年各单位新收申请排名", "rank", "agency"),
    ("福建省人社厅新收申请的变化趋势", "trend", "year"),
    ("2019年福建和山东的新收申请对比", "compare", None),
    ("哪些单位的报告中出现了政府信息公开行政诉讼案件？", "list", "agency"),
    ("为福建省人社厅2019—2020年的政府信息公开工作写一份简报。", "brief", None),
])
def test_operations(q, op, by, reports):
    got = u(q, reports)
    assert (got.operation, got.by) == (op, by)


def test_follow_up_reuses_slots(reports):
    h = ["2020年福建省人社厅新收政府信息公开申请多少件？"]
    q = u("那2019年呢？", reports, history=h)
    assert q.follow_up and q.years == [2019] and q.agencies == [FJ] and [x.id for x in q.quantities] == ["新收申请"]
    q = u("它的行政诉讼呢？", reports, history=h + ["那2019年呢？"])
    assert q.years == [2019] and q.agencies == [FJ] and [x.id for x in q.quantities] == ["行政诉讼"]
    q = u("那厦门市人社局呢？", reports, history=h)  # chat-format history works too
    assert q.agencies == [XM] and q.years == [2020]
    q = u("那2019年呢？", reports, history=[{"role": "user", "content": h[0]}, {"role": "assistant", "content": "68件"}])
    assert q.agencies == [FJ] and q.years == [2019]


def test_a_new_full_question_is_not_a_follow_up(reports):
    q = u("山东省人社厅2019年行政复议多少件", reports, history=["2020年福建省人社厅新收申请多少件？"])
    assert not q.follow_up and q.agencies == [SD]


def test_text_questions_have_no_quantity(reports):
    q = u("福建省人社厅开发的智能问答机器人叫什么名字？", reports)
    assert q.quantities == [] and q.text_cue


def test_lexicon_is_one_data_file_with_unique_ids():
    lex = load_lexicon()
    assert len(lex.quantities) >= 30
    assert all(q.table in ("依申请公开", "复议诉讼", "主动公开") for q in lex.quantities.values())


@pytest.mark.parametrize("q,ids", [
    ("福建省人社厅2019年申请人构成", ["新收申请·自然人", "新收申请·商业企业", "新收申请·科研机构", "新收申请·社会公益组织",
                               "新收申请·法律服务机构", "新收申请·其他"]),
    ("福建省人社厅2019年办理结果构成", ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"]),
    ("福建省人社厅2019年行政复议结果哪种最多", ["行政复议·结果维持", "行政复议·结果纠正", "行政复议·其他结果",
                                    "行政复议·尚未审结"]),
])
def test_which_kind_questions_compare_the_parts_of_one_whole(q, ids, reports):
    got = u(q, reports)
    assert [x.id for x in got.quantities] == ids
    assert got.by == "part" and got.operation in ("rank", "argmax") and got.whole


def test_a_topic_named_in_a_how_question_is_not_a_figure(reports):
    q = u("厦门市人社局2020年依申请公开工作有哪些做法？", reports)
    assert q.quantities == [] and q.operation != "list"
    kept = u("江苏省人社厅2019年依申请公开中网络申请多少件？", reports)  # a count is asked: the table figure stays
    assert [x.id for x in kept.quantities] == ["新收申请"] and kept.text_cue
