"""The API documents itself: every parameter described with an example, typed responses, and /docs and /redoc that
load nothing from outside the API (no CDN, no Google Fonts)."""

from __future__ import annotations

import re

import pytest
from lxml import html

ASSET_ATTRIBUTES = ("src", "href")
QUOTED_URL = re.compile(r"""url:\s*['"]([^'"]+)['"]""")  # the spec Swagger UI is told to load


def has_example(parameter: dict) -> bool:
    """Whether a parameter (or its schema) carries an example."""
    schema = parameter.get("schema", {})
    return any(p.get("example") is not None or p.get("examples") for p in (parameter, schema))


def test_every_parameter_of_every_route_is_described_with_an_example(client):
    spec = client.get("/openapi.json").json()
    undocumented = [
        f"{method.upper()} {path} {parameter['name']}"
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if not parameter.get("description") or not has_example(parameter)
    ]
    assert spec["paths"] and undocumented == []


def test_the_where_grammar_and_region_forms_are_documented(client):
    parameters = {p["name"]: p for p in client.get("/openapi.json").json()["paths"]["/search"]["get"]["parameters"]}
    where = parameters["where"]["description"]
    assert all(op in where for op in (">=", "<=", "!=", "null", "GET /numbers", "review.total>=1"))
    assert "吉林" in parameters["province"]["description"] or "short" in parameters["province"]["description"]
    assert "0:" in parameters["size"]["description"]


def resolve(spec: dict, schema: dict) -> dict:
    """A schema with its $ref (or its one non-null anyOf branch) followed."""
    if "anyOf" in schema:
        (schema,) = [s for s in schema["anyOf"] if s.get("type") != "null"]
    if "$ref" in schema:
        return spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_stats_and_resolved_are_typed_in_the_responses(client):
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    stats = resolve(spec, schemas["Report"]["properties"]["stats"])
    assert stats["properties"] and "applications" in stats["properties"]
    assert resolve(spec, stats["properties"]["applications"])["properties"]
    for envelope in ("SearchResponse", "AgenciesResponse"):
        resolved = schemas[envelope]["properties"]["resolved"]
        assert resolved["additionalProperties"] == {"type": "array", "items": {"type": "string"}}
    assert set(schemas["NumbersResponse"]["properties"]) == {"numbers", "checks", "signals"}
    region_error = schemas["ParameterError"]["properties"]["suggestions"]
    assert resolve(spec, region_error)["items"] == {"type": "string"}


def local_urls(client, page: str) -> list[str]:
    """Every URL a docs page loads (scripts, styles, icons, the spec), checked to be on this server."""
    tree = html.fromstring(client.get(page).text)
    urls = [element.get(a) for a in ASSET_ATTRIBUTES for element in tree.iter() if element.get(a)]
    urls += [element.get("spec-url") for element in tree.iter("redoc")]
    urls += [url for script in tree.iter("script") for url in QUOTED_URL.findall(script.text or "")]
    assert urls and all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    return urls


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_only_local_assets(client, page):
    response = client.get(page)
    assert response.status_code == 200
    assert "fonts.googleapis" not in response.text and "cdn.jsdelivr" not in response.text
    for url in local_urls(client, page):
        asset = client.get(url)
        assert asset.status_code == 200 and asset.content, url


def test_swagger_ui_asks_no_online_validator(client):
    assert '"validatorUrl": null' in client.get("/docs").text
