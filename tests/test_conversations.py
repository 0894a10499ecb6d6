"""index/conversations.py: conversations kept per user in the store's real SQLite (migration m007)."""
from __future__ import annotations

import sqlite3
import threading

import pytest

from index import db
from index.conversations import (DEFAULT_USER, UNTITLED, ConversationError, ConversationStore, Turn, make_title,
                                 shown_time, user_key)
from index.records import Citation

Q1 = "2020年福建省人社厅新收政府信息公开申请多少件？"
Q2 = "2019年呢？"


def cell(n=1, value=68.0, year=2020) -> Citation:
    return Citation(n=n, file="003_445335a71f9baff7.txt", agency="福建省人力资源和社会保障厅", year=year, kind="cell",
                    quote="本年新收政府信息公开申请数量 68 …", line_start=40, line_end=40, section="三、收到和处理政府信息公开申请情况",
                    table="依申请公开", row="一、本年新收政府信息公开申请数量", column="总计", value=value)


def passage(n=2) -> Citation:
    return Citation(n=n, file="x.pdf", agency="厦门市人力资源和社会保障局", year=2021, kind="passage",
                    quote="全年主动公开政府信息 120 条。", line_start=5, line_end=7, page=2, page_end=3,
                    section="二、主动公开政府信息情况 > （一）", scan="扫描件识别 第2页 框(1,2,3,4)")


@pytest.fixture
def store(tmp_path):
    s = ConversationStore(tmp_path / "store")
    yield s
    s.close()


def test_turns_round_trip_with_their_citations(store, tmp_path):
    cid = store.add_turn("alice", Turn(Q1, "新收申请 68 件[1]，见[2]。", [cell(), passage()], route="table", llm="none",
                                       checks=[{"status": "pass", "message": "核对通过"}], timings_ms={"total": 812.0}))
    assert store.add_turn("alice", Turn(Q2, "52 件[1]。", [cell(value=52.0, year=2019)]), conversation_id=cid) == cid
    other = ConversationStore(tmp_path / "store")  # a fresh connection, as after a restart
    conv = other.load("alice", cid)
    assert [t.question for t in conv.turns] == [Q1, Q2] == conv.questions
    first = conv.turns[0]
    assert first.citations == [cell(), passage()]  # records, every field (scan, page_end, value) kept
    assert first.answer == "新收申请 68 件[1]，见[2]。" and first.route == "table" and first.timings_ms == {"total": 812.0}
    assert first.checks == [{"status": "pass", "message": "核对通过"}]
    assert conv.turns[1].citations[0].value == 52.0
    assert first.asked_at and first.asked_at <= conv.turns[1].asked_at
    # the chat's own turn dict (what the tab keeps in its state) goes in and comes out the same
    d = first.to_dict()
    assert d["done"] and d["citations"][0]["value"] == 68.0 and d["citations"][1]["scan"].startswith("扫描件识别")
    again = other.add_turn("alice", d)
    assert other.load("alice", again).turns[0].citations == first.citations
    listed = other.list("alice")
    assert [c.id for c in listed] == [again, cid]  # the most recently continued first
    assert listed[1].n_turns == 2 and listed[1].title == make_title(Q1) and listed[1].turns == []
    other.close()


def test_a_user_never_sees_another_users_conversations(store):
    a = store.add_turn("alice", Turn(Q1, "68 件[1]。", [cell()]))
    b = store.add_turn("bob", Turn("山东省人社厅2019年行政复议多少件？", "3 件。"))
    assert [c.id for c in store.list("alice")] == [a]
    assert [c.id for c in store.list("bob")] == [b]
    assert store.load("bob", a) is None
    assert store.delete("bob", a) is False
    with pytest.raises(ConversationError, match="不属于当前用户"):
        store.add_turn("bob", Turn("我也问一句", ""), conversation_id=a)
    conv = store.load("alice", a)
    assert conv.n_turns == 1 and conv.turns[0].question == Q1  # untouched by bob's attempts
    assert store.list(None) == [] and store.load(None, a) is None  # nor by the no-login user


