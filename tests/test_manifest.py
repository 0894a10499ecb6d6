"""The manifest writes one report per transaction and gives back the records it stored."""
import pytest

from index.manifest import Manifest, audit_status


def test_replace_report_round_trip_and_version_stamp(tmp_path, sample_dir, pipeline_ready):
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


def test_a_failed_transaction_changes_nothing(tmp_path, sample_dir, pipeline_ready):
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
