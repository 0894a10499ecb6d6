"""Every answered question is logged to the library's SQLite `qa_log` (question, route, evidence, model,
answer, checks, latency): the record the app's feedback lands beside, and what eval/bench can mine."""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Optional

from index import db
from index.records import Answer

_lock = threading.Lock()


def log_answer(db_path: Path | str, answer: Answer) -> Optional[int]:
    """Append one row; returns its id. Logging never breaks answering: errors return None."""
    evidence = [{"n": c.n, "file": c.file, "kind": c.kind, "line_start": c.line_start, "line_end": c.line_end,
                 "table": c.table, "row": c.row, "column": c.column} for c in answer.citations]
    try:
        with _lock:
            con = db.connect(db_path)
            try:
                with con:
                    cur = con.execute(
                        "INSERT INTO qa_log(question, route, evidence_json, model, answer, checks_json, latency_ms) "
                        "VALUES (?,?,?,?,?,?,?)",
                        (answer.question, answer.route.kind, json.dumps(evidence, ensure_ascii=False), answer.llm,
                         answer.text, json.dumps({"checks": [c.to_dict() for c in answer.checks], "unverified": answer.unverified_numbers,
                                                  "refused": answer.refused}, ensure_ascii=False),
                         float(answer.timings_ms.get("total", 0.0))))
                    return cur.lastrowid
            finally:
                con.close()
    except Exception:  # a read-only or locked store must not stop the answer
        return None


def recent(db_path: Path | str, limit: int = 20) -> list[dict]:
    con = db.connect(db_path)
    try:
        return [dict(r) for r in con.execute("SELECT * FROM qa_log ORDER BY id DESC LIMIT ?", (limit,))]
    finally:
        con.close()
