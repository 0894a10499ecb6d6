"""The vector store: Chroma, behind a small protocol, read through llama-index's `ChromaVectorStore`.

Local by default (`PersistentClient` at <store>/chroma); a Chroma server when `ASSISTANT_CHROMA_URL` is set
(`HttpClient`, e.g. `http://127.0.0.1:8000`), so several app processes can share one index. Ids are
`Chunk.id` (content hashes), metadata is `Chunk.metadata()`, so a write can be repeated. Writes are upserts
with embeddings we computed ourselves; the collection carries our `ChromaEmbeddingFunction` so Chroma
never falls back to its default one (which downloads a model).

Chroma is not the source of truth: the manifest (SQLite `chunks`) is. Ids in Chroma that the manifest does
not list are leftovers of an interrupted ingest; the Ingestor deletes them on open, and readers should
ignore them (look every hit up in `Library.chunk`).
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Iterable, Optional, Protocol, Sequence
from urllib.parse import urlparse

from llama_index.core.schema import TextNode
from llama_index.core.vector_stores.types import (FilterCondition, FilterOperator, MetadataFilter,
                                                  MetadataFilters, VectorStoreQuery)
from llama_index.core.vector_stores.utils import node_to_metadata_dict

from index.errors import StoreError
from index.records import Chunk

_BATCH = 1000  # below Chroma's max batch size
_READ_TRIES = 5


def _forget_local_clients() -> None:
    """Drop chromadb's per-process cache of local clients, so the next PersistentClient reads the files anew."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    except Exception:  # another chromadb layout: a new client then shares the cached one, as before
        pass


class VectorStore(Protocol):
    """What the write and read sides need from a vector store (Chroma local or server; others later)."""

    def upsert(self, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]) -> None: ...
    def delete(self, ids: Iterable[str]) -> None: ...
    def ids(self, file: Optional[str] = None) -> set[str]: ...
    def embeddings(self, ids: Iterable[str]) -> dict[str, list[float]]: ...
    def search(self, embedding: Sequence[float], k: int = 10, **filters) -> list[tuple[str, float]]: ...
    def count(self) -> int: ...


