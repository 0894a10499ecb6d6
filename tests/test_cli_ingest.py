"""`python -m assistant ingest` through click's runner: status lines, counts, --json, exit codes."""
import json
import shutil

from click.testing import CliRunner

from assistant.cli import cli
from index.pipeline import UNCHANGED

F = "003_445335a71f9baff7.txt"


def test_ingest_prints_one_line_per_file_and_fails_on_bad_files(sample_dir, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(sample_dir / F, src / F)
    (src / "empty.txt").write_bytes(b"")
    store = tmp_path / "store"
    r = CliRunner().invoke(cli, ["ingest", str(src), "--store", str(store)])
    assert r.exit_code == 1, r.output
    lines = r.output.strip().splitlines()
    assert any(l.startswith(("ok", "warning")) and F in l for l in lines)
    assert any(l.startswith("error") and "empty.txt" in l for l in lines)
    assert lines[-1].startswith("2 files:") and "1 error" in lines[-1]

    r = CliRunner().invoke(cli, ["ingest", str(src / F), "--store", str(store), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["counts"]["skipped"] == 1 and out["results"][0]["reason"] == UNCHANGED


def test_ingest_needs_a_path_and_names_unknown_embedders(tmp_path):
    r = CliRunner().invoke(cli, ["ingest", "--store", str(tmp_path / "s")])
    assert r.exit_code == 2 and "at least one file or folder" in r.output
    r = CliRunner().invoke(cli, ["ingest", str(tmp_path), "--store", str(tmp_path / "s"), "--embedder", "bogus"])
    assert r.exit_code == 1 and "unknown embedder" in r.output
