"""`Library(store_dir)`: read access to a store, for the assistant, the app and the 简报.

Opening refuses a store that the current code cannot read correctly (built with another embedder, or parsed
by an older parser/chunker) with a message that says what to run. Everything here is read-only: `sql()`
runs on a `query_only` connection, so an ad-hoc query cannot change the library.

Editions, in one place: on this connection `reports` is a TEMP VIEW over the current editions only
(`main.reports WHERE current = 1`; SQLite resolves an unqualified name in `temp` before `main`). So every query
of the read side — the table tool's counts and rankings, trends, the 简报, retrieval's chunk join, the app —
sees one report per (agency, year) without knowing editions exist; `editions()` and `report()` read the
table itself (`main.reports`) to list and show every edition.

Live readers: a writer in another process bumps `settings.manifest_version`. `version()` reads it; `bm25()`
and `vectors()` return views cached per version, so a reader that asks again after a write gets fresh ones.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

from index import db
from index.config import CHUNKER_VERSION, PARSER_VERSION, StorePaths, store_dir as resolve_store
from index.errors import StoreError, StoreMismatchError
from index.manifest import check_from_row, fact_from_row
from index.records import Check, Chunk, Fact, Line


@dataclass
class ReportInfo:
    """One report of the library (a row of the manifest)."""

    file: str
    agency: Optional[str]
    region: Optional[str]
    level: Optional[str]
    year: Optional[int]
    template: Optional[str] = None
    format: str = ""
    sha256: str = ""
    n_chunks: int = 0
    n_facts: int = 0
    audit_status: Optional[str] = None
    path: str = ""  # where it was ingested from
    stored_path: Optional[str] = None  # its copy, relative to the store
    ingested_at: str = ""
    name: Optional[str] = None  # the file's own base name (`file`, the key, differs after a name clash)
    current: bool = True  # the edition counts use (one per agency and year)
    pinned: bool = False  # chosen by staff
    warnings: list[dict] = field(default_factory=list)
    evidence: dict[str, dict] = field(default_factory=dict)  # field -> {value, source, text, line}
    user: dict[str, Any] = field(default_factory=dict)  # user corrections


@dataclass
class LibraryFact(Fact):
    """A stored Fact with its report's agency, year, region and level (for cross-report questions)."""

    agency: Optional[str] = None
    year: Optional[int] = None
    region: Optional[str] = None
    level: Optional[str] = None

    def to_dict(self) -> dict:
        return dict(super().to_dict(), file=self.file, agency=self.agency, year=self.year)

    # where the cell was read, flat, for citations (None when the parser kept no source)
    @property
    def line(self) -> Optional[int]:
        return self.source.line if self.source else None

    @property
    def line_end(self) -> Optional[int]:
        return self.source.line_end if self.source else None

    @property
    def page(self) -> Optional[int]:
        return self.source.page if self.source else None

    @property
    def cell_ref(self) -> Optional[str]:
        return self.source.cell_ref if self.source else None

    @property
    def source_text(self) -> Optional[str]:
        return self.source.text if self.source else None

    @property
    def cell_key(self) -> tuple[str, str, str, str]:
        """The cell across the library (Fact.key is the cell within its report)."""
        return (self.file, self.table, self.row, self.column)


def _report(r: sqlite3.Row) -> ReportInfo:
    meta = json.loads(r["meta_json"] or "{}")
    return ReportInfo(file=r["file"], agency=r["agency"], region=r["region"], level=r["level"], year=r["year"],
                      template=r["template"], format=r["format"], sha256=r["sha256"], n_chunks=r["n_chunks"],
                      n_facts=r["n_facts"], audit_status=r["audit_status"], path=r["path"],
                      stored_path=r["stored_path"], ingested_at=r["ingested_at"], name=r["name"] or r["file"],
                      current=bool(r["current"]), pinned=bool(r["pinned"]),
                      warnings=json.loads(r["warnings_json"] or "[]"), evidence=meta.get("evidence", {}),
                      user=meta.get("user", {}))


def _in(col: str, val, where: list[str], params: list) -> None:
    """`col = ?` or `col IN (…)` for a scalar or a list filter; None means no filter."""
    if val is None:
        return
    if isinstance(val, (list, tuple, set)):
        val = list(val)
        where.append(f"{col} IN ({','.join('?' * len(val))})")
        params.extend(val)
    else:
        where.append(f"{col} = ?")
        params.append(val)