def chroma_client(store_dir: Path | str, url: Optional[str] = None):
    """A Chroma client: HttpClient for `url` / ASSISTANT_CHROMA_URL, else PersistentClient under the store."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)  # offline machines: no telemetry calls
    url = url if url is not None else os.environ.get("ASSISTANT_CHROMA_URL")
    if url:
        u = urlparse(url if "://" in url else f"http://{url}")
        try:
            client = chromadb.HttpClient(host=u.hostname or "127.0.0.1", port=u.port or 8000,
                                         ssl=u.scheme == "https", settings=settings)
            client.heartbeat()
        except Exception as e:
            raise StoreError(f"Chroma server {url} (ASSISTANT_CHROMA_URL) is not reachable: {e}. Start it "
                             "(`chroma run --path DIR --port N`) or unset ASSISTANT_CHROMA_URL") from e
        return client
    path = Path(store_dir) / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


class ChromaVectors:
    """Chroma collection `collection` holding one vector per chunk."""

    def __init__(self, store_dir: Path | str, embedder, collection: Optional[str] = None, url: Optional[str] = None,
                 fresh: bool = False):
        """`fresh`: open a new local client instead of the one this process already has for the path
        (a reader whose store another process has written to)."""
        self.embedder = embedder
        self._where = (store_dir, url)
        if fresh:
            _forget_local_clients()
        self._open(collection)

    def _open(self, collection: Optional[str] = None) -> None:
        from index.embed import ChromaEmbeddingFunction

        store_dir, url = self._where
        embedder = self.embedder
        self.client = chroma_client(store_dir, url)
        # one server can hold several libraries: ASSISTANT_CHROMA_COLLECTION tells them apart
        self.name = collection or getattr(self, "name", None) or os.environ.get("ASSISTANT_CHROMA_COLLECTION") \
            or "reports"
        self.collection = self.client.get_or_create_collection(
            self.name, embedding_function=ChromaEmbeddingFunction(embedder),
            configuration={"hnsw": {"space": "cosine"}})
        self._llama = None

    @property
    def llama_store(self):
        """The same collection as a llama-index `ChromaVectorStore` (for VectorStoreIndex / retrievers)."""
        if self._llama is None:
            from llama_index.vector_stores.chroma import ChromaVectorStore

            self._llama = ChromaVectorStore(chroma_collection=self.collection)
        return self._llama

    # ------------------------------------------------------------ writes
    def upsert(self, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]) -> None:
        if len(chunks) != len(embeddings):
            raise StoreError(f"upsert: {len(chunks)} chunks but {len(embeddings)} embeddings")
        for i in range(0, len(chunks), _BATCH):
            part = chunks[i:i + _BATCH]
            # llama-index's own serialisation, so ChromaVectorStore.query rebuilds TextNodes from these rows
            metas = [node_to_metadata_dict(TextNode(id_=c.id, text=c.text, metadata=c.metadata()),
                                           remove_text=True, flat_metadata=True) for c in part]
            self.collection.upsert(ids=[c.id for c in part], embeddings=[list(map(float, e)) for e in
                                                                        embeddings[i:i + _BATCH]],
                                   metadatas=metas, documents=[c.text for c in part])

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for i in range(0, len(ids), _BATCH):
            self.collection.delete(ids=ids[i:i + _BATCH])

    def reset(self) -> None:
        """Drop every vector (a rebuild with another embedder)."""
        from index.embed import ChromaEmbeddingFunction

        self.client.delete_collection(self.name)
        self.collection = self.client.get_or_create_collection(
            self.name, embedding_function=ChromaEmbeddingFunction(self.embedder),
            configuration={"hnsw": {"space": "cosine"}})
        self._llama = None

    # ------------------------------------------------------------ reads
    def count(self) -> int:
        return self.collection.count()

    def ids(self, file: Optional[str] = None) -> set[str]:
        out: set[str] = set()
        offset = 0
        while True:  # paged: a large library does not fit one response
            got = self.collection.get(where={"file": file} if file else None, include=[],
                                      limit=10000, offset=offset)
            out.update(got["ids"])
            if len(got["ids"]) < 10000:
                return out
            offset += 10000

    def embeddings(self, ids: Iterable[str]) -> dict[str, list[float]]:
        ids = list(ids)
        out: dict[str, list[float]] = {}
        for i in range(0, len(ids), _BATCH):
            got = self.collection.get(ids=ids[i:i + _BATCH], include=["embeddings"])
            for cid, emb in zip(got["ids"], got["embeddings"]):
                out[cid] = [float(x) for x in emb]
        return out

    def search(self, embedding: Sequence[float], k: int = 10, year: Optional[int | list[int]] = None,
               file: Optional[str | list[str]] = None, agency: Optional[str | list[str]] = None,
               kind: Optional[str] = None) -> list[tuple[str, float]]:
        """Top-k chunk ids and similarities (higher is closer), filtered on metadata."""
        filters = []
        for key, val in (("year", year), ("file", file), ("agency", agency), ("kind", kind)):
            if val is None:
                continue
            if isinstance(val, (list, tuple, set)):
                filters.append(MetadataFilter(key=key, value=list(val), operator=FilterOperator.IN))
            else:
                filters.append(MetadataFilter(key=key, value=val, operator=FilterOperator.EQ))
        q = VectorStoreQuery(query_embedding=list(map(float, embedding)), similarity_top_k=k,
                             filters=MetadataFilters(filters=filters, condition=FilterCondition.AND)
                             if filters else None)
        for attempt in range(_READ_TRIES):
            try:
                res = self.llama_store.query(q)
                return list(zip(res.ids or [], res.similarities or []))
            except Exception:
                # Another process is writing: a local client's index can be behind the rows it just read
                # ("Error finding id"). Reopen on the state now on disk and ask again; callers look every hit
                # up in the manifest anyway.
                if attempt == _READ_TRIES - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
                if not os.environ.get("ASSISTANT_CHROMA_URL"):
                    _forget_local_clients()
                self._open()
        return []
