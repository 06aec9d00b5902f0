"""ptgov, the platform built like the real Pingtan one: the route down to the department columns, links that
exist only in bindings, the script-only pager, and a truth the indexer's reading of each page agrees with."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from portal_helpers import fetch

from indexer.errors import NotAReport
from indexer.record import build_record
from sample_portal.portal import build_portal
from sample_portal.sites import ptgov

SEED_HINTS = {"province": "福建省", "city": "福州市", "county": "平潭县"}
FIELDS = ("title", "agency", "agency_type", "province", "city", "county", "report_year", "format", "stats")
BINDINGS = ("ms-attr-href", ":href")
PATHS_TEMPLATE = re.compile(r"\{\{paths\[(\d+)\]\}\}")
COUNT_PAGE = re.compile(r"var countPage = (\d+)")
UNUSUAL_TITLES = (
    "平潭县卫生局2013年度政府信息公开情况总结",
    "平潭县卫生局2011年度政府信息公开",
    "平潭县海洋与渔业局2011年工作公开年度报告",
    "平潭县人防办2011年度政府信息工作公开年度报告",
)
LOOKALIKE_WORDS = ("落实情况的函", "自查报告", "工作总结暨", "工作计划", "工作要点")
COLUMNS = [ptgov.OWN_COLUMN] + [p.column_dir for p in ptgov.PLATFORMS if p.bodies]


def page_tree(url: str) -> lxml.html.HtmlElement:
    """Fetch a page and parse it."""
    answer = fetch(url)
    assert answer.status == 200, url
    return lxml.html.fromstring(answer.text)


def plain_links(url: str) -> set[str]:
    """The paths a page links with a plain href (resolved against its URL)."""
    found = (urljoin(url, a.get("href")) for a in page_tree(url).iter("a") if a.get("href"))
    return {urlsplit(link).path for link in found if not link.startswith("javascript")}


def resolve_binding(value: str, url: str) -> str | None:
    """Resolve an avalon `{{paths[N]}}` template by the page URL (paths = location.href.split('/')) or a Vue
    string literal; None for an expression (el.url, logoutUrl)."""
    parts = url.split("/")
    if value.startswith("'") and value.endswith("'"):
        return value.strip("'")
    resolved = PATHS_TEMPLATE.sub(lambda m: parts[int(m.group(1))], value)
    return resolved if resolved.startswith("/") else None


def bound_links(url: str) -> set[str]:
    """The paths a page links only through attribute bindings."""
    tree = page_tree(url)
    values = (a.get(name) for a in tree.iter("a") for name in BINDINGS if a.get(name))
    return {link for link in (resolve_binding(v, url) for v in values if v) if link}


@pytest.fixture(scope="module")
def ptgov_paths() -> list[str]:
    """Every static page path of ptgov."""
    return [path for path in build_portal().routes if path.startswith("/ptgov/")]


def test_route_down_is_home_zfxxgk_directory_platform_column(portal: str) -> None:
    assert ptgov.ZFXXGK in plain_links(portal + ptgov.HOME)
    menu = page_tree(portal + ptgov.ZFXXGK).xpath(f"//a[@href='{ptgov.DIRECTORY}']")
    assert len(menu) == 1 and menu[0].find(".//br") is not None
    assert "".join(menu[0].itertext()).strip() == "地方部门平台链接"
    on_directory = plain_links(portal + ptgov.DIRECTORY)
    for platform in ptgov.PLATFORMS:
        assert platform.folder in on_directory
        if platform.bodies:
            assert platform.column_dir in bound_links(portal + platform.folder)


def test_only_the_zfxxgk_menu_and_group_pages_lead_to_the_directory(portal: str, ptgov_paths: list[str]) -> None:
    """The government's 政府信息公开 menu (on its own pages and 年报 column) and the groups' breadcrumbs."""
    pages = [p for p in ptgov_paths if not re.search(r"/t\d{8}_\d+\.htm$", p)]
    linking = {p for p in pages if ptgov.DIRECTORY in plain_links(portal + p)}
    groups = {f"{ptgov.DIRECTORY}{key}/index.html" for key, _ in ptgov.GROUPS}
    own_column = {ptgov.OWN_COLUMN + "index.html", ptgov.OWN_COLUMN + "index_1.html"}
    assert linking == {ptgov.ZFXXGK + "index.html"} | own_column | groups
    assert not plain_links(portal + ptgov.HOME) & ({ptgov.DIRECTORY} | groups)
    platform_folders = {p.folder for p in ptgov.PLATFORMS}
    outside = [p for p in pages if not p.startswith(ptgov.DIRECTORY)]
    assert not any(plain_links(portal + p) & platform_folders for p in outside)


def test_department_columns_are_linked_only_by_bindings(portal: str, ptgov_paths: list[str]) -> None:
    """No page links a platform's column with a plain href, except its own detail pages (breadcrumb)."""
    for platform in ptgov.PLATFORMS:
        if not platform.bodies:
            continue
        column = platform.column_dir
        linking = {p for p in ptgov_paths if column in plain_links(portal + p)}
        assert all(p.startswith(column) and p.endswith(".htm") for p in linking), (column, linking)
        home = page_tree(portal + platform.folder)
        attribute = ":href" if platform.binding == "vue" else "ms-attr-href"
        bound = [a for a in home.iter("a") if "年报" in a.text_content()]
        assert len(bound) == 1 and bound[0].get("href") is None and bound[0].get(attribute)
        assert resolve_binding(bound[0].get(attribute), portal + platform.folder) == column
        assert fetch(portal + column).status == 200
    assert Counter(p.binding for p in ptgov.PLATFORMS if p.bodies) == {"avalon": 6, "vue": 1}


