"""GET /reports/{id}/versions, /diff, /source and the version filters, sorts, facets and columns of /search(.csv),
over a real SQLite index with version history and a real web archive (tests/search_api/archived_reports.py)."""

from __future__ import annotations

import csv
import io
import os

import pytest
from archived_reports import (
    AGAIN_AT,
    EDITED,
    EDITED_AT,
    EDITED_TYPE,
    FIRST_AT,
    FIRST_TYPE,
    GONE,
    GONE_AT,
    LOST_FILE,
    NEW_SENTENCE,
    NO_CAPTURE,
    OLD_SENTENCE,
    OUTSIDE,
    ArchivedIndex,
    build_archived_index,
)
from fastapi.testclient import TestClient

from indexer.model import Capture
from search_api.config import Settings
from search_api.main import create_app
from search_api.replay import NotArchived, header_url, memento_datetime, warc_path

VERSION_KEYS = ["version", "content_hash", "first_seen", "last_seen", "change_summary", "capture", "title", "published"]
NEW_CELL_CHANGE = {
    "cell": "applications.new_received.natural_person",
    "label": "三·本年新收政府信息公开申请数量·自然人",
    "old": 80,
    "new": 82,
}


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> ArchivedIndex:
    """The index with version history and its web archive."""
    return build_archived_index(tmp_path_factory.mktemp("versions"))


@pytest.fixture(scope="module")
def api(index) -> TestClient:
    """The API over that index, its archive folder set (REPORTS_ARCHIVE_DIR)."""
    with TestClient(create_app(Settings(reports_db=index.db, reports_archive_dir=index.archive))) as client:
        yield client


def errors(response) -> list[tuple[str, str]]:
    """(parameter, message) of each error of a 422 (loc: query, the parameter, and an index for a repeated one)."""
    assert response.status_code == 422
    return [(err["loc"][1], err["msg"]) for err in response.json()["detail"]]


# --------------------------------------------------------------------------- GET /reports/{id}/versions
def test_versions_oldest_first_without_texts(api, index):
    report = index.ids[EDITED]
    body = api.get(f"/reports/{report}/versions").json()
    assert body["report_id"] == report and [v["version"] for v in body["versions"]] == [1, 2]
    first, second = body["versions"]
    assert all(list(v) == VERSION_KEYS for v in body["versions"])  # no text, no record
    assert (first["first_seen"], first["last_seen"], first["change_summary"]) == (FIRST_AT, FIRST_AT, None)
    assert (second["first_seen"], second["last_seen"]) == (EDITED_AT, AGAIN_AT)  # seen again unchanged: no version 3
    assert "80 → 82" in second["change_summary"] and "正文改动1句" in second["change_summary"]
    assert first["capture"] == index.served[EDITED][0][2] and second["capture"] == index.served[EDITED][1][2]
    assert first["content_hash"] != second["content_hash"]
    assert first["title"] == second["title"] == "平潭综合实验区2023年度政府信息公开工作年度报告"
    assert first["published"] == "2024-03-08"


def test_a_report_never_edited_has_one_version(api, index):
    (only,) = api.get(f"/reports/{index.ids[NO_CAPTURE]}/versions").json()["versions"]
    assert only["version"] == 1 and only["capture"] is None and only["first_seen"] == FIRST_AT


@pytest.mark.parametrize("path", ["versions", "diff", "source"])
def test_an_unknown_report_is_404_with_its_id(api, path):
    response = api.get(f"/reports/0000000000000000/{path}")
    assert response.status_code == 404 and "0000000000000000" in response.json()["detail"]


# --------------------------------------------------------------------------- GET /reports/{id}/diff
def test_diff_of_the_latest_version_shows_the_sentence_and_the_cell(api, index):
    body = api.get(f"/reports/{index.ids[EDITED]}/diff").json()
    assert (body["report_id"], body["from"], body["to"]) == (index.ids[EDITED], 1, 2)
    (changed,) = body["sentences"]
    assert changed["change"] == "changed"
    assert OLD_SENTENCE in changed["old"] and NEW_SENTENCE in changed["new"]
    assert {"op": "delete", "text": "3"} in changed["parts"] and {"op": "insert", "text": "4"} in changed["parts"]
    assert body["cells"] == [NEW_CELL_CHANGE]
    assert body["summary"] == "表三 本年新收政府信息公开申请数量·自然人 80 → 82；正文改动1句"
    assert api.get(f"/reports/{index.ids[EDITED]}/diff", params={"from": 1, "to": 2}).json() == body


