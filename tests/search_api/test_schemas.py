"""The API's report models are built from indexer.model.Record: same fields, same types, typed tables in OpenAPI."""

from __future__ import annotations

from typing import NotRequired, get_args, get_origin, get_type_hints

from indexer.model import Record
from search_api.schemas import HIT_OMITS

TEXT_PAGE_FIELDS = ("text_length", "text_offset", "text_more")


def lists_older_records_lack() -> dict[str, list]:
    """The list fields a stored record may lack (signals, withdrawals, gone_urls …): each served as []."""
    hints = get_type_hints(Record, include_extras=True)
    return {
        name: []
        for name, hint in hints.items()
        if get_origin(hint) is NotRequired and get_origin(get_args(hint)[0]) is list
    }


def schemas(client) -> dict:
    """The component schemas of the OpenAPI document the app serves."""
    return client.get("/openapi.json").json()["components"]["schemas"]


def test_report_has_every_record_field_with_typed_tables(client):
    components = schemas(client)
    report = components["Report"]["properties"]
    assert list(report) == [*get_type_hints(Record), *TEXT_PAGE_FIELDS]
    assert report["stats"]["anyOf"] == [{"$ref": "#/components/schemas/Stats"}, {"type": "null"}]
    assert set(components["Stats"]["properties"]) == {
        "proactive",
        "applications",
        "review",
        "litigation_direct",
        "litigation_after_review",
    }
    assert report["checks"]["items"] == {"$ref": "#/components/schemas/Check"}
    assert report["level"]["anyOf"][0]["enum"] == ["province", "city", "county", "township", "central"]


def test_hit_is_the_record_without_text_and_tables_plus_score_and_snippet(client):
    hit = schemas(client)["ReportHit"]["properties"]
    record_fields = [f for f in get_type_hints(Record) if f not in HIT_OMITS]
    assert list(hit) == [*record_fields, "score", "snippet", "figures"]
    assert not set(HIT_OMITS) & set(hit)


def test_served_records_follow_the_models(client, all_records):
    record = next(r for r in all_records if r["stats"])
    served = client.get(f"/reports/{record['id']}").json()
    assert "agency_id" not in record and "signals" not in record  # stored as records were before agencies
    assert {"signals", "withdrawals", "gone_urls"} <= set(lists_older_records_lack())
    assert served == {
        **dict.fromkeys(get_type_hints(Record)),
        **record,
        **lists_older_records_lack(),
        "first_seen": record["fetched_at"],  # written once: first and last seen when fetched (storage/revisions.py)
        "last_seen": record["fetched_at"],
        "text_length": len(record["text"]),
        "text_offset": 0,
        "text_more": False,
    }  # every field (a missing one null, a missing list empty), tables whole, the whole text and which part it is
    hit = client.get("/search", params={"q": record["agency"], "size": 100}).json()["data"]
    mine = next(h for h in hit if h["id"] == record["id"])
    assert set(mine) == set(served) - set(HIT_OMITS) - set(TEXT_PAGE_FIELDS) | {"score", "snippet", "figures"}
