"""`python -m assistant ask`: one question, or a batch file of {"id", "question"} lines."""
from __future__ import annotations

import json
import sys

import click


@click.command("ask")
@click.argument("question", required=False)
@click.option("--store", "-s", "store", default=None, help="store directory (default ASSISTANT_STORE or ./data/store)")
@click.option("--json", "as_json", is_flag=True, help="print the answer as JSON (Answer.to_dict: answer, citations, checks, route, timings)")
@click.option("--llm", type=click.Choice(["auto", "none", "local", "openai"]), default="auto", show_default=True,
              help="who phrases the answer; numbers always come from the facts")
@click.option("--batch", "-b", type=click.Path(exists=True, dir_okay=False), default=None,
              help="JSONL file of {\"id\":…,\"question\":…}; prints one JSON result per line, in order")
def command(question, store, as_json, llm, batch):
    """Answer a question about the library's reports, with citations.

    \b
    python -m assistant ask "2020年福建省人社厅新收政府信息公开申请多少件？"
    python -m assistant ask "哪年依申请公开最多？" --json --llm none
    python -m assistant ask --batch questions.jsonl --json
    """
    from assistant.answering.answer import Assistant

    if not question and not batch:
        raise click.UsageError("give a QUESTION or --batch FILE.jsonl")
    a = Assistant(store, llm=llm).warm_up()
    if batch:
        with open(batch, encoding="utf-8") as f:
            for i, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as e:
                    raise click.ClickException(f"{batch}:{i}: not JSON ({e})")
                ans = a.ask(item["question"], id=item.get("id"))
                click.echo(json.dumps(ans.to_dict(), ensure_ascii=False))
                sys.stdout.flush()
        return
    ans = a.ask(question)
    if as_json:
        click.echo(json.dumps(ans.to_dict(), ensure_ascii=False, indent=1))
        return
    click.echo(ans.text)
    if ans.citations:
        click.echo("\n出处：")
        for c in ans.citations:
            cell = f" 〔{c.table}·{c.row}·{c.column}〕" if c.kind == "cell" else ""
            click.echo(f"[{c.n}] {c.file} {c.agency or ''} {c.year or ''}年 {c.where}{cell}：{c.quote[:120]}")
    for ch in ans.checks:
        if ch.status != "pass":
            click.echo(f"⚠ {ch.message}")
    click.echo(f"\n(route: {ans.route.kind} — {ans.route.reason}; llm: {ans.llm}; {ans.timings_ms.get('total', 0):.0f} ms)")