@pytest.mark.parametrize(
    "params, parameter, message",
    [
        ({"from": 2, "to": 2}, "from", "from (2) must be an earlier version than to (2)"),
        ({"from": 2}, "from", "from (2) must be an earlier version than to (2)"),
        ({"to": 3}, "to", "has no version 3 (its versions: 1, 2)"),
        ({"from": 5, "to": 2}, "from", "from (5) must be an earlier version than to (2)"),
        ({"to": 1}, "to", "version 1 is the first version of report"),
        ({"from": 0}, "from", "greater than or equal to 1"),
        ({"to": "latest"}, "to", "valid integer"),
        ({"from_": 1}, "from_", "Extra inputs are not permitted"),
    ],
)
def test_a_diff_of_versions_the_report_lacks_is_422_with_a_message(api, index, params, parameter, message):
    found = errors(api.get(f"/reports/{index.ids[EDITED]}/diff", params=params))
    assert any(name == parameter and message in text for name, text in found), found


def test_a_report_with_one_version_has_no_diff(api, index):
    (found,) = errors(api.get(f"/reports/{index.ids[NO_CAPTURE]}/diff"))
    assert found[0] == "to" and "first version" in found[1]


# --------------------------------------------------------------------------- GET /reports/{id}/source
@pytest.mark.parametrize("version", [1, 2])
def test_source_replays_the_bytes_each_version_was_served_with(api, index, version):
    body, content_type, capture = index.served[EDITED][version - 1]
    response = api.get(f"/reports/{index.ids[EDITED]}/source", params={"version": version})
    assert response.status_code == 200
    assert response.content == body and response.headers["content-type"] == content_type
    assert response.headers["x-archive-captured-at"] == capture["captured_at"]
    assert response.headers["x-archive-url"] == EDITED == capture["url"]
    assert response.headers["x-archive-file"] == capture["warc_file"]
    assert response.headers["x-archive-offset"] == str(capture["offset"])
    assert response.headers["link"] == f'<{EDITED}>; rel="original"'
    assert (
        response.headers["memento-datetime"]
        == {1: "Sat, 01 Mar 2025 08:00:00 GMT", 2: "Sun, 01 Jun 2025 09:30:00 GMT"}[version]
    )
    assert response.headers["content-security-policy"] == "sandbox"  # an archived page's scripts never run here


def test_source_defaults_to_the_latest_version(api, index):
    response = api.get(f"/reports/{index.ids[EDITED]}/source")
    assert response.content == index.served[EDITED][1][0] and response.headers["content-type"] == EDITED_TYPE


def test_the_archive_folder_defaults_to_archive_beside_the_index(index):
    assert index.archive == index.db.parent / "archive"
    with TestClient(create_app(Settings(reports_db=index.db))) as client:
        response = client.get(f"/reports/{index.ids[EDITED]}/source", params={"version": 1})
    assert response.status_code == 200 and response.content == index.served[EDITED][0][0]


def test_a_withdrawn_report_still_replays_its_last_copy(api, index):
    response = api.get(f"/reports/{index.ids[GONE]}/source")
    assert response.content == index.served[GONE][0][0] and response.headers["content-type"] == FIRST_TYPE
    assert response.headers["x-archive-captured-at"] == FIRST_AT


@pytest.mark.parametrize(
    "url, message",
    [
        (NO_CAPTURE, "version 1 of report {id!r} has no archived copy"),
        (LOST_FILE, "the WARC file {file!r} of this capture is missing from the archive folder"),
        (OUTSIDE, "the WARC file 'reports.sqlite' of this capture is missing from the archive folder"),
    ],
)
def test_source_without_an_archived_copy_is_404_saying_why(api, index, url, message):
    response = api.get(f"/reports/{index.ids[url]}/source")
    assert response.status_code == 404
    assert message.format(id=index.ids[url], file=index.lost_file) in response.json()["detail"]
    assert not response.content.startswith(b"SQLite")  # the index beside the archive is never served


@pytest.mark.parametrize(
    "version, message", [(3, "has no version 3 (its versions: 1, 2)"), (0, "greater than or equal to 1"), ("v1", "")]
)
def test_source_of_a_version_the_report_lacks_is_422(api, index, version, message):
    found = errors(api.get(f"/reports/{index.ids[EDITED]}/source", params={"version": version}))
    assert any(name == "version" and message in text for name, text in found), found


