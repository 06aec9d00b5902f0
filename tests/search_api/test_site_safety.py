"""Every page escapes what it shows (report text, titles, agency names and URLs are untrusted input), answers in
Chinese, and references nothing outside the project (no CDN, no external font): only a report's original URLs link
out. Over a real index holding a hostile report beside real ones."""

from __future__ import annotations

import lxml.html
import pytest
from fastapi.testclient import TestClient

from indexer.agencies.build import rebuild_agencies
from indexer.storage import open_backend
from registry_records import TODAY, lvyuan_records
from search_api.config import Settings
from search_api.main import create_app

HOSTILE_TITLE = '<script>alert("title")</script>福州市<b>民政局</b>2022年政府信息公开工作年度报告'
HOSTILE_AGENCY = "<img src=x onerror=alert(1)>福州市民政局"
HOSTILE_TEXT = (
    "福州市民政局2022年度报告。<script>alert('text')</script>本年度行政复议案件2件。"
    '<mark>假标记</mark> &lt;i&gt;已转义&lt;/i&gt; <a href="javascript:alert(2)">点我</a>'
)
UNSAFE = ("<script>alert", "<img src=x", "<b>民政局", 'href="javascript:', "<mark>假标记", "<i>已转义")


def hostile_record() -> dict:
    """A report whose title, agency, text and URLs try to inject HTML and script."""
    return {
        "id": "hostile-1",
        "url": "https://www.fuzhou.gov.cn/zwgk/nb/2022.html",
        "urls": ["https://www.fuzhou.gov.cn/zwgk/nb/2022.html", "javascript:alert(3)"],
        "title": HOSTILE_TITLE,
        "agency": HOSTILE_AGENCY,
        "agency_type": "民政局",
        "level": "city",
        "province": "福建省",
        "city": "福州市",
        "county": None,
        "region_code": "350100",
        "report_year": 2022,
        "published": "2023-01-20",
        "format": "2021",
        "text": HOSTILE_TEXT,
        "text_truncated_from": None,
        "stats": {"review": {"upheld": 2, "corrected": 0, "other": 0, "pending": 0, "total": 2}},
        "checks": [{"rule": "suits_totals", "ok": False, "detail": "<script>alert('detail')</script>"}],
        "source_format": "html",
        "fetched_at": "2025-03-01T08:00:00+00:00",
        "content_hash": None,
        "version": 1,
    }


@pytest.fixture(scope="module")
def api(tmp_path_factory) -> TestClient:
    """The app over the hostile report, 绿园区民政局's real ones and their agency registry."""
    path = tmp_path_factory.mktemp("site-hostile") / "reports.sqlite"
    backend = open_backend(path)
    backend.write([hostile_record(), *lvyuan_records()])
    rebuild_agencies(backend, TODAY)
    backend.close()
    with TestClient(create_app(Settings(reports_db=path))) as client:
        yield client


@pytest.fixture(scope="module")
def pages(api) -> dict[str, str]:
    """Every kind of page, by path, as served (the hostile report's pages among them)."""
    hostile_agency = api.get("/reports/hostile-1").json()["agency_id"]
    lvyuan = api.get("/search", params={"province": "吉林省", "size": 1}).json()["data"][0]
    paths = [
        "/",
        "/?q=行政复议",
        "/?q=<script>alert(1)</script>",
        "/?province=福建省&sort=-review.total",
        "/report/hostile-1",
        f"/report/{lvyuan['id']}",
        f"/agency/{hostile_agency}",
        f"/agency/{lvyuan['agency_id']}",
        "/overview",
        "/overview?province=福建省&report_year=2022",
        "/report/nothing-here",
        "/?page=<script>",
    ]
    return {path: api.get(path).text for path in paths}


def test_hostile_report_is_shown_as_text(api):
    doc = lxml.html.fromstring(api.get("/report/hostile-1").text)
    assert doc.cssselect("#report-title")[0].text_content() == HOSTILE_TITLE
    assert HOSTILE_AGENCY in doc.cssselect("#agency-link")[0].text_content()
    text = doc.cssselect("#text")[0].text_content()
    assert "<script>alert('text')</script>" in text and "<mark>假标记</mark>" in text
    assert "&lt;i&gt;已转义&lt;/i&gt;" in text  # shown as written, not decoded
    assert not doc.cssselect("#text script, #text mark, #text a, #text img")
    assert "<script>alert('detail')</script>" in doc.cssselect(".failed-checks")[0].text_content()
    (unsafe,) = [el for el in doc.cssselect("#original-links li") if "javascript:" in el.text_content()]
    assert not unsafe.cssselect("a")  # a javascript: URL is shown, never linked


def test_hostile_snippet_keeps_only_the_search_marks(api):
    doc = lxml.html.fromstring(api.get("/", params={"q": "行政复议"}).text)
    (hit,) = [h for h in doc.cssselect(".hit") if h.get("data-id") == "hostile-1"]
    assert hit.cssselect("a.hit-title")[0].text_content() == HOSTILE_TITLE
    (snippet,) = hit.cssselect(".snippet")
    assert [m.text_content() for m in snippet.cssselect("mark")] == ["行政复议"]
    assert [el.tag for el in snippet.iterdescendants()] == ["mark"]
    assert "<script>alert('text')</script>" in snippet.text_content()


def test_no_page_lets_markup_through(pages):
    for path, body in pages.items():
        for unsafe in UNSAFE:
            assert unsafe not in body, (path, unsafe)
        assert body.count("<script") == body.count('<script src="/static/site.js" defer></script>'), path


def test_pages_reference_only_local_urls_but_original_links(pages):
    for path, body in pages.items():
        doc = lxml.html.fromstring(body)
        for element in doc.iter():
            for attribute in ("src", "href", "action"):
                value = element.get(attribute)
                if value is None or "original" in (element.get("class") or ""):
                    continue
                assert value.startswith(("/", "#")) and not value.startswith("//"), (path, element.tag, value)
        assert "@import" not in body and "fonts.googleapis" not in body


def test_static_files_are_served_and_self_contained(api):
    css = api.get("/static/site.css")
    js = api.get("/static/site.js")
    assert css.status_code == js.status_code == 200
    assert "http" not in css.text and "url(" not in css.text and "@font-face" not in css.text
    assert "http" not in js.text


@pytest.mark.parametrize("path", ["/", "/report/hostile-1", "/overview"])
def test_pages_are_chinese_and_fit_a_phone(pages, path):
    doc = lxml.html.fromstring(pages[path])
    assert doc.get("lang") == "zh-CN"
    (viewport,) = doc.cssselect('meta[name="viewport"]')
    assert "width=device-width" in viewport.get("content")


def test_error_pages_are_chinese(pages):
    missing = lxml.html.fromstring(pages["/report/nothing-here"])
    assert missing.cssselect("#error")[0].get("data-status") == "404"
    assert "没有找到这份报告" in missing.text_content()
    bad = lxml.html.fromstring(pages["/?page=<script>"])
    assert "参数「page」的值「<script>」应为整数" in bad.text_content()
