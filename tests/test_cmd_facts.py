"""`python -m assistant facts` through the CLI runner (parse only, no embedding)."""
import json
from pathlib import Path

from click.testing import CliRunner

from assistant.cli import cli

ROOT = Path(__file__).resolve().parent.parent
GOLD = json.loads((ROOT / "data" / "gold" / "seed_facts.json").read_text(encoding="utf-8"))


def test_facts_json_matches_gold_990_and_metadata():
    res = CliRunner().invoke(cli, ["facts", str(ROOT / "data" / "sample"), "--json"])
    assert res.exit_code == 0, res.output
    got = {r["file"]: r for r in json.loads(res.output)["reports"]}
    hit = total = 0
    for g in GOLD["reports"]:
        r = got[g["file"]]
        assert (r["agency"], r["year"], r["template"]) == (g["agency"], g["year"], "2019")
        have = {(f["table"], f["row"], f["column"]): f for f in r["facts"]}
        for f in g["facts"]:
            total += 1
            hit += have[(f["table"], f["row"], f["column"])]["value"] == f["value"]
    assert (hit, total) == (990, 990)
    fact = got["001_0c9ceee508d7cea1.txt"]["facts"][0]
    assert {"table", "row", "column", "value", "kind", "source"} <= set(fact) and fact["source"]["line"] > 0
    codes = [w["code"] for w in got["001_0c9ceee508d7cea1.txt"]["warnings"]]
    assert "conflict" in codes  # 办结行政许可1217件 vs 1037


def test_facts_reports_the_inconsistent_litigation_table_of_a_real_pdf():
    res = CliRunner().invoke(cli, ["facts", str(ROOT / "data" / "real-pdf" / "hongze_2023.pdf"), "--json"])
    assert res.exit_code == 0, res.output
    [r] = json.loads(res.output)["reports"]
    assert r["template"] == "2021"
    assert any(w["code"] == "review_sum" and w["status"] == "fail" for w in r["warnings"])
    assert all(f["source"].get("page") for f in r["facts"])


def test_facts_human_output_and_errors(tmp_path):
    res = CliRunner().invoke(cli, ["facts", str(ROOT / "data" / "sample" / "004_b7caf00a3cd44191.txt")])
    assert res.exit_code == 0 and "依申请公开" in res.output and "587944" in res.output
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01")
    res = CliRunner().invoke(cli, ["facts", str(tmp_path)])
    assert res.exit_code != 0 and "no report files" in res.output