@pytest.mark.parametrize("damage", ["cut off", "misplaced", "garbage"])
def test_a_damaged_archive_record_is_404_not_500(tmp_path, index, damage):
    capture = index.served[EDITED][0][2]
    broken = tmp_path / "archive"
    broken.mkdir()
    data = (index.archive / capture["warc_file"]).read_bytes()
    if damage == "cut off":  # a crash in the middle of writing this record
        (broken / capture["warc_file"]).write_bytes(data[: capture["offset"] + capture["length"] - 40])
    elif damage == "misplaced":  # the index points at another record (the file's warcinfo record, copied there)
        (broken / capture["warc_file"]).write_bytes(data[: capture["offset"]] * 2)
    else:  # not a WARC file at all
        (broken / capture["warc_file"]).write_bytes(b"\x1f\x8b not a WARC record" * 1000)
    settings = Settings(reports_db=index.db, reports_archive_dir=broken)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get(f"/reports/{index.ids[EDITED]}/source", params={"version": 1})
    assert response.status_code == 404
    where = f"{capture['warc_file']}:{capture['offset']}"
    assert response.json()["detail"].endswith(
        f"cannot read the archived response at {where} (cut off, damaged or misplaced)"
    )


def capture_named(name: str) -> Capture:
    """A capture pointing at the file `name`."""
    return {"warc_file": name, "offset": 0, "length": 1, "url": EDITED, "captured_at": FIRST_AT, "status": 200}


def test_a_capture_names_a_file_of_the_archive_folder_only(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "a.warc.gz").write_bytes(b"x")
    (tmp_path / "secret.warc.gz").write_bytes(b"x")
    os.symlink(tmp_path / "secret.warc.gz", archive / "link.warc.gz")
    assert warc_path(archive, capture_named("a.warc.gz")) == (archive / "a.warc.gz").resolve()
    assert warc_path(archive, capture_named("/elsewhere/a.warc.gz")) == (archive / "a.warc.gz").resolve()  # name only
    for name in ("../secret.warc.gz", "link.warc.gz", "..", "", str(tmp_path / "secret.warc.gz")):
        with pytest.raises(NotArchived, match="missing from the archive folder"):
            warc_path(archive, capture_named(name))


@pytest.mark.parametrize(
    "captured_at, expected",
    [
        ("2025-03-01T08:00:00Z", "Sat, 01 Mar 2025 08:00:00 GMT"),
        ("2025-03-01T16:00:00+08:00", "Sat, 01 Mar 2025 08:00:00 GMT"),
        ("2025-03-01T08:00:00.123456+00:00", "Sat, 01 Mar 2025 08:00:00 GMT"),
    ],
)
def test_memento_datetime_is_rfc_7089(captured_at, expected):
    assert memento_datetime(captured_at) == expected


def test_a_url_in_a_header_is_ascii():
    assert header_url("https://例子.gov.cn/年报 2023.html?a=1&b=%20") == (
        "https://%E4%BE%8B%E5%AD%90.gov.cn/%E5%B9%B4%E6%8A%A5%202023.html?a=1&b=%20"
    )
    assert header_url("https://x.gov.cn/a\r\nSet-Cookie: x") == "https://x.gov.cn/a%0D%0ASet-Cookie:%20x"


# --------------------------------------------------------------------------- /search by version, revised, withdrawn
def ids(body: dict) -> list[str]:
    """The ids of the hits, in order."""
    return [hit["id"] for hit in body["data"]]


def facet(body: dict, name: str) -> dict[str, tuple[int, str | None]]:
    """One facet as {value: (count, label)}."""
    return {f["value"]: (f["count"], f["label"]) for f in body["facets"][name]}


def test_hits_carry_version_first_seen_changed_at_and_withdrawn(api, index):
    hits = {hit["id"]: hit for hit in api.get("/search", params={"size": 100}).json()["data"]}
    edited, gone = hits[index.ids[EDITED]], hits[index.ids[GONE]]
    assert (edited["version"], edited["first_seen"], edited["changed_at"], edited["withdrawn"]) == (
        2,
        FIRST_AT,
        EDITED_AT,
        None,
    )
    assert (gone["version"], gone["first_seen"], gone["changed_at"], gone["withdrawn"]) == (1, FIRST_AT, None, GONE_AT)


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"version": 2}, [EDITED]),
        ({"version": [1, 2]}, [EDITED, GONE, LOST_FILE, NO_CAPTURE, OUTSIDE, "plain"]),
        ({"revised": "true"}, [EDITED]),
        ({"revised": "false", "withdrawn": "true"}, [GONE]),
        ({"withdrawn": "false", "version": 2}, [EDITED]),
        ({"withdrawn": "true", "revised": "true"}, []),
        ({"signal": "revised"}, [EDITED]),
        ({"signal": "withdrawn"}, [GONE]),
    ],
)
def test_filters_on_version_revised_and_withdrawn(api, index, params, expected):
    body = api.get("/search", params={**params, "size": 100}).json()
    everything = set(index.ids.values())
    wanted = {index.ids[url] for url in expected if url != "plain"} | (everything if "plain" in expected else set())
    assert set(ids(body)) == wanted and body["total"] == len(wanted)