class Library:
    def __init__(self, store_dir: Path | str | None = None, embedder: Optional[str] = None, check: bool = True):
        self.paths = StorePaths(resolve_store(store_dir))
        self.con = db.connect(self.paths.db)
        # the current-edition filter of the whole read side (see the module doc), made before query_only
        self.con.execute("CREATE TEMP VIEW IF NOT EXISTS reports AS SELECT * FROM main.reports WHERE current = 1")
        self.con.execute("PRAGMA query_only = ON")
        self._views: dict[str, tuple[str, Any]] = {}  # "bm25"/"vectors" -> (manifest version, object)
        self._vlock = threading.Lock()
        self._lock = threading.Lock()
        self._lines: dict[tuple[str, str], list[Line]] = {}
        self._wanted = embedder or os.environ.get("ASSISTANT_EMBEDDER")
        if check:
            self.check()

    # ------------------------------------------------------------ versions
    def settings(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.sql("SELECT key, value FROM settings")}

    @property
    def embedder_name(self) -> str:
        """The embedder the store was built with (questions must be embedded with the same one)."""
        from index.config import embedder_name

        return self.settings().get("embedder_name") or embedder_name()

    def check(self) -> None:
        """Raise StoreMismatchError when the store was built by another embedder or an older parser/chunker."""
        s = self.settings()
        root = self.paths.root
        built = s.get("embedder_name")
        if built and self._wanted:
            from index.embed import get_embedder

            wanted = self._wanted if ":" in self._wanted or "/" in self._wanted else get_embedder(self._wanted).model_name
            if wanted != built:
                raise StoreMismatchError(
                    f"{root}: the store was built with embedder {built}, but {wanted} was asked for "
                    f"(--embedder / ASSISTANT_EMBEDDER). Run `python -m assistant ingest --rebuild --store {root}` "
                    f"to re-embed it, or unset ASSISTANT_EMBEDDER to use the store's own.")
        old = self.sql("SELECT file FROM reports WHERE parser_version IS NOT ? OR chunker_version IS NOT ? LIMIT 3",
                       (PARSER_VERSION, CHUNKER_VERSION))
        if old:
            raise StoreMismatchError(
                f"{root}: {', '.join(r[0] for r in old)} … were parsed by an older parser/chunker (now parser "
                f"{PARSER_VERSION}, chunker {CHUNKER_VERSION}). Run `python -m assistant ingest --rebuild --store "
                f"{root}` (or ingest your report folders again) to re-parse them.")

    def embedder(self):
        from index.embed import get_embedder

        return get_embedder(self.embedder_name)

    def version(self) -> str:
        """The manifest version: changes with every write of any process (cheap: one indexed row)."""
        rows = self.sql("SELECT value FROM settings WHERE key = 'manifest_version'")
        return rows[0][0] if rows else "0"

    def vectors(self):
        """The store's Chroma collection, reopened when the manifest moved on since it was opened (a local
        Chroma client keeps its view of the index from when it opened it; see ChromaVectors.search)."""
        from index.vectors import ChromaVectors

        return self._view("vectors", lambda v: ChromaVectors(self.paths.root, self.embedder(), fresh=v is not None))

    def bm25(self):
        """The persisted BM25 index of this manifest version (rebuilt in memory if a writer has moved on and
        not saved yet)."""
        from index.bm25 import BM25_ROWS_SQL, load_or_build

        def build(_old):
            stamp = self.version()
            return load_or_build(self.paths.bm25, stamp, lambda: [(r[0], r[1]) for r in self.sql(BM25_ROWS_SQL)])
        return self._view("bm25", build)

    def _view(self, name: str, make):
        version = self.version()
        with self._vlock:
            got = self._views.get(name)
            if got is None or got[0] != version:
                self._views[name] = (version, make(got))
            return self._views[name][1]

    # ------------------------------------------------------------ reports, facts, checks
    def sql(self, query: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self.con.execute(query, tuple(params)).fetchall()
            except sqlite3.Error as e:
                raise StoreError(f"{self.paths.db}: query failed ({e}): {query[:200]}") from e

    def reports(self) -> list[ReportInfo]:
        return [_report(r) for r in self.sql("SELECT * FROM reports ORDER BY agency, year, file")]

    def report(self, file: str) -> Optional[ReportInfo]:
        """Any edition by its key, current or not (a citation of an older answer still opens)."""
        rows = self.sql("SELECT * FROM main.reports WHERE file = ?", (file,))
        return _report(rows[0]) if rows else None

    def editions(self, file: Optional[str] = None) -> list[ReportInfo]:
        """Every edition of `file`'s report (the current one first), or, without `file`, every stored file of
        every report (the library list with its editions)."""
        from index.db import EDITION_ORDER

        if file is None:
            return [_report(r) for r in self.sql("SELECT * FROM main.reports ORDER BY agency, year, current DESC, file")]
        rep = self.report(file)
        if rep is None:
            return []
        if rep.agency is None or rep.year is None:
            return [rep]
        return [_report(r) for r in self.sql(f"SELECT * FROM main.reports r2 WHERE agency = ? AND year = ? "
                                             f"ORDER BY {EDITION_ORDER}", (rep.agency, rep.year))]

    def facts(self, table=None, row=None, column=None, agency=None, year=None, file=None) -> list[LibraryFact]:
        """Stored cells; each filter is a value or a list of values."""
        where, params = [], []
        for col, val in (("f.tbl", table), ("f.row_name", row), ("f.col_name", column), ("r.agency", agency),
                         ("r.year", year), ("f.file", file)):
            _in(col, val, where, params)
        # a file asked by name is read whatever its edition (a citation, the table panel); otherwise only
        # current editions count
        if table is not None and file is None:
            # unary + keeps SQLite from driving the join by facts(tbl): it starts from reports(agency, year)
            where[0] = where[0].replace("f.tbl", "+f.tbl", 1)
        q = ("SELECT f.*, r.agency, r.year, r.region, r.level FROM facts f JOIN "
             + ("main.reports" if file is not None else "reports") + " r ON r.file = f.file"
             + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY r.agency, r.year, f.file, f.id")
        out = []
        for r in self.sql(q, params):
            f = fact_from_row(r)
            out.append(LibraryFact(**{k: getattr(f, k) for k in f.__dataclass_fields__},
                                   agency=r["agency"], year=r["year"], region=r["region"], level=r["level"]))
        return out

    def checks(self, file: Optional[str] = None, files: Optional[Sequence[str]] = None) -> list[Check]:
        """Audit results; for a file also the chain checks that name it as the other report; `files`: the
        checks of any of these files or naming one as the other report, by file."""
        if files is not None:
            if not files:
                return []
            marks = ",".join("?" * len(files))
            rows = self.sql(f"SELECT * FROM checks WHERE file IN ({marks}) OR other_file IN ({marks}) "
                            "ORDER BY file, id", tuple(files) * 2)
        elif file is None:
            rows = self.sql("SELECT * FROM checks ORDER BY file, id")
        else:
            rows = self.sql("SELECT * FROM checks WHERE file = ? OR other_file = ? ORDER BY id", (file, file))
        return [check_from_row(r) for r in rows]

    def check_counts(self) -> dict[str, dict[str, int]]:
        """file -> {status: number of checks}: the library list's 失败/存疑 columns without loading every check."""
        out: dict[str, dict[str, int]] = {}
        for r in self.sql("SELECT file, status, COUNT(*) AS n FROM checks GROUP BY file, status"):
            out.setdefault(r["file"], {})[r["status"]] = r["n"]
        return out

    def tables_read(self) -> dict[str, set[str]]:
        """file -> the standard tables of which at least one cell has a value."""
        out: dict[str, set[str]] = {}
        for r in self.sql("SELECT file, tbl FROM facts WHERE value IS NOT NULL GROUP BY file, tbl"):
            out.setdefault(r["file"], set()).add(r["tbl"])
        return out

    # ------------------------------------------------------------ chunks and sources
    _CHUNK_SQL = ("SELECT c.*, r.agency, r.year, r.level FROM chunks c JOIN main.reports r ON r.file = c.file")

    @staticmethod
    def _chunk(r: sqlite3.Row) -> Chunk:
        return Chunk(id=r["id"], file=r["file"], text=r["text"], kind=r["kind"], section=r["section"],
                     line_start=r["line_start"], line_end=r["line_end"], page=r["page"], page_end=r["page_end"],
                     ord=r["ord"], agency=r["agency"], year=r["year"], level=r["level"])

    def chunk(self, id: str) -> Optional[Chunk]:
        rows = self.sql(self._CHUNK_SQL + " WHERE c.id = ?", (id,))
        return self._chunk(rows[0]) if rows else None

    def chunks(self, file: Optional[str] = None, kinds: Optional[Sequence[str]] = None) -> list[Chunk]:
        """A file's chunks (any edition), or every current edition's; `kinds` keeps those kinds only."""
        where, params = (["c.file = ?"], [file]) if file is not None else (["r.current = 1"], [])
        _in("c.kind", list(kinds) if kinds else None, where, params)
        order = " ORDER BY c.ord" if file is not None else " ORDER BY c.file, c.ord"
        return [self._chunk(r) for r in self.sql(self._CHUNK_SQL + " WHERE " + " AND ".join(where) + order, params)]

    def containing(self, phrase: str) -> list[str]:
        """Ids of the chunks whose text holds `phrase` once line breaks and spaces (ASCII and 全角) are
        ignored: an exact phrase the tokenisers would split."""
        return [r["id"] for r in self.sql(
            "SELECT id FROM chunks WHERE instr(replace(replace(replace(replace(text, char(10), ''), char(13), ''), "
            "' ', ''), char(12288), ''), ?) > 0", (phrase,))]

    def source_path(self, file: str) -> Optional[Path]:
        """The store's copy of a report (falls back to where it was ingested from)."""
        rep = self.report(file)
        if rep is None:
            return None
        if rep.stored_path and (self.paths.root / rep.stored_path).exists():
            return self.paths.root / rep.stored_path
        return Path(rep.path) if Path(rep.path).exists() else None

    def source_lines(self, file: str) -> Optional[list[Line]]:
        """The report's lines as loaded at ingest (same loader, same numbering as the citations)."""
        rep = self.report(file)
        path = self.source_path(file)
        if rep is None or path is None:
            return None
        key = (file, rep.sha256)
        if key not in self._lines:
            from index.loaders import load

            self._lines[key] = load(path).lines
        return self._lines[key]

    def page_image(self, file: str, page: Optional[int] = None, line: Optional[int] = None,
                   line_end: Optional[int] = None, quote: str = "", cell: Optional[tuple[str, str, str]] = None,
                   scan: Optional[str] = None, page_end: Optional[int] = None, zoom: bool = True):
        """The cited page of a PDF or page-image report as a PNG with the spot boxed (index/page_image.py):
        lines `line`..`line_end` (a quote's first/last line trimmed to `quote`), or `cell` = (table, row,
        column), whose stored fact gives its page, line and — read by OCR — its box; `scan` is a citation's
        '扫描件识别 第p页 框(…)'. Raises page_image.PageError when the page cannot be shown."""
        from index import page_image as pi

        rep, path = self.report(file), self.source_path(file)
        if rep is None or path is None:
            raise pi.PageError(f"{file}：库中没有这份报告的原件副本，无法显示原页")
        if path.suffix.lower() != ".pdf" and path.suffix.lower() not in pi.IMAGE_EXTS:
            raise pi.PageError(f"{path.name}：不是PDF或页面图片，没有可显示的页面（原文见正文视图）")
        target = None  # (box, box units per inch) read by OCR
        text_cell = None
        if cell is not None:
            facts = self.facts(file=file, table=cell[0])
            k = next((i for i, x in enumerate(facts) if (x.row, x.column) == tuple(cell[1:])), None)
            f = facts[k] if k is not None else None
            if f is None or f.source is None:
                raise pi.PageError(f"{path.name}：找不到“{cell[0]}”表 {cell[1]}／{cell[2]} 的出处")
            page, line, scan = f.source.page or page, f.source.line, f.source.cell_ref or scan
            on_line = [(i, x.printed or "") for i, x in enumerate(facts)
                       if x.source and (x.source.page, x.source.line) == (f.source.page, f.source.line)]
            text_cell = (f.source.line, f.printed or "", on_line, k)
        got = pi.parse_scan_ref(scan)
        if got:
            from index.loaders.ocr import OCR_DPI

            page = page or got[0]
            target = (got[1], OCR_DPI)
        page = page or 1
        if target or path.suffix.lower() in pi.IMAGE_EXTS:
            img = pi.render_page(path, page, [target[0]] if target else [], box_dpi=target[1] if target else 72,
                                 zoom=zoom)
            img.scan = bool(target)
        else:
            last = line_end or line if page_end in (None, page) else None
            boxes = pi.text_boxes(path, page, line or 0, last, quote, cell=text_cell)
            img = pi.render_page(path, page, boxes, zoom=zoom)
        if not img.boxes:
            img.note = "未能在该页上定位引用的位置，请对照页面查找"
        img.file = file
        return img

    def refresh(self) -> None:
        """Forget cached source lines and views (after a writer changed the library)."""
        self._lines.clear()
        self._views.clear()

    def close(self) -> None:
        self.con.close()
