"""A Brief as Markdown: headings, paragraphs with [n], the summary table, charts as images, numbered sources.

Charts are linked by path; with `image_dir` they are copied there and linked by file name, so the .md and its
images can travel together (the CLI writes FILE.md next to FILE_charts/).
"""
from __future__ import annotations

import base64
import shutil
from pathlib import Path
from typing import Optional


def _cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def to_markdown(brief, image_dir: Optional[str] = None, rel_to: Optional[str] = None, charts: str = "link") -> str:
    """`charts`: "link" (by path; see image_dir/rel_to), "embed" (data: URIs, a self-contained file) or "none"."""
    out = [f"# {brief.title}", ""]
    for s in brief.sections:
        out += [f"## {s.title}", ""]
        for p in s.paragraphs:
            out += [p, ""]
        if s.table and s.table.rows:
            out.append("| " + " | ".join(_cell(h) for h in s.table.header) + " |")
            out.append("|" + "---|" * len(s.table.header))
            out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in s.table.rows]
            out.append("")
        for ch in (s.charts if charts != "none" else []):
            src = _data_uri(ch.path) if charts == "embed" else _image(ch.path, image_dir, rel_to)
            out += [f"![{ch.title}]({src})", ""]
    if brief.notes:
        out += ["## 说明", ""] + [f"- {n}" for n in brief.notes] + [""]
    out += ["## 七、资料来源", ""]
    out += [f"{lab}  " for lab in brief.source_labels()]
    out += ["", f"*{generated_by(brief)}*", ""]
    return "\n".join(out)


def generated_by(brief) -> str:
    kept = sum(1 for p in brief.polish if p.get("status") == "kept")
    if brief.llm == "none" or not brief.polish:
        how = "模板生成（未使用大模型）"
    else:
        how = f"大模型（{brief.llm}）润色{kept}段、其余为模板原文；润色段落的数字已逐一核验"
    return f"草稿由年报问答助手生成：{how}。增减与比例由程序计算并给出算式；引用编号对应资料来源。"


def _image(path: str, image_dir: Optional[str], rel_to: Optional[str]) -> str:
    p = Path(path)
    if image_dir:
        d = Path(image_dir)
        d.mkdir(parents=True, exist_ok=True)
        if p.exists() and p.resolve() != (d / p.name).resolve():
            shutil.copyfile(p, d / p.name)
        p = d / p.name
    if rel_to:
        try:
            return str(p.resolve().relative_to(Path(rel_to).resolve()))
        except ValueError:
            pass
    return str(p)


def _data_uri(path: str) -> str:
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")
