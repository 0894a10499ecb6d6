"""assistant/ui/search_tab.py: literal search over the built store, located in the reports' own lines."""
import re

import pytest

from assistant.ui.search_tab import find_passages
from assistant.ui.services import Services

FUJIAN = "福建省人力资源和社会保障厅"


@pytest.fixture(scope="module")
def svc(built_store):
    return Services(built_store)


def test_phrase_split_across_lines_is_found_with_exact_lines(svc, sample_dir):
    hits = find_passages(svc, "人社福精灵")
    assert len(hits) >= 4 and all(h["match"] == "exact" for h in hits)
    for h in hits:
        lines = (sample_dir / h["file"]).read_text(encoding="utf-8").splitlines()
        span = "".join(lines[h["line_start"] - 1:h["line_end"]])
        assert "人社福精灵" in "".join(span.split())
        assert "人社福精灵" in "".join(h["quote"].split()) and len(h["quote"]) <= 200


def test_filters_and_whole_numbers(svc):
    assert {h["year"] for h in find_passages(svc, "人社福精灵", FUJIAN, 2020)} == {2020}
    hits = [h for h in find_passages(svc, "68", FUJIAN, 2020) if h["match"] == "exact"]
    assert hits and all("68" in h["quote"].split() or "68" in h["quote"] for h in hits)
    six = [h for h in find_passages(svc, "6", FUJIAN, 2020) if h["match"] == "exact"]
    assert six and all(re.search(r"(?<![\d.])6(?![\d.])", h["quote"]) for h in six)  # never inside 68 or 2016


def test_words_match_after_phrases_and_nothing_found_is_empty(svc):
    hits = find_passages(svc, "政策解读 微信")
    kinds = [h["match"] for h in hits]
    assert "words" in kinds and kinds == sorted(kinds, key=["exact", "words", "related"].index)
    assert find_passages(svc, "完全不存在的短语ＸＹＺ") == [] or all(
        h["match"] == "related" for h in find_passages(svc, "完全不存在的短语ＸＹＺ"))
    assert find_passages(svc, "   ") == []
