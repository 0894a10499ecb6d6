"""Gold-question scoring, ours and the naive llama-index baseline side by side.

Scoring: every `expect` item must be stated — a number counts only as a whole
number, not inside another ("16" is not in "160"); alternatives are separated by `|`; every file in `sources`
must be cited; `refuse: true` questions must be refused (and others must not be).
"""
from __future__ import annotations

import json
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from index.config import ROOT

DEFAULT_QUESTIONS = ROOT / "data" / "gold" / "questions.jsonl"


def load_questions(path: Path | str | None = None) -> list[dict]:
    p = Path(path) if path else DEFAULT_QUESTIONS
    out = []
    for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            q = json.loads(line)
            q.setdefault("id", f"q{i:02d}")
            q.setdefault("expect", [])
            q.setdefault("sources", [])
            q.setdefault("refuse", False)
            q.setdefault("kind", "other")
            out.append(q)
    return out


def states(text: str, expect: str) -> bool:
    """One expect item (alternatives by |) stated in text; numbers must stand alone (not inside others)."""
    t = re.sub(r"(?<=\d),(?=\d{3})", "", text or "")
    for alt in expect.split("|"):
        alt = alt.strip()
        if not alt:
            continue
        if re.match(r"^-?\d", alt):
            if re.search(rf"(?<![\d.]){re.escape(alt)}(?!\d|\.\d)", t):
                return True
        elif alt in t:
            return True
    return False


@dataclass
class Score:
    id: str
    kind: str
    passed: bool
    stated: bool
    cited: bool
    refusal_ok: bool
    refused: bool
    latency_ms: float
    missing: list[str] = field(default_factory=list)
    llm_status: str = ""  # phrased | fallback | "" (no model used)


def score(gold: dict, text: str, files: Iterable[str], refused: bool, latency_ms: float) -> Score:
    files = set(files)
    missing = [e for e in gold["expect"] if not states(text, e)]
    cited = set(gold["sources"]) <= files
    refusal_ok = bool(refused) == bool(gold["refuse"])
    stated = not missing
    if gold["refuse"]:
        passed = refusal_ok
    else:
        passed = stated and cited and refusal_ok
    return Score(gold["id"], gold.get("kind", "other"), passed, stated, cited, refusal_ok, bool(refused),
                 latency_ms, missing)


@dataclass
class RunSummary:
    name: str
    scores: list[Score]

    @property
    def n(self) -> int:
        return len(self.scores)

    @property
    def passed(self) -> int:
        return sum(s.passed for s in self.scores)

    def per_kind(self) -> dict[str, tuple[int, int]]:
        out: dict[str, list[int]] = {}
        for s in self.scores:
            out.setdefault(s.kind, [0, 0])
            out[s.kind][0] += s.passed
            out[s.kind][1] += 1
        return {k: (v[0], v[1]) for k, v in out.items()}

    def cited_rate(self, gold: list[dict]) -> tuple[int, int]:
        need = {g["id"] for g in gold if g["sources"]}
        got = sum(1 for s in self.scores if s.id in need and s.cited)
        return got, len(need)

    def refusals(self, gold: list[dict]) -> tuple[int, int, int]:
        """(right refusals, refuse questions, wrong refusals of answerable questions)"""
        should = {g["id"] for g in gold if g["refuse"]}
        right = sum(1 for s in self.scores if s.id in should and s.refused)
        wrong = sum(1 for s in self.scores if s.id not in should and s.refused)
        return right, len(should), wrong

    def latency(self) -> tuple[float, float]:
        lat = sorted(s.latency_ms for s in self.scores)
        if not lat:
            return 0.0, 0.0
        return statistics.median(lat), lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))]


def run_ours(assistant, gold: list[dict], progress: Optional[Callable] = None) -> tuple[RunSummary, dict]:
    scores, answers = [], {}
    for g in gold:
        ans = assistant.ask(g["question"], id=g["id"])
        answers[g["id"]] = ans
        scores.append(score(g, ans.text, [c.file for c in ans.citations], ans.refused, ans.timings_ms.get("total", 0)))
        rules = {c.rule for c in ans.checks}
        scores[-1].llm_status = "fallback" if rules & {"llm_fallback", "llm_error"} else (
            "phrased" if "llm_phrased" in rules else "")
        if progress:
            progress(g["id"], scores[-1])
    return RunSummary("ours", scores), answers


def run_naive(naive, gold: list[dict], progress: Optional[Callable] = None) -> tuple[RunSummary, dict]:
    scores, answers = [], {}
    for g in gold:
        a = naive.ask(g["question"])
        answers[g["id"]] = a
        scores.append(score(g, a.text, a.files, a.refused, a.timings_ms.get("total", 0)))
        if progress:
            progress(g["id"], scores[-1])
    return RunSummary("naive", scores), answers


def render(gold: list[dict], runs: list[RunSummary], console=None, answers: Optional[dict] = None) -> None:
    """Print the per-question table and the summary, runs side by side (rich)."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    t = Table(title="per question", show_lines=False)
    t.add_column("id")
    t.add_column("kind")
    for r in runs:
        t.add_column(r.name)
        t.add_column(f"{r.name} ms", justify="right")
    t.add_column("question")
    by = [{s.id: s for s in r.scores} for r in runs]
    for g in gold:
        row = [g["id"], g.get("kind", "")]
        for b in by:
            s = b.get(g["id"])
            if s is None:
                row += ["-", "-"]
                continue
            why = "" if s.passed else (" missing " + ",".join(s.missing) if s.missing else "") + \
                ("" if s.cited or g["refuse"] else " uncited") + ("" if s.refusal_ok else " refusal")
            row += [("PASS" if s.passed else "FAIL") + why, f"{s.latency_ms:.0f}"]
        row.append(g["question"][:40])
        t.add_row(*row)
    console.print(t)
    s = Table(title="summary")
    s.add_column("metric")
    for r in runs:
        s.add_column(r.name, justify="right")
    s.add_row("correct", *[f"{r.passed}/{r.n}" for r in runs])
    kinds = list(dict.fromkeys(g.get("kind", "other") for g in gold))
    for k in kinds:
        s.add_row(f"  {k}", *[f"{r.per_kind().get(k, (0, 0))[0]}/{r.per_kind().get(k, (0, 0))[1]}" for r in runs])
    s.add_row("right file cited", *[f"{r.cited_rate(gold)[0]}/{r.cited_rate(gold)[1]}" for r in runs])
    s.add_row("refusals right / needed", *[f"{r.refusals(gold)[0]}/{r.refusals(gold)[1]}" for r in runs])
    s.add_row("wrong refusals", *[str(r.refusals(gold)[2]) for r in runs])
    s.add_row("LLM phrasing kept / fell back", *[
        f"{sum(x.llm_status == 'phrased' for x in r.scores)}/{sum(x.llm_status == 'fallback' for x in r.scores)}"
        if any(x.llm_status for x in r.scores) else "-" for r in runs])
    s.add_row("latency p50 ms", *[f"{r.latency()[0]:.0f}" for r in runs])
    s.add_row("latency p95 ms", *[f"{r.latency()[1]:.0f}" for r in runs])
    console.print(s)


def summary_dict(gold: list[dict], runs: list[RunSummary]) -> dict:
    return {r.name: {"correct": r.passed, "n": r.n, "per_kind": r.per_kind(), "cited": r.cited_rate(gold),
                     "refusals": r.refusals(gold), "latency_p50_p95_ms": r.latency(),
                     "failed": [s.id for s in r.scores if not s.passed],
                     "llm": {k: sum(x.llm_status == k for x in r.scores) for k in ("phrased", "fallback")}} for r in runs}
