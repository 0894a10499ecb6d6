"""Keyword index: jieba tokens + bm25s (sparse-matrix BM25), persisted beside the vectors in <store>/bm25.pkl.

Dense scores of multilingual-e5 sit close together; exact domain words (依申请公开, 行政复议, 不予公开 …)
are what separate the right passage, so jieba gets a domain dictionary (index/domain_dict.txt: terms of
the national template, never answers) and searches use `cut_for_search`, which also emits the short words
inside long terms (政府信息公开 → 政府, 信息, 公开, …) for recall.

A document is the chunk's section path and text (section words such as 存在的主要问题 help find part five).
The pickle holds the ids, the token lists (reused for unchanged chunks when a writer rebuilds), the manifest
stamp it was built from and the bm25s model, so a reader loads it instead of re-indexing. `load_or_build`
rebuilds from the manifest whenever the stamp differs (missing, older, or left behind by an interrupted ingest).
bm25s rather than rank-bm25: rank-bm25 scores a query with a Python loop over every document (0.5 s at 168k
chunks), bm25s with one sparse-matrix product (0.03 s).
"""
from __future__ import annotations

import os
import pickle
import re
import threading
from pathlib import Path
from typing import Callable, Iterable, Optional

DICT_PATH = Path(__file__).with_name("domain_dict.txt")
BM25_ROWS_SQL = "SELECT id, COALESCE(section, '') || ' ' || text FROM chunks ORDER BY file, ord"
FORMAT = 2  # 2: documents are "section text"; bump when the tokenizer or domain_dict.txt changes
_TOKENIZER = None
_TOK_LOCK = threading.Lock()
_KEEP = re.compile(r"[\w\u4e00-\u9fff]")  # a token must hold a letter, digit or Han character


def _tokenizer():
    """One jieba Tokenizer of our own (the global one stays untouched for other code), domain words loaded."""
    global _TOKENIZER
    with _TOK_LOCK:
        if _TOKENIZER is None:
            import logging

            import jieba

            jieba.setLogLevel(logging.WARNING)
            tk = jieba.Tokenizer()
            tk.load_userdict(str(DICT_PATH))
            _TOKENIZER = tk
        return _TOKENIZER


def tokenize(text: str) -> list[str]:
    """Search tokens of `text`: lower-cased, full-width folded, punctuation and spaces dropped."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text or "").lower()
    return [t for t in _tokenizer().cut_for_search(text) if t.strip() and _KEEP.search(t)]


class BM25Index:
    """BM25 over chunk texts. `ids[i]` is the chunk id of document i."""

    def __init__(self, ids: list[str], tokens: list[list[str]], stamp: str = "", model=None):
        self.ids = list(ids)
        self.tokens = tokens
        self.stamp = stamp
        self._bm25 = model  # a saved bm25s model: building one is ~15 s at 168k chunks, loading it is not
        if model is None and any(tokens):  # an empty library gets no model and finds nothing
            import bm25s

            self._bm25 = bm25s.BM25()
            # a document without a single token would vanish from bm25s' numbering: give it a placeholder
            self._bm25.index([t or ["\x00"] for t in tokens], show_progress=False)

    @classmethod
    def build(cls, rows: Iterable[tuple[str, str]], stamp: str = "",
              known: Optional[dict[str, list[str]]] = None) -> "BM25Index":
        """`known`: tokens of chunk ids already tokenised (ids hash the chunk's text, so they are still right)."""
        ids, toks = [], []
        known = known or {}
        for cid, text in rows:
            ids.append(cid)
            toks.append(known[cid] if cid in known else tokenize(text))
        return cls(ids, toks, stamp)

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, tokens: list[str]):
        """BM25 score of every document (numpy array aligned with `ids`), or None when nothing can match."""
        if self._bm25 is None or not tokens:
            return None
        return self._bm25.get_scores(tokens)

    def search(self, query: str | list[str], k: int = 10, allowed: Optional[set[str]] = None,
               ) -> list[tuple[str, float]]:
        """Top-k (chunk id, score) with score > 0, optionally only among `allowed` ids. `query` is text or
        tokens already cut (the read side drops its stop words first)."""
        scores = self.scores(tokenize(query) if isinstance(query, str) else query)
        if scores is None:
            return []
        order = scores.argsort()[::-1]
        out = []
        for i in order:
            if scores[i] <= 0:
                break
            cid = self.ids[i]
            if allowed is not None and cid not in allowed:
                continue
            out.append((cid, float(scores[i])))
            if len(out) >= k:
                break
        return out

    # ------------------------------------------------------------ persistence
    def save(self, path: Path | str) -> None:
        """Write atomically (temp file + rename): a reader never sees half an index."""
        path = Path(path)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump({"format": FORMAT, "stamp": self.stamp, "ids": self.ids, "tokens": self.tokens,
                         "model": self._bm25}, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path | str) -> Optional["BM25Index"]:
        """The saved index, or None when it is missing or unreadable (it is rebuilt then)."""
        try:
            with open(path, "rb") as f:
                d = pickle.load(f)
            if d.get("format") != FORMAT:
                return None
            return cls(d["ids"], d["tokens"], d.get("stamp", ""), model=d.get("model"))
        except (OSError, pickle.UnpicklingError, EOFError, KeyError, AttributeError, TypeError, ImportError):
            return None


def load_or_build(path: Path | str, stamp: str, rows: Callable[[], Iterable[tuple[str, str]]],
                  save: bool = True) -> BM25Index:
    """The index at `path` if it was built from manifest state `stamp`, else rebuilt from `rows()`."""
    idx = BM25Index.load(path)
    if idx is not None and idx.stamp == stamp:
        return idx
    # Reuse the old index's tokens: an ingest then runs jieba on its own new chunks only, not on the whole
    # library (at 10k reports that is ~500k chunks per write; see docs/scaling.md). Bump FORMAT when the
    # tokenizer or domain_dict.txt changes, so that old tokens are not reused.
    known = dict(zip(idx.ids, idx.tokens)) if idx is not None else None
    idx = BM25Index.build(rows(), stamp, known=known)
    if save:
        try:
            idx.save(path)
        except OSError:
            pass  # a read-only store still answers; the next writer saves it
    return idx
