"""Publishers outside the national division list (zones, 管委会, a government's 办公厅/办公室, 市科委), and a
crawler's header block as metadata evidence — index/metadata.py with index/loaders/header.py."""
from __future__ import annotations

import pytest

from index.loaders import load
from index.loaders.header import take_header
from index.metadata import infer_metadata
from index.records import Document, Line

BODY = ["本报告所列数据统计期限为2023年1月1日至2023年12月31日。", "一、总体情况", "我委认真贯彻落实《条例》。"]


def _doc(*lines: str) -> Document:
    d = Document(file="x.txt", path="/tmp/x.txt", sha256="0", format="txt",
                 lines=[Line(t, i + 1) for i, t in enumerate(lines)])
    d.header = take_header(d.lines)
    return d


@pytest.mark.parametrize("title,agency,region,level", [
    ("平潭综合实验区2023年度政府信息公开工作年度报告", "平潭综合实验区", "福建省平潭综合实验区", "市级"),
    ("雄安新区2023年政府信息公开工作年度报告", "雄安新区", "河北省雄安新区", "市级"),
    ("河北雄安新区管理委员会2023年政府信息公开工作年度报告", "河北雄安新区管理委员会", "河北省雄安新区", "市级"),
    ("兰州新区2023年政府信息公开工作年度报告", "兰州新区", "甘肃省兰州市兰州新区", "市级"),
    ("南京江北新区管理委员会2023年政府信息公开工作年度报告", "南京江北新区管理委员会", "江苏省南京市江北新区", "市级"),
    ("福建省人民政府办公厅2023年政府信息公开工作年度报告", "福建省人民政府办公厅", "福建省", "省级"),
    ("厦门市人民政府办公室2023年政府信息公开工作年度报告", "厦门市人民政府办公室", "福建省厦门市", "市级"),
    ("重庆市科委2023年政府信息公开工作年度报告", "重庆市科学技术委员会", "重庆市", "省级"),
])
def test_title_names_the_publisher(title, agency, region, level):
    meta = infer_metadata(_doc(title, *BODY))
    assert (meta.agency, meta.region, meta.level, meta.year) == (agency, region, level, 2023)
    assert meta.evidence["agency"].source == "title"


def test_a_division_that_sounds_like_a_zone_stays_a_division():
    meta = infer_metadata(_doc("上海市浦东新区2023年政府信息公开工作年度报告", *BODY))
    assert (meta.agency, meta.level) == ("上海市浦东新区人民政府", "县级")


def test_crawler_header_title_and_publisher():
    # no title line in the body: the header's 标题 gives the year, its 发布机构 (a zone's 管委会办公室) the agency
    doc = _doc("标题: 2023年度政府信息公开工作年度报告", "发布机构: 平潭综合实验区管委会办公室",
               "原文链接: https://www.pingtan.gov.cn/x.htm", "==================== 正文 ====================", *BODY)
    assert [ln.text for ln in doc.lines[:4]] == ["", "", "", ""]
    meta = infer_metadata(doc)
    assert (meta.agency, meta.region, meta.level, meta.year) == ("平潭综合实验区", "福建省平潭综合实验区", "市级", 2023)
    assert meta.evidence["agency"].source == "header" and meta.evidence["agency"].line == 2


def test_header_publisher_when_nothing_else_names_it():
    doc = _doc("发布机构: 厦门市人力资源和社会保障局", "发布时间: 2024-01-20", *BODY[:2], "本年度工作平稳推进。")
    meta = infer_metadata(doc)
    assert (meta.agency, meta.region, meta.level) == ("厦门市人力资源和社会保障局", "福建省厦门市", "市级")
    assert meta.evidence["agency"].source == "header"


def test_one_known_field_is_not_a_header():
    doc = _doc("来源: 本网", *BODY)
    assert doc.header == [] and doc.lines[0].text == "来源: 本网"


def test_html_fragment_saved_as_txt_is_read_as_html(tmp_path):
    p = tmp_path / "年度报告.txt"
    p.write_text("<p>厦门市人力资源和社会保障局2023年政府信息公开工作年度报告</p>\n<p>一、总体情况</p>"
                 "<p>本年度我局认真贯彻《条例》。</p><table><tr><td><span>行政</span><span>许可</span></td>"
                 "<td><font face='Times New Roman'>12</font></td></tr></table><p>二、主动公开</p>",
                 encoding="utf-8")
    doc = load(p)
    assert doc.format == "html" and any("扩展名" in w.message for w in doc.warnings)
    assert any(ln.cells == ["行政许可", "12"] for ln in doc.lines)
    assert not any("<p>" in ln.text for ln in doc.lines)


def test_markdown_with_a_few_tags_stays_text(tmp_path):
    p = tmp_path / "r.md"
    p.write_text("# 标题\n\n| 行政许可 | 12<br>件 |\n|---|---|\n<br>\n", encoding="utf-8")
    assert load(p).format == "md"


@pytest.mark.parametrize("layout", ["portal_html", "portal_txt", "fragment_txt", "portal_crawler", "crawler_line",
                                    "md_fragments"])
def test_samples_in_real_families_keep_their_metadata(layout, tmp_path):
    """A portal page lists another agency's report in its related links; a crawler's header repeats the
    title; the CMS fragment has no <title>: agency, region, level and year stay the sample's own."""
    import json
    from pathlib import Path

    import layouts
    gold = json.loads((Path(__file__).resolve().parent.parent / "data" / "gold" / "seed_facts.json")
                      .read_text(encoding="utf-8"))["reports"]
    for r in gold:
        m = infer_metadata(load(layouts.write(r, layout, tmp_path)))
        assert (m.agency, m.region, m.level, m.year) == (r["agency"], r["region"], r["level"], r["year"]), r["file"]
