"""Conversations kept in the store's SQLite (tables from migration m007 in index/db.py), one list per user.

A conversation is what the chat showed: each turn's question, the answer text, its citations as `Citation`
records (enough to re-open the source panel and to export the conversation with its sources) and when it was
asked. The user is the login name when the app has login, else `DEFAULT_USER`; every read and write names the
user, and a conversation of another user is neither listed, loaded, extended nor deleted.

Nothing is lost or corrupted on bad input: a turn is checked before anything is written (an unusable one
raises `ConversationError` with a Chinese message, and the conversation stays as it was); a turn is added in
one transaction, so two tabs adding to one conversation never share a turn number; rows that cannot be read
back (hand-edited JSON) are shown without the damaged part instead of failing the whole list.

    store = ConversationStore(store_dir)
    cid = store.add_turn("张三", Turn(question="…", answer="…", citations=answer.citations))
    store.add_turn("张三", Turn(...), conversation_id=cid)
    store.list("张三")            # newest first, without turns
    store.load("张三", cid)       # with its turns, or None
    store.delete("张三", cid)     # True when it was there
"""
from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
import uuid
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

from index import db
from index.config import StorePaths, store_dir as resolve_store
from index.errors import AssistantError
from index.records import Citation

log = logging.getLogger(__name__)

DEFAULT_USER = "本机用户"  # the app without login: everyone at this machine shares one list
UNTITLED = "未命名对话"
TITLE_CHARS = 24  # the list shows the first question cut to this many characters
MAX_QUESTION = 4000  # the chat caps questions at 500 characters; anything far longer is not a question
MAX_USER = 100
_WS = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CITATION_FIELDS = {f.name for f in fields(Citation)}


class ConversationError(AssistantError):
    """A conversation cannot be saved as asked (bad turn, unknown or someone else's conversation)."""


def _text(value: Any) -> str:
    """A string SQLite can store as UTF-8: lone surrogates (from a broken paste) become U+FFFD, not an error."""
    s = "" if value is None else str(value)
    return _SURROGATE.sub("\ufffd", s)


def user_key(user: Optional[str]) -> str:
    """The name conversations are filed under: the login name, trimmed; DEFAULT_USER when there is none."""
    name = _text(user).strip()[:MAX_USER]
    return name or DEFAULT_USER


def make_title(question: str, limit: int = TITLE_CHARS) -> str:
    """The first question on one line, cut to `limit` characters with an ellipsis."""
    q = _WS.sub(" ", _text(question)).strip()
    if not q:
        return UNTITLED
    return q if len(q) <= limit else q[:limit].rstrip() + "…"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def shown_time(iso: Optional[str], now: Optional[datetime] = None) -> str:
    """How the list shows a time, in the machine's zone: 今天 14:05 / 昨天 09:10 / 12月1日 14:05 / 2025年12月1日."""
    try:
        t = datetime.fromisoformat(str(iso)).astimezone()
    except (TypeError, ValueError):
        return ""
    now = (now or datetime.now(timezone.utc)).astimezone()
    days = (now.date() - t.date()).days
    if days == 0:
        return f"今天 {t:%H:%M}"
    if days == 1:
        return f"昨天 {t:%H:%M}"
    if t.year == now.year:
        return f"{t.month}月{t.day}日 {t:%H:%M}"
    return f"{t.year}年{t.month}月{t.day}日"


def citation_from(value: Any) -> Citation:
    """A Citation from a record or from its to_dict() form; raises ConversationError when it is unusable."""
    if isinstance(value, Citation):
        return value
    if not isinstance(value, dict):
        raise ConversationError(f"引用格式不对（{type(value).__name__}），对话未保存。")
    d = {k: v for k, v in value.items() if k in _CITATION_FIELDS}
    try:
        d["n"] = int(d["n"])
        d["file"] = _text(d["file"])
    except (KeyError, TypeError, ValueError):
        raise ConversationError("引用缺少编号或出处文件，对话未保存。") from None
    d["kind"] = "cell" if d.get("kind") == "cell" else "passage"
    d["quote"] = _text(d.get("quote"))
    for k in ("line_start", "line_end", "page", "page_end", "year"):
        if d.get(k) is not None:
            try:
                d[k] = int(d[k])
            except (TypeError, ValueError):
                d[k] = None
    d["line_start"] = d.get("line_start") or 0
    d["line_end"] = d.get("line_end") or d["line_start"]
    if d.get("value") is not None:
        try:
            d["value"] = float(d["value"])
        except (TypeError, ValueError):
            d["value"] = None
    for k in ("agency", "section", "table", "row", "column", "scan"):
        if d.get(k) is not None:
            d[k] = _text(d[k])
    d.setdefault("agency", None)
    d.setdefault("year", None)
    # a computed figure's cells (Citation.cells) come back as records too; a damaged list is dropped, not fatal
    cells = d.get("cells") if isinstance(d.get("cells"), list) else []
    d["cells"] = [citation_from(x) for x in cells if isinstance(x, (dict, Citation)) and x]
    return Citation(**d)


