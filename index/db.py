"""The library's SQLite database (manifest, facts, audit checks, question log, conversations), changed only by
migrations.

Each migration runs once and is recorded in `_migrations`, so upgrades keep old data and re-running costs
nothing. Facts are one row per table cell, joined to `reports` for agency/year: aggregate SQL across
agencies and years is a plain GROUP BY.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

# Which edition of one (agency, year) is current, as an ORDER BY over reports aliased r2: a staff choice first,
# then the edition whose tables balance (audit pass before uncertain before fail), then the newest.
EDITION_ORDER = ("r2.pinned DESC, CASE r2.audit_status WHEN 'pass' THEN 0 WHEN 'not_assessable' THEN 1 "
                 "WHEN 'uncertain' THEN 2 WHEN 'fail' THEN 3 ELSE 1 END, r2.added DESC, r2.file DESC")

MIGRATIONS: list[tuple[str, str]] = [
    ("m001_reports_chunks", """
CREATE TABLE reports (
    file TEXT PRIMARY KEY,            -- base name, the report's key
    path TEXT NOT NULL,               -- where it was ingested from
    sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    encoding TEXT,
    agency TEXT, region TEXT, level TEXT, year INTEGER,
    template TEXT,
    meta_json TEXT NOT NULL DEFAULT '{}',      -- evidence per field, user corrections
    warnings_json TEXT NOT NULL DEFAULT '[]',
    n_chunks INTEGER NOT NULL DEFAULT 0,
    n_facts INTEGER NOT NULL DEFAULT 0,
    audit_status TEXT,                -- pass | fail | uncertain | not_assessable
    ingested_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE INDEX reports_sha ON reports(sha256);
CREATE TABLE chunks (
    id TEXT PRIMARY KEY,
    file TEXT NOT NULL REFERENCES reports(file) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    kind TEXT NOT NULL,
    section TEXT NOT NULL,
    line_start INTEGER NOT NULL, line_end INTEGER NOT NULL,
    page INTEGER, page_end INTEGER,
    text TEXT NOT NULL
);
CREATE INDEX chunks_file ON chunks(file);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""),
    ("m002_facts_checks", """
CREATE TABLE facts (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL REFERENCES reports(file) ON DELETE CASCADE,
    tbl TEXT NOT NULL, row_name TEXT NOT NULL, col_name TEXT NOT NULL,
    value REAL,                        -- NULL: the report has no value for this cell
    kind TEXT NOT NULL,                -- number | zero | empty | slash | text
    unit TEXT, printed TEXT,
    uncertain INTEGER NOT NULL DEFAULT 0,
    template TEXT,
    line INTEGER, line_end INTEGER, page INTEGER, cell_ref TEXT, source_text TEXT,
    UNIQUE (file, tbl, row_name, col_name)
);
CREATE INDEX facts_q ON facts(tbl, row_name, col_name);
CREATE TABLE checks (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL REFERENCES reports(file) ON DELETE CASCADE,
    rule TEXT NOT NULL, scope TEXT NOT NULL, status TEXT NOT NULL, message TEXT NOT NULL,
    difference REAL, other_file TEXT,
    json TEXT NOT NULL                 -- the whole Check record (sides, cells)
);
CREATE INDEX checks_file ON checks(file);
"""),
    ("m003_qa_log", """
CREATE TABLE qa_log (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL DEFAULT (datetime('now')),
    question TEXT NOT NULL, route TEXT, evidence_json TEXT, model TEXT,
    answer TEXT, checks_json TEXT, latency_ms REAL
);
"""),
    # which parser/chunker produced a report's rows (a version bump re-parses it even when its bytes are
    # unchanged) and where its copy lives inside the store (files/<sha16>/<name>: one directory per content,
    # so a crash mid-replace never leaves the manifest pointing at another version's bytes)
    ("m004_report_versions_copy", """
ALTER TABLE reports ADD COLUMN parser_version TEXT;
ALTER TABLE reports ADD COLUMN chunker_version TEXT;
ALTER TABLE reports ADD COLUMN stored_path TEXT;
"""),
    # table questions filter by agency and year: without this index SQLite read every fact of the table
    # (1.1 s per question at 1k reports, 9 s at 10k; bench/scale.py); with it, ~1 ms
    ("m005_reports_agency_year", """
CREATE INDEX IF NOT EXISTS reports_agency_year ON reports(agency, year);
"""),
    # editions (issue 16): one (agency, year) is one report; a second file of it (another format, encoding or a
    # corrected version) is an edition of it, and exactly one edition is `current`, the one every count, ranking
    # and trend reads (Library shadows `reports` with the current editions). `name` is the file's own base name
    # (the key `file` differs when another report already holds that name), `added` orders editions by when
    # they first came in (kept across re-parses), `pinned` is a staff choice of the current edition.
    ("m006_editions", """
ALTER TABLE reports ADD COLUMN name TEXT;
ALTER TABLE reports ADD COLUMN added INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN current INTEGER NOT NULL DEFAULT 1;
UPDATE reports SET name = file, added = rowid;
UPDATE reports SET current = (file = (SELECT r2.file FROM reports r2 WHERE r2.agency = reports.agency
    AND r2.year = reports.year ORDER BY """ + EDITION_ORDER + """ LIMIT 1))
    WHERE agency IS NOT NULL AND year IS NOT NULL;
CREATE INDEX IF NOT EXISTS reports_current ON reports(current);
"""),
    # conversations kept (issue 15 item 5): a chat survives a reload, per user (the login name, or 本机用户 without
    # login). Turns hold what was shown — the answer text and its citations as records — so a conversation can be
    # re-shown and exported after its reports changed or went; nothing references `reports`, and deleting a
    # report never deletes a conversation. `ord` numbers a conversation's turns from 0.
    ("m007_conversations", """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    title TEXT NOT NULL,
    created_at TEXT NOT NULL,          -- ISO 8601, UTC
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_user ON conversations(user, updated_at);
CREATE TABLE IF NOT EXISTS conversation_turns (
    conversation TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations_json TEXT NOT NULL DEFAULT '[]',  -- Citation records (index/records.py), as Citation.to_dict()
    meta_json TEXT NOT NULL DEFAULT '{}',       -- route, model, checks, unverified numbers, timings, the query
    asked_at TEXT NOT NULL,
    PRIMARY KEY (conversation, ord)
);
"""),
]


def connect(path: Path | str) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the library database."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    con.row_factory = sqlite3.Row
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("PRAGMA journal_mode = WAL")
    migrate(con)
    return con


def migrate(con: sqlite3.Connection) -> list[str]:
    con.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT DEFAULT (datetime('now')))")
    done = {r[0] for r in con.execute("SELECT name FROM _migrations")}
    applied = []
    for name, sql in MIGRATIONS:
        if name in done:
            continue
        try:
            with con:
                con.executescript("BEGIN IMMEDIATE;" + sql + f"INSERT INTO _migrations(name) VALUES ('{name}');COMMIT;")
        except sqlite3.OperationalError:
            # another process (app + CLI opening one store) may have applied it between our read and write
            if con.in_transaction:
                con.rollback()
            if not con.execute("SELECT 1 FROM _migrations WHERE name = ?", (name,)).fetchone():
                raise
            continue
        applied.append(name)
    return applied