def test_user_names(store):
    assert user_key(None) == user_key("") == user_key("   ") == DEFAULT_USER
    assert user_key(" 张三 ") == "张三"
    cid = store.add_turn(None, Turn(Q1, "68"))
    assert store.list(DEFAULT_USER)[0].id == cid and store.list("")[0].user == DEFAULT_USER
    store.add_turn("张三", Turn(Q2, "52"))
    assert [c.title for c in store.list(" 张三")] == [Q2]


def test_titles_are_the_first_question_shortened():
    assert make_title(Q1) == "2020年福建省人社厅新收政府信息公开申请多少件…"  # 25 characters cut to 24
    assert make_title(Q2) == Q2
    assert len(make_title("问" * 100)) == 25 and make_title("问" * 100).endswith("…")
    assert make_title("  哪些报告\n提到了  人社福精灵？ ") == "哪些报告 提到了 人社福精灵？"
    assert make_title("   ") == UNTITLED


def test_bad_input_is_refused_before_anything_is_written(store):
    cid = store.add_turn("alice", Turn(Q1, "68 件[1]。", [cell()]))
    bad = [Turn("", "x"), Turn("   ", "x"), Turn(None, "x"), Turn("问" * 5000, "x"),
           Turn(Q2, "x", [{"quote": "没有编号和文件"}]), Turn(Q2, "x", ["不是引用"]), Turn(Q2, "x", "不是列表")]
    for t in bad:
        with pytest.raises(ConversationError):
            store.add_turn("alice", t, conversation_id=cid)
        with pytest.raises(ConversationError):
            store.add_turn("alice", t)  # nor is an empty conversation left behind
    with pytest.raises(ConversationError):
        store.add_turn("alice", "not a turn")  # type: ignore[arg-type]
    assert [c.id for c in store.list("alice")] == [cid]
    assert store.load("alice", cid).n_turns == 1


def test_odd_text_is_stored_not_fatal(store):
    # a lone surrogate (a broken paste), a NUL, a check holding a non-JSON value, a citation given as a loose dict
    cid = store.add_turn("alice", Turn("坏字符\ud800问题？", "答\x00案", [{"n": "1", "file": "a.txt", "line_start": "7",
                                                                     "value": "x", "extra": object()}],
                                      checks=[{"when": object()}]))
    t = store.load("alice", cid).turns[0]
    assert t.question == "坏字符\ufffd问题？" and t.answer == "答\x00案"
    assert t.citations == [Citation(n=1, file="a.txt", agency=None, year=None, kind="passage", quote="", line_start=7,
                                    line_end=7)]
    assert isinstance(t.checks[0]["when"], str)


def test_a_damaged_row_is_shown_without_the_damage(store):
    cid = store.add_turn("alice", Turn(Q1, "68 件[1]。", [cell()]))
    store.add_turn("alice", Turn(Q2, "52 件[1]。", [cell(value=52.0)]), conversation_id=cid)
    con = sqlite3.connect(store.paths.db)
    con.execute("UPDATE conversation_turns SET citations_json = '{oops', meta_json = '[1, 2]' WHERE ord = 0")
    con.commit()
    con.close()
    conv = store.load("alice", cid)
    assert [t.question for t in conv.turns] == [Q1, Q2]
    assert conv.turns[0].citations == [] and conv.turns[0].route is None
    assert conv.turns[1].citations[0].value == 52.0


def test_delete_removes_the_turns_and_only_that_conversation(store):
    a = store.add_turn("alice", Turn(Q1, "68"))
    store.add_turn("alice", Turn(Q2, "52"), conversation_id=a)
    b = store.add_turn("alice", Turn("另一个问题？", "…"))
    assert store.delete("alice", a) is True
    assert store.delete("alice", a) is False and store.delete("alice", None) is False
    assert [c.id for c in store.list("alice")] == [b]
    con = sqlite3.connect(store.paths.db)
    assert con.execute("SELECT COUNT(*) FROM conversation_turns WHERE conversation = ?", (a,)).fetchone()[0] == 0
    assert con.execute("SELECT COUNT(*) FROM conversation_turns").fetchone()[0] == 1
    con.close()
    # a turn for a conversation deleted in another tab starts it again instead of being lost
    assert store.add_turn("alice", Turn("删除后继续问？", "…"), conversation_id=a) == a
    assert store.load("alice", a).questions == ["删除后继续问？"]