@dataclass
class Turn:
    """One question and the answer shown for it."""
    question: str
    answer: str = ""
    citations: list[Citation] = field(default_factory=list)
    asked_at: str = ""  # ISO 8601 UTC; set when saved if empty
    route: Optional[str] = None  # table | text | both | refuse | error
    llm: Optional[str] = None
    checks: list[dict] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    query: Optional[dict] = None  # the understood query's slots, when the read side gives them

    def to_dict(self) -> dict:
        """The chat's turn dict (citations as dicts), as the chat tab keeps turns in its state."""
        return {"question": self.question, "answer": self.answer, "citations": [c.to_dict() for c in self.citations],
                "done": True, "asked_at": self.asked_at, "route": self.route, "llm": self.llm, "checks": self.checks,
                "unverified": self.unverified, "timings_ms": self.timings_ms, "query": self.query}

    @classmethod
    def from_dict(cls, d: dict) -> "Turn":
        """From the chat's turn dict (or to_dict()); raises ConversationError on an unusable one."""
        if not isinstance(d, dict):
            raise ConversationError("对话内容格式不对，未保存。")
        return cls(question=d.get("question"), answer=d.get("answer") or "", citations=list(d.get("citations") or []),
                   asked_at=d.get("asked_at") or "", route=d.get("route"), llm=d.get("llm"),
                   checks=list(d.get("checks") or []), unverified=list(d.get("unverified") or []),
                   timings_ms=dict(d.get("timings_ms") or {}), query=d.get("query"))

    def checked(self) -> "Turn":
        """A copy fit to store: text cleaned, citations as records; raises ConversationError otherwise."""
        if not isinstance(self.question, str) or not self.question.strip():
            raise ConversationError("问题为空，对话未保存。")
        if len(self.question) > MAX_QUESTION:
            raise ConversationError(f"问题超过 {MAX_QUESTION} 字，对话未保存。")
        if not isinstance(self.citations, (list, tuple)):
            raise ConversationError("引用格式不对，对话未保存。")
        return Turn(question=_text(self.question).strip(), answer=_text(self.answer),
                    citations=[citation_from(c) for c in self.citations], asked_at=self.asked_at or now_iso(),
                    route=None if self.route is None else _text(self.route),
                    llm=None if self.llm is None else _text(self.llm), checks=list(self.checks or []),
                    unverified=[_text(u) for u in self.unverified or []], timings_ms=dict(self.timings_ms or {}),
                    query=self.query if isinstance(self.query, dict) else None)


@dataclass
class Conversation:
    id: str
    user: str
    title: str
    created_at: str
    updated_at: str
    n_turns: int = 0
    turns: list[Turn] = field(default_factory=list)  # empty in list(); filled by load()

    @property
    def questions(self) -> list[str]:
        """The history the chat passes to Assistant.ask for a follow-up in a reopened conversation."""
        return [t.question for t in self.turns]


def _dump(value: Any) -> str:
    # default=str: a check carrying a record or a date is kept as its text rather than failing the save
    return _text(json.dumps(value, ensure_ascii=False, default=str))


def _load_json(text: Optional[str], fallback, what: str, cid: str):
    try:
        value = json.loads(text) if text else fallback
        return value if isinstance(value, type(fallback)) else fallback
    except (TypeError, ValueError):
        log.warning("conversation %s: unreadable %s, shown without it", cid, what)
        return fallback


