"""Chat tab: streamed, cited answers; [n] opens the source panel; backend switch; copy; thumbs + comment;
conversations kept per user (history.py: list, reopen, new, delete, export).

The conversation lives in a `turns` state (question, answer text, citations as dicts); the Chatbot is redrawn
from it, so the message HTML (escaped answer + [n] links) never has to be parsed back.
Each answered turn is saved to the store (index/conversations.py) under the open conversation, whose id is the
`conv_id` state; reopening one puts its saved turns back into `turns`, so the follow-up context (the earlier
questions passed to Assistant.ask_stream) is the same as before the reload.
Clicking an inline [n] runs page script (layout.HEAD_JS) that writes "turn:n" into a hidden textbox and
clicks a hidden button, which opens that citation in the panel.
"""
from __future__ import annotations

import logging
from typing import Optional

import gradio as gr

from assistant.ui import history, render
from assistant.ui.services import Services, friendly

log = logging.getLogger(__name__)

EXAMPLES = [
    "2020年福建省人社厅新收政府信息公开申请多少件？",
    "山东省人社厅2019年因“本机关不掌握相关政府信息”而无法提供的申请有几件？",
    "江苏省人社厅2019年政府信息公开行政复议共多少件？其中结果维持的有多少件？",
    "福建省人社厅2019年到2020年新收申请数量有什么变化？",
    "2020年福建省人社厅收到的申请哪类申请人最多？",
    "福建省人社厅如何推进政策解读？",
    "哪些报告提到了人社福精灵？",
]
ROUTES = {"table": "表格数据", "text": "正文段落", "both": "表格＋正文", "refuse": "资料库中无此数据"}


def messages(turns: list[dict]) -> list[dict]:
    out = []
    for i, t in enumerate(turns):
        out.append({"role": "user", "content": render.esc(t["question"])})
        if t.get("done"):
            body = render.answer_markdown(t["answer"], i, len(t.get("citations") or []))
        else:
            body = render.esc(t.get("answer") or "") + " ▌"
        out.append({"role": "assistant", "content": body})
    return out


def plain_answer(t: dict) -> str:
    """The answer with its sources spelled out, for pasting into a document."""
    lines = [t["answer"].strip()]
    if t.get("citations"):
        lines.append("")
        lines.append("出处：")
        for c in t["citations"]:
            lines.append(f"[{c['n']}] " + render.citation_text(
                c.get("agency"), c.get("year"), c["file"], c.get("section"), c.get("line_start"), c.get("line_end"),
                c.get("page"), c.get("quote") if c.get("kind") != "cell" else "", c.get("table"), c.get("row"),
                c.get("column"), c.get("page_end")))
    return "\n".join(lines)


def source_panel(svc: Services, c: Optional[dict]) -> str:
    """The printed page with the cited spot boxed, above the text view (assistant/ui/source_view.py)."""
    from assistant.ui.source_view import source_panel as panel

    return panel(svc, c)


def status_line(t: dict) -> str:
    bits = [f"依据：{ROUTES.get(t.get('route'), t.get('route') or '')}"]
    if t.get("llm"):
        bits.append("模型：" + ("无（模板作答）" if t["llm"] == "none" else t["llm"]))
    ms = (t.get("timings_ms") or {}).get("total")
    if ms is not None:
        bits.append(f"用时 {ms / 1000:.1f} 秒")
    if t.get("unverified"):
        bits.append("⚠ 未能核对的数字：" + "、".join(t["unverified"]))
    notes = [c.get("message") for c in t.get("checks") or [] if c.get("status") in ("fail", "uncertain", "warning")
             and c.get("message")]
    out = " · ".join(bits)
    if notes:
        out += "\n\n" + "\n".join(f"> ⚠ {render.esc(n)}" for n in notes[:3])
    return out


