"""Eval scoring rules and the eval command (ours beside the naive baseline)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant.eval import gold as ev


@pytest.mark.parametrize("text,expect,ok", [
    ("共68件", "68", True), ("共168件", "68", False), ("共680件", "68", False), ("共6.8件", "68", False),
    ("3435.54万元", "3435.54万|34355400", True), ("34355400元", "3435.54万|34355400", True),
    ("1,234件", "1234", True), ("人社福精灵", "人社福精灵", True), ("配备 1 名", "1", True), ("第11名", "1", False),
])
def test_states(text, expect, ok):
    assert ev.states(text, expect) is ok


def test_score_requires_sources_and_refusal_right():
    g = {"id": "x", "kind": "table", "expect": ["68"], "sources": ["a.txt"], "refuse": False}
    assert ev.score(g, "68件", ["a.txt"], False, 1).passed
    assert not ev.score(g, "68件", ["b.txt"], False, 1).passed
    assert not ev.score(g, "68件", ["a.txt"], True, 1).passed
    r = {"id": "y", "kind": "refuse", "expect": [], "sources": [], "refuse": True}
    assert ev.score(r, "无法回答", [], True, 1).passed and not ev.score(r, "68件", [], False, 1).passed


def test_summary_counts():
    gold = [{"id": "a", "kind": "t", "expect": ["1"], "sources": ["f"], "refuse": False},
            {"id": "b", "kind": "r", "expect": [], "sources": [], "refuse": True}]
    run = ev.RunSummary("ours", [ev.score(gold[0], "1", ["f"], False, 10), ev.score(gold[1], "no", [], False, 30)])
    assert run.passed == 1 and run.per_kind() == {"t": (1, 1), "r": (0, 1)}
    assert run.cited_rate(gold) == (1, 1) and run.refusals(gold) == (0, 1, 0)
    assert run.latency() == (20.0, 30)


def test_eval_command_prints_table(store_copy, tmp_path):
    from assistant.cli import cli

    f = tmp_path / "q.jsonl"
    f.write_text("\n".join(json.dumps(g, ensure_ascii=False) for g in ev.load_questions()[:4]), encoding="utf-8")
    r = CliRunner().invoke(cli, ["eval", "--questions", str(f), "--store", str(store_copy), "--llm", "none",
                                 "--baseline", "none", "--json"])
    assert r.exit_code == 0, r.output
    assert "PASS" in r.output and "latency p95" in r.output
    summary = json.loads(r.output.strip().splitlines()[-1])
    assert summary["ours"]["correct"] == 4


@pytest.mark.slow
def test_naive_baseline_runs_beside_ours(store_copy, tmp_path):
    from assistant.cli import cli

    f = tmp_path / "q.jsonl"
    f.write_text("\n".join(json.dumps(g, ensure_ascii=False) for g in ev.load_questions()[:3]), encoding="utf-8")
    r = CliRunner().invoke(cli, ["eval", "--questions", str(f), "--store", str(store_copy), "--llm", "none",
                                 "--baseline", "naive", "--json"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.output.strip().splitlines()[-1])
    assert set(summary) == {"ours", "naive"} and summary["naive"]["n"] == 3
