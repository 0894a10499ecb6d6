"""assistant/export/conversation.py: a kept conversation (real answers from the sample library, saved in a real
ConversationStore and read back) written as .md and as an A4 公文 .docx, each answer with its citations."""
from __future__ import annotations

import pytest
from docx import Document
from docx.oxml.ns import qn

from assistant.answering.answer import Assistant
from assistant.export.conversation import citation_line, cn_number, file_name, to_docx, to_markdown, write_markdown
from index.conversations import ConversationStore, Turn

Q1 = "2020年福建省人社厅新收政府信息公开申请多少件？"
Q2 = "2019年呢？"
SOURCE = "《福建省人力资源和社会保障厅2020年政府信息公开工作年度报告》"


@pytest.fixture(scope="module")
def conversation(built_store, tmp_path_factory):
    a = Assistant(built_store, llm="none", log=False).warm_up()
    store = ConversationStore(tmp_path_factory.mktemp("conv") / "store")
    cid, history = None, []
    for q in (Q1, Q2, "福建省人社厅如何推进政策解读？"):
        ans = a.ask(q, history=list(history))
        history.append(q)
        cid = store.add_turn("张三", Turn(q, ans.text, ans.citations, route=ans.route.kind), cid)
    conv = store.load("张三", cid)
    store.close()
    return conv


def test_markdown_has_every_turn_with_its_citations(conversation, tmp_path):
    md = to_markdown(conversation)
    assert md.startswith("# 问答记录：2020年福建省人社厅新收政府信息公开申请多少件…")
    assert "- 用户：张三" in md and "共 3 问" in md
    assert f"## 一、{Q1}" in md and f"## 二、{Q2}" in md and "## 三、福建省人社厅如何推进政策解读？" in md
    assert "68" in md and "52" in md and "[1]" in md and md.count("**出处：**") == 3
    assert SOURCE in md and "《福建省人力资源和社会保障厅2019年政府信息公开工作年度报告》" in md
    first = conversation.turns[0].citations[0]
    assert first.kind == "cell" and f"- {citation_line(first).replace('_', chr(92) + '_')}" in md
    assert "本年新收／总计 = 68，" in citation_line(first) and "行：“" in citation_line(first)  # value, place, line
    text_cite = conversation.turns[2].citations[0]
    assert text_cite.kind == "passage" and "：“" in citation_line(text_cite)  # the quoted words
    assert ".txt" not in md  # reports by their titles, never their file names
    out = write_markdown(conversation, tmp_path / file_name(conversation, "md"))
    assert out.read_text(encoding="utf-8") == md and out.name.startswith("问答记录_2020年福建省人社厅")


def test_docx_is_the_gongwen_page_with_every_answer_and_source(conversation, tmp_path):
    path = to_docx(conversation, tmp_path / file_name(conversation, "docx"))
    doc = Document(str(path))
    sec = doc.sections[0]
    assert (round(sec.page_width.cm, 1), round(sec.page_height.cm, 1)) == (21.0, 29.7)
    assert [round(x.cm, 1) for x in (sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin)] == \
        [3.7, 3.5, 2.8, 2.6]
    assert doc.styles["Normal"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋"
    assert "PAGE" in sec.footer._element.xml  # page numbers
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"一、{Q1}" in text and f"二、{Q2}" in text and "68" in text and "52" in text
    assert SOURCE in text and text.count("出处") >= 3 and ".txt" not in text
    heads = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert heads == [f"一、{Q1}", f"二、{Q2}", "三、福建省人社厅如何推进政策解读？"]


def test_names_and_numbers():
    assert [cn_number(n) for n in (1, 9, 10, 11, 20, 23, 99, 100)] == \
        ["一", "九", "十", "十一", "二十", "二十三", "九十九", "100"]
    from index.conversations import Conversation

    c = Conversation("x", "u", 'a/b:c*?"<>|d 问…', "2026-12-02T10:00:00+00:00", "2026-12-02T10:00:00+00:00")
    assert file_name(c, "docx") == "问答记录_a_b_c_d_问_20261202.docx"
