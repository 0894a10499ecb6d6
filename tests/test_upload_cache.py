"""Gradio's upload cache is cleaned after an upload is ingested (issue 16): the store keeps its own copy."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
F003 = "003_445335a71f9baff7.txt"


def test_uploaded_temp_copies_are_deleted_and_other_files_kept(store_copy, tmp_path, monkeypatch):
    from assistant.ui.services import Services, upload_cache
    from index.library import Library

    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    up = upload_cache() / "3f2a9c" / "上传的年报.txt"  # Gradio's layout: <cache>/<hash>/<name>
    up.parent.mkdir(parents=True)
    up.write_text((ROOT / "data" / "sample" / F003).read_text(encoding="utf-8") + "\n（上传的版本）\n",
                  encoding="utf-8")
    bad = upload_cache() / "77aa01" / "empty.txt"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"")
    mine = tmp_path / "mine" / "own.txt"  # a path given from outside the cache is never deleted
    mine.parent.mkdir()
    mine.write_text("不是报告", encoding="utf-8")
    results = Services(store_copy).ingest([str(up), str(bad), str(mine)])
    status = {r.name or r.file: r.status for r in results}
    assert status["上传的年报.txt"] in ("ok", "warning") and status["empty.txt"] == "error"
    assert not up.exists() and not up.parent.exists() and not bad.exists()
    assert mine.exists()
    stored = [r for r in results if r.name == "上传的年报.txt"][0]
    copy = Library(store_copy).source_path(stored.file)
    assert copy is not None and copy.is_relative_to(store_copy) and "（上传的版本）" in copy.read_text(encoding="utf-8")
