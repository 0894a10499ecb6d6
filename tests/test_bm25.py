"""jieba + bm25s with the domain dictionary; persistence and staleness."""
from index.bm25 import BM25Index, load_or_build, tokenize

ROWS = [("a", "山东省人社厅 2019 依申请公开 本年新收 总计 159"),
        ("b", "政府信息公开行政复议情况：结果维持2件，结果纠正0件。"),
        ("c", "主动公开规范性文件12件，对外公开总数量35件。"),
        ("d", "不予公开：属于国家秘密1件。")]


def test_domain_terms_stay_whole_tokens():
    toks = tokenize("本年度依申请公开的行政复议与行政诉讼，不予公开１件，规范性文件。")
    for term in ("依申请公开", "行政复议", "行政诉讼", "不予公开", "规范性文件"):
        assert term in toks
    assert "1" in toks  # full-width digits folded
    assert "，" not in toks and "。" not in toks


def test_search_ranks_and_filters():
    idx = BM25Index.build(ROWS, "v1")
    assert idx.search("行政复议结果维持")[0][0] == "b"
    assert idx.search("规范性文件有多少")[0][0] == "c"
    assert [i for i, _ in idx.search("行政复议", allowed={"a", "c"})] == []
    assert idx.search("。。。") == []
    assert BM25Index.build([], "v0").search("行政复议") == []


def test_persisted_and_rebuilt_when_stale(tmp_path):
    path = tmp_path / "bm25.pkl"
    calls = []

    def rows():
        calls.append(1)
        return ROWS

    first = load_or_build(path, "v1", rows)
    again = load_or_build(path, "v1", rows)
    assert len(calls) == 1 and again.ids == first.ids and path.exists()
    load_or_build(path, "v2", rows)  # the manifest moved on
    assert len(calls) == 2
    path.write_bytes(b"garbage")  # a damaged file is rebuilt, not fatal
    assert load_or_build(path, "v2", rows).search("国家秘密")[0][0] == "d"
    assert len(calls) == 3


def test_rebuild_tokenises_only_new_chunks(tmp_path, monkeypatch):
    """After an ingest only the new chunks go through jieba; unchanged ids keep their tokens (scale: 10k reports)."""
    import index.bm25 as bm

    path = tmp_path / "bm25.pkl"
    load_or_build(path, "v1", lambda: ROWS[:3])
    seen = []
    real = bm.tokenize
    monkeypatch.setattr(bm, "tokenize", lambda t: seen.append(t) or real(t))
    idx = load_or_build(path, "v2", lambda: ROWS)
    assert seen == [ROWS[3][1]]
    assert idx.search("国家秘密")[0][0] == "d" and idx.search("行政复议结果维持")[0][0] == "b"


def test_saved_index_carries_its_model(tmp_path):
    """A reader loads the bm25s model with the pickle: same scores, no re-indexing."""
    import bm25s

    idx = BM25Index.build(ROWS, "v1")
    idx.save(tmp_path / "bm25.pkl")
    built = bm25s.BM25.index
    bm25s.BM25.index = lambda *a, **k: (_ for _ in ()).throw(AssertionError("re-indexed on load"))
    try:
        back = BM25Index.load(tmp_path / "bm25.pkl")
    finally:
        bm25s.BM25.index = built
    assert back.ids == idx.ids and back.search("行政复议结果维持") == idx.search("行政复议结果维持")


def test_a_chunk_without_tokens_keeps_the_numbering():
    idx = BM25Index.build([("a", "。。。"), ("b", "行政复议结果维持")], "v1")
    assert [i for i, _ in idx.search("行政复议")] == ["b"]
