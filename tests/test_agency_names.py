"""index/agency_names.py: agency names and regions read against index/regions.json."""
from __future__ import annotations

from collections import Counter

import pytest

from index.agency_names import describe, mentions, parse_agency, reference, resolve_generic


@pytest.mark.parametrize("written,expected", [
    ("厦门市人社局", ("厦门市人力资源和社会保障局", "福建省厦门市", "市级")),
    ("洪泽区人民政府", ("淮安市洪泽区人民政府", "江苏省淮安市洪泽区", "县级")),
    ("福建省人社厅", ("福建省人力资源和社会保障厅", "福建省", "省级")),
    ("内蒙古自治区发改委", ("内蒙古自治区发展和改革委员会", "内蒙古自治区", "省级")),
    ("仙桃市人民政府", ("仙桃市人民政府", "湖北省仙桃市", "县级")),  # county-level city directly under a province
    ("沭阳县某某镇人民政府", ("沭阳县某某镇人民政府", "江苏省宿迁市沭阳县某某镇", "乡镇级")),
    ("国家税务总局厦门市税务局", ("国家税务总局厦门市税务局", "福建省厦门市", "市级")),
])
def test_describe(written, expected):
    assert describe(written) == expected


def test_not_an_agency_or_ambiguous_is_none():
    assert describe("随便写的几个字") is None
    assert describe("鼓楼区人民政府") is None  # 南京, 福州, 徐州, 开封: no way to tell without context
    name = parse_agency("鼓楼区人民政府", Counter({"福州市": 3}))
    assert name is not None and name.division.code == "350102"  # 福州市鼓楼区


def test_mentions_count_short_names_on_their_own_and_generic_prefixes_resolve():
    c = mentions([(0, "福建省人社厅在福建各地开展活动"), (1, "福建省政府要求")])
    assert c["福建省"] == 2 and c["福建"] == 1
    name = parse_agency("省人社厅", c)
    assert name.generic == "省"
    assert resolve_generic(name, c).division.name == "福建省"
    # two provinces named about equally: no guess
    tie = mentions([(0, "江苏省和浙江省")])
    assert resolve_generic(parse_agency("省人社厅", tie), tie) is None


def test_reference_data_covers_all_levels():
    ref = reference()
    ranks = Counter(d.rank for d in ref.div.values())
    assert ranks[1] >= 34 and ranks[2] >= 330 and ranks[3] >= 2800
    assert ref.canonical_type("人社局") == "人力资源和社会保障局"
