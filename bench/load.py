"""Load bench: the real app (`python -m assistant serve`) on 127.0.0.1, driven by concurrent gradio_client users.

    .venv/bin/python bench/load.py --store /tmp/store            # 20 clients × 10 questions, no LLM
    .venv/bin/python bench/load.py                               # builds a store from data/sample first (~3 min)
    .venv/bin/python bench/load.py --clients 5 --questions 4 --llm local --max-seconds 400
    .venv/bin/python bench/load.py --store /tmp/store --ingest data/real-pdf   # a CLI ingest beside the app

Each client is its own gradio_client.Client (its own session, as 20 browsers would be) and asks its questions one
after another (the gold questions, rotated so clients differ). Bounded twice: by count (clients × questions) and by
time (--max-seconds: after it no new request starts; unsent ones are counted and printed). A request counts as an
error when it raises, times out (--timeout) or returns no answer text; an answer is wrong when it lacks a gold
`expect` value. `--ingest PATH` runs `python -m assistant ingest PATH` in its own process while the users ask
(live readers: the app must keep answering, right, while another process writes to its store). Prints one table: errors (target 0),
latency p50/p95/max as users see it (queueing included: the app answers one question at a time), throughput,
and the app's peak RSS. A single-client pass first gives the latency without contention.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOLD_Q = Path(__file__).resolve().parents[1].joinpath("data/gold/questions.jsonl")
FALLBACK_Q = ["2020年福建省人社厅新收政府信息公开申请多少件？", "山东省人社厅2019年予以公开的申请有多少件？",
              "江苏省人社厅2019年政府信息公开行政复议共多少件？", "厦门市人社局2020年存在的主要问题是什么？"]


def questions() -> list[str]:
    if GOLD_Q.exists():
        return [json.loads(x)["question"] for x in GOLD_Q.read_text(encoding="utf-8").splitlines() if x.strip()]
    return FALLBACK_Q


def expected() -> dict[str, list[str]]:
    """question -> the gold values its answer must state (empty when there is no gold file)."""
    if not GOLD_Q.exists():
        return {}
    rows = [json.loads(x) for x in GOLD_Q.read_text(encoding="utf-8").splitlines() if x.strip()]
    return {r["question"]: r.get("expect", []) for r in rows if r.get("kind") != "briefing"}


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))
    return xs[k]


def proc_mem_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process in MB, from /proc."""
    vals = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                vals[k] = int(v.split()[0]) / 1024
    except OSError:
        pass
    return vals.get("VmRSS", float("nan")), vals.get("VmHWM", float("nan"))


WRONG: list[str] = []  # answers that lack a gold value (appended by ask)


def ask(client, question: str, llm: str, timeout: float) -> tuple[float, str | None]:
    """-> (seconds, error or None). Uses submit() so a hung request is abandoned after `timeout`."""
    from assistant.eval.gold import states

    t = time.perf_counter()
    try:
        job = client.submit(question, llm, api_name="/chat")
        out = job.result(timeout=timeout)
        plain = out[-1] if isinstance(out, (list, tuple)) else None
        if not plain or not str(plain).strip():
            return time.perf_counter() - t, "empty answer"
        missing = [e for e in expected().get(question, []) if not states(str(plain), e)]
        if missing:
            WRONG.append(f"{question[:30]}: missing {missing}")
        return time.perf_counter() - t, None
    except Exception as e:  # noqa: BLE001 - every failure is an error to count and show
        return time.perf_counter() - t, f"{type(e).__name__}: {str(e)[:120]}"


def run_clients(url: str, n_clients: int, n_questions: int, llm: str, timeout: float, deadline: float) -> dict:
    from gradio_client import Client

    qs = questions()
    lat, errors, unsent = [], [], [0]
    lock = threading.Lock()
    barrier = threading.Barrier(n_clients)

    def user(i: int):
        try:
            c = Client(url, verbose=False)
        except Exception as e:  # noqa: BLE001
            with lock:
                errors.append(f"client {i}: connect: {e}")
                unsent[0] += n_questions
            barrier.abort()
            return
        try:
            barrier.wait(timeout=120)  # all users start together
        except threading.BrokenBarrierError:
            pass
        for j in range(n_questions):
            if time.monotonic() > deadline:
                with lock:
                    unsent[0] += n_questions - j
                return
            secs, err = ask(c, qs[(i * 3 + j) % len(qs)], llm, timeout)
            with lock:
                lat.append(secs)
                if err:
                    errors.append(f"client {i} q{j}: {err}")

    t0 = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(n_clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(1.0, deadline - time.monotonic() + timeout + 30))
    return {"latencies": lat, "errors": errors, "unsent": unsent[0], "wall": time.perf_counter() - t0}


