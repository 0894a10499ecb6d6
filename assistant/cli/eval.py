"""`python -m assistant eval`: gold questions scored, ours beside the naive llama-index baseline."""
from __future__ import annotations

import json

import click


@click.command("eval")
@click.option("--questions", "-q", type=click.Path(exists=True, dir_okay=False), default=None,
              help="gold JSONL (default data/gold/questions.jsonl)")
@click.option("--store", "-s", default=None, help="store directory (default ASSISTANT_STORE or ./data/store)")
@click.option("--baseline", type=click.Choice(["naive", "none"]), default="naive", show_default=True,
              help="also run the naive llama-index RAG (SentenceSplitter + VectorStoreIndex, top-k 5)")
@click.option("--llm", type=click.Choice(["auto", "none", "local", "openai"]), default="auto", show_default=True,
              help="LLM for both systems")
@click.option("--json", "as_json", is_flag=True, help="also print the summary as JSON")
def command(questions, store, baseline, llm, as_json):
    """Score answers against gold questions; prints per-question pass/fail and a summary table.

    \b
    python -m assistant eval --llm none
    python -m assistant eval --questions data/gold/questions.jsonl --baseline naive --llm local
    """
    from rich.console import Console

    from assistant.eval import gold as ev
    from assistant.answering.answer import Assistant

    gold = ev.load_questions(questions)
    a = Assistant(store, llm=llm).warm_up()
    if not a.reports():
        raise click.ClickException(f"the store {a.store_dir} holds no reports; run `python -m assistant ingest data/sample` first")
    console = Console()
    err = Console(stderr=True)

    def progress(name):  # one line per answered question, so a slow LLM run shows it is moving
        def show(qid, s):
            err.print(f"[dim]{name} {qid} {'PASS' if s.passed else 'FAIL'} {s.latency_ms:.0f} ms[/dim]")
        return show

    ours, _ = ev.run_ours(a, gold, progress=progress("ours"))
    runs = [ours]
    if baseline == "naive":
        from assistant.eval.baseline import NaiveRAG

        console.print("[dim]naive baseline: building/loading its index…[/dim]")
        naive = NaiveRAG(a.library, backend=a.backend).warm_up()
        nv, _ = ev.run_naive(naive, gold, progress=progress("naive"))
        runs.append(nv)
    console.print(f"llm: {a.backend.model_id if a.backend else 'none'}  store: {a.store_dir}  questions: {len(gold)}")
    ev.render(gold, runs, console)
    if as_json:
        click.echo(json.dumps(ev.summary_dict(gold, runs), ensure_ascii=False))
