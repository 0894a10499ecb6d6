"""The app in headless Chromium (Debian's /usr/bin/chromium driven by Playwright; nothing downloaded), against
the real app in a subprocess on a copy of the built store. Screenshots go to tests/artifacts/; with
NIANBAO_UPDATE_SCREENSHOTS=1 one per tab is also copied to docs/screenshots/ for the README."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import CHROMIUM, AppServer, chromium_page, shot

pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium (apt install chromium)")]

QUESTION = "2020年福建省人社厅新收政府信息公开申请多少件？"
UPLOAD = Path(__file__).resolve().parents[1].joinpath("data/real-pdf/huaian_2024.pdf")
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


@pytest.fixture(scope="module")
def app(built_store, tmp_path_factory):
    root = tmp_path_factory.mktemp("app_browser")
    store = root / "store"
    shutil.copytree(built_store, store)
    server = AppServer(store, root / "home", ["--llm", "none", "--no-first-run"]).start()
    yield server
    server.stop()


@pytest.fixture
def page(app):
    with chromium_page() as p:
        p.goto(app.url)
        p.get_by_role("tab", name="问答").wait_for()
        yield p


def _tab(page, name):
    page.get_by_role("tab", name=name, exact=True).click()


def test_ask_and_open_the_cited_source(page, app):
    page.locator("#chat-input textarea").fill(QUESTION)
    page.locator("#chat-send").click()
    answer = page.locator("#chat-bot .message-row").last  # the assistant's bubble
    link = page.locator("#chat-bot a.nb-cite").first
    link.wait_for(timeout=120_000)
    assert "68" in answer.inner_text()
    panel = page.locator("#cite-panel")
    panel.locator(".nb-panel-head").wait_for()
    # the first citation opens with the answer; clicking the inline [1] opens it again
    link.click()
    page.wait_for_timeout(800)
    text = panel.inner_text()
    assert "福建省人力资源和社会保障厅" in text and "2020" in text
    assert panel.locator("td.nb-hit, mark").count() >= 1
    assert "68" in panel.locator("td.nb-hit, mark").first.inner_text()
    shot(page, "chat", publish=True)
    # copy answer: the text with its sources spelled out
    page.locator("#chat-copy").click()
    page.wait_for_function("() => (window.nbLastCopied || '').includes('出处')")
    assert "68" in page.evaluate("window.nbLastCopied")
    # a follow-up, then the first answer's [1] still opens the first answer's source
    page.locator("#chat-input textarea").fill("2019年呢？")
    page.locator("#chat-send").click()
    page.locator("#chat-bot a.nb-cite[href='#nb-cite-1-1']").wait_for(timeout=120_000)
    assert "52" in page.locator("#chat-bot").inner_text()
    expect(panel).to_contain_text("2019")
    page.locator("#chat-bot a.nb-cite[href='#nb-cite-0-1']").click()
    expect(panel).to_contain_text("2020")
    expect(panel.locator("td.nb-hit")).to_have_text("68")
    # thumbs up is saved for review
    page.locator("#chat-bot button[aria-label='赞']").first.click()
    expect(page.get_by_text("谢谢反馈").first).to_be_visible()
    import json
    rec = json.loads((app.store / "feedback.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert rec["type"] == "rating" and rec["liked"] and "68" in rec["answer"]


def test_search_and_copy_a_citation(page):
    _tab(page, "原文检索")
    page.locator("#search-q textarea").fill("人社福精灵")
    page.locator("#search-btn").click()
    first = page.locator("#search-results .nb-hit-card").first
    first.wait_for()
    assert "人社福精灵" in first.locator("mark").first.inner_text()
    first.locator("button.nb-copy").click()
    page.wait_for_function("() => !!window.nbLastCopied")
    copied = page.evaluate("window.nbLastCopied")
    assert copied.startswith("《福建省人力资源和社会保障厅") and "年政府信息公开工作年度报告》" in copied
    assert "人社福精灵" in copied and "行" in copied
    assert page.locator("#search-cite-box textarea").input_value() == copied
    shot(page, "search", publish=True)


def test_data_tab_shows_charts_and_pivot(page):
    _tab(page, "数据")
    chart = page.locator("#chart-apps")
    chart.locator("canvas, svg").first.wait_for(timeout=60_000)
    expect(page.locator("#data-pivot")).to_contain_text("68")
    page.locator("#chart-outcomes").scroll_into_view_if_needed()
    page.locator("#chart-outcomes canvas, #chart-outcomes svg").first.wait_for()
    page.locator("#chart-apps").scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    shot(page, "data", publish=True)


@pytest.mark.skipif(not UPLOAD.exists(), reason="real PDF sample missing")
def test_upload_a_report_and_see_it_listed_with_its_audit(page):
    _tab(page, "年报库")
    expect(page.locator("#lib-table")).to_contain_text("002_6b472aee8860b578.txt")
    page.locator("#lib-upload input[type=file]").set_input_files(str(UPLOAD))
    page.locator("#lib-import").click()
    results = page.locator("#lib-results")
    expect(results).to_contain_text("已导入", timeout=240_000)
    assert UPLOAD.name in results.inner_text()
    expect(page.locator("#lib-table")).to_contain_text(UPLOAD.name)
    row = page.locator("#lib-table [role=row]", has_text=UPLOAD.name).first
    assert any(s in row.inner_text() for s in ("通过", "不一致", "存疑", "无法核验"))
    assert page.locator("#lib-audit").inner_text().strip()
    shot(page, "library", publish=True)


def test_first_run_ingests_the_samples_with_progress_in_the_page(tmp_path):
    """An empty store: the server ingests data/sample in the background and the page shows it, then the list."""
    with AppServer(tmp_path / "empty_store", tmp_path / "home", ["--llm", "none"]) as app, chromium_page() as page:
        page.goto(app.url)
        banner = page.locator("#nb-banner")
        expect(page.get_by_text("已导入").first).to_be_visible(timeout=300_000)  # the progress line
        shot(page, "first_run")
        expect(banner).to_contain_text("资料库已就绪", timeout=600_000)
        assert "5 份年报" in banner.inner_text()
        _tab(page, "年报库")
        for f in SAMPLE.glob("*.txt"):
            expect(page.locator("#lib-table")).to_contain_text(f.name)
