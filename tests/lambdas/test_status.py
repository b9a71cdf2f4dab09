"""Status Lambda: one snapshot (with a presigned URL when READY) and listings by report."""

from __future__ import annotations

import base64
import json
import urllib.request

import boto3
import pytest

from contracts.timeutil import iso, utc_now
from lambdas.page_tokens import NOT_ISSUED
from sandbox.platform import Platform
from sandbox.runtime import Functions
from tests.lambdas.helpers import _call, get, post, recorded, set_item, wait_queued

SUMMARY = {"report": "sales_summary", "format": "csv", "params": {"region": "EMEA"}}


def test_ready_snapshot_has_a_working_download_url(platform: Platform, functions: Functions) -> None:
    trigger, status, *_ = functions
    _, created = post(trigger, SUMMARY)
    key, sid = created["key"], created["snapshot_id"]
    wait_queued(platform, key)
    s3_key = f"snapshots/sales_summary/{key}/g1.csv"
    boto3.client("s3").put_object(Bucket=platform.bucket, Key=s3_key, Body=b"a,b\r\n1,2\r\n")
    set_item(platform, key, status="READY", rendered_at=iso(utc_now()), size_bytes=10, sha256="0" * 64)

    code, body = get(status, f"/snapshots/{sid}")
    assert code == 200
    assert body["status"] == "READY" and body["size_bytes"] == 10
    with urllib.request.urlopen(body["download_url"], timeout=10) as response:
        assert response.read() == b"a,b\r\n1,2\r\n"
    code, current = get(status, f"/snapshots/{key}")
    assert (code, current["snapshot_id"]) == (200, sid)


def test_not_ready_has_no_url_and_superseded_generation_is_410(
    platform: Platform, functions: Functions
) -> None:
    trigger, status, *_ = functions
    _, created = post(trigger, SUMMARY)
    wait_queued(platform, created["key"])
    code, body = get(status, f"/snapshots/{created['snapshot_id']}")
    assert code == 200 and body["status"] == "QUEUED" and "download_url" not in body
    set_item(platform, created["key"], status="FAILED", error="Render.Invalid", cause="bad")
    _, regenerated = post(trigger, SUMMARY)
    code, body = get(status, f"/snapshots/{created['snapshot_id']}")
    assert code == 410
    assert body["current"]["snapshot_id"] == regenerated["snapshot_id"]


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/snapshots/0123456789abcdef0123456789abcdef-g1", 404),
        ("/snapshots/not-an-id", 400),
        ("/snapshots/0123456789abcdef0123456789abcdef-g0", 400),
        # Found by the fuzz run: a control character Powertools' path pattern refuses was a 404
        # "Not found" from the resolver, though API Gateway had routed the request.
        ("/reports/\x84/snapshots", 400),
        ("/snapshots/\x84", 400),
        ("/reports/Not-A-Report/snapshots", 400),
    ],
)
def test_unknown_or_malformed_ids(functions: Functions, path: str, code: int) -> None:
    got, body = get(functions.status, path)
    assert got == code
    assert body["message"]


def test_listing_is_newest_first_and_pages(platform: Platform, functions: Functions) -> None:
    trigger, status, *_ = functions
    ids = [
        post(trigger, {**SUMMARY, "params": {"region": r}})[1]["snapshot_id"]
        for r in ("EMEA", "AMER", "APAC")
    ]
    code, first = get(status, "/reports/sales_summary/snapshots", {"limit": "2"})
    assert code == 200
    assert [s["snapshot_id"] for s in first["snapshots"]] == ids[::-1][:2]
    code, second = get(
        status, "/reports/sales_summary/snapshots", {"limit": "2", "next_token": first["next_token"]}
    )
    assert [s["snapshot_id"] for s in second["snapshots"]] == ids[:1]
    assert "next_token" not in second
    code, other = get(status, "/reports/daily_sales/snapshots")
    assert (code, other["snapshots"]) == (200, [])


def test_next_token_is_opaque_and_only_good_for_its_caller_and_report(
    platform: Platform, functions: Functions
) -> None:
    """The token seals DynamoDB's last evaluated key (maybe a snapshot this caller may not read):
    it shows no key, and a changed one, another caller's or another report's is a 400."""
    trigger, status, *_ = functions
    ids = [post(trigger, {**SUMMARY, "params": {"region": r}})[1]["snapshot_id"] for r in ("EMEA", "AMER")]
    _, first = get(status, "/reports/sales_summary/snapshots", {"limit": "1"})
    token = first["next_token"]
    opened = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert not any(i.split("-g")[0].encode() in opened for i in ids), "the token shows no snapshot key"
    assert b"requested_at" not in opened and b"sales_summary" not in opened
    flipped = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    other = recorded("http_get_snapshot.json")
    other["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = "someone-else"
    other["rawPath"] = other["requestContext"]["http"]["path"] = "/reports/sales_summary/snapshots"
    other["queryStringParameters"] = {"next_token": token}
    for code, body in (
        get(status, "/reports/sales_summary/snapshots", {"next_token": flipped}),
        get(status, "/reports/daily_sales/snapshots", {"next_token": token}),
        _call(status.handle, "status", other),
    ):
        assert (code, body["message"]) == (400, NOT_ISSUED)
    code, second = get(status, "/reports/sales_summary/snapshots", {"limit": "1", "next_token": token})
    assert code == 200 and [s["snapshot_id"] for s in second["snapshots"]] == ids[:1]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"limit": "0"}, "between 1 and 100"),
        ({"limit": "many"}, "integer"),
        ({"next_token": "%%%"}, "next_token"),
        ({"next_token": base64.urlsafe_b64encode(json.dumps({"key": "x"}).encode()).decode()}, "next_token"),
    ],
)
def test_bad_listing_queries_are_400(functions: Functions, query: dict[str, str], message: str) -> None:
    code, body = get(functions.status, "/reports/sales_summary/snapshots", query)
    assert code == 400
    assert message in body["message"]
