"""The naive RAG baseline eval compares us against: llama-index SentenceSplitter + VectorStoreIndex (Chroma)
with the same embedder and the same LLM, top-k 5, nothing else (no tables, no filters, no verification).

Without an LLM it answers with its top retrieved chunk (extractive). The index is cached under
~/.cache/nianbao/naive/<hash of files and embedder> so repeated evals do not re-embed.
"""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional


TOP_K = 5
_REFUSAL_WORDS = ("无法回答", "没有相关", "库中没有", "未找到", "无法确定", "不能确定", "没有提供", "未提及", "没有提到")


@dataclass
class NaiveAnswer:
    question: str
    text: str
    files: list[str]
    refused: bool
    timings_ms: dict = field(default_factory=dict)


def _report_files(library) -> list[tuple[str, Path]]:
    out = []
    for r in sorted(library.reports(), key=lambda r: r.file):
        p = library.source_path(r.file)
        if p is not None and Path(p).exists():
            out.append((r.file, Path(p)))
    return out


def _read_text(library, file: str, path: Path) -> str:
    from assistant.answering.compose import SourceFiles

    return "\n".join(t for t, _n, _p in SourceFiles(library).lines(file)) or path.read_text(encoding="utf-8", errors="replace")


class NaiveRAG:
    def __init__(self, library, backend=None, embedder=None, cache_dir: Optional[Path] = None):
        self.library = library
        self.backend = backend
        self.embedder = embedder
        self.cache_dir = Path(cache_dir or os.environ.get("NIANBAO_MODEL_DIR") or Path.home() / ".cache" / "nianbao") / "naive"
        self._retriever = None
        self._engine = None

    def warm_up(self) -> "NaiveRAG":
        if self._retriever is not None:
            return self
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.core import Document, StorageContext, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.vector_stores.chroma import ChromaVectorStore

        from index.embed import ChromaEmbeddingFunction, get_embedder

        self.embedder = self.embedder or (self.library.embedder() if hasattr(self.library, "embedder") else get_embedder())
        files = _report_files(self.library)
        h = hashlib.sha256(self.embedder.model_name.encode())
        for f, p in files:
            h.update(f.encode())
            h.update(hashlib.sha256(p.read_bytes()).digest())
        path = self.cache_dir / h.hexdigest()[:16]
        client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
        col = client.get_or_create_collection("naive", embedding_function=ChromaEmbeddingFunction(self.embedder),
                                              configuration={"hnsw": {"space": "cosine"}})
        store = ChromaVectorStore(chroma_collection=col)
        if col.count() == 0:
            docs = [Document(text=_read_text(self.library, f, p), metadata={"file": f}) for f, p in files]
            index = VectorStoreIndex.from_documents(
                docs, storage_context=StorageContext.from_defaults(vector_store=store), embed_model=self.embedder,
                transformations=[SentenceSplitter()])
        else:
            index = VectorStoreIndex.from_vector_store(store, embed_model=self.embedder)
        self._retriever = index.as_retriever(similarity_top_k=TOP_K)
        if self.backend is not None:
            from llama_index.core import get_response_synthesizer
            from llama_index.core.query_engine import RetrieverQueryEngine

            from assistant.llm.backends import as_llama_index_llm

            # simple_summarize: one LLM call per question over the top-5 chunks (truncated to the window);
            # "compact" would refine over a second call, doubling a 0.5B CPU model's ~4k-token reads
            self._engine = RetrieverQueryEngine(retriever=self._retriever, response_synthesizer=get_response_synthesizer(
                llm=as_llama_index_llm(self.backend), response_mode="simple_summarize"))
        return self

    def ask(self, question: str) -> NaiveAnswer:
        self.warm_up()
        t0 = time.perf_counter()
        if self._engine is not None:
            resp = self._engine.query(question)
            nodes, text = resp.source_nodes, str(resp)
        else:
            nodes = self._retriever.retrieve(question)
            text = nodes[0].node.get_content() if nodes else ""
        files = list(dict.fromkeys(n.node.metadata.get("file", "") for n in nodes))
        return NaiveAnswer(question=question, text=text, files=files,
                           refused=any(w in text for w in _REFUSAL_WORDS) or not nodes,
                           timings_ms={"total": (time.perf_counter() - t0) * 1000})
