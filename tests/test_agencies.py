"""Agency resolution against the library's reports; other divisions and agencies come back as unknown."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answering.agencies import agency_aliases, find_agencies
from assistant.answering.question import ReportInfo
from assistant.answering.lexicon import load_lexicon, norm

GOLD = Path(__file__).resolve().parents[1].joinpath("data/gold/seed_facts.json")
FJ, SD = "福建省人力资源和社会保障厅", "山东省人力资源和社会保障厅"


@pytest.fixture(scope="module")
def reports():
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    return [ReportInfo(r["file"], r["agency"], r["region"], r["level"], r["year"]) for r in gold["reports"]]


def find(text, reports):
    agencies, mentions, unknown, _ = find_agencies(norm(text), reports, load_lexicon())
    return agencies, unknown


def test_aliases_include_short_type_forms():
    al = agency_aliases(FJ, "福建省", load_lexicon())
    assert {"福建省人社厅", "福建人社厅", "福建省人力资源社会保障厅"} <= set(al)


@pytest.mark.parametrize("text,agencies,unknown", [
    ("山东省人力资源社会保障厅2019年", [SD], []),
    ("福建的人社厅2019年", [FJ], []),
    ("福建省财政厅2020年", [], ["福建省财政厅"]),
    ("广东省人社厅2020年", [], ["广东省人社厅"]),
    ("浙江2019年", [], ["浙江"]),
    ("深圳市人社局", [], ["深圳市人社局"]),
    ("淮安市人民政府2024年", [], ["淮安市人民政府"]),
    ("山东省人社部门2019年", [SD], []),
    ("全省各市的申请", [], []),
])
def test_known_and_unknown(text, agencies, unknown, reports):
    assert find(text, reports) == (agencies, unknown)


def test_alias_table_follows_the_library_state():
    """The alias table is cached per set of held agencies (scale: 5,000 agencies); a new report is seen at once."""
    lex = load_lexicon()
    base = [ReportInfo("a.txt", "福建省人力资源和社会保障厅", "福建省", "省级", 2020)]
    text = norm("2020年石家庄市人社局新收申请多少件？")
    assert find_agencies(text, base, lex)[0] == []
    more = base + [ReportInfo("b.txt", "石家庄市人力资源和社会保障局", "河北省石家庄市", "市级", 2020)]
    assert find_agencies(text, more, lex)[0] == ["石家庄市人力资源和社会保障局"]
    assert find_agencies(text, base, lex)[0] == []


def test_agency_names_outside_the_division_list_are_seen_in_a_question(reports):
    """Issue 11: a zone, a county office or a national body the library does not hold must not pass as 'no
    agency named' (the table tool would then answer from every report of the year)."""
    from assistant.answering.agencies import agency_phrases

    def names(text):
        return agency_phrases(find_agencies(norm(text), reports, load_lexicon())[3])

    assert names("2024年平潭综合实验区新收申请多少件？") == ["平潭综合实验区"]
    assert names("平潭综合实验区管委会办公室2024年新收多少") == ["平潭综合实验区管委会办公室"]
    assert names("2024年某某县财政局新收申请多少件？") == ["某某县财政局"]
    assert names("2020年国家统计局新收多少") == ["国家统计局"]
    # held agencies are blanked out, and the reports' own subject words are not agencies
    for q in json.loads("[" + ",".join(Path(__file__).resolve().parents[1].joinpath(
            "data/gold/questions.jsonl").read_text(encoding="utf-8").strip().splitlines()) + "]"):
        assert not set(names(q["question"])) - set(find(q["question"], reports)[1]), q["question"]
    assert names("人社部门有哪些做法？") == [] and names("新收政府信息公开申请最多的是哪年？") == []


def test_a_zone_agency_answers_to_its_zone_name():
    zone = [ReportInfo("p.txt", "平潭综合实验区管委会办公室", "福建省平潭综合实验区", "市级", 2024)]
    assert find("2024年平潭综合实验区新收多少件", zone)[0] == ["平潭综合实验区管委会办公室"]
