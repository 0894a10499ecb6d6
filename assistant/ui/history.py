"""The chat tab's 历史对话 column: the user's kept conversations (index/conversations.py through
Services.conversations()), newest first, and the actions on the open one — delete (after a confirmation in the
page) and export as .docx or .md with its citations (assistant/export/conversation.py writes them).

The chat tab (chat.py) wires these into its events: it saves each answered turn and reopens a conversation into
its own turns state. The user is the login name Gradio gives the request (`gr.Request.username`, set when the
app has login, see auth.py), or 本机用户 without login; a conversation is only ever listed, opened, exported or
deleted for its own user. Buttons that would act on nothing are disabled rather than answering with an error.
"""
from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from typing import Optional

import gradio as gr

from assistant.export import conversation as export
from index.conversations import Conversation, shown_time, user_key

log = logging.getLogger(__name__)

EMPTY_NOTE = "还没有保存的对话。提问后，对话会自动保存在这里。"


def user_of(request: Optional[gr.Request]) -> str:
    return user_key(getattr(request, "username", None) if request is not None else None)


def label(c: Conversation) -> str:
    return f"{c.title}（{shown_time(c.updated_at)} · {c.n_turns} 问）"


def export_dir(conversation_id: str) -> Path:
    # one folder per conversation, rewritten on each export: the files do not pile up in the temp directory
    return Path(tempfile.gettempdir()) / "nianbao-exports" / conversation_id


def export_files(conv: Conversation) -> tuple[str, str]:
    """(.docx path, .md path) of `conv`, written afresh."""
    d = export_dir(conv.id)
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True, exist_ok=True)
    docx = export.to_docx(conv, d / export.file_name(conv, "docx"))
    md = export.write_markdown(conv, d / export.file_name(conv, "md"))
    return str(docx), str(md)


def forget_export(conversation_id: str) -> None:
    """A deleted conversation's exported files go with it."""
    shutil.rmtree(export_dir(conversation_id), ignore_errors=True)


def build_history() -> dict:
    """The column's components (call inside the tab's layout)."""
    gr.Markdown("#### 历史对话")
    new = gr.Button("＋ 新对话", size="sm", elem_id="conv-new")
    note = gr.Markdown(EMPTY_NOTE, elem_id="conv-note")
    pick = gr.Radio([], label="已保存的对话", show_label=False, elem_id="conv-list", type="value")
    with gr.Row():
        dl_docx = gr.DownloadButton("导出 Word", size="sm", interactive=False, elem_id="conv-docx")
        dl_md = gr.DownloadButton("导出 Markdown", size="sm", interactive=False, elem_id="conv-md")
    delete = gr.Button("删除此对话", size="sm", variant="stop", interactive=False, elem_id="conv-delete")
    with gr.Column(visible=False, variant="panel", elem_id="conv-confirm") as confirm:  # a Group repeats its elem_id
        ask = gr.Markdown()
        with gr.Row():
            yes = gr.Button("确定删除", size="sm", variant="stop", elem_id="conv-delete-yes")
            no = gr.Button("取消", size="sm", elem_id="conv-delete-no")
    return {"new": new, "note": note, "pick": pick, "dl_docx": dl_docx, "dl_md": dl_md, "delete": delete,
            "confirm": confirm, "ask": ask, "yes": yes, "no": no}


def list_updates(svc, user: str, open_id: Optional[str]) -> tuple:
    """(list, note, delete, .docx, .md) for `user` with `open_id` the open conversation (None: a new one)."""
    store = svc.conversations()
    try:
        convs = store.list(user)
    except Exception:  # a store being migrated or locked by another process: the chat still works
        log.exception("list conversations")
        convs = []
    open_id = open_id if open_id in {c.id for c in convs} else None
    files: tuple = (None, None)
    if open_id:
        try:
            conv = store.load(user, open_id)
            files = export_files(conv) if conv and conv.turns else (None, None)
        except Exception:
            log.exception("export conversation %s", open_id)
    note = "" if convs else EMPTY_NOTE
    return (gr.update(choices=[(label(c), c.id) for c in convs], value=open_id), note,
            gr.update(interactive=bool(open_id)),
            gr.update(value=files[0], interactive=bool(files[0])), gr.update(value=files[1], interactive=bool(files[1])))
