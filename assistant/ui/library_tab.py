"""Library tab: the reports held, upload (several files, progress, per-file results), delete, re-ingest,
and correcting inferred agency/year (which re-chunks the report and updates its facts)."""
from __future__ import annotations

import logging
import os
import queue
import threading
from pathlib import Path

import gradio as gr
import pandas as pd

from assistant.ui import render
from assistant.ui.notice import guarded, staff_text
from assistant.ui.services import AUDIT_LABELS, Services, friendly, ui_error
from index.intake import UNCHANGED
from index.naming import display_name, full_title, humanize, names_of, rule_name

log = logging.getLogger(__name__)

ALLOWED = (".pdf", ".docx", ".txt", ".md", ".html", ".htm", ".png", ".jpg", ".jpeg")
IMAGES = (".png", ".jpg", ".jpeg")
MAX_MB = int(os.environ.get("ASSISTANT_MAX_UPLOAD_MB", "30"))
MAX_FILES = 20
# plain words: staff machines (and the test browser) often lack an emoji font
STATUS = {"ok": "已导入", "skipped": "未变化，已跳过", "warning": "已导入（有提示）", "error": "失败",
          "refused": "未导入"}
# reports are named by agency and year; the file name is a detail, in the last column
UPLOAD_COLS = ["报告", "结果", "说明", "分块", "数值", "文件"]
REPORT_COLS = ["报告", "机关", "年度", "层级", "模板", "分块", "数值", "审核", "问题数", "文件"]


def _act(what: str, fn, *args, **kw):
    """A library action; its failure is logged and shown to staff in Chinese (friendly), not as a traceback."""
    try:
        return fn(*args, **kw)
    except Exception as e:
        log.exception(what)
        raise ui_error(friendly(e))


def _named(svc: Services, file: str) -> str:
    return names_of(svc.reports()).get(file, file) if file else ""


def reports_frame(svc: Services) -> pd.DataFrame:
    rows = []
    reports = svc.reports()
    names = names_of(reports)
    for r in reports:
        n_issues = int(r.get("n_fail") or 0) + int(r.get("n_uncertain") or 0)
        rows.append([names[r["file"]], r.get("agency") or "（未识别）", r.get("year") or "", r.get("level") or "",
                     r.get("template") or "", r.get("n_chunks") or 0, r.get("n_facts") or 0,
                     AUDIT_LABELS.get(r.get("audit_status"), r.get("audit_status") or "—"), n_issues, r["file"]])
    return pd.DataFrame(rows, columns=REPORT_COLS)


def audit_frame(svc: Services, file: str | None) -> pd.DataFrame:
    """Findings first (不一致, 存疑, 无法核验), each with its Chinese rule name and full text; the passes, often
    ~200 per report, folded into one line per rule so the one real finding is not buried."""
    cols = ["结果", "规则", "范围", "说明"]
    if not file:
        return pd.DataFrame([], columns=cols)
    names = names_of(svc.reports())
    checks = svc.checks(file)
    rows = [[AUDIT_LABELS.get(c["status"], c["status"]), rule_name(c["rule"]), c["scope"],
             staff_text(humanize(c["message"], names))] for c in checks if c["status"] != "pass"]
    rows.sort(key=lambda r: {"不一致": 0, "存疑": 1, "无法核验": 2}.get(r[0], 3))
    passed: dict[str, int] = {}
    for c in checks:
        if c["status"] == "pass":
            passed[rule_name(c["rule"])] = passed.get(rule_name(c["rule"]), 0) + 1
    rows += [[AUDIT_LABELS["pass"], rule, "—", f"{n}项核对均通过"] for rule, n in passed.items()]
    return pd.DataFrame(rows, columns=cols)


def status_label(r) -> str:
    """A FileResult's status as staff read it: a file skipped for another reason than being unchanged (not an
    annual report, the same content as a stored one) was not imported."""
    status = getattr(r, "status", "")
    if status == "skipped" and getattr(r, "reason", None) not in (None, "", UNCHANGED):
        return STATUS["refused"]
    return STATUS.get(status, status)


