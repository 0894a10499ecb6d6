"""index/metadata.py on the real samples (gold metadata), the real PDFs, and titles of other agencies/levels."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from index.loaders import load as _load_file
from index.metadata import infer_metadata
from index.records import Document, Line

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
REAL_PDF = Path(__file__).resolve().parents[1].joinpath("data/real-pdf")
GOLD = {r["file"]: r for r in json.loads(Path(__file__).resolve().parents[1].joinpath("data/gold/seed_facts.json").read_text("utf-8"))["reports"]}


@lru_cache(maxsize=None)
def load(path):
    """Loaded once per test session (read-only use: pdfplumber takes a second per real PDF)."""
    return _load_file(path)


def _doc(*lines: str, file: str = "x.txt") -> Document:
    return Document(file=file, path="/tmp/" + file, sha256="0", format="txt",
                    lines=[Line(t, i + 1) for i, t in enumerate(lines)])


@pytest.mark.parametrize("name", sorted(GOLD))
def test_samples_match_gold(name):
    meta = infer_metadata(load(SAMPLE / name))
    g = GOLD[name]
    assert (meta.agency, meta.region, meta.level, meta.year) == (g["agency"], g["region"], g["level"], g["year"])
    assert not meta.warnings
    for field in ("agency", "region", "level", "year"):
        ev = meta.evidence[field]
        assert ev.value == getattr(meta, field)
        assert ev.source == ("title" if g["has_title_line"] else "body")
        assert ev.line is not None and ev.text


def test_reports_without_title_read_from_the_body():
    m0 = infer_metadata(load(SAMPLE / "000_a1db54b6d4824c27.txt"))
    assert m0.evidence["agency"].text == "省人社厅"  # 我厅 + 省人社厅 + the province the body names most
    assert "2019年政务公开工作要点" in m0.evidence["year"].text
    m4 = infer_metadata(load(SAMPLE / "004_b7caf00a3cd44191.txt"))
    assert m4.evidence["agency"].text == "省人力资源社会保障厅"
    assert m4.evidence["year"].line == 2


def test_title_split_over_two_lines():
    m = infer_metadata(load(SAMPLE / "002_6b472aee8860b578.txt"))
    assert m.evidence["agency"].text == "福建省人力资源和社会保障厅 2020 年政府信息公开工作年度报告"
    assert m.evidence["agency"].line == 2


@pytest.mark.parametrize("name,agency,region,level,year", [
    ("huaian_2024.pdf", "淮安市人民政府", "江苏省淮安市", "市级", 2024),
    ("hongze_2023.pdf", "淮安市洪泽区人民政府", "江苏省淮安市洪泽区", "县级", 2023),
    ("hongze_2024.pdf", "淮安市洪泽区人民政府", "江苏省淮安市洪泽区", "县级", 2024),
])
def test_real_pdfs(name, agency, region, level, year):
    m = infer_metadata(load(REAL_PDF / name))
    assert (m.agency, m.region, m.level, m.year) == (agency, region, level, year)
    assert m.evidence["agency"].source == "title" and m.evidence["agency"].line == 1


@pytest.mark.parametrize("title,agency,region,level,year", [
    ("北京市朝阳区人民政府2021年政府信息公开工作年度报告", "北京市朝阳区人民政府", "北京市朝阳区", "县级", 2021),
    ("2022年度南京市鼓楼区发改委政府信息公开工作年度报告", "南京市鼓楼区发展和改革委员会", "江苏省南京市鼓楼区", "县级", 2022),
    ("昆山市人民政府2020年政府信息公开工作年度报告", "昆山市人民政府", "江苏省苏州市昆山市", "县级", 2020),
    ("广西壮族自治区公安厅2020年政府信息公开工作年度报告", "广西壮族自治区公安厅", "广西壮族自治区", "省级", 2020),
    ("二〇二〇年度厦门市人社局政府信息公开工作年度报告", "厦门市人力资源和社会保障局", "福建省厦门市", "市级", 2020),
    ("关于2021年度上海市卫健委政府信息公开工作的年度报告", "上海市卫生健康委员会", "上海市", "省级", 2021),
    ("淮安市洪泽区高良涧街道办事处2022年政府信息公开工作年度报告", "淮安市洪泽区高良涧街道办事处",
     "江苏省淮安市洪泽区高良涧街道", "乡镇级", 2022),
    ("国家统计局2020年政府信息公开工作年度报告", "国家统计局", "全国", "国家级", 2020),
    ("国家税务总局厦门市税务局2020年政府信息公开工作年度报告", "国家税务总局厦门市税务局", "福建省厦门市", "市级", 2020),
    ("四川省公安厅二〇二一年政府信息公开工作年度报告", "四川省公安厅", "四川省", "省级", 2021),
    ("中华人民共和国生态环境部2021年政府信息公开工作年度报告", "中华人民共和国生态环境部", "全国", "国家级", 2021),
    ("苏州工业园区管理委员会2021年政府信息公开工作年度报告", "苏州工业园区管理委员会", "江苏省苏州市工业园区",
     "市级", 2021),
    ("南京经济技术开发区管理委员会2021年度政府信息公开工作年度报告", "南京经济技术开发区管理委员会",
     "江苏省南京市经济技术开发区", "市级", 2021),
])
def test_other_agencies_and_levels(title, agency, region, level, year):
    m = infer_metadata(_doc(title, "一、总体情况", "本年度，我单位认真贯彻落实《条例》。"))
    assert (m.agency, m.region, m.level, m.year) == (agency, region, level, year)


@pytest.mark.parametrize("title,agency,region,level", [
    ("浙江省杭州市西湖区2020年度政府信息公开工作年度报告", "杭州市西湖区人民政府", "浙江省杭州市西湖区", "县级"),
    ("杭州市2020年政府信息公开工作年度报告", "杭州市人民政府", "浙江省杭州市", "市级"),
    ("江苏省2020年政府信息公开工作年度报告", "江苏省人民政府", "江苏省", "省级"),
])
def test_a_title_naming_only_a_region_is_that_regions_government_flagged_for_review(title, agency, region, level):
    m = infer_metadata(_doc(title, "一、总体情况", "本年度，我区认真贯彻落实《条例》。"))
    assert (m.agency, m.region, m.level, m.year) == (agency, region, level, 2020)
    assert [w.code for w in m.warnings] == ["metadata"] and "按惯例推定" in m.warnings[0].message


def test_ambiguous_district_is_resolved_by_the_body_or_left_unknown():
    title = ("鼓楼区人民政府", "2021年政府信息公开工作年度报告", "一、总体情况")
    m = infer_metadata(_doc(*title, "2021年，我区在福州市委、福州市政府的领导下推进政务公开。"))
    assert m.agency == "福州市鼓楼区人民政府" and m.region == "福建省福州市鼓楼区"
    unknown = infer_metadata(_doc(*title, "2021年，我区推进政务公开。"))  # 南京/福州/徐州/开封 all have one
    assert unknown.agency is None and unknown.region is None and unknown.year == 2021
    assert {w.code for w in unknown.warnings} == {"metadata"}
    assert any("发布机关" in w.message for w in unknown.warnings)


def test_statistics_period_and_file_name():
    m = infer_metadata(_doc("一、总体情况", "本报告所列数据统计期限自2022年1月1日至2022年12月31日。"))
    assert m.year == 2022 and m.evidence["year"].source == "body" and m.evidence["year"].line == 2
    m = infer_metadata(_doc("一、总体情况", "我局加强政务公开。", file="厦门市人社局2021年报告.txt"))
    assert m.year == 2021 and m.agency == "厦门市人力资源和社会保障局"
    assert m.evidence["agency"].source == "filename"


def test_unknown_is_none_with_warnings_never_a_guess():
    m = infer_metadata(_doc("政府信息公开工作年度报告", "一、总体情况", "本年度，我单位推进政务公开。"))
    assert (m.agency, m.region, m.level, m.year) == (None, None, None, None)
    assert len(m.warnings) == 4 and all(w.code == "metadata" for w in m.warnings)


def test_file_name_with_year_first():
    m = infer_metadata(_doc("一、总体情况", "我厅加强政务公开。", file="007_2020年福建省人社厅政府信息公开年报.pdf"))
    assert (m.agency, m.year, m.level) == ("福建省人力资源和社会保障厅", 2020, "省级")


def test_signature_line_names_the_agency_and_year_conflict_is_flagged():
    m = infer_metadata(_doc("一、总体情况", "2021年，我局推进政务公开。淮安市财政局给予支持。", "六、其他需要报告的事项", "无。",
                            "淮安市洪泽区人力资源和社会保障局", "2022年1月20日"))
    assert m.agency == "淮安市洪泽区人力资源和社会保障局" and m.level == "县级" and m.year == 2021
    assert m.evidence["agency"].line == 5
    m = infer_metadata(_doc("厦门市人社局2021年政府信息公开工作年度报告", "一、总体情况",
                            "本报告统计期限自2020年1月1日至2020年12月31日。"))
    assert m.year == 2021 and [w.code for w in m.warnings] == ["metadata"] and "统计期限" in m.warnings[0].message


def test_compiler_sentence_names_the_agency():
    m = infer_metadata(_doc("本报告由淮安市洪泽区人民政府办公室根据《条例》要求编制。统计期限自2023年1月1日至2023年12月31日。",
                            "一、总体情况", "2023年，我区推进政务公开，南京市、苏州市同行来访。"))
    assert (m.agency, m.region, m.year) == ("淮安市洪泽区人民政府", "江苏省淮安市洪泽区", 2023)
    m = infer_metadata(_doc("一、总体情况", "本报告总结厦门市人力资源和社会保障局 2020 年政府信息公开工作情况。"))
    assert m.agency == "厦门市人力资源和社会保障局"


@pytest.mark.parametrize("path", sorted(SAMPLE.glob("*.txt")) + sorted(REAL_PDF.glob("*.pdf")), ids=lambda p: p.name[:10])
def test_every_report_without_its_title_still_reads_right_from_the_body(path):
    import copy

    from index.metadata import _find_title

    full = load(path)
    want = infer_metadata(full)
    doc = copy.deepcopy(full)
    found = _find_title(doc)
    if found:
        for i in range(found[1], found[2] + 1):
            doc.lines[i].text = ""
    doc.file = "report.txt"  # and no help from the file name
    m = infer_metadata(doc)
    assert (m.agency, m.region, m.level, m.year) == (want.agency, want.region, want.level, want.year)
    assert m.evidence["agency"].source == m.evidence["year"].source == "body"