def test_revised_and_withdrawn_facets_are_labelled_in_chinese(api, index):
    body = api.get("/search", params={"revised": "true"}).json()  # a facet ignores its own filter
    assert facet(body, "revised") == {"true": (1, "修改过"), "false": (5, "未修改")}
    assert facet(body, "withdrawn") == {"false": (1, "仍可访问")}
    signals = facet(api.get("/search", params={"facets": "signal"}).json(), "signal")
    assert signals["revised"] == (1, "发布后被修改") and signals["withdrawn"] == (1, "已被撤下")


@pytest.mark.parametrize("signal, label", [("revised", "发布后被修改"), ("withdrawn", "已被撤下")])
def test_agencies_by_the_revised_and_withdrawn_signals(api, signal, label):
    body = api.get("/agencies", params={"signal": signal}).json()
    assert [a["name"] for a in body["data"]] == ["平潭综合实验区"] and signal in body["data"][0]["signals"]
    assert facet(body, "signal")[signal] == (1, label)


@pytest.mark.parametrize("sort", ["-version", "-changed_at", "changed_at"])
def test_sorts_by_version_and_change_date_put_the_edited_report_first(api, index, sort):
    order = ids(api.get("/search", params={"sort": sort, "size": 100}).json())
    assert order[0] == index.ids[EDITED] and len(order) == 6  # a report never changed: changed_at null, last


def test_sort_by_version_ascending_puts_the_edited_report_last(api, index):
    assert ids(api.get("/search", params={"sort": "version", "size": 100}).json())[-1] == index.ids[EDITED]


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"version": 0}, "version"),
        ({"version": "two"}, "version"),
        ({"version": 10**7}, "version"),
        ({"revised": "maybe"}, "revised"),
        ({"withdrawn": "2025"}, "withdrawn"),
        ({"sort": "versions"}, "sort"),
        ({"facets": "version"}, "facets"),
    ],
)
def test_bad_version_parameters_are_422_with_a_message(api, params, parameter):
    for path in ("/search", "/search.csv"):
        if path == "/search.csv" and parameter == "facets":
            continue
        found = errors(api.get(path, params=params))
        assert any(name == parameter and text for name, text in found), found


def test_export_has_version_columns(api, index):
    response = api.get("/search.csv", params={"sort": "-changed_at"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    for column in ("版本 (version)", "首次抓取 (first_seen)", "修改时间 (changed_at)", "撤下时间 (withdrawn)"):
        assert column in header
    by_id = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    edited, gone = by_id[index.ids[EDITED]], by_id[index.ids[GONE]]
    assert (edited["版本 (version)"], edited["首次抓取 (first_seen)"], edited["修改时间 (changed_at)"]) == (
        "2",
        FIRST_AT,
        EDITED_AT,
    )
    assert (edited["撤下时间 (withdrawn)"], gone["撤下时间 (withdrawn)"], gone["修改时间 (changed_at)"]) == (
        "",
        GONE_AT,
        "",
    )
    assert rows[1][0] == index.ids[EDITED]


# --------------------------------------------------------------------------- OpenAPI
def described(parameter: dict) -> bool:
    """Whether an OpenAPI parameter has a description and examples."""
    has_text = parameter.get("description") or parameter["schema"].get("description")
    return bool(has_text and (parameter.get("examples") or parameter["schema"].get("examples")))


def test_openapi_describes_every_new_parameter_with_examples(api):
    spec = api.get("/openapi.json").json()
    paths = spec["paths"]
    search = {p["name"]: p for p in paths["/search"]["get"]["parameters"]}
    export = {p["name"]: p for p in paths["/search.csv"]["get"]["parameters"]}
    for name in ("version", "revised", "withdrawn", "sort", "facets"):
        assert described(search[name]), name
    for name in ("version", "revised", "withdrawn", "sort"):
        assert described(export[name]), name
    expected = {"versions": {"report_id"}, "diff": {"report_id", "from", "to"}, "source": {"report_id", "version"}}
    for route, names in expected.items():
        parameters = paths[f"/reports/{{report_id}}/{route}"]["get"]["parameters"]
        assert {p["name"] for p in parameters} == names
        assert all(described(p) for p in parameters), route
    assert {"version", "-version", "changed_at", "-changed_at"} <= set(search["sort"]["schema"]["enum"])
    assert {"revised", "withdrawn"} <= set(search["facets"]["schema"]["items"]["enum"])
    components = spec["components"]["schemas"]
    assert list(components["VersionSummary"]["properties"]) == VERSION_KEYS
    assert list(components["DiffResponse"]["properties"]) == [
        "report_id",
        "from",
        "to",
        "sentences",
        "cells",
        "summary",
    ]
    source = paths["/reports/{report_id}/source"]["get"]["responses"]
    assert "404" in source and "Memento-Datetime" in source["200"]["description"]