def build_store(dest: Path) -> None:
    from index.pipeline import Ingestor

    t = time.perf_counter()
    res = Ingestor(dest).ingest([ROOT / "data" / "sample"])
    print(f"built a store of {len(res)} sample reports in {time.perf_counter() - t:.0f} s: {dest}", file=sys.stderr)


@click.command()
@click.option("--store", type=click.Path(path_type=Path), default=None,
              help="A built store (copied, never written). Default: ingest data/sample into a temp dir.")
@click.option("--clients", default=20, show_default=True, help="Concurrent users.")
@click.option("--questions", "n_questions", default=10, show_default=True, help="Questions per user.")
@click.option("--llm", default="none", show_default=True, type=click.Choice(["none", "local", "openai"]))
@click.option("--timeout", default=180.0, show_default=True, help="Seconds before one request counts as failed.")
@click.option("--max-seconds", default=480.0, show_default=True, help="No new request starts after this.")
@click.option("--ingest", "ingest", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Files/folders a CLI ingest (another process) adds to the app's store while the users ask.")
def main(store, clients, n_questions, llm, timeout, max_seconds, ingest):
    """Start the app on a free 127.0.0.1 port and load it; prints a table (errors, p50/p95, throughput, RSS)."""
    import shutil

    from rich.console import Console
    from rich.table import Table

    from tests.browser import AppServer

    tmp = Path(tempfile.mkdtemp(prefix="nianbao_load_"))
    work = tmp / "store"
    if store:
        shutil.copytree(store, work)
    else:
        build_store(work)
    server = AppServer(work, tmp / "home", ["--llm", llm, "--no-first-run"])
    t = time.perf_counter()
    server.start(timeout=180)
    started = time.perf_counter() - t
    try:
        from gradio_client import Client

        c = Client(server.url, verbose=False)
        first, err = ask(c, questions()[0], llm, timeout)  # warms the app's assistant (indexes, models)
        if err:
            raise click.ClickException(f"the app could not answer one question: {err}\n{server.log()}")
        single = [ask(c, q, llm, timeout) for q in questions()[:5]]
        deadline = time.monotonic() + max_seconds
        writer, w_t0 = None, time.perf_counter()
        if ingest:
            import subprocess

            writer = subprocess.Popen([sys.executable, "-m", "assistant", "ingest", *map(str, ingest), "--store",
                                       str(work), "--json"], cwd=ROOT, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)
        res = run_clients(server.url, clients, n_questions, llm, timeout, deadline)
        ingest_row = None
        if writer is not None:
            out, _err = writer.communicate(timeout=1800)
            counts = json.loads(out[out.index("{"):])["counts"] if "{" in out else {}
            ingest_row = (f"CLI ingest beside the app (rc {writer.returncode})",
                          f"{time.perf_counter() - w_t0:.0f} s, {counts}")
        rss, peak = proc_mem_mb(server.proc.pid)
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    lat = res["latencies"]
    tab = Table(title=f"load: {clients} clients × {n_questions} questions, llm={llm}, app on 127.0.0.1")
    for col in ("measure", "value"):
        tab.add_column(col)
    rows = [("app start → first page", f"{started:.1f} s"), ("first question (warm-up)", f"{first:.2f} s"),
            ("1 client, 5 questions: p50 / max", f"{pct([s for s, _ in single], 50):.2f} / {max(s for s, _ in single):.2f} s"),
            ("requests sent / planned", f"{len(lat)} / {clients * n_questions}"),
            ("errors (target 0)", str(len(res["errors"]))), ("wrong answers (target 0)", str(len(WRONG))),
            ("not sent (time bound)", str(res["unsent"])),
            ("latency p50", f"{pct(lat, 50):.2f} s"), ("latency p95", f"{pct(lat, 95):.2f} s"),
            ("latency max", f"{max(lat) if lat else float('nan'):.2f} s"),
            ("mean", f"{statistics.mean(lat) if lat else float('nan'):.2f} s"),
            ("wall time", f"{res['wall']:.1f} s"), ("throughput", f"{len(lat) / res['wall']:.2f} answers/s"),
            ("app RSS now / peak", f"{rss:.0f} / {peak:.0f} MB"), ("CPU cores", str(os.cpu_count()))]
    if ingest_row:
        rows.insert(4, ingest_row)
    for r in rows:
        tab.add_row(*r)
    Console().print(tab)
    for e in res["errors"][:10]:
        print("error:", e)
    for w in WRONG[:10]:
        print("wrong:", w)
    sys.exit(1 if res["errors"] or WRONG else 0)


if __name__ == "__main__":
    main()