def test_the_avalon_template_resolves_from_the_platform_url_like_the_real_one(portal: str) -> None:
    platform = ptgov.PLATFORMS[0]
    raw = fetch(portal + platform.folder).text
    assert 'ms-attr-href="/ptgov/zwgk/zfxxgk/{{paths[6]}}/{{paths[7]}}/{{paths[8]}}/zfxxgknb/"' in raw
    for url in (portal + platform.folder, portal + platform.folder + "index.html"):
        assert platform.column_dir in bound_links(url)


@pytest.mark.parametrize("column", COLUMNS)
def test_longer_columns_page_only_by_countpage_script(portal: str, truth: dict, column: str) -> None:
    first = fetch(portal + column + "index.html").text
    listed: list[str] = []
    count_found = COUNT_PAGE.search(first)
    count = int(count_found.group(1)) if count_found else 1
    for index in range(count):
        url = portal + column + ("index.html" if index == 0 else f"index_{index}.html")
        tree = page_tree(url)
        assert not tree.xpath("//a[contains(@href, 'index_')]"), url  # no pager link outside the script
        assert "createPageHTML" not in fetch(url).text
        listed += [urljoin(url, a.get("href")) for a in tree.xpath("//dl/dd/a")]
    assert fetch(f"{portal}{column}index_{count}.html").status == 404
    expected = {d["url"] for d in truth["reports"] + truth["lookalikes"] if d["url"].startswith(portal + column)}
    assert sorted(listed) == sorted(expected) and len(expected) > 0
    assert (count > 1) == (len(expected) > 10)


def test_some_columns_need_three_pages_and_some_one(portal: str) -> None:
    counts = [COUNT_PAGE.search(fetch(portal + c + "index.html").text) for c in COLUMNS]
    assert max(int(m.group(1)) for m in counts if m) == 3
    assert any(m is None for m in counts)


def test_columns_mix_genuine_reports_and_lookalikes(truth: dict) -> None:
    reports = [r for r in truth["reports"] if r["site"] == "ptgov"]
    lookalikes = [item["title"] for item in truth["lookalikes"] if item["site"] == "ptgov"]
    assert set(UNUSUAL_TITLES) <= {r["title"] for r in reports}
    assert {r["format"] for r in reports} == {"legacy", "2019", "2021"}
    assert all(any(word in title for title in lookalikes) for word in LOOKALIKE_WORDS)
    assert len(reports) >= 40 and len({r["agency"] for r in reports}) >= 8


def test_indexer_reads_every_report_as_the_truth_and_rejects_every_lookalike(truth: dict) -> None:
    """The real indexer, on the served pages: the unusual titles are accepted by their content."""
    for entry in (r for r in truth["reports"] if r["site"] == "ptgov"):
        record = build_record(fetch(entry["url"]).body, url=entry["url"], hints=SEED_HINTS)
        assert {k: record[k] for k in FIELDS} == {k: entry[k] for k in FIELDS}, entry["url"]
        assert (record["published"] or "")[:10] == entry["published"]
    for item in (x for x in truth["lookalikes"] if x["site"] == "ptgov"):
        with pytest.raises(NotAReport):
            build_record(fetch(item["url"]).body, url=item["url"], hints=SEED_HINTS)


def test_town_governments_are_bodies_apart_from_the_county(truth: dict) -> None:
    governments = {a["name"]: a["kind"] for a in truth["agencies"] if a["region_code"] == "350128"}
    assert governments["平潭县人民政府"] == governments["平潭县潭城镇人民政府"] == "政府"
    assert governments["平潭县苏澳镇人民政府"] == "政府" and governments["平潭县财政局"] == "部门"
    civil_defence = next(r for r in truth["reports"] if r["agency"] == "平潭县人防办")
    assert civil_defence["agency_type"] is None  # 人防办 does not tell its kind; the indexer leaves it out too