class ConversationStore:
    """Conversations in `<store>/library.sqlite`. Cheap to build; the database is opened on first use, and a
    store that does not exist yet is not created by reading (an empty list), only by the first saved turn."""

    def __init__(self, store_dir: Optional[str | Path] = None):
        self.paths = StorePaths(resolve_store(store_dir))
        self._con: Optional[sqlite3.Connection] = None
        self._lock = threading.Lock()  # one connection shared by the app's worker threads

    def _connect(self, create: bool) -> Optional[sqlite3.Connection]:
        if self._con is None:
            if not create and not self.paths.db.exists():
                return None
            self._con = db.connect(self.paths.db)
        return self._con

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None

    # ------------------------------------------------------------ writes
    def add_turn(self, user: Optional[str], turn: Turn | dict, conversation_id: Optional[str] = None) -> str:
        """Append `turn`; without `conversation_id` (or for one that is gone) a new conversation titled by the
        question is started. Returns the conversation's id. Someone else's conversation is an error."""
        if not isinstance(turn, (Turn, dict)):
            raise ConversationError("对话内容格式不对，未保存。")
        t = (Turn.from_dict(turn) if isinstance(turn, dict) else turn).checked()
        user = user_key(user)
        citations = _dump([c.to_dict() for c in t.citations])
        meta = _dump({"route": t.route, "llm": t.llm, "checks": t.checks, "unverified": t.unverified,
                      "timings_ms": t.timings_ms, "query": t.query})
        with self._lock:
            con = self._connect(create=True)
            con.execute("BEGIN IMMEDIATE")
            try:
                owner = None
                if conversation_id:
                    row = con.execute("SELECT user FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
                    owner = row[0] if row else None
                    if owner is not None and owner != user:
                        raise ConversationError("这个对话不属于当前用户，未保存。")
                if owner is None:  # new, or deleted in another tab meanwhile: start it again rather than lose the turn
                    conversation_id = conversation_id or uuid.uuid4().hex
                    con.execute("INSERT INTO conversations(id, user, title, created_at, updated_at) VALUES (?,?,?,?,?)",
                                (conversation_id, user, make_title(t.question), t.asked_at, t.asked_at))
                ord_ = con.execute("SELECT COALESCE(MAX(ord), -1) + 1 FROM conversation_turns WHERE conversation = ?",
                                   (conversation_id,)).fetchone()[0]
                con.execute("INSERT INTO conversation_turns(conversation, ord, question, answer, citations_json, "
                            "meta_json, asked_at) VALUES (?,?,?,?,?,?,?)",
                            (conversation_id, ord_, t.question, t.answer, citations, meta, t.asked_at))
                con.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (now_iso(), conversation_id))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return conversation_id

    def delete(self, user: Optional[str], conversation_id: Optional[str]) -> bool:
        """Delete one of `user`'s conversations with its turns. False when there was none (or not theirs)."""
        if not conversation_id:
            return False
        with self._lock:
            con = self._connect(create=False)
            if con is None:
                return False
            with con:
                cur = con.execute("DELETE FROM conversations WHERE id = ? AND user = ?",
                                  (conversation_id, user_key(user)))
                if cur.rowcount:  # the foreign key cascades; said again for a connection without foreign_keys
                    con.execute("DELETE FROM conversation_turns WHERE conversation = ?", (conversation_id,))
            return cur.rowcount > 0

    # ------------------------------------------------------------ reads
    def list(self, user: Optional[str], limit: int = 200) -> list[Conversation]:
        """`user`'s conversations, the most recently continued first, without their turns."""
        with self._lock:
            con = self._connect(create=False)
            if con is None:
                return []
            rows = con.execute(
                "SELECT c.id, c.user, c.title, c.created_at, c.updated_at, "
                "(SELECT COUNT(*) FROM conversation_turns t WHERE t.conversation = c.id) AS n "
                "FROM conversations c WHERE c.user = ? ORDER BY c.updated_at DESC, c.rowid DESC LIMIT ?",
                (user_key(user), int(limit))).fetchall()
        return [Conversation(r["id"], r["user"], r["title"], r["created_at"], r["updated_at"], r["n"]) for r in rows]

    def load(self, user: Optional[str], conversation_id: Optional[str]) -> Optional[Conversation]:
        """One of `user`'s conversations with its turns in order; None when there is none (or not theirs)."""
        if not conversation_id:
            return None
        with self._lock:
            con = self._connect(create=False)
            if con is None:
                return None
            head = con.execute("SELECT * FROM conversations WHERE id = ? AND user = ?",
                               (conversation_id, user_key(user))).fetchone()
            if head is None:
                return None
            rows = con.execute("SELECT * FROM conversation_turns WHERE conversation = ? ORDER BY ord",
                               (conversation_id,)).fetchall()
        turns = [self._turn(r, conversation_id) for r in rows]
        return Conversation(head["id"], head["user"], head["title"], head["created_at"], head["updated_at"],
                            len(turns), turns)

    @staticmethod
    def _turn(r: sqlite3.Row, cid: str) -> Turn:
        cites = []
        for c in _load_json(r["citations_json"], [], "citations", cid):
            try:
                cites.append(citation_from(c))
            except ConversationError:
                log.warning("conversation %s: an unreadable citation skipped", cid)
        meta = _load_json(r["meta_json"], {}, "details", cid)
        return Turn(question=r["question"], answer=r["answer"], citations=cites, asked_at=r["asked_at"],
                    route=meta.get("route"), llm=meta.get("llm"), checks=list(meta.get("checks") or []),
                    unverified=list(meta.get("unverified") or []), timings_ms=dict(meta.get("timings_ms") or {}),
                    query=meta.get("query") if isinstance(meta.get("query"), dict) else None)

