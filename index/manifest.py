"""The manifest: the SQLite side of the store (reports, chunks, facts, checks, settings), the source of truth.

Chroma and BM25 are derived from it. One report is written in one transaction (`replace_report`), and every
write bumps `settings.manifest_version`, the stamp derived indexes compare against to know they are stale.
`fact_from_row` / `check_from_row` turn rows back into records for the read side and the chain audit.

Editions: reports sharing (agency, year) are editions of one report. Every write recomputes which edition is
`current` in the same transaction (`_choose_current`, the order in `db.EDITION_ORDER`), so a reader never sees
two current editions of one report, nor none.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from pathlib import Path
from typing import Iterable, Optional

from index import db
from index.db import EDITION_ORDER
from index.bm25 import BM25_ROWS_SQL
from index.config import CHUNKER_VERSION, PARSER_VERSION
from index.records import Check, CheckSide, Fact, ParsedReport, SourceRef

_STATUS_ORDER = {"fail": 3, "uncertain": 2, "not_assessable": 1, "pass": 0}


def fact_from_row(r: sqlite3.Row) -> Fact:
    src = None
    if r["line"] is not None:
        src = SourceRef(line=r["line"], text=r["source_text"] or "", page=r["page"], line_end=r["line_end"],
                        cell_ref=r["cell_ref"])
    return Fact(file=r["file"], table=r["tbl"], row=r["row_name"], column=r["col_name"], value=r["value"],
                kind=r["kind"], unit=r["unit"], printed=r["printed"], source=src, uncertain=bool(r["uncertain"]),
                template=r["template"])


def check_from_row(r: sqlite3.Row) -> Check:
    d = json.loads(r["json"])
    for side in ("left", "right"):
        if d.get(side):
            s = d[side]
            d[side] = CheckSide(label=s["label"], value=s.get("value"), cells=[tuple(c) for c in s.get("cells") or []],
                                line=s.get("line"), page=s.get("page"), quote=s.get("quote"))
    return Check(**d)


def _check_json(c: Check) -> str:
    return json.dumps(asdict(c), ensure_ascii=False, default=str)


def audit_status(checks: Iterable[Check]) -> Optional[str]:
    worst = None
    for c in checks:
        if worst is None or _STATUS_ORDER.get(c.status, 0) > _STATUS_ORDER.get(worst, 0):
            worst = c.status
    return worst


class Manifest:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.con = db.connect(self.path)

    def close(self) -> None:
        self.con.close()

    # ------------------------------------------------------------ settings
    def get(self, key: str, default: Optional[str] = None) -> Optional[str]:
        r = self.con.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return r[0] if r else default

    def set(self, key: str, value) -> None:
        with self.con:
            self.con.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", (key, str(value)))

    def delete_setting(self, key: str) -> None:
        with self.con:
            self.con.execute("DELETE FROM settings WHERE key = ?", (key,))

    def settings(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.con.execute("SELECT key, value FROM settings")}

    def version(self) -> str:
        return self.get("manifest_version", "0")

    # ------------------------------------------------------------ reads
    def report(self, file: str) -> Optional[sqlite3.Row]:
        return self.con.execute("SELECT * FROM reports WHERE file = ?", (file,)).fetchone()

    def files(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT file FROM reports ORDER BY file")]

    def editions(self, agency: Optional[str], year: Optional[int]) -> list[sqlite3.Row]:
        """Every stored edition of one (agency, year), the current one first."""
        if agency is None or year is None:
            return []
        return self.con.execute(f"SELECT * FROM reports r2 WHERE agency = ? AND year = ? ORDER BY {EDITION_ORDER}",
                                (agency, year)).fetchall()

    def file_with_sha(self, sha: str, other_than: str) -> Optional[str]:
        r = self.con.execute("SELECT file FROM reports WHERE sha256 = ? AND file != ? ORDER BY file LIMIT 1",
                             (sha, other_than)).fetchone()
        return r[0] if r else None

    def chunk_ids(self, file: Optional[str] = None) -> set[str]:
        if file is None:
            return {r[0] for r in self.con.execute("SELECT id FROM chunks")}
        return {r[0] for r in self.con.execute("SELECT id FROM chunks WHERE file = ?", (file,))}

    def chunk_count(self) -> int:
        return self.con.execute("SELECT count(*) FROM chunks").fetchone()[0]

    def chunk_texts(self, file: str) -> dict[str, str]:
        return {r[0]: r[1] for r in self.con.execute("SELECT id, text FROM chunks WHERE file = ?", (file,))}

    def chunk_rows(self) -> Iterable[tuple[str, str]]:
        """(id, "section text") of every chunk: the documents of the BM25 index."""
        return ((r[0], r[1]) for r in self.con.execute(BM25_ROWS_SQL))

    def stored_paths(self) -> set[str]:
        return {r[0] for r in self.con.execute("SELECT stored_path FROM reports WHERE stored_path IS NOT NULL")}

    # ------------------------------------------------------------ writes (one transaction each)
    def replace_report(self, p: ParsedReport, source_path: str, stored_path: str, user: dict,
                       name: Optional[str] = None) -> None:
        """Swap in every row of one report at once; readers see the old version or the new one, never half.
        `name`: the file's own base name when its key (`p.file`) had to differ from it."""
        meta, doc = p.meta, p.doc
        meta_json = json.dumps({"evidence": {k: asdict(v) for k, v in meta.evidence.items()}, "user": user},
                               ensure_ascii=False, default=str)
        warnings = json.dumps([dict(w.to_dict(), file=w.file) if w.file else w.to_dict() for w in p.warnings],
                              ensure_ascii=False)
        con = self.con
        con.execute("BEGIN IMMEDIATE")
        try:
            for t in ("chunks", "facts", "checks"):
                con.execute(f"DELETE FROM {t} WHERE file = ?", (doc.file,))
            con.execute("DELETE FROM checks WHERE other_file = ? AND rule = 'chain'", (doc.file,))
            old = con.execute("SELECT name, added, pinned FROM reports WHERE file = ?", (doc.file,)).fetchone()
            added = old["added"] if old else con.execute("SELECT COALESCE(MAX(added), 0) + 1 FROM reports").fetchone()[0]
            con.execute(
                "INSERT OR REPLACE INTO reports(file, path, sha256, format, encoding, agency, region, level, year, "
                "template, meta_json, warnings_json, n_chunks, n_facts, audit_status, ingested_at, parser_version, "
                "chunker_version, stored_path, name, added, pinned, current) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,datetime('now'),?,?,?,?,?,?,0)",
                (doc.file, source_path, doc.sha256, doc.format, doc.encoding, meta.agency, meta.region, meta.level,
                 meta.year, p.tables.template, meta_json, warnings, len(p.chunks), len(p.tables.facts),
                 audit_status(p.checks), PARSER_VERSION, CHUNKER_VERSION, stored_path,
                 name or (old["name"] if old else None) or doc.file, added, old["pinned"] if old else 0))
            con.executemany(
                "INSERT INTO chunks(id, file, ord, kind, section, line_start, line_end, page, page_end, text) "
                "VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(c.id, doc.file, c.ord, c.kind, c.section, c.line_start, c.line_end, c.page, c.page_end, c.text)
                 for c in p.chunks])
            # INSERT OR REPLACE: a cell the parser emitted twice keeps its last reading instead of failing ingest
            con.executemany(
                "INSERT OR REPLACE INTO facts(file, tbl, row_name, col_name, value, kind, unit, printed, uncertain, "
                "template, line, line_end, page, cell_ref, source_text) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(doc.file, f.table, f.row, f.column, f.value, f.kind, f.unit, f.printed, int(f.uncertain),
                  f.template or p.tables.template,
                  f.source.line if f.source else None, f.source.line_end if f.source else None,
                  f.source.page if f.source else None, f.source.cell_ref if f.source else None,
                  f.source.text if f.source else None) for f in p.tables.facts])
            self._insert_checks(p.checks)
            self._choose_current()
            self._bump()
            con.commit()
        except BaseException:
            con.rollback()
            raise

    def delete_report(self, file: str) -> bool:
        with self.con:
            self.con.execute("DELETE FROM checks WHERE other_file = ? AND rule = 'chain'", (file,))
            n = self.con.execute("DELETE FROM reports WHERE file = ?", (file,)).rowcount  # cascades
            self._choose_current()  # the next edition of its report, if any, takes over
            self._bump()
        return n > 0

    def set_current(self, file: str) -> bool:
        """A staff choice: `file` becomes the current edition of its report (and stays so on later ingests)."""
        row = self.report(file)
        if row is None:
            return False
        with self.con:
            self.con.execute("UPDATE reports SET pinned = (file = ?) WHERE agency IS ? AND year IS ?",
                             (file, row["agency"], row["year"]))
            self._choose_current()
            self._bump()
        return True

    def _choose_current(self) -> None:
        """Recompute `current` for every report (indexed, a few ms at 10k reports) inside the caller's
        transaction: a report without agency or year is its own report; else the first by EDITION_ORDER."""
        self.con.execute(
            "UPDATE reports SET current = new FROM (SELECT file AS f, CASE WHEN agency IS NULL OR year IS NULL THEN 1 "
            "ELSE file = (SELECT r2.file FROM reports r2 WHERE r2.agency = r.agency AND r2.year = r.year "
            f"ORDER BY {EDITION_ORDER} LIMIT 1) END AS new FROM reports r) WHERE file = f AND current != new")

    def reports_for_chain(self, agencies: Iterable[str]) -> list[tuple[str, str, int, list[Fact]]]:
        """(file, agency, year, facts) of every report of these agencies: input of audit.chain_checks."""
        agencies = sorted({a for a in agencies if a})
        if not agencies:
            return []
        q = ",".join("?" * len(agencies))
        reps = self.con.execute(f"SELECT file, agency, year FROM reports WHERE agency IN ({q}) AND year IS NOT NULL "
                                "AND current = 1", agencies).fetchall()  # one edition per year, as readers see
        out = []
        for r in reps:
            facts = [fact_from_row(x) for x in self.con.execute("SELECT * FROM facts WHERE file = ?", (r[0],))]
            out.append((r[0], r[1], r[2], facts))
        return out

    def replace_chain_checks(self, files: Iterable[str], checks: list[Check]) -> None:
        files = sorted(set(files))
        known = set(self.files())
        with self.con:
            for f in files:
                self.con.execute("DELETE FROM checks WHERE rule = 'chain' AND file = ?", (f,))
            self._insert_checks([c for c in checks if c.file in known])

    def _insert_checks(self, checks: list[Check]) -> None:
        self.con.executemany(
            "INSERT INTO checks(file, rule, scope, status, message, difference, other_file, json) "
            "VALUES (?,?,?,?,?,?,?,?)",
            [(c.file, c.rule, c.scope, c.status, c.message, c.difference, c.other_file, _check_json(c))
             for c in checks])

    def _bump(self) -> None:
        self.con.execute("INSERT OR REPLACE INTO settings(key, value) VALUES ('manifest_version', "
                         "CAST(COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'manifest_version'), 0)"
                         " + 1 AS TEXT))")
