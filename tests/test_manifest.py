"""The manifest writes one report per transaction and gives back the records it stored."""
import pytest

from index.manifest import Manifest, audit_status


def test_replace_report_round_trip_and_version_stamp(tmp_path, sample_dir):
    from index.pipeline import parse_report

    p = parse_report(sample_dir / "003_445335a71f9baff7.txt")
    m = Manifest(tmp_path / "library.sqlite")
    v0 = m.version()
    m.replace_report(p, "/src/003.txt", "files/x/003.txt", {"year": 2019})
    assert m.version() != v0
    row = m.report(p.file)
    assert row["n_chunks"] == len(p.chunks) and row["stored_path"] == "files/x/003.txt"
    assert m.chunk_ids(p.file) == {c.id for c in p.chunks}
    [(f, agency, year, facts)] = m.reports_for_chain([p.meta.agency])
    assert (f, year) == (p.file, 2019) and len(facts) == len(p.tables.facts)
    back = {x.key: x for x in facts}
    for fact in p.tables.facts:
        assert back[fact.key].value == fact.value and back[fact.key].kind == fact.kind
    assert row["audit_status"] == audit_status(p.checks)


def test_a_failed_transaction_changes_nothing(tmp_path, sample_dir):
    from index.pipeline import parse_report

    p = parse_report(sample_dir / "003_445335a71f9baff7.txt")
    m = Manifest(tmp_path / "library.sqlite")
    m.replace_report(p, "/src", "files/a", {})
    v = m.version()
    p.chunks.append(p.chunks[0])  # a duplicate chunk id violates the primary key half-way through
    with pytest.raises(Exception):
        m.replace_report(p, "/src", "files/b", {})
    assert m.version() == v and m.report(p.file)["stored_path"] == "files/a"
    assert len(m.chunk_ids(p.file)) == len(p.chunks) - 1


def test_editions_one_current_per_agency_and_year(tmp_path, sample_dir):
    """Two files of one (agency, year): both stored, exactly one current; a staff pin wins over balance and
    age; a file without agency or year is its own report."""
    from index.pipeline import parse_report

    m = Manifest(tmp_path / "library.sqlite")
    a = parse_report(sample_dir / "003_445335a71f9baff7.txt")
    b = parse_report(sample_dir / "003_445335a71f9baff7.txt", file="copy~12345678.txt")
    m.replace_report(a, "/src/a", "files/a/a", {})
    m.replace_report(b, "/src/b", "files/b/b", {}, name="003_445335a71f9baff7.txt")
    cur = lambda: {r["file"]: r["current"] for r in m.con.execute("SELECT file, current FROM reports")}
    assert cur() == {a.file: 0, b.file: 1}  # both balance: the newer one
    assert m.report(b.file)["name"] == a.file
    assert [r["file"] for r in m.editions(a.meta.agency, 2019)] == [b.file, a.file]
    v = m.version()
    assert m.set_current(a.file) and m.version() != v
    assert cur() == {a.file: 1, b.file: 0}
    m.replace_report(b, "/src/b", "files/b/b", {})  # a re-parse of the other edition keeps the choice
    assert cur() == {a.file: 1, b.file: 0} and m.report(b.file)["name"] == a.file
    m.delete_report(a.file)
    assert cur() == {b.file: 1}
    assert not m.set_current("nope.txt")


def test_unbalanced_edition_is_not_current_by_default(tmp_path, sample_dir):
    from index.pipeline import parse_report

    src = (sample_dir / "003_445335a71f9baff7.txt").read_text(encoding="utf-8")
    bad = tmp_path / "unbalanced.txt"
    bad.write_text(src.replace("一、本年新增政府信息公开申请数量\t\t158\t", "一、本年新增政府信息公开申请数量\t\t148\t", 1),
                   encoding="utf-8")
    m = Manifest(tmp_path / "library.sqlite")
    good, worse = parse_report(sample_dir / "003_445335a71f9baff7.txt"), parse_report(bad)
    assert audit_status(worse.checks) == "fail" and audit_status(good.checks) != "fail"
    m.replace_report(good, "/g", "files/g/g", {})
    m.replace_report(worse, "/b", "files/b/b", {})  # newer, but its tables do not balance
    assert m.report(good.file)["current"] == 1 and m.report(worse.file)["current"] == 0