def check_upload(paths: list[str]) -> tuple[list[str], list[list]]:
    """Files we accept, and a result row for each one refused (type, size) with what to do."""
    ok, refused = [], []
    if len(paths) > MAX_FILES:
        raise ui_error(f"一次最多上传 {MAX_FILES} 个文件，请分批上传。")
    for p in paths:
        name = Path(p).name
        ext = Path(p).suffix.lower()
        if ext not in ALLOWED:
            refused.append(["—", STATUS["error"], f"不支持的文件类型 {ext or '（无扩展名）'}；请上传 PDF、DOCX、TXT、HTML 或扫描页图片（PNG/JPG）。", 0, 0, name])
        elif os.path.getsize(p) > MAX_MB * 1024 * 1024:
            refused.append(["—", STATUS["error"], f"文件超过 {MAX_MB} MB；请压缩或拆分后再上传。", 0, 0, name])
        elif os.path.getsize(p) == 0:
            refused.append(["—", STATUS["error"], "文件是空的。", 0, 0, name])
        else:
            ok.append(p)
    return ok, refused


def _pages_as_one_report(paths: list[str]) -> list[str]:
    """The page images of one upload are one scanned report, in the order chosen: joined into one image-only
    PDF (named after the first image) that OCR then reads page by page."""
    images = [p for p in paths if Path(p).suffix.lower() in IMAGES]
    if len(images) < 2:
        return paths
    from index.loaders.image import images_to_pdf

    out = Path(images[0]).with_name(Path(images[0]).stem + "_扫描件.pdf")
    images_to_pdf(images, out)
    return [p for p in paths if p not in images] + [str(out)]


def ingest_steps(svc: Services, paths: list[str]):
    """Ingest `paths` in a worker thread and yield ("line", text) as each file is done, then ("done", results):
    the tab shows one progress line (which file, how many left) instead of Gradio's overlay on every output."""
    events: queue.Queue = queue.Queue()

    def work():
        try:
            events.put(("done", svc.ingest(paths, progress=lambda i, n, r=None: events.put(("file", (i, n, r))))))
        except Exception as e:  # re-raised in the handler's thread, where guarded() shows it
            events.put(("error", e))

    threading.Thread(target=work, name="upload-ingest", daemon=True).start()
    first = Path(paths[0]).name
    yield "line", (f"正在导入 {len(paths)} 份文件，第 1 份：{first}…" if len(paths) > 1 else f"正在导入 {first}…")
    while True:
        kind, value = events.get()
        if kind == "error":
            raise value
        if kind == "done":
            yield "done", value
            return
        i, n, r = value
        line = f"已处理 {i}/{n}：{_named(svc, getattr(r, 'file', '')) or Path(str(getattr(r, 'path', ''))).name}" \
               f"（{status_label(r) or '已处理'}）"
        yield "line", line + (f"；正在导入第 {i + 1} 份…" if i < n else "；正在更新检索索引…")


def summary(rows: list[list]) -> str:
    """The progress line once the upload is done: how many files went in, how many did not."""
    done = sum(1 for r in rows if r[1] in (STATUS["ok"], STATUS["warning"]))
    same = sum(1 for r in rows if r[1] == STATUS["skipped"])
    failed = sum(1 for r in rows if r[1] in (STATUS["error"], STATUS["refused"]))
    bits = [f"{done} 份已导入"] + ([f"{same} 份未变化"] if same else []) + ([f"{failed} 份未能导入（原因见下表）"] if failed else [])
    return "导入完成：" + "，".join(bits) + "。"


