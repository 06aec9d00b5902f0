"""GET /numbers: every searchable number, check rule and signal, with its Chinese label."""

from __future__ import annotations

import re
from typing import get_args

from indexer.model import SignalName
from indexer.tables.numbers import HEADLINE_NUMBERS, NUMBER_FIELDS
from indexer.tables.schema import CHECK_RULES

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_every_number_with_its_label_table_and_description(client):
    numbers = client.get("/numbers").json()["numbers"]
    assert [(n["key"], n["label"]) for n in numbers] == [(f.name, f.label) for f in NUMBER_FIELDS]
    by_key = {n["key"]: n for n in numbers}
    assert by_key["applications.new_received.total"]["table"] == "三"
    assert by_key["review.corrected"]["table"] == "四" and "行政复议" in by_key["review.corrected"]["description"]
    assert {n["key"] for n in numbers if n["headline"]} == set(HEADLINE_NUMBERS)
    assert all(CHINESE.search(n["description"]) for n in numbers)


def test_every_rule_and_signal_in_chinese(client):
    body = client.get("/numbers").json()
    assert [c["key"] for c in body["checks"]] == list(CHECK_RULES)
    assert [s["key"] for s in body["signals"]] == list(get_args(SignalName))
    for item in body["checks"] + body["signals"]:
        assert CHINESE.search(item["label"]) and CHINESE.search(item["explanation"]), item


def test_every_number_works_in_where_and_sort(client):
    for number in client.get("/numbers").json()["numbers"]:
        params = {"where": f"{number['key']}>=0", "sort": f"-{number['key']}", "size": 0}
        assert client.get("/search", params=params).status_code == 200
