"""GET / (the search page) over the API tests' real SQLite index: what a person sees equals what GET /search answers."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import lxml.html
import pytest


def page_of(response) -> lxml.html.HtmlElement:
    """The parsed HTML of a page that answered 200."""
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return lxml.html.fromstring(response.text)


def shown_total(doc: lxml.html.HtmlElement) -> int:
    """The result count the page shows, checked against its data-total attribute."""
    (total,) = doc.cssselect("#total")
    assert total.text_content().strip() == total.get("data-total")
    return int(total.get("data-total"))


def facet_links(doc: lxml.html.HtmlElement, name: str) -> dict[str, tuple[int, str]]:
    """One facet as shown: {value: (count, link)}."""
    found = {}
    for link in doc.cssselect(f'.facet[data-facet="{name}"] a.facet-value'):
        (count,) = link.getparent().cssselect(".count")
        found[link.get("data-value")] = (int(count.text_content()), link.get("href"))
    return found


def query_of(href: str) -> list[tuple[str, str]]:
    """The query pairs of a link."""
    return parse_qsl(urlsplit(href).query)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "行政复议"},
        {"province": "福建省", "report_year": "2022"},
        {"has_failed_checks": "true"},
        {"where": "applications.new_received.total>=10", "sort": "-applications.new_received.total"},
    ],
)
def test_total_and_hits_equal_the_api(client, params):
    doc = page_of(client.get("/", params=params))
    api = client.get("/search", params=params).json()
    assert shown_total(doc) == api["total"]
    titles = [a.text_content() for a in doc.cssselect(".hit a.hit-title")]
    assert titles == [hit["title"] for hit in api["data"]]
    assert [a.get("href") for a in doc.cssselect(".hit a.hit-title")] == [f"/report/{h['id']}" for h in api["data"]]


def test_facet_links_show_the_api_counts_and_add_their_filter(client):
    doc = page_of(client.get("/", params={"q": "政府信息公开"}))
    api = client.get("/search", params={"q": "政府信息公开", "facets": ["province", "format"]}).json()
    for name in ("province", "format"):
        shown = facet_links(doc, name)
        assert {v: c for v, (c, _) in shown.items()} == {f["value"]: f["count"] for f in api["facets"][name]}
    count, href = facet_links(doc, "province")["福建省"]
    assert query_of(href) == [("q", "政府信息公开"), ("province", "福建省")]
    narrowed = page_of(client.get(href))
    assert shown_total(narrowed) == count


def test_facet_labels_are_chinese(client):
    doc = page_of(client.get("/"))
    labels = {a.get("data-value"): a.text_content() for a in doc.cssselect('.facet[data-facet="format"] a.facet-value')}
    assert labels["legacy"] == "旧版报告（无统一表格）" and labels["2019"] == "2019年版表格"
    headings = [h.text_content() for h in doc.cssselect(".facet h2")]
    assert "省份" in headings and "表格校验" in headings


def test_selected_filter_is_listed_with_a_link_that_removes_it(client):
    doc = page_of(client.get("/", params={"q": "行政复议", "province": "福建省", "page": "1"}))
    (chip,) = doc.cssselect(".selected-filter")
    assert "省份" in chip.text_content() and "福建省" in chip.text_content()
    (remove,) = chip.cssselect("a.remove")
    assert query_of(remove.get("href")) == [("q", "行政复议")]
    selected = facet_links(doc, "province")["福建省"][1]
    assert query_of(selected) == [("q", "行政复议")]  # the selected facet value's link removes it too
    everywhere = page_of(client.get(remove.get("href")))
    assert shown_total(everywhere) == client.get("/search", params={"q": "行政复议"}).json()["total"]


def test_exports_and_json_links_carry_the_same_query(client):
    params = [("q", "行政复议"), ("province", "福建省"), ("sort", "-published"), ("page", "1")]
    doc = page_of(client.get("/", params=params))
    (csv_link,) = doc.cssselect("#export-csv")
    (atom_link,) = doc.cssselect("#export-atom")
    assert csv_link.get("href").startswith("/search.csv?") and atom_link.get("href").startswith("/search.atom?")
    assert query_of(csv_link.get("href")) == params[:3] == query_of(atom_link.get("href"))
    assert query_of(doc.cssselect("#export-jsonl")[0].get("href")) == params[:3]
    assert query_of(doc.cssselect("#export-json")[0].get("href")) == params
    assert client.get(csv_link.get("href")).status_code == 200


def test_snippets_keep_only_their_marks(client):
    doc = page_of(client.get("/", params={"q": "行政复议"}))
    snippets = doc.cssselect(".hit .snippet")
    assert snippets and all(s.cssselect("mark") for s in snippets)
    assert {m.text_content() for s in snippets for m in s.cssselect("mark")} == {"行政复议"}
    assert not [el for s in snippets for el in s.iterdescendants() if el.tag != "mark"]


def test_hits_show_the_number_the_query_sorts_by(client):
    sort = "-applications.new_received.total"
    doc = page_of(client.get("/", params={"sort": sort, "where": "applications.new_received.total>=10"}))
    api = client.get("/search", params={"sort": sort, "where": "applications.new_received.total>=10"}).json()
    shown = [
        hit.cssselect('.figure.focus[data-number="applications.new_received.total"] dd')
        for hit in doc.cssselect(".hit")
    ]
    assert [s[0].text_content() for s in shown] == [
        str(h["figures"]["applications.new_received.total"]) for h in api["data"]
    ]


def test_paging_links(client):
    doc = page_of(client.get("/", params={"size": "3"}))
    links = {a.text_content(): a.get("href") for a in doc.cssselect(".pages a")}
    assert query_of(links["下一页"]) == [("size", "3"), ("page", "2")]
    second = page_of(client.get(links["下一页"]))
    api = client.get("/search", params={"size": 3, "page": 2}).json()
    assert [a.text_content() for a in second.cssselect("a.hit-title")] == [h["title"] for h in api["data"]]


def test_form_submission_redirects_to_the_api_parameters(client):
    form = [
        ("q", "行政复议"),
        ("province", ""),
        ("level", ""),
        ("where_number", "applications.new_received.total"),
        ("where_op", ">="),
        ("where_value", "10"),
        ("sort", "relevance"),
    ]
    response = client.get("/", params=form, follow_redirects=False)
    assert response.status_code == 303
    assert query_of(response.headers["location"]) == [
        ("q", "行政复议"),
        ("sort", "relevance"),
        ("where", "applications.new_received.total>=10"),
    ]


def test_short_region_names_resolve_to_the_full_name(client):
    response = client.get("/", params={"province": "福建"}, follow_redirects=False)
    assert response.status_code == 303 and query_of(response.headers["location"]) == [("province", "福建省")]
    doc = page_of(client.get("/", params={"province": "福建"}))
    assert shown_total(doc) == client.get("/search", params={"province": "福建省"}).json()["total"]
    assert "福建省" in doc.cssselect(".selected-filter")[0].text_content()


@pytest.mark.parametrize(
    "params, words",
    [
        ({"page": "abc"}, ["page", "应为整数"]),
        ({"sort": "loudest"}, ["sort", "不在可选值之内"]),
        ({"where": "applications.new_received.total>>3"}, ["where"]),
        ({"colour": "red"}, ["colour", "不是可用的参数"]),
        ({"province": "火星省"}, ["火星省", "未知的省份"]),
    ],
)
def test_bad_parameters_give_a_chinese_422_page(client, params, words):
    response = client.get("/", params=params)
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    doc = lxml.html.fromstring(response.text)
    assert doc.cssselect("#error")[0].get("data-status") == "422"
    assert "参数有误" in doc.cssselect("h1")[0].text_content()
    text = doc.text_content()
    assert all(word in text for word in words)


@pytest.mark.parametrize(
    "q", ['"行政复议', "*", "NEAR(行政 复议)", "行政复议 AND", "(((", "-", "^", "\u0000", "复议" * 300]
)
def test_any_text_query_gives_a_page_never_a_500(client, q):
    response = client.get("/", params={"q": q})
    assert response.status_code in (200, 422) and response.headers["content-type"].startswith("text/html")
    if response.status_code == 200:
        assert (
            shown_total(lxml.html.fromstring(response.text)) == client.get("/search", params={"q": q}).json()["total"]
        )
