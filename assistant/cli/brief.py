"""`python -m assistant brief`: parse options, call assistant.brief.draft.make_brief, write .docx/.md or print."""
from __future__ import annotations

from pathlib import Path

import click


@click.command("brief")
@click.option("--agency", "-a", default=None, metavar="NAME",
              help="机构名称，可简写（福建省人社厅、福建人社厅）；省略则汇总资料库中所有机构并排名。")
@click.option("--years", "-y", default=None, metavar="2019-2020",
              help="年份或范围：2019、2019-2020、2019,2020；省略则用资料库中的全部年份。")
@click.option("--out", "-o", default=None, type=click.Path(dir_okay=False), metavar="FILE.docx|FILE.md",
              help="输出文件（.docx 或 .md，.md 的图表写到 FILE_charts/）；省略则在终端打印 Markdown。")
@click.option("--store", default=None, type=click.Path(file_okay=False), help="资料库目录（默认 ./data/store 或 $ASSISTANT_STORE）。")
@click.option("--llm", default="none", type=click.Choice(["none", "local", "openai", "auto"]), show_default=True,
              help="用大模型润色文字；数字经核验不一致时保留模板原文。")
def command(agency, years, out, store, llm):
    """Draft a 简报 for one agency (or all) over a span of years; every figure cited.

    \b
    python -m assistant brief --agency 福建省人社厅 --years 2019-2020 --out 简报.docx
    python -m assistant brief --years 2019 --out 各机构2019.md
    python -m assistant brief --agency 福建人社厅 --llm local
    """
    from assistant.brief.draft import make_brief
    from index.library import Library

    suffix = Path(out).suffix.lower() if out else None
    if out and suffix not in (".docx", ".md"):
        raise click.BadParameter(f"{out}: 只支持 .docx 或 .md", param_hint="--out")
    library = Library(store)
    chart_dir = str(Path(out).with_name(Path(out).stem + "_charts")) if suffix == ".md" else None
    brief = make_brief(library, agency=agency, years=years, llm=llm, chart_dir=chart_dir)
    if out is None:
        click.echo(brief.to_markdown())
    elif suffix == ".docx":
        brief.to_docx(out)
    else:
        Path(out).write_text(brief.to_markdown(image_dir=chart_dir, rel_to=str(Path(out).parent)), encoding="utf-8")
    res = brief.verify()
    status = "全部数字可追溯" if res.ok else "有无法追溯的数字：" + "、".join(res.unverified)
    kept = sum(1 for p in brief.polish if p.get("status") == "kept")
    click.echo(f"{out or '(stdout)'}: {brief.title}；{len(brief.sources)} 个来源，{len(brief.charts)} 张图；{status}"
               + (f"；大模型润色保留 {kept}/{len(brief.polish)} 段" if brief.polish else ""), err=True)
    for n in brief.notes:
        click.echo(f"note: {n}", err=True)
