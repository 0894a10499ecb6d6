"""What the tabs need from the library, the ingestor and the assistant, in one place.

The tabs only lay out components and call these methods; the read/write modules (index.library,
index.pipeline, assistant.answering.answer) are imported lazily so the page can open (and show a clear message)
even while a heavy part is still loading or missing. Reads go through the Library's typed methods (index/library.py, the
read port); the rows handed to the tabs are built from its records here.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any, Callable, Optional

from index.config import SAMPLE_DIR, StorePaths, store_dir as resolve_store
from index.errors import AssistantError, ConfigError
from index.naming import display_name

log = logging.getLogger(__name__)

AUDIT_LABELS = {"pass": "通过", "fail": "不一致", "uncertain": "存疑", "not_assessable": "无法核验", None: "—"}

# Formats whose reports have pages to show (an upload of page images is stored as one image-only PDF).
PAGED_FORMATS = {"pdf", "image"}
PAGE_TIMEOUT_S = 15.0  # a render slower than this (a huge page, an OCR upload hogging the CPU) is not waited for
PAGES_KEPT = 24  # rendered pages kept for the next click (~50 KB each)

# Backends the chat offers; `auto` is resolved by assistant.llm.backends.
BACKEND_LABELS = {"none": "无模型", "local": "本地模型", "openai": "服务器模型"}


class UserError(AssistantError):
    """A problem to show to the user as a friendly message (never a stack trace)."""


# The tabs read rows as dicts keyed like the store's columns (tbl, row_name, warnings_json …): built here from
# the Library's records, so the tabs never see SQL and the Library's records stay the one read port.
def _report_row(r, counts: dict) -> dict:
    return {"file": r.file, "agency": r.agency, "region": r.region, "level": r.level, "year": r.year,
            "template": r.template, "format": r.format, "n_chunks": r.n_chunks, "n_facts": r.n_facts,
            "audit_status": r.audit_status, "warnings_json": json.dumps(r.warnings, ensure_ascii=False),
            "ingested_at": r.ingested_at, "path": r.path, "name": r.name, "current": r.current,
            "n_fail": counts.get("fail", 0), "n_uncertain": counts.get("uncertain", 0)}


def _check_row(c, report) -> dict:
    cells = [tuple(x) for side in (c.left, c.right) if side for x in side.cells]
    return {"file": c.file, "agency": report.agency if report else None, "year": report.year if report else None,
            "rule": c.rule, "scope": c.scope, "status": c.status, "message": c.message, "difference": c.difference,
            "other_file": c.other_file, "cells": cells}


def _fact_row(f) -> dict:
    return {"agency": f.agency, "year": f.year, "tbl": f.table, "row_name": f.row, "col_name": f.column,
            "value": f.value, "kind": f.kind, "unit": f.unit, "printed": f.printed, "uncertain": int(f.uncertain),
            "line": f.line, "line_end": f.line_end, "page": f.page, "cell_ref": f.cell_ref,
            "source_text": f.source_text, "file": f.file, "template": f.template}


def upload_cache() -> Path:
    """Where Gradio keeps uploaded files (GRADIO_TEMP_DIR, else <tmp>/gradio)."""
    import os
    import tempfile

    return Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio").resolve()


def forget_uploads(paths) -> int:
    """Delete Gradio's temp copies of uploaded files once ingest has run (the store keeps its own copy of every
    report it stored; a refused file is not wanted either): Gradio never cleans them, so every upload stayed on
    disk for good. Only files inside the upload cache are touched, never a path given from elsewhere."""
    cache, n = upload_cache(), 0
    for p in paths:
        f = Path(str(p)).resolve()
        if f.is_file() and f.is_relative_to(cache) and f != cache:
            f.unlink(missing_ok=True)
            n += 1
            try:
                f.parent.rmdir()  # Gradio's per-upload folder, when empty
            except OSError:
                pass
    return n


class Services:
    """One per app process. Cheap to build; heavy parts load on first use (or in `warm_up`)."""

    def __init__(self, store_dir: Optional[str | Path] = None, llm: str = "auto"):
        self.store_dir = resolve_store(store_dir)
        self.paths = StorePaths(self.store_dir)
        self.default_llm = llm
        self._library = None
        self._ingestor = None
        self._assistants: dict[str, Any] = {}
        self._conversations = None
        self._lock = threading.RLock()  # lazy creation of parts only (never held during slow work)
        self._write = threading.Lock()  # one write from this process at a time (Ingestor also locks the store)
        self.first_run_status: dict[str, Any] = {"state": "idle", "done": 0, "total": 0, "message": ""}
        # page renders run beside the handler that asked, so a slow one can be given up on (and kept when done)
        self._renders = ThreadPoolExecutor(max_workers=2, thread_name_prefix="page-image")
        self._pages: OrderedDict = OrderedDict()  # key -> Future of a PageImage

    # ------------------------------------------------------------ parts
    def library(self):
        with self._lock:
            if self._library is None:
                from index.library import Library

                self._library = Library(self.store_dir)
            return self._library

    def ingestor(self):
        with self._lock:
            if self._ingestor is None:
                from index.pipeline import Ingestor

                self._ingestor = Ingestor(self.store_dir)
            return self._ingestor

    def assistant(self, kind: Optional[str] = None):
        kind = kind or self.default_llm
        with self._lock:
            if kind not in self._assistants:
                from assistant.answering.answer import Assistant

                self._assistants[kind] = Assistant(store_dir=self.store_dir, llm=kind)
            return self._assistants[kind]

    def conversations(self):
        """The kept conversations (index/conversations.py): one store, one SQLite connection, per app process."""
        with self._lock:
            if self._conversations is None:
                from index.conversations import ConversationStore

                self._conversations = ConversationStore(self.store_dir)
            return self._conversations

    def warm_up(self, kind: Optional[str] = None) -> None:
        a = self.assistant(kind)
        if hasattr(a, "warm_up"):
            a.warm_up()

    def changed(self) -> None:
        """After a write the read side must see the new reports (BM25/vector indexes are rebuilt lazily)."""
        with self._lock:
            self._assistants.clear()
            lib = self._library
            if lib is not None:
                lib.refresh()

    # ------------------------------------------------------------ reads
    def store_problem(self) -> Optional[str]:
        """Why the store cannot be read (e.g. built by another embedder/parser), with what to run; else None."""
        if not self.has_store():
            return None
        try:
            self.library()
            return None
        except AssistantError as e:
            return str(e)

    def has_store(self) -> bool:
        return self.paths.db.exists()

    def count_reports(self) -> int:
        if not self.has_store():
            return 0
        try:
            return len(self.library().reports())
        except Exception:  # a store being created by another process
            log.exception("count reports")
            return 0

    def reports(self) -> list[dict]:
        if not self.has_store() or self.store_problem():
            return []
        lib = self.library()
        counts = lib.check_counts()
        return [_report_row(r, counts.get(r.file, {})) for r in lib.reports()]

    def report(self, file: str) -> Optional[dict]:
        r = self.library().report(file)
        return _report_row(r, {}) if r else None

    def agencies(self) -> list[str]:
        if not self.has_store() or self.store_problem():
            return []
        return sorted({r.agency for r in self.library().reports() if r.agency})

    def years(self) -> list[int]:
        if not self.has_store() or self.store_problem():
            return []
        return sorted({int(r.year) for r in self.library().reports() if r.year})

    def checks(self, file: Optional[str] = None) -> list[dict]:
        lib = self.library()
        named = {r.file: r for r in lib.reports()}
        if file:
            return [_check_row(c, named.get(c.file)) for c in lib.checks(file) if c.file == file]
        rows = [_check_row(c, named.get(c.file)) for c in lib.checks()]
        return sorted(rows, key=lambda d: (d["agency"] is not None, d["agency"] or "", d["year"] or 0))

    def facts(self, file: Optional[str] = None, agency: Optional[str] = None, year: Optional[int] = None,
              table: Optional[str] = None, row: Optional[str] = None, column: Optional[str] = None) -> list[dict]:
        def given(v):
            return None if v in (None, "", "全部") else v
        return [_fact_row(f) for f in self.library().facts(
            table=given(table), row=given(row), column=given(column), agency=given(agency),
            year=given(year), file=given(file))]

    def chunks(self, agency: Optional[str] = None, year: Optional[int] = None) -> list[dict]:
        rows = [c for c in self.library().chunks()
                if (not agency or c.agency == agency) and (not year or c.year == int(year))]
        rows.sort(key=lambda c: (c.agency is not None, c.agency or "", c.year or 0, c.file, c.ord))
        return [{k: getattr(c, k) for k in ("id", "file", "ord", "kind", "section", "line_start", "line_end",
                                            "page", "page_end", "text", "agency", "year")} for c in rows]

    def source_lines(self, file: str) -> list[tuple[str, int, Optional[int]]]:
        """(text, line, page) for every line of a stored report, as the library keeps them."""
        from assistant.answering.compose import line_tuples

        return line_tuples(self.library().source_lines(file) or [])

    def page_image(self, file: str, page: Optional[int] = None, line: Optional[int] = None,
                   line_end: Optional[int] = None, quote: str = "", cell: Optional[tuple[str, str, str]] = None,
                   scan: Optional[str] = None, page_end: Optional[int] = None):
        """The cited page with the spot boxed (Library.page_image: a PageImage with PNG bytes and a close-up), or
        None for a report without pages (txt/md/html/docx: their source view is the text at the line).
        Raises PageError (in Chinese) when the page cannot be shown, UserError when it takes over
        PAGE_TIMEOUT_S; the render then goes on and the next click on the citation shows it."""
        from index.page_image import PageError

        lib = self.library()
        rep = lib.report(file)
        if rep is None:
            raise PageError(f"{file}：库中没有这份报告，无法显示原页")
        if rep.format not in PAGED_FORMATS:
            return None
        key = (file, rep.sha256, lib.version(), page, line, line_end, quote, tuple(cell) if cell else None, scan,
               page_end)
        with self._lock:
            fut = self._pages.get(key)
            if fut is None or (fut.done() and fut.exception() is not None):  # a failure is tried again
                fut = self._renders.submit(lib.page_image, file, page=page, line=line, line_end=line_end,
                                           quote=quote or "", cell=tuple(cell) if cell else None, scan=scan,
                                           page_end=page_end)
                self._pages[key] = fut
            self._pages.move_to_end(key)
            while len(self._pages) > PAGES_KEPT:
                self._pages.popitem(last=False)
        try:
            return fut.result(timeout=PAGE_TIMEOUT_S)
        except FutureTimeout:
            raise UserError("原页图像生成较慢，请稍后再点一次这条引用；下面先显示文字版原文。") from None

    # ------------------------------------------------------------ writes
    def ingest(self, paths: list[str], progress: Optional[Callable] = None) -> list:
        with self._write:
            try:
                results = self.ingestor().ingest([str(p) for p in paths], progress=progress)
            finally:
                forget_uploads(paths)
            self.changed()
            return results

    def delete(self, file: str) -> None:
        with self._write:
            self.ingestor().delete(file)
            self.changed()

    def editions(self, file: str) -> list:
        """Every stored file of `file`'s report (agency + year), the current edition first."""
        if not file or not self.has_store() or self.store_problem():
            return []
        return self.library().editions(file)

    def set_current(self, file: str) -> None:
        with self._write:
            self.ingestor().set_current(file)
            self.changed()

    def reingest(self, file: str):
        with self._write:
            r = self.ingestor().reingest(file)
            self.changed()
            return r

    def update_metadata(self, file: str, agency: Optional[str] = None, year: Optional[int] = None):
        with self._write:
            r = self.ingestor().update_metadata(file, agency=agency or None, year=year or None)
            self.changed()
            return r

    def ingest_samples_if_empty(self, progress: Optional[Callable] = None) -> bool:
        """First run: an empty store gets the bundled sample corpus. Returns True when it ingested."""
        if self.count_reports() > 0:
            self.first_run_status.update(state="done")
            return False
        files = sorted(p for p in SAMPLE_DIR.iterdir() if p.is_file() and not p.name.startswith("."))
        st = self.first_run_status
        st.update(state="running", done=0, total=len(files), message="正在导入示例年报…")

        def _progress(*args, **kw):
            # The ingestor reports (done, total, file) or (fraction, message); keep what we can read.
            nums = [a for a in args if isinstance(a, (int, float))]
            if len(nums) >= 2 and nums[1]:
                st.update(done=int(nums[0]), total=int(nums[1]))
            done = [getattr(a, "file", None) for a in args if getattr(a, "file", None)]
            if done:  # the report as staff know it (agency + year), never its file name
                try:
                    r = self.library().report(done[0])
                except Exception:  # the store is still being created
                    r = None
                st["message"] = (f"已导入 {display_name(r.agency, r.year)}" if r else
                                 f"已导入第 {st.get('done') or 1} 份示例年报")
            if progress:
                progress(*args, **kw)

        try:
            self.ingest([str(p) for p in files], progress=_progress)
            st.update(state="done", done=len(files), message=f"已导入 {len(files)} 份示例年报")
        except Exception as e:  # shown in the page; the log keeps the trace
            log.exception("first-run ingest")
            st.update(state="error", message=f"导入示例年报失败：{friendly(e)}")
        return True

    # ------------------------------------------------------------ chat backends
    def backends(self) -> list[tuple[str, str, bool]]:
        """(kind, label, available) for the backend switch."""
        avail: set[str] = {"none"}
        try:
            from assistant.llm.backends import available_backends  # provided by the answers engineer

            avail |= set(available_backends())
        except ImportError:
            import os

            if os.environ.get("ASSISTANT_OPENAI_BASE_URL"):
                avail.add("openai")
            try:
                from assistant.llm import local as llm_local

                if llm_local.available():
                    avail.add("local")
            except Exception:
                pass
        return [(k, BACKEND_LABELS[k], k in avail) for k in ("none", "local", "openai")]

    def default_backend(self) -> str:
        if self.default_llm in ("none", "local", "openai"):
            return self.default_llm
        avail = [k for k, _, ok in self.backends() if ok]
        # a configured server model, else extractive; the bundled local model only when chosen
        return "openai" if "openai" in avail else "none"

    # ------------------------------------------------------------ feedback
    def save_feedback(self, record: dict) -> Path:
        """Append one feedback record (thumbs, comment, the answer and its citations) for later review."""
        rec = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S"), **record}
        self.paths.feedback.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.paths.feedback, "a", encoding="utf-8") as f:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return self.paths.feedback


def friendly(e: BaseException) -> str:
    """A message for the page: our own errors say what to do; anything else is logged, not shown."""
    if isinstance(e, (AssistantError, ConfigError)):
        return str(e)
    if isinstance(e, (ImportError, ModuleNotFoundError)):
        return "该功能所需的组件尚未安装或仍在构建中，请稍后再试（详细信息见服务器日志）。"
    return "处理时出错了，请重试；如果问题持续，请联系管理员查看服务器日志。"


def ui_error(message: str):
    """A gr.Error with a Chinese title; the page shows only `message` (we log real failures ourselves)."""
    import gradio as gr

    return gr.Error(message, title="提示", print_exception=False)
