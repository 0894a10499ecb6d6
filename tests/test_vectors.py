"""Real Chroma: a persistent one in tmp, and a real `chroma run` server on 127.0.0.1."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.embed import get_embedder
from index.errors import StoreError
from index.records import Chunk
from index.vectors import ChromaVectors


def _chunks():
    texts = [("a.txt", 2019, "依申请公开 本年新收 总计 159"), ("a.txt", 2019, "行政复议 结果维持 2"),
             ("b.txt", 2020, "主动公开 规范性文件 本年新制作数量 12"), ("b.txt", 2020, "行政诉讼 尚未审结 1")]
    return [Chunk(id=f"c{i}", file=f, text=t, kind="text", section="三、收到和处理政府信息公开申请情况", line_start=i + 1,
                  line_end=i + 2, ord=i, agency="某省人社厅", year=y) for i, (f, y, t) in enumerate(texts)]


def _fill(v):
    e = v.embedder
    cs = _chunks()
    v.upsert(cs, e.get_text_embedding_batch([c.text for c in cs]))
    return cs


def test_upsert_is_idempotent_and_filters_work(tmp_path):
    e = get_embedder()
    v = ChromaVectors(tmp_path, e)
    _fill(v)
    _fill(v)  # same ids again: replaced, not duplicated
    assert v.count() == 4
    assert v.ids("a.txt") == {"c0", "c1"}
    q = e.get_query_embedding("行政诉讼尚未审结")
    assert v.search(q, k=1)[0][0] == "c3"
    assert {i for i, _ in v.search(q, k=4, year=2019)} == {"c0", "c1"}
    assert {i for i, _ in v.search(q, k=4, file=["a.txt"], year=[2019, 2020])} == {"c0", "c1"}
    assert set(v.embeddings(["c2"])) == {"c2"}
    v.delete(["c0"])
    assert v.count() == 3 and ChromaVectors(tmp_path, e).count() == 3  # persisted


def test_llama_index_store_reads_our_metadata(tmp_path):
    from llama_index.core.vector_stores.types import VectorStoreQuery

    e = get_embedder()
    v = ChromaVectors(tmp_path, e)
    cs = _fill(v)
    res = v.llama_store.query(VectorStoreQuery(query_embedding=e.get_query_embedding("复议维持"), similarity_top_k=1))
    node = res.nodes[0]
    assert node.node_id == "c1" and node.text == cs[1].text
    assert node.metadata["file"] == "a.txt" and node.metadata["year"] == 2019 and node.metadata["line_start"] == 2


def test_unreachable_server_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="ASSISTANT_CHROMA_URL"):
        ChromaVectors(tmp_path, get_embedder(), url="http://127.0.0.1:9")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_chroma_server_mode(tmp_path, monkeypatch):
    chroma = Path(sys.executable).with_name("chroma")
    port = _free_port()
    proc = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        monkeypatch.setenv("ASSISTANT_CHROMA_URL", f"http://127.0.0.1:{port}")
        deadline = time.time() + 30
        while True:
            try:
                v = ChromaVectors(tmp_path / "store", get_embedder())
                break
            except StoreError:
                if time.time() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.3)
        _fill(v)
        assert v.count() == 4
        assert not (tmp_path / "store" / "chroma").exists()  # nothing stored locally in server mode
        assert v.search(get_embedder().get_query_embedding("规范性文件"), k=1, year=2020)[0][0] == "c2"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
