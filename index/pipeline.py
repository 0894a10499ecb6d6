"""The write side wired in one place: parse (load → metadata → tables → audit → sections → chunks), then store.

`parse_report(path)` (index/parse_report.py) embeds nothing (the `facts` command uses it). `Ingestor` stores parsed reports,
atomically per report and under the single-writer lock:

  1. embed the chunks (reusing vectors of chunks whose id and text are already stored),
  2. copy the file into <store>/files/<sha16>/<name> (one directory per content, so a source stays viewable),
  3. mark the file pending, upsert its vectors into Chroma,
  4. one SQLite transaction: report row, chunks, facts, checks (the manifest is the source of truth),
  5. delete the file's stale vectors and old copy, clear the pending mark.

Reports are told apart by content, never by base name: a file whose bytes are stored already is skipped,
and a different file under a name the library holds is stored under a key of its own (`年度报告~1a2b3c4d.txt`),
said so in its result line. Files of one (agency, year) are editions of one report (see `index/manifest.py`);
the result names the current one. Parsing runs outside the write lock (only the store step takes it), and
what a file may expand to is bounded before it is parsed (`index/loaders/normalize.py`), so a hostile file
cannot hold the store for long.

A crash anywhere leaves the manifest at the old or the new version; `warm_up()` (on open) deletes vectors the
manifest does not list and the BM25 index is rebuilt whenever its stamp differs from the manifest's. After
each ingest the cross-year chain checks are recomputed for the agencies it touched.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Optional

from index import bm25 as bm25_mod
from index.config import CHUNKER_VERSION, PARSER_VERSION, StorePaths, store_dir as resolve_store
from index.errors import IngestError, StoreError, StoreMismatchError
from index.report_gate import not_a_report
from index.intake import SUFFIXES, UNCHANGED, FileResult, arrival_notes, expand, key_for, left_out, sha256_of
from index.manifest import Manifest
from index.parse_report import parse_report
from index.records import ParsedReport
from index.store_lock import WriteLock

__all__ = ["Ingestor", "parse_report", "expand", "FileResult", "UNCHANGED", "SUFFIXES"]


class Ingestor:
    """Adds, replaces and removes reports in a store. Cheap constructor; `warm_up()` opens everything."""

    def __init__(self, store_dir: Path | str | None = None, embedder=None, lock_timeout: float = 60.0):
        self.paths = StorePaths(resolve_store(store_dir))
        self._embedder_arg = embedder
        self.lock = WriteLock(self.paths.lock, timeout=lock_timeout)
        self.manifest: Optional[Manifest] = None
        self.embedder = None
        self.vectors = None
        self.last_embedded = 0
        self._seen = None  # the manifest version this writer last saw under the lock

    # ------------------------------------------------------------ set-up and recovery
    def warm_up(self, rebuild: bool = False) -> "Ingestor":
        if self.manifest is not None:
            return self
        from index.embed import embedder_key, get_embedder
        from index.vectors import ChromaVectors

        emb = self._embedder_arg
        self.embedder = emb if emb is not None and not isinstance(emb, str) else get_embedder(emb)
        if hasattr(self.embedder, "warm_up"):
            self.embedder.warm_up()
        self.paths.root.mkdir(parents=True, exist_ok=True)
        with self.lock:
            self.manifest = Manifest(self.paths.db)
            recorded = self.manifest.get("embedder")
            mismatch = bool(recorded and recorded != embedder_key(self.embedder) and self.manifest.files())
            if mismatch and not rebuild:
                raise StoreMismatchError(
                    f"{self.paths.root}: the store was built with embedder {recorded}, not "
                    f"{embedder_key(self.embedder)}. Run `python -m assistant ingest PATH --store {self.paths.root} "
                    "--rebuild` to re-embed everything, or choose the store's embedder (--embedder / ASSISTANT_EMBEDDER).")
            self.vectors = ChromaVectors(self.paths.root, self.embedder)
            if not mismatch:  # a pending rebuild records the new embedder only once the old vectors are gone
                self._record_settings()
            self.reconcile()
            self._seen = self.manifest.version()
        return self

    @contextmanager
    def _writing(self):
        """The write lock, and a Chroma view as of now: while this writer parsed outside the lock another
        process may have written, and a local Chroma client keeps the index it opened (its next upsert or
        delete would miss those rows). So on taking the lock after a foreign write, the client is reopened."""
        with self.lock:
            outer = self.lock._depth == 1
            if outer and self.vectors is not None and self.manifest.version() != self._seen:
                from index.vectors import ChromaVectors

                self.vectors = ChromaVectors(self.paths.root, self.embedder, collection=self.vectors.name, fresh=True)
            try:
                yield
            finally:
                if outer:
                    self._seen = self.manifest.version()

    def _record_settings(self) -> None:
        from index.embed import embedder_key

        m = self.manifest
        m.set("embedder", embedder_key(self.embedder))
        m.set("embedder_name", self.embedder.model_name)
        m.set("embedder_dim", self.embedder.dim)
        m.set("parser_version", PARSER_VERSION)
        m.set("chunker_version", CHUNKER_VERSION)
        m.set("collection", self.vectors.name)

    def reconcile(self) -> dict:
        """Make Chroma, the stored copies and BM25 agree with the manifest after an interrupted write."""
        m, fixed = self.manifest, {"vectors_deleted": 0, "copies_deleted": 0}
        with self._writing():
            pending = json.loads(m.get("pending", "[]"))
            for f in pending:  # cheap, exact: the files a crashed ingest was writing
                stale = self.vectors.ids(f) - m.chunk_ids(f)
                self.vectors.delete(stale)
                fixed["vectors_deleted"] += len(stale)
            if self.vectors.count() != m.chunk_count():  # anything else (a kill before the mark was written)
                stale = self.vectors.ids() - m.chunk_ids()
                self.vectors.delete(stale)
                fixed["vectors_deleted"] += len(stale)
            m.delete_setting("pending")
            keep = m.stored_paths()
            if self.paths.files.is_dir():
                for d in self.paths.files.iterdir():
                    for f in (d.iterdir() if d.is_dir() else [d]):
                        rel = str(f.relative_to(self.paths.root))
                        if rel not in keep:
                            f.unlink(missing_ok=True)
                            fixed["copies_deleted"] += 1
                    if d.is_dir() and not any(d.iterdir()):
                        d.rmdir()
            self.bm25()
        return fixed

    def bm25(self) -> bm25_mod.BM25Index:
        """The BM25 index, rebuilt and saved when it does not match the manifest."""
        m = self.manifest
        return bm25_mod.load_or_build(self.paths.bm25, m.version(), m.chunk_rows)

    # ------------------------------------------------------------ public API
    def ingest(self, paths: Iterable[Path | str], prune: bool = False, force: bool = False,
               progress: Optional[Callable[[int, int, FileResult], None]] = None) -> list[FileResult]:
        """Add the reports under `paths`; files already stored are skipped. One FileResult per file.
        `prune`: afterwards remove stored reports whose name and content are both absent from `paths`."""
        self.warm_up()
        paths = list(paths)
        files = expand(paths)
        results = [FileResult(f.name, "skipped", why, path=str(f), name=f.name) for f, why in left_out(paths)]
        touched: set[str] = set()
        for i, path in enumerate(files, 1):
            t0 = time.perf_counter()
            r = self._ingest_one(path, force, touched)
            r.seconds = time.perf_counter() - t0
            results.append(r)
            if progress:
                progress(i, len(files), r)
        with self._writing():
            if prune:  # after the new files are in: a mirror never drops a report before its successor is stored
                names = {p.name for p in files}
                shas = {r.sha256 for r in results if r.sha256}
                for row in self.manifest.con.execute("SELECT file, name, sha256, agency FROM reports").fetchall():
                    if (row["name"] or row["file"]) not in names and row["sha256"] not in shas:
                        touched.add(row["agency"] or "")
                        self._delete(row["file"])
                        results.append(FileResult(row["file"], "ok", "pruned: no longer present",
                                                  name=row["name"] or row["file"]))
            self._after_write(touched)
        return results

    def set_current(self, file: str) -> bool:
        """Staff choose `file` as the current edition of its report (kept on later ingests)."""
        self.warm_up()
        with self._writing():
            row = self._row(file)
            self.manifest.set_current(file)
            self._after_write({row["agency"] or ""})
        return True

    def delete(self, file: str) -> bool:
        self.warm_up()
        with self._writing():
            row = self.manifest.report(file)
            if row is None:
                return False
            self._delete(file)
            self._after_write({row["agency"] or ""})
        return True

    def update_metadata(self, file: str, agency: Optional[str] = None, year: Optional[int] = None,
                        region: Optional[str] = None, level: Optional[str] = None) -> FileResult:
        """A user's correction: re-chunk with the new values (table rows carry agency/year), keep it on re-ingest."""
        self.warm_up()
        with self._writing():
            row = self._row(file)
            user = json.loads(row["meta_json"] or "{}").get("user", {})
            user.update({k: v for k, v in (("agency", agency), ("year", int(year) if year is not None else None),
                                           ("region", region), ("level", level)) if v is not None})
            r = self._store(self.paths.root / row["stored_path"], row["path"], user, {row["agency"] or ""})
            return r

    def reingest(self, file: str) -> FileResult:
        """Parse the stored copy again (after a parser change) and replace the report's rows."""
        self.warm_up()
        with self._writing():
            row = self._row(file)
            user = json.loads(row["meta_json"] or "{}").get("user", {})
            return self._store(self.paths.root / row["stored_path"], row["path"], user, {row["agency"] or ""})

    def rebuild(self, progress: Optional[Callable[[int, int, FileResult], None]] = None) -> list[FileResult]:
        """Re-embed and re-parse every stored report (another embedder, parser or chunker)."""
        if self.manifest is None:
            self.warm_up(rebuild=True)
        with self._writing():
            self.vectors.reset()
            self._record_settings()
            files = self.manifest.files()
            out = []
            for i, f in enumerate(files, 1):
                t0 = time.perf_counter()
                row = self.manifest.report(f)
                user = json.loads(row["meta_json"] or "{}").get("user", {})
                r = self._store(self.paths.root / row["stored_path"], row["path"], user, set(), reuse=False)
                r.seconds = time.perf_counter() - t0
                out.append(r)
                if progress:
                    progress(i, len(files), r)
            self._after_write({self.manifest.report(f)["agency"] or "" for f in self.manifest.files()})
        return out

    # ------------------------------------------------------------ internals
    def _row(self, file: str):
        row = self.manifest.report(file)
        if row is None:
            raise StoreError(f"{file}: not in the library at {self.paths.root}; ingest it first")
        return row

    def _ingest_one(self, path: Path, force: bool, touched: set[str]) -> FileResult:
        name = path.name
        try:
            sha = sha256_of(path)
        except FileNotFoundError:
            return FileResult(name, "error", f"文件不存在：{path}", path=str(path), name=name)
        except OSError as e:
            return FileResult(name, "error", f"无法读取 {path}：{e.strerror or e}", path=str(path), name=name)
        for _attempt in range(3):  # parsed outside the lock: re-decided under it if another writer got there first
            decided = self._decide(path, sha, force)
            if isinstance(decided, FileResult):
                return decided
            key, user = decided
            parsed = self._parse(path, user, key, str(path.resolve()))
            if isinstance(parsed, FileResult):
                return parsed
            with self._writing():
                if self._decide(path, sha, force) != decided:
                    continue
                return self._commit(parsed, path, str(path.resolve()), user, touched)
        return FileResult(name, "error", "资料库在导入期间被其他进程反复修改，请稍后重试", path=str(path), name=name)

    def _decide(self, path: Path, sha: str, force: bool):
        """-> a FileResult (nothing to store) or (key, user corrections) for a file with content `sha`."""
        name, m = path.name, self.manifest
        row = m.con.execute("SELECT * FROM reports WHERE sha256 = ? ORDER BY file = ? DESC, file LIMIT 1",
                            (sha, name)).fetchone()
        if row is not None:
            user = json.loads(row["meta_json"] or "{}").get("user", {})
            if force or row["parser_version"] != PARSER_VERSION or row["chunker_version"] != CHUNKER_VERSION:
                return row["file"], user  # the same content again, re-parsed under its own key
            if row["file"] == name or (row["name"] or row["file"]) == name:
                return FileResult(row["file"], "skipped", UNCHANGED, row["n_chunks"], row["n_facts"], path=str(path),
                                  name=name, sha256=sha)
            return FileResult(name, "skipped", f"与 {row['file']} 内容相同（重复文件），未重复导入",
                              path=str(path), name=name, sha256=sha)
        return key_for(name, sha, lambda k: m.report(k) is not None), {}

    def _parse(self, path: Path, user: dict, key: str, source_path: str):
        """-> ParsedReport, or the FileResult saying why the file is not stored."""
        name = path.name
        try:
            parsed = parse_report(path, overrides=user, file=key)
        except IngestError as e:
            return FileResult(key, "error", e.problem, path=source_path, name=name)
        except MemoryError:
            return FileResult(key, "error", "文件展开后过大，内存不足，已跳过该文件 (out of memory while parsing)",
                              path=source_path, name=name)
        except Exception as e:  # a parser bug must not stop the other files
            return FileResult(key, "error", f"解析失败（{type(e).__name__}: {e}），已跳过该文件；"
                                            "请连同文件一起反馈", path=source_path, name=name)
        # a README or a letter dropped in with the reports: storing it would list "README.md" as a
        # holding and feed its text to answers; user corrections (agency/year) make it a report again
        why = None if user else not_a_report(parsed.doc, parsed.meta.evidence.get("year") is not None
                                             and parsed.meta.evidence["year"].source == "title",
                                             len({f.table for f in parsed.tables.facts}))
        if why:
            return FileResult(key, "skipped", why, path=source_path, name=name)
        return parsed

    def _store(self, path: Path, source_path: str, user: dict, touched: set[str], reuse: bool = True,
               key: Optional[str] = None) -> FileResult:
        """Parse and write one report (re-parse, correction, rebuild: the caller holds the lock)."""
        parsed = self._parse(path, user, key or path.name, source_path)
        if isinstance(parsed, FileResult):
            return parsed
        return self._commit(parsed, path, source_path, user, touched, reuse)

    def _commit(self, parsed: ParsedReport, path: Path, source_path: str, user: dict, touched: set[str],
                reuse: bool = True) -> FileResult:
        """Write one parsed report atomically (under the lock); errors leave what was stored untouched."""
        key, name = parsed.file, Path(source_path).name
        old = self.manifest.report(key)
        touched.update({parsed.meta.agency or "", (old["agency"] or "") if old else ""})
        try:
            self._write(parsed, path, source_path, user, reuse, name=(old["name"] if old else None) or name)
        except Exception as e:  # the store refused (disk full, Chroma server gone …): undo what got half-way
            try:
                self.reconcile()
            except Exception:
                pass  # the next open repairs it
            return FileResult(key, "error", f"写入资料库失败（{type(e).__name__}: {e}），该文件的内容"
                                            "均未保留", path=source_path, name=name)
        ws = [w.to_dict() for w in parsed.warnings]
        notes = [] if old else arrival_notes(key, name, parsed.meta, self.manifest.editions(parsed.meta.agency,
                                                                                           parsed.meta.year))
        msgs = notes + [w["message"] for w in ws]
        reason = "; ".join(msgs[:3 + len(notes)]) + (f" (+{len(msgs) - 3 - len(notes)} more)"
                                                    if len(msgs) > 3 + len(notes) else "")
        return FileResult(key, "warning" if msgs else "ok", reason, len(parsed.chunks), len(parsed.tables.facts),
                          ws, source_path, name=name, sha256=parsed.doc.sha256)

    def _write(self, p: ParsedReport, path: Path, source_path: str, user: dict, reuse: bool,
               name: Optional[str] = None) -> None:
        m, file = self.manifest, p.file
        if file != Path(file).name or file in ("", ".", ".."):  # the key becomes a path inside the store
            raise StoreError(f"{file!r}: not a plain file name; rename the file and ingest it again")
        ids = [c.id for c in p.chunks]
        if len(set(ids)) != len(ids):
            raise StoreError(f"{file}: the chunker produced duplicate chunk ids; report this file")
        old_ids = m.chunk_ids(file)
        # reuse the vectors of texts already embedded for this file or another edition of its report (ids
        # move when a paragraph is inserted, and differ between editions)
        by_text = {}
        if reuse:
            for other in [e["file"] for e in m.editions(p.meta.agency, p.meta.year) if e["file"] != file] + [file]:
                by_text.update({t: i for i, t in m.chunk_texts(other).items()})
        reusable = {c.id: by_text[c.text] for c in p.chunks if c.text in by_text}
        stored = self.vectors.embeddings(set(reusable.values())) if reusable else {}
        known = {cid: stored[old] for cid, old in reusable.items() if old in stored}
        todo = [c for c in p.chunks if c.id not in known]
        fresh = self.embedder.get_text_embedding_batch([c.text for c in todo]) if todo else []
        vecs = dict(zip([c.id for c in todo], fresh), **known)
        self.last_embedded = len(todo)  # for tests and benches: how much of a report really was embedded
        # the copy: files/<sha16>/<name>, written before the manifest points at it
        rel = f"files/{p.doc.sha256[:16]}/{file}"
        dest = self.paths.root / rel
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_name(f".{os.getpid()}.partial")  # short: a 255-byte name plus a suffix is too long
            shutil.copyfile(path, tmp)
            os.replace(tmp, dest)
        m.set("pending", json.dumps(sorted(set(json.loads(m.get("pending", "[]"))) | {file}), ensure_ascii=False))
        self.vectors.upsert(p.chunks, [vecs[c.id] for c in p.chunks])
        old_copy = m.report(file)["stored_path"] if m.report(file) else None
        m.replace_report(p, source_path, rel, user, name=name)
        self.vectors.delete(old_ids - set(ids))
        if old_copy and old_copy != rel and old_copy not in m.stored_paths():
            self._drop_copy(old_copy)
        m.set("pending", json.dumps(sorted(set(json.loads(m.get("pending", "[]"))) - {file}), ensure_ascii=False))

    def _delete(self, file: str) -> None:
        m = self.manifest
        row = m.report(file)
        ids = m.chunk_ids(file)
        m.set("pending", json.dumps(sorted(set(json.loads(m.get("pending", "[]"))) | {file}), ensure_ascii=False))
        m.delete_report(file)
        self.vectors.delete(ids)
        if row and row["stored_path"] and row["stored_path"] not in m.stored_paths():
            self._drop_copy(row["stored_path"])
        m.set("pending", json.dumps(sorted(set(json.loads(m.get("pending", "[]"))) - {file}), ensure_ascii=False))

    def _drop_copy(self, rel: str) -> None:
        path = self.paths.root / rel
        path.unlink(missing_ok=True)
        try:
            path.parent.rmdir()  # only when empty: same content may be stored under another name
        except OSError:
            pass

    def _after_write(self, agencies: set[str]) -> None:
        """Cross-year chain checks for the agencies touched, then BM25 (once per call, not per file)."""
        agencies = {a for a in agencies if a}
        if agencies:
            from index import audit

            reports = self.manifest.reports_for_chain(agencies)  # current editions only
            q = ",".join("?" * len(agencies))
            every = [r[0] for r in self.manifest.con.execute(f"SELECT file FROM reports WHERE agency IN ({q})",
                                                            sorted(agencies))]  # a former current edition too
            self.manifest.replace_chain_checks(every, list(audit.chain_checks(reports)))
        self.bm25()