def test_reading_does_not_create_a_store(tmp_path):
    s = ConversationStore(tmp_path / "nowhere")
    assert s.list("alice") == [] and s.load("alice", "x") is None and s.delete("alice", "x") is False
    assert not (tmp_path / "nowhere").exists()


def test_two_tabs_adding_at_once_never_share_a_turn_number(tmp_path):
    first = ConversationStore(tmp_path / "store")
    cid = first.add_turn("alice", Turn(Q1, "68"))
    errors = []

    def tab(k):
        s = ConversationStore(tmp_path / "store")  # its own connection, like another process
        try:
            for i in range(15):
                s.add_turn("alice", Turn(f"第{k}个标签页的第{i}问？", "…"), conversation_id=cid)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)
        finally:
            s.close()

    threads = [threading.Thread(target=tab, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    conv = first.load("alice", cid)
    assert conv.n_turns == 46 and len(set(conv.questions)) == 46
    first.close()


def test_an_old_store_gets_the_conversation_tables_and_keeps_its_reports(tmp_path):
    path = tmp_path / "store" / "library.sqlite"
    path.parent.mkdir()
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    for name, sql in db.MIGRATIONS:
        if name == "m007_conversations":
            break
        raw.executescript(sql)
        raw.execute("INSERT INTO _migrations(name) VALUES (?)", (name,))
    raw.execute("INSERT INTO reports(file, path, sha256, format) VALUES ('a.txt', '/x/a.txt', 'abc', 'txt')")
    raw.commit()
    raw.close()
    s = ConversationStore(tmp_path / "store")
    cid = s.add_turn("alice", Turn(Q1, "68"))
    assert s.load("alice", cid).n_turns == 1
    con = db.connect(path)
    assert con.execute("SELECT file FROM reports").fetchone()[0] == "a.txt"
    assert db.migrate(con) == []
    con.close()
    s.close()


def test_shown_time():
    from datetime import datetime, timedelta, timezone

    now = datetime(2026, 12, 2, 10, 30, tzinfo=timezone.utc)
    local = now.astimezone()
    assert shown_time(now.isoformat(), now) == f"今天 {local:%H:%M}"
    assert shown_time((now - timedelta(days=1)).isoformat(), now).startswith("昨天")
    assert shown_time((now - timedelta(days=400)).isoformat(), now).endswith("日")
    assert shown_time("垃圾", now) == "" and shown_time(None, now) == ""


def test_a_reopened_conversation_continues_its_follow_ups(store_copy):
    """Real store, real assistant: the answer's own citations are saved; after a 'reload' (new store object) the
    saved questions are the history, and '2019年呢？' is understood against the reopened first question."""
    from assistant.answering.answer import Assistant

    bot = Assistant(store_dir=store_copy, llm="none")
    a1 = bot.ask(Q1)
    assert "68" in a1.text and a1.citations
    cid = ConversationStore(store_copy).add_turn("alice", Turn(Q1, a1.text, a1.citations, route=a1.route.kind))
    conv = ConversationStore(store_copy).load("alice", cid)
    assert conv.turns[0].citations == a1.citations
    a2 = bot.ask(Q2, history=conv.questions)
    assert "52" in a2.text and a2.citations[0].year == 2019
    # deleting the cited report does not delete the conversation (a snapshot of what was shown)
    from index.pipeline import Ingestor

    Ingestor(store_copy).delete(a1.citations[0].file)
    assert ConversationStore(store_copy).load("alice", cid).turns[0].citations == a1.citations