def build_chat_tab(svc: Services) -> dict:
    backends = svc.backends()
    choices = [(label if ok else f"{label}（不可用）", kind) for kind, label, ok in backends]
    turns = gr.State([])
    cur_turn = gr.State(-1)
    conv_id = gr.State(None)  # the open conversation's id in the store; None until its first answer is saved
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=230, elem_id="conv-col"):
            hist = history.build_history()
        with gr.Column(scale=3, min_width=420):
            backend = gr.Radio(choices, value=svc.default_backend(), label="回答方式", elem_id="chat-backend",
                               info="无模型：直接用表格数值和原文句子作答；模型只负责组织语言，数字均经核对。")
            chatbot = gr.Chatbot(label="问答", height=460, elem_id="chat-bot", buttons=[],
                                 placeholder="请提问，例如：2020年福建省人社厅新收政府信息公开申请多少件？",
                                 feedback_options=("Like", "Dislike"), sanitize_html=True, autoscroll=True)
            status = gr.Markdown(elem_id="chat-status")  # 依据 · 模型 · 用时, right under the answer it is about
            # an unsure reading's two nearest other readings, as questions to ask with one click
            suggest = gr.Dataset(components=[gr.Textbox(visible=False)], samples=[], label="您想问的可能是",
                                 visible=False, elem_id="chat-suggest")
            with gr.Row():
                msg = gr.Textbox(label="问题", placeholder="输入问题，回车发送", show_label=False, scale=6,
                                 elem_id="chat-input",
                                 max_length=500)
                send = gr.Button("发送", variant="primary", scale=1, min_width=80, elem_id="chat-send",
                                 interactive=False)
            gr.Examples(EXAMPLES, inputs=[msg], label="示例问题")
            with gr.Row():
                copy = gr.Button("复制回答（含出处）", size="sm", elem_id="chat-copy", interactive=False)
                clear = gr.Button("新对话", size="sm", elem_id="chat-clear")
            with gr.Accordion("对这条回答有意见？", open=False):
                comment = gr.Textbox(label="意见（可选）", lines=2, elem_id="chat-comment",
                                     placeholder="例如：数字不对、出处不准、希望补充…")
                send_comment = gr.Button("提交意见", size="sm", elem_id="chat-comment-send", interactive=False)
                comment_done = gr.Markdown()
        with gr.Column(scale=2, min_width=340):
            gr.Markdown("#### 原文出处")
            cite_list = gr.Radio([], label="本条回答的引用", elem_id="cite-list", type="value")
            panel = gr.HTML(render.EMPTY_PANEL, elem_id="cite-panel")
    plain = gr.Textbox(visible="hidden", elem_id="chat-plain")
    cite_target = gr.Textbox(visible="hidden", elem_id="nb-cite-target")
    cite_go = gr.Button("open", visible="hidden", elem_id="nb-cite-go")
    store = svc.conversations()
    list_outs = [hist["pick"], hist["note"], hist["delete"], hist["dl_docx"], hist["dl_md"]]

    def _cite_choices(t):
        return [(render.citation_choice(c), c["n"]) for c in t.get("citations") or []]

    def _save(request, t, cid):
        """Keep the answered turn; a store that cannot be written costs the history, never the answer."""
        try:
            return store.add_turn(history.user_of(request), t, cid), ""
        except Exception:
            log.exception("save conversation turn")
            return cid, "\n\n⚠ 这条问答未能保存到历史对话。"

    def respond(question, turns_v, kind, cid, request: gr.Request):
        question = (question or "").strip()
        if not question:  # the send button is disabled while the box is empty; Enter on it does nothing
            yield (gr.skip(),) * 9
            return
        # each earlier turn as it was understood (Answer.query): a follow-up is resolved against the last one;
        # a turn reopened from the store has only its words, which are understood again in order
        history_q = [t.get("understood") or t["question"] for t in turns_v]
        t = {"question": question, "answer": "", "citations": [], "done": False, "llm": kind}
        turns_v = turns_v + [t]
        yield messages(turns_v), "", turns_v, gr.skip(), gr.skip(), gr.skip(), "正在查找…", "", cid
        try:
            answer = None
            for piece in svc.assistant(kind).ask_stream(question, history=history_q):
                if isinstance(piece, str):
                    t["answer"] += piece
                    yield messages(turns_v), "", turns_v, gr.skip(), gr.skip(), gr.skip(), "正在作答…", "", cid
                else:
                    answer = piece
        except Exception as e:
            log.exception("ask %r", question)
            t.update(answer=f"抱歉，这个问题没有答好：{friendly(e)}", done=True, route="error")
            cid, problem = _save(request, t, cid)  # kept too: it is part of what the follow-ups were asked after
            yield messages(turns_v), "", turns_v, gr.skip(), gr.skip(), gr.skip(), problem, t["answer"], cid
            return
        d = answer.to_dict()
        t.update(answer=answer.text, citations=d["citations"], done=True, route=d["route"], llm=d.get("llm"),
                 understood=answer.query, alternatives=d.get("alternatives") or [],
                 checks=d.get("checks"), unverified=d.get("unverified_numbers"), timings_ms=d.get("timings_ms"))
        cid, problem = _save(request, t, cid)
        i = len(turns_v) - 1
        first = t["citations"][0] if t["citations"] else None
        yield (messages(turns_v), "", turns_v, i,
               gr.update(choices=_cite_choices(t), value=first["n"] if first else None),
               source_panel(svc, first), status_line(t) + problem, plain_answer(t), cid)

    def refresh(cid, request: gr.Request):
        return history.list_updates(svc, history.user_of(request), cid)

    outs = [chatbot, msg, turns, cur_turn, cite_list, panel, status, plain, conv_id]

    def suggestions(turns_v):
        alts = (turns_v[-1].get("alternatives") or []) if turns_v else []
        qs = [a["question"] for a in alts if a.get("question")][:2]
        return gr.update(samples=[[q] for q in qs], visible=bool(qs))
    # one answer at a time: a llama.cpp model is not safe to call from two threads, and 2 cores are shared
    # no overlay: the answer streams in and the status line says 正在查找… / 正在作答…
    for asked in (send.click(respond, [msg, turns, backend, conv_id], outs, api_name="chat", concurrency_id="answer",
                             concurrency_limit=1, show_progress="hidden"),
                  msg.submit(respond, [msg, turns, backend, conv_id], outs, api_visibility="undocumented",
                             concurrency_id="answer", concurrency_limit=1, show_progress="hidden"),
                  suggest.click(lambda s: s[0], [suggest], [msg], api_visibility="undocumented", queue=False).then(
                      respond, [msg, turns, backend, conv_id], outs, api_visibility="undocumented",
                      concurrency_id="answer", concurrency_limit=1, show_progress="hidden")):
        asked.then(refresh, [conv_id], list_outs, api_visibility="undocumented", show_progress="hidden").then(
            suggestions, [turns], [suggest], api_visibility="undocumented", show_progress="hidden")
    msg.change(lambda q: gr.update(interactive=bool((q or "").strip())), [msg], [send], api_visibility="undocumented",
               queue=False)
    plain.change(lambda p: gr.update(interactive=bool(p)), [plain], [copy], api_visibility="undocumented", queue=False)

    def open_target(target, turns_v):
        try:
            ti, n = (int(x) for x in (target or "").split(":")[:2])
            t = turns_v[ti]
            c = next(c for c in t["citations"] if c["n"] == n)
        except (ValueError, IndexError, StopIteration):
            return gr.skip(), gr.skip(), gr.skip()
        return ti, gr.update(choices=_cite_choices(t), value=n), source_panel(svc, c)

    cite_go.click(open_target, [cite_target, turns], [cur_turn, cite_list, panel], api_visibility="undocumented")

    def pick(n, ti, turns_v):
        if n is None or not (0 <= ti < len(turns_v)):
            return gr.skip()
        c = next((c for c in turns_v[ti]["citations"] if c["n"] == n), None)
        return source_panel(svc, c)

    cite_list.input(pick, [cite_list, cur_turn, turns], [panel], api_visibility="undocumented")

    def switch(kind):
        ok = {k: a for k, _, a in svc.backends()}
        if not ok.get(kind):
            gr.Warning(title="提示", message="这个回答方式在本机不可用（本地模型未组装或未配置服务器地址），已改用“无模型”。")
            return "none"
        return kind

    backend.input(switch, [backend], [backend], api_visibility="undocumented")

    def like(data: gr.LikeData, turns_v, kind):
        ti = data.index[0] // 2 if isinstance(data.index, (list, tuple)) else int(data.index) // 2
        t = turns_v[ti] if 0 <= ti < len(turns_v) else {}
        svc.save_feedback({"type": "rating", "liked": data.liked, "turn": ti, "question": t.get("question"),
                           "answer": t.get("answer"), "citations": t.get("citations"), "backend": kind})
        gr.Info("谢谢反馈！可以在下方补充意见。", title="提示")

    chatbot.like(like, [turns, backend], None, api_visibility="undocumented")

    def save_comment(text, turns_v, kind):
        if not (text or "").strip():  # the button is disabled until something is written
            return gr.skip(), gr.skip()
        t = turns_v[-1] if turns_v else {}
        svc.save_feedback({"type": "comment", "comment": text.strip(), "turn": len(turns_v) - 1,
                           "question": t.get("question"), "answer": t.get("answer"), "backend": kind})
        return "", "已保存，谢谢！"

    send_comment.click(save_comment, [comment, turns, backend], [comment, comment_done], api_name="feedback")
    comment.change(lambda c: gr.update(interactive=bool((c or "").strip())), [comment], [send_comment],
                   api_visibility="undocumented", queue=False)

    copy.click(None, [plain], None, js="(t) => { window.nbCopy(t || ''); }")

    # ------------------------------------------------------------ conversations
    view_outs = [chatbot, turns, cur_turn, cite_list, panel, status, plain, conv_id, hist["confirm"]]

    def blank(note=""):
        return ([], [], -1, gr.update(choices=[], value=None), render.EMPTY_PANEL, note, "", None,
                gr.update(visible=False))

    def reset(request: gr.Request):
        return blank() + history.list_updates(svc, history.user_of(request), None)

    for b in (clear, hist["new"]):
        b.click(reset, None, view_outs + list_outs, api_visibility="undocumented", show_progress="hidden")
    chatbot.clear(reset, None, view_outs + list_outs, api_visibility="undocumented",  # the chatbot's own bin icon
                  show_progress="hidden")

    def reopen(cid, request: gr.Request):
        user = history.user_of(request)
        conv = store.load(user, cid) if cid else None
        if conv is None:  # deleted in another tab meanwhile
            return blank("这个对话已不存在（可能已在别处删除）。") + history.list_updates(svc, user, None)
        turns_v = [t.to_dict() for t in conv.turns]
        last = turns_v[-1] if turns_v else {}
        first = last["citations"][0] if last.get("citations") else None
        return ((messages(turns_v), turns_v, len(turns_v) - 1,
                 gr.update(choices=_cite_choices(last), value=first["n"] if first else None),
                 source_panel(svc, first), status_line(last) if last else "", plain_answer(last) if last else "",
                 conv.id, gr.update(visible=False)) + history.list_updates(svc, user, conv.id))

    hist["pick"].input(reopen, [hist["pick"]], view_outs + list_outs, api_visibility="undocumented",
                       show_progress="hidden")

    def ask_delete(cid, request: gr.Request):
        conv = store.load(history.user_of(request), cid) if cid else None
        if conv is None:
            return gr.skip(), gr.skip()
        return gr.update(visible=True), f"确定删除对话“{render.esc(conv.title)}”吗？删除后无法恢复。"

    hist["delete"].click(ask_delete, [conv_id], [hist["confirm"], hist["ask"]], api_visibility="undocumented")
    hist["no"].click(lambda: gr.update(visible=False), None, [hist["confirm"]], api_visibility="undocumented")

    def do_delete(cid, request: gr.Request):
        user = history.user_of(request)
        conv = store.load(user, cid) if cid else None
        gone = store.delete(user, cid) if conv else False
        if gone:
            history.forget_export(cid)
        note = f"已删除对话“{render.esc(conv.title)}”。" if gone else ""
        return blank(note) + history.list_updates(svc, user, None)

    hist["yes"].click(do_delete, [conv_id], view_outs + list_outs, api_visibility="undocumented",
                      show_progress="hidden")
    return {"chatbot": chatbot, "msg": msg, "panel": panel, "load": refresh, "load_inputs": [conv_id],
            "load_outputs": list_outs}
