"""`python -m assistant facts PATH... [--json]`: parse reports (no embedding) and print their metadata,
table facts and audit findings."""
from __future__ import annotations

import json
from pathlib import Path

import click

from index.errors import IngestError


def facts_report(path: Path) -> dict:
    """One report as the `facts --json` record: its metadata, facts and checks (parse only)."""
    from index.pipeline import parse_report

    pr = parse_report(path)
    meta, tables = pr.meta, pr.tables
    warnings, seen = [], set()
    for w in list(pr.doc.warnings) + list(meta.warnings) + list(tables.warnings):
        if (w.code, w.message) not in seen:
            seen.add((w.code, w.message))
            warnings.append(w.to_dict())
    for c in pr.checks:  # audit findings: everything that did not plainly pass
        if c.status != "pass" and (c.rule, c.message) not in seen:
            seen.add((c.rule, c.message))
            warnings.append(c.to_warning())
    return {"file": pr.doc.file, "agency": meta.agency, "region": meta.region, "level": meta.level,
            "year": meta.year, "template": tables.template,
            "facts": [f.to_dict() for f in tables.facts], "warnings": warnings}


def _print_table(rep: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console()
    con.print(f"[bold]{rep['file']}[/bold]  {rep['agency'] or '?'} {rep['year'] or '?'}  "
              f"template {rep['template'] or '?'}  {len(rep['facts'])} facts")
    by_row: dict[tuple, dict] = {}
    cols: dict[str, list[str]] = {}
    for f in rep["facts"]:
        by_row.setdefault((f["table"], f["row"]), {})[f["column"]] = f
        cols.setdefault(f["table"], [])
        if f["column"] not in cols[f["table"]]:
            cols[f["table"]].append(f["column"])
    for table, columns in cols.items():
        t = Table(title=table, show_lines=False)
        t.add_column("行")
        for c in columns:
            t.add_column(c, justify="right")
        for (tb, row), cells in by_row.items():
            if tb != table:
                continue
            vals = []
            for c in columns:
                f = cells.get(c)
                v = "" if f is None else ("?" if f["value"] is None else str(f["value"]))
                vals.append(v + ("*" if f and f.get("uncertain") else ""))
            t.add_row(row, *vals)
        con.print(t)
    for w in rep["warnings"]:
        con.print(f"  [yellow]{w['code']}[/yellow] {w['message']}")


@click.command("facts")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print one JSON record per report instead of tables")
def command(paths, as_json):
    """Parse reports without embedding anything; print metadata, table facts and audit warnings.

    \b
    python -m assistant facts data/sample --json
    python -m assistant facts data/real-pdf/huaian_2024.pdf
    """
    from index.audit import chain_checks
    from index.pipeline import expand
    from index.records import Fact

    files = expand(paths)
    if not files:
        raise click.ClickException(f"no report files (.txt .md .pdf .docx .html) under {', '.join(map(str, paths))}")
    reports, failed = [], []
    for p in files:
        try:
            reports.append(facts_report(p))
        except IngestError as e:
            failed.append(str(e))
            reports.append({"file": p.name, "agency": None, "region": None, "level": None, "year": None,
                            "template": None, "facts": [], "warnings": [{"code": "error", "message": str(e)}]})
    # the cross-year chain between the reports given together
    chain_in = [(r["file"], r["agency"], r["year"],
                 [Fact(r["file"], f["table"], f["row"], f["column"], f["value"]) for f in r["facts"]])
                for r in reports]
    by_file = {r["file"]: r for r in reports}
    for c in chain_checks(chain_in):
        if c.status != "pass":
            by_file[c.file]["warnings"].append(c.to_warning())
    if as_json:
        click.echo(json.dumps({"reports": reports}, ensure_ascii=False))
    else:
        for r in reports:
            _print_table(r)
    if failed and len(failed) == len(files):
        raise click.ClickException(f"no report could be read: {failed[0]}")
