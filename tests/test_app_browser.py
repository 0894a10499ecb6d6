"""The app in headless Chromium (Debian's /usr/bin/chromium driven by Playwright; nothing downloaded), against
the real app in a subprocess on a copy of the built store. Screenshots go to tests/artifacts/; with
NIANBAO_UPDATE_SCREENSHOTS=1 one per tab is also copied to docs/screenshots/ for the README."""
from __future__ import annotations

import re
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
SECOND = UPLOAD.with_name("hongze_2023.pdf")
TABS = ("问答", "年报库", "原文检索", "数据", "简报")

# what staff may see in Latin letters: file formats, units and the office programs the exports open in
ALLOWED = {"PDF", "DOCX", "TXT", "HTML", "PNG", "JPG", "MB", "KB", "CSV", "Excel", "Word", "Markdown", "docx", "md"}
ENGLISH = re.compile(r"[A-Za-z]{2,}")
# a file's name, not a word (gr.File prints the stem and the extension apart: "hongze_2023", ".pdf")
FILE_NAME = re.compile(r"[\w.…-]*\s*\.(?:txt|pdf|docx|md|html?|png|jpe?g|xyz|xlsx|csv)\b", re.I)
GRADIO_TEXT = ("通过 API 使用", "使用 Gradio 构建", "common.", "Textbox", "Dropdown", "Error", "Warning", "Info")


def leftovers(page) -> list[str]:
    """English words and Gradio's own text rendered in the page (innerText: what is displayed, or read out to a
    screen reader), the badge of a failed event, a progress overlay, the footer."""
    text = page.evaluate("() => document.body.innerText")
    found = sorted(set(ENGLISH.findall(FILE_NAME.sub(" ", text))) - ALLOWED)
    found += [t for t in GRADIO_TEXT if t in text]
    for what, sel in (("错误 badge", "[data-testid=status-tracker] .error"),
                      ("progress overlay", "[data-testid=status-tracker] .progress-level"),
                      ("timer", "[data-testid=status-tracker] .progress-text"), ("footer", "footer")):
        if page.locator(sel).locator("visible=true").count():
            found.append(what)
    return found


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
    # matplotlib figures (gr.Plot): each one an image the browser decodes, the trend redrawn for another pick
    for chart in ("#chart-apps", "#chart-review", "#chart-outcomes", "#chart-trend"):
        img = page.locator(f"{chart} img").first
        img.wait_for(timeout=60_000)
        page.wait_for_function("(el) => el.complete && el.naturalWidth > 300", arg=img.element_handle())
    expect(page.locator("#data-pivot")).to_contain_text("68")
    before = page.locator("#chart-trend img").first.get_attribute("src")
    page.locator("#chart-trend-pick input").click()
    page.get_by_role("option", name="行政诉讼", exact=True).click()
    page.wait_for_function("(b) => { const i = document.querySelector('#chart-trend img'); return i && i.src !== b; }",
                           arg=before, timeout=30_000)
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


def _every_tab_is_clean(page, where: str):
    for name in TABS:
        _tab(page, name)
        page.wait_for_timeout(600)
        assert leftovers(page) == [], f"{where}, tab {name}: {leftovers(page)}"


def _toast_titles(page) -> list[str]:
    return [t.strip() for t in page.locator(".toast-title").all_inner_texts()]