def build_library_tab(svc: Services) -> dict:
    gr.Markdown("资料库中的全部年报。上传新年报后会自动识别机关、年度和表格，并做表内核对。")
    table = gr.Dataframe(reports_frame(svc) if svc.has_store() else pd.DataFrame([], columns=REPORT_COLS),
                         interactive=False, elem_id="lib-table", wrap=True, label="年报列表")
    with gr.Row(equal_height=False):
        with gr.Column(scale=1):
            gr.Markdown("#### 上传年报")
            # no file_types here: Gradio would refuse a whole mixed batch with an English message; check_upload
            # keeps the good files and says in Chinese why each other one was refused
            files = gr.File(file_count="multiple", label=f"PDF / DOCX / TXT / HTML，或一份扫描件的各页图片（PNG/JPG，按顺序选择）；单个不超过 {MAX_MB} MB",
                            elem_id="lib-upload", height=140)
            upload_btn = gr.Button("导入", variant="primary", elem_id="lib-import", interactive=False)
            progress_line = gr.Markdown(elem_id="lib-progress")
            results = gr.Dataframe(pd.DataFrame([], columns=UPLOAD_COLS),
                                   interactive=False, label="导入结果", elem_id="lib-results", wrap=True)
        with gr.Column(scale=1):
            gr.Markdown("#### 管理选中的年报")
            pick = gr.Dropdown(choices=[], label="年报（也可点击上方表格中的一行）", elem_id="lib-pick")
            with gr.Row():
                agency = gr.Textbox(label="机关全称（识别有误时修改）", elem_id="lib-agency", scale=3)
                year = gr.Number(label="年度", precision=0, elem_id="lib-year", scale=1)
            with gr.Row():
                # nothing to act on until a report is chosen: disabled, rather than an error when pressed
                save_meta = gr.Button("保存修改", elem_id="lib-save", interactive=False)
                reingest = gr.Button("重新解析", elem_id="lib-reingest", interactive=False)
                delete = gr.Button("删除", variant="stop", elem_id="lib-delete", interactive=False)
            # one report, several files (a GBK copy, a corrected edition, the PDF and the HTML): staff pick the
            # edition every count uses; the others stay stored and citable
            editions = gr.Radio(choices=[], label="版本（同一机关同一年度的多份文件，统计只用当前版本）",
                                elem_id="lib-editions", visible=False)
            make_current = gr.Button("设为当前版本", elem_id="lib-make-current", visible=False)
            op_msg = gr.Markdown(elem_id="lib-msg")
            audit = gr.Dataframe(pd.DataFrame([], columns=["结果", "规则", "范围", "说明"]), interactive=False,
                                 label="表内核对结果", elem_id="lib-audit", wrap=True)

    def refresh(selected=None):
        df = reports_frame(svc)
        files_ = df["文件"].tolist()
        sel = selected if selected in files_ else None
        return df, gr.update(choices=list(zip(df["报告"].tolist(), files_)), value=sel)

    @guarded(6, "upload")
    def do_upload(paths):
        if not paths:  # the button is disabled without files; the API may still send none
            raise ui_error("请先选择要上传的文件。")
        paths = [p if isinstance(p, str) else getattr(p, "name", str(p)) for p in paths]
        ok, rows = check_upload(paths)
        ok = _pages_as_one_report(ok)
        wait = (gr.skip(),) * 5
        for kind, value in ingest_steps(svc, ok) if ok else ():
            if kind == "line":
                yield (*wait, value)
                continue
            names = names_of(svc.reports())
            for r in value:
                reason = r.reason or "；".join(w.get("message", "") for w in (r.warnings or [])[:3])
                rows.append([names.get(r.file, "—"), status_label(r), staff_text(humanize(reason, names)),
                             r.n_chunks, r.n_facts, r.file])
        df, dd = refresh(Path(ok[-1]).name if len(ok) == 1 else None)
        last = Path(ok[-1]).name if ok else None
        yield (pd.DataFrame(rows, columns=UPLOAD_COLS), df, dd, audit_frame(svc, last), None, summary(rows))

    upload_btn.click(do_upload, [files], [results, table, pick, audit, files, progress_line], api_name="upload",
                     show_progress="hidden")  # the progress line above the results says which file is being read
    files.change(lambda f: gr.update(interactive=bool(f)), [files], [upload_btn], api_visibility="undocumented",
                 queue=False, show_progress="hidden")

    def select(file):
        r = svc.report(file) if file else None
        if not r:  # nothing chosen (e.g. just deleted): the message of what was done stays
            return "", None, audit_frame(svc, None), gr.skip()
        return (r.get("agency") or "", r.get("year"), audit_frame(svc, file),
                f"**{render.esc(full_title(r.get('agency'), r.get('year')))}** · 文件 {render.esc(file)} · "
                f"审核：{AUDIT_LABELS.get(r.get('audit_status'), '—')}")

    def select_with_editions(file):
        return (*select(file), *edition_choices(file))

    pick.change(select_with_editions, [pick], [agency, year, audit, op_msg, editions, make_current],
                api_name="report_detail", show_progress="hidden")
    pick.change(lambda f: [gr.update(interactive=bool(f))] * 3, [pick], [save_meta, reingest, delete],
                api_visibility="undocumented", queue=False, show_progress="hidden")

    def edition_choices(file):
        eds = svc.editions(file) if file else []
        if len(eds) < 2:
            return gr.update(choices=[], value=None, visible=False), gr.update(visible=False)
        name = display_name(eds[0].agency, eds[0].year)
        labels = [(f"{name}{'（当前）' if i == 0 else ''} · {e.format.upper()} · 导入于 {e.ingested_at[:16]}"
                   f" · 文件 {e.file}", e.file) for i, e in enumerate(eds)]
        return gr.update(choices=labels, value=eds[0].file, visible=True), gr.update(visible=True)


    @guarded(5, "set current edition")
    def do_make_current(file):
        if not file:
            raise ui_error("请先选择一个版本。")
        _act("set current edition", svc.set_current, file)
        df, dd = refresh(file)
        r = svc.report(file) or {}
        ed, btn = edition_choices(file)
        return (df, dd, ed, btn,
                f"已将该文件设为{full_title(r.get('agency'), r.get('year'))}的当前版本，统计与问答只用这一版。")

    make_current.click(do_make_current, [editions], [table, pick, editions, make_current, op_msg],
                       api_name="set_current_edition", show_progress="hidden")

    def row_clicked(evt: gr.SelectData, df):
        try:
            return df.iloc[evt.index[0]]["文件"]
        except Exception:
            return gr.update()

    table.select(row_clicked, [table], [pick], api_visibility="undocumented")

    # each action says what it is doing in the message line, then what it did (no overlay on the whole tab)
    @guarded(4, "update metadata")
    def do_save(file, ag, yr):
        if not file:
            raise ui_error("请先选择一份年报。")
        yield gr.skip(), gr.skip(), f"正在更新{_named(svc, file)}的机关/年度…", gr.skip()
        _act("update metadata", svc.update_metadata, file, agency=(ag or "").strip() or None,
             year=int(yr) if yr else None)
        df, dd = refresh(file)
        yield df, dd, f"已更新{_named(svc, file)}的机关/年度，分块与数值已同步。", audit_frame(svc, file)

    save_meta.click(do_save, [pick, agency, year], [table, pick, op_msg, audit], api_name="update_metadata",
                    show_progress="hidden")

    @guarded(4, "reingest")
    def do_reingest(file):
        if not file:
            raise ui_error("请先选择一份年报。")
        yield gr.skip(), gr.skip(), f"正在重新解析{_named(svc, file)}…", gr.skip()
        r = _act("reingest", svc.reingest, file)
        df, dd = refresh(file)
        yield df, dd, f"已重新解析{_named(svc, file)}：{status_label(r) or STATUS['ok']}", audit_frame(svc, file)

    reingest.click(do_reingest, [pick], [table, pick, op_msg, audit], api_name="reingest", show_progress="hidden")

    @guarded(4, "delete")
    def do_delete(file):
        if not file:  # nothing chosen, or the confirm() was cancelled
            yield gr.skip(), gr.skip(), "未删除任何年报。", gr.skip()
            return
        name = _named(svc, file)
        yield gr.skip(), gr.skip(), f"正在删除{name}…", gr.skip()
        _act("delete", svc.delete, file)
        df, dd = refresh(None)
        yield df, dd, f"已删除{name}（文件 {file}）。", audit_frame(svc, None)

    delete.click(do_delete, [pick], [table, pick, op_msg, audit], api_name="delete_report", show_progress="hidden",
                 # a confirm() naming the report as the list shows it; cancelling sends no file (nothing deleted)
                 js="(f) => { if (!f) return null; const el = document.querySelector('#lib-pick input');"
                    " const name = (el && el.value) || f;"
                    " return confirm('确定从资料库删除“' + name + '”吗？删除后需重新上传才能恢复。') ? f : null; }")
    return {"table": table, "pick": pick, "refresh": refresh}
