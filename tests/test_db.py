"""SQLite schema changes only by migrations: each runs once, re-opening applies nothing."""
import sqlite3

from index import db


def test_migrations_run_once_and_add_columns(tmp_path):
    path = tmp_path / "library.sqlite"
    con = db.connect(path)
    names = [r[0] for r in con.execute("SELECT name FROM _migrations ORDER BY name")]
    assert names == [n for n, _ in db.MIGRATIONS]
    cols = {r[1] for r in con.execute("PRAGMA table_info(reports)")}
    assert {"parser_version", "chunker_version", "stored_path", "sha256"} <= cols
    con.execute("INSERT INTO settings(key, value) VALUES ('k', 'v')")
    con.commit()
    con.close()
    con = db.connect(path)  # re-open: nothing applied again, data kept
    assert db.migrate(con) == []
    assert con.execute("SELECT value FROM settings WHERE key='k'").fetchone()[0] == "v"


def test_an_old_store_is_upgraded_in_place(tmp_path):
    path = tmp_path / "library.sqlite"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    for name, sql in db.MIGRATIONS[:3]:  # a store written before m004
        raw.executescript(sql)
        raw.execute("INSERT INTO _migrations(name) VALUES (?)", (name,))
    raw.execute("INSERT INTO reports(file, path, sha256, format) VALUES ('a.txt', '/x/a.txt', 'abc', 'txt')")
    raw.commit()
    raw.close()
    con = db.connect(path)
    row = con.execute("SELECT file, parser_version FROM reports").fetchone()
    assert tuple(row) == ("a.txt", None)  # kept; a NULL version makes the read side ask for a re-parse