@pytest.mark.skipif(not SECOND.exists(), reason="real PDF sample missing")
def test_a_session_leaves_no_english_and_no_gradio_leftovers(page, app, tmp_path):
    """Issue 15 item 3: asking, uploading (good, bad, empty), deleting, charting and drafting a 简报; empty
    actions are disabled, upload progress is one line, a deleted report is named, notices are titled in
    Chinese, and no tab shows an English word or Gradio's own text at any step."""
    _every_tab_is_clean(page, "on opening")
    _tab(page, "问答")
    expect(page.locator("#chat-send")).to_be_disabled()
    page.locator("#chat-input textarea").fill(QUESTION)
    page.locator("#chat-send").click()
    expect(page.locator("#chat-status")).to_contain_text("依据", timeout=120_000)
    # the status line sits right under the answer, above the question box
    bot, status, box = (page.locator(s).bounding_box() for s in ("#chat-bot", "#chat-status", "#chat-input"))
    assert bot["y"] + bot["height"] <= status["y"] + 1 and status["y"] < box["y"]
    page.locator("#chat-bot button[aria-label='赞']").first.click()
    expect(page.locator(".toast-title").first).to_be_visible()
    assert _toast_titles(page) and set(_toast_titles(page)) <= {"提示"}
    page.get_by_text("服务器模型（不可用）").click()  # a warning, then back to 无模型
    expect(page.get_by_text("已改用“无模型”")).to_be_visible()
    assert set(_toast_titles(page)) <= {"提示"}
    _every_tab_is_clean(page, "after asking")

    _tab(page, "年报库")
    for b in ("#lib-import", "#lib-delete", "#lib-save", "#lib-reingest"):
        expect(page.locator(b)).to_be_disabled()  # nothing chosen: nothing to press
    (tmp_path / "空白.txt").write_bytes(b"")
    (tmp_path / "表格.xyz").write_text("不是年报", encoding="utf-8")
    (tmp_path / "说明.md").write_text("# 使用说明\n\n本工具用于整理会议纪要。\n", encoding="utf-8")  # not a report
    page.locator("#lib-upload input[type=file]").set_input_files(
        [str(SECOND), str(tmp_path / "空白.txt"), str(tmp_path / "表格.xyz"), str(tmp_path / "说明.md")])
    expect(page.locator("#lib-import")).to_be_enabled()
    page.locator("#lib-import").click()
    line = page.locator("#lib-progress")
    expect(line).to_contain_text("正在导入", timeout=30_000)
    assert leftovers(page) == [], leftovers(page)  # while importing: the one line, no overlay on the tab
    expect(line).to_contain_text("导入完成", timeout=300_000)
    assert "1 份已导入" in line.inner_text() and "3 份未能导入" in line.inner_text()
    results = page.locator("#lib-results")
    for why in ("文件是空的", "不支持的文件类型", "洪泽区"):
        expect(results).to_contain_text(why)
    assert leftovers(page) == [], leftovers(page)

    page.locator("#lib-table [role=row]", has_text="hongze_2023.pdf").first.click()
    expect(page.locator("#lib-delete")).to_be_enabled()
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.locator("#lib-delete").click()
    expect(page.locator("#lib-msg")).to_contain_text("已删除", timeout=120_000)
    assert "洪泽区" in page.locator("#lib-msg").inner_text()  # the report is named, not left blank
    assert asked and "洪泽区" in asked[0] and ".pdf" not in asked[0]
    expect(page.locator("#lib-table")).not_to_contain_text("hongze_2023.pdf")
    _every_tab_is_clean(page, "after uploading and deleting")

    _tab(page, "数据")
    page.locator("#chart-apps img").first.wait_for(timeout=60_000)
    for sub in ("数据明细", "核对发现", "图表"):
        page.get_by_role("tab", name=sub, exact=True).click()
        page.wait_for_timeout(800)
        assert leftovers(page) == [], f"数据 › {sub}: {leftovers(page)}"

    _tab(page, "简报")
    assert page.locator("#brief-agency input").input_value()  # filled without 刷新
    page.locator("#brief-go").click()
    expect(page.locator("#brief-status")).to_contain_text("核验", timeout=300_000)
    expect(page.locator("#brief-draft")).to_contain_text("简报")
    _tab(page, "简报")
    shot(page, "brief-tab", publish=True)
    _every_tab_is_clean(page, "after drafting a 简报")
    _tab(page, "原文检索")
    expect(page.locator("#search-btn")).to_be_disabled()


def test_first_run_ingests_the_samples_with_progress_in_the_page(tmp_path):
    """An empty store: the server ingests data/sample in the background and the page shows it, then the list."""
    with AppServer(tmp_path / "empty_store", tmp_path / "home", ["--llm", "none"]) as app, chromium_page() as page:
        page.goto(app.url)
        banner = page.locator("#nb-banner")
        expect(page.get_by_text("已导入").first).to_be_visible(timeout=300_000)  # the progress line
        shot(page, "first_run")
        # the progress names reports as staff know them, never by their (hash) file names
        assert not re.search(r"_[0-9a-f]{16}\.txt", page.evaluate("() => document.body.innerText"))
        expect(banner).to_contain_text("资料库已就绪", timeout=600_000)
        assert "5 份年报" in banner.inner_text()
        _tab(page, "年报库")
        for f in SAMPLE.glob("*.txt"):
            expect(page.locator("#lib-table")).to_contain_text(f.name)
        # the 简报's lists were empty when the page opened on the empty store; filled without pressing 刷新
        _tab(page, "简报")
        expect(page.locator("#brief-agency input")).to_have_value(re.compile("人力资源和社会保障"))
        expect(page.locator("#brief-year-from input")).to_have_value("2019")
        expect(page.locator("#brief-year-to input")).to_have_value("2020")


def test_an_unsure_reading_offers_its_alternatives_to_click(page):
    # "依申请公开" can mean several rows: the answer says how it was read, and a click asks another reading
    page.locator("#chat-input textarea").fill("福建省人社厅2020年依申请公开多少件？")
    page.locator("#chat-send").click()
    suggest = page.locator("#chat-suggest")
    expect(suggest).to_contain_text("上年结转", timeout=120_000)
    assert "按“本年新收政府信息公开申请”理解" in page.locator("#chat-bot").inner_text()
    suggest.get_by_text("上年结转", exact=False).first.click()
    bot = page.locator("#chat-bot")
    expect(bot).to_contain_text("上年结转政府信息公开申请", timeout=120_000)
    assert leftovers(page) == []
