"""Items and responses as bytes for Redis: JSON, with bodies in base64 (no pickle from the network)."""

from __future__ import annotations

import base64
import dataclasses
import json
from typing import Any

from scrapy.http import Request, Response
from scrapy.http.headers import Headers
from scrapy.responsetypes import responsetypes

from crawler.items import FetchedPage, FetchFailure, GonePage

ITEM_TYPES: dict[str, type[FetchedPage] | type[GonePage] | type[FetchFailure]] = {
    cls.__name__: cls for cls in (FetchedPage, GonePage, FetchFailure)
}
Item = FetchedPage | GonePage | FetchFailure


def encode_item(item: Item) -> bytes:
    """A page, gone page or failure as JSON (the body in base64; no capture: the ingest archives it)."""
    fields = dataclasses.asdict(item)
    fields.pop("capture", None)
    if "body" in fields:
        fields["body"] = base64.b64encode(fields["body"]).decode("ascii")
    return json.dumps({"type": type(item).__name__, **fields}, ensure_ascii=False).encode("utf-8")


def decode_item(data: bytes) -> Item:
    """The item encode_item wrote; ValueError for anything else."""
    fields = json.loads(data)
    cls = ITEM_TYPES.get(fields.pop("type", None))
    if cls is None:
        raise ValueError("not an item of the distributed crawl")
    if "body" in fields:
        fields["body"] = base64.b64decode(fields["body"])
    return cls(**fields)


def item_key(item: Item) -> str:
    """What makes an item the same item again in one run: its kind and URL."""
    kind = item.kind if isinstance(item, FetchFailure) else type(item).__name__
    return f"{kind} {item.url}"


def encode_response(response: Response) -> bytes:
    """A response as fetched (URL, status, headers with every value, body)."""
    headers = [(k.decode("latin-1"), [v.decode("latin-1") for v in vs]) for k, vs in response.headers.items()]
    body = base64.b64encode(response.body).decode("ascii")
    return json.dumps({"url": response.url, "status": response.status, "headers": headers, "body": body}).encode()


def decode_response(data: bytes, request: Request, flag: str) -> Response:
    """The stored response rebuilt for `request`, of the class Scrapy would have made, marked with `flag`."""
    fields: dict[str, Any] = json.loads(data)
    headers = Headers(dict(fields["headers"]))
    body = base64.b64decode(fields["body"])
    cls = responsetypes.from_args(headers=headers, url=fields["url"], body=body)
    return cls(url=fields["url"], status=fields["status"], headers=headers, body=body, request=request, flags=[flag])
