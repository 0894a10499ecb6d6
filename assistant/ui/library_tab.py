"""Library tab: the reports held, upload (several files, progress, per-file results), delete, re-ingest,
and correcting inferred agency/year (which re-chunks the report and updates its facts)."""
from __future__ import annotations

import logging
import os
from pathlib import Path

import gradio as gr
import pandas as pd

from assistant.ui import render
from assistant.ui.services import AUDIT_LABELS, Services, friendly, ui_error
from index.naming import display_name, full_title, humanize, names_of, rule_name

log = logging.getLogger(__name__)

ALLOWED = (".pdf", ".docx", ".txt", ".md", ".html", ".htm", ".png", ".jpg", ".jpeg")
IMAGES = (".png", ".jpg", ".jpeg")
MAX_MB = int(os.environ.get("ASSISTANT_MAX_UPLOAD_MB", "30"))
MAX_FILES = 20
# plain words: staff machines (and the test browser) often lack an emoji font
STATUS = {"ok": "已导入", "skipped": "未变化，已跳过", "warning": "已导入（有提示）", "error": "失败"}
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
             humanize(c["message"], names)] for c in checks if c["status"] != "pass"]
    rows.sort(key=lambda r: {"不一致": 0, "存疑": 1, "无法核验": 2}.get(r[0], 3))
    passed: dict[str, int] = {}
    for c in checks:
        if c["status"] == "pass":
            passed[rule_name(c["rule"])] = passed.get(rule_name(c["rule"]), 0) + 1
    rows += [[AUDIT_LABELS["pass"], rule, "—", f"{n}项核对均通过"] for rule, n in passed.items()]
    return pd.DataFrame(rows, columns=cols)


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
            upload_btn = gr.Button("导入", variant="primary", elem_id="lib-import")
            results = gr.Dataframe(pd.DataFrame([], columns=UPLOAD_COLS),
                                   interactive=False, label="导入结果", elem_id="lib-results", wrap=True)
        with gr.Column(scale=1):
            gr.Markdown("#### 管理选中的年报")
            pick = gr.Dropdown(choices=[], label="年报（也可点击上方表格中的一行）", elem_id="lib-pick")
            with gr.Row():
                agency = gr.Textbox(label="机关全称（识别有误时修改）", elem_id="lib-agency", scale=3)
                year = gr.Number(label="年度", precision=0, elem_id="lib-year", scale=1)
            with gr.Row():
                save_meta = gr.Button("保存修改", elem_id="lib-save")
                reingest = gr.Button("重新解析", elem_id="lib-reingest")
                delete = gr.Button("删除", variant="stop", elem_id="lib-delete")
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

    def do_upload(paths, progress=gr.Progress()):
        if not paths:
            raise ui_error("请先选择要上传的文件。")
        paths = [p if isinstance(p, str) else getattr(p, "name", str(p)) for p in paths]
        ok, rows = check_upload(paths)
        ok = _pages_as_one_report(ok)
        if ok:
            progress(0, desc=f"正在导入 {len(ok)} 个文件…")

            def cb(i, n, r=None):
                progress(i / max(n, 1), desc=f"已处理 {i}/{n}：{_named(svc, getattr(r, 'file', ''))}")

            try:
                for r in svc.ingest(ok, progress=cb):
                    reason = r.reason or "；".join(w.get("message", "") for w in (r.warnings or [])[:3])
                    names = names_of(svc.reports())
                    rows.append([names.get(r.file, "—"), STATUS.get(r.status, r.status), humanize(reason, names),
                                 r.n_chunks, r.n_facts, r.file])
            except Exception as e:
                log.exception("upload")
                raise ui_error(friendly(e))
        df, dd = refresh(Path(ok[-1]).name if len(ok) == 1 else None)
        last = Path(ok[-1]).name if ok else None
        return (pd.DataFrame(rows, columns=UPLOAD_COLS), df, dd, audit_frame(svc, last),
                None)

    upload_btn.click(do_upload, [files], [results, table, pick, audit, files], api_name="upload")

    def select(file):
        r = svc.report(file) if file else None
        if not r:
            return "", None, audit_frame(svc, None), ""
        return (r.get("agency") or "", r.get("year"), audit_frame(svc, file),
                f"**{render.esc(full_title(r.get('agency'), r.get('year')))}** · 文件 {render.esc(file)} · "
                f"审核：{AUDIT_LABELS.get(r.get('audit_status'), '—')}")

    def select_with_editions(file):
        return (*select(file), *edition_choices(file))

    pick.change(select_with_editions, [pick], [agency, year, audit, op_msg, editions, make_current],
                api_name="report_detail")

    def edition_choices(file):
        eds = svc.editions(file) if file else []
        if len(eds) < 2:
            return gr.update(choices=[], value=None, visible=False), gr.update(visible=False)
        name = display_name(eds[0].agency, eds[0].year)
        labels = [(f"{name}{'（当前）' if i == 0 else ''} · {e.format.upper()} · 导入于 {e.ingested_at[:16]}"
                   f" · 文件 {e.file}", e.file) for i, e in enumerate(eds)]
        return gr.update(choices=labels, value=eds[0].file, visible=True), gr.update(visible=True)


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
                       api_name="set_current_edition")

    def row_clicked(evt: gr.SelectData, df):
        try:
            return df.iloc[evt.index[0]]["文件"]
        except Exception:
            return gr.update()

    table.select(row_clicked, [table], [pick], api_visibility="undocumented")

    def do_save(file, ag, yr):
        if not file:
            raise ui_error("请先选择一份年报。")
        _act("update metadata", svc.update_metadata, file, agency=(ag or "").strip() or None,
             year=int(yr) if yr else None)
        df, dd = refresh(file)
        return df, dd, f"已更新{_named(svc, file)}的机关/年度，分块与数值已同步。", audit_frame(svc, file)

    save_meta.click(do_save, [pick, agency, year], [table, pick, op_msg, audit], api_name="update_metadata")

    def do_reingest(file):
        if not file:
            raise ui_error("请先选择一份年报。")
        r = _act("reingest", svc.reingest, file)
        df, dd = refresh(file)
        return df, dd, f"已重新解析{_named(svc, file)}：{STATUS.get(getattr(r, 'status', 'ok'), '')}", audit_frame(svc, file)

    reingest.click(do_reingest, [pick], [table, pick, op_msg, audit], api_name="reingest")

    def do_delete(file):
        if not file:  # nothing chosen, or the confirm() was cancelled
            return gr.update(), gr.update(), "未删除任何年报。", gr.update()
        name = _named(svc, file)
        _act("delete", svc.delete, file)
        df, dd = refresh(None)
        return df, dd, f"已删除{name}（文件 {file}）。", audit_frame(svc, None)

    delete.click(do_delete, [pick], [table, pick, op_msg, audit], api_name="delete_report",
                 # a confirm() in the page; cancelling sends no file, which do_delete refuses politely
                 js="(f) => (f && confirm('确定从资料库删除 ' + f + ' 吗？删除后需重新上传才能恢复。')) ? f : null")
    return {"table": table, "pick": pick, "refresh": refresh}
