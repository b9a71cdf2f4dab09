"""Who may see what, through the sandbox's API with three signed callers: the sandbox's own
(every region), alice (EMEA only) and bob (no entitlement). A region-scoped report: alice's
left-out region is hers, another region is a 403 that writes nothing, her snapshot is shared
with an equal request by another caller, and she cannot read by id or list what she may not see."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
import requests
from botocore.credentials import ReadOnlyCredentials

from contracts.topology import ENTITLEMENTS_KEY, ENTITLEMENTS_PARAMS
from lambdas.dynamo_types import serialize
from sandbox.api_gateway import SANDBOX_CALLER, make_app
from sandbox.data_platform import remove_event_streams
from sandbox.moto_server import REGION, MotoSandbox
from sandbox.platform import Platform, create_platform
from sandbox.runtime import make_functions
from sandbox.sigv4 import Caller as GatewayCaller
from snapshot_client.signing import signed_headers
from tests.conftest import TEST_CATALOG
from tests.lambdas.helpers import executions, items

ALICE = GatewayCaller("AKIAALICE", "alice-secret", "arn:aws:iam::123456789012:user/alice")
BOB = GatewayCaller("AKIABOB", "bob-secret", "arn:aws:iam::123456789012:user/bob")
REPORT = "qs_sales"  # the test catalog's region-scoped report (its RLS tag is the region)


@dataclass(frozen=True)
class Api:
    url: str
    platform: Platform

    def call(self, who: GatewayCaller, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        raw = json.dumps(body).encode() if body is not None else b""
        credentials = ReadOnlyCredentials(who.access_key, who.secret_key, None)
        headers = signed_headers(
            method, f"{self.url}{path}", raw, credentials, REGION, {"Content-Type": "application/json"}
        )
        response = requests.request(method, f"{self.url}{path}", headers=headers, data=raw, timeout=30)
        return response.status_code, response.json()


@pytest.fixture(scope="module")
def api(moto_server: MotoSandbox) -> Iterator[Api]:
    from tests.support.threaded_api import api_in_thread

    platform = create_platform(f"t{uuid.uuid4().hex[:10]}", TEST_CATALOG)
    item = {ENTITLEMENTS_KEY: ALICE.user_arn, ENTITLEMENTS_PARAMS: {"region": ["EMEA"]}}
    boto3.client("dynamodb").put_item(TableName=platform.entitlements_table, Item=serialize(item))
    functions = make_functions(platform)
    callers = {c.access_key: c for c in (SANDBOX_CALLER, ALICE, BOB)}
    with api_in_thread(make_app(functions.trigger.handle, functions.status.handle, callers)) as url:
        yield Api(url, platform)
    remove_event_streams(platform.data)


def written(platform: Platform) -> tuple[set[tuple[str, str, str]], int]:
    """What a request could write (the state machine moves statuses on its own meanwhile)."""
    keys = {(i["key"]["S"], i["generation"]["N"], i["attempt"]["S"]) for i in items(platform)}
    return keys, len(executions(platform))


def request(version: str, **params: Any) -> dict[str, Any]:
    return {"report": REPORT, "format": "pdf", "params": params, "data_version": version}


def test_a_left_out_entitled_param_is_the_callers_own(api: Api) -> None:
    status, body = api.call(ALICE, "POST", "/snapshots", request("fill"))
    assert status == 202 and body["params"]["region"] == "EMEA"


def test_another_value_is_a_403_that_writes_nothing(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    before = written(api.platform)
    status, body = api.call(ALICE, "POST", "/snapshots", request("deny", region="AMER"))
    assert status == 403 and "may not see region='AMER'" in body["message"]
    assert written(api.platform) == before
    (denial,) = [r for r in caplog.records if r.getMessage() == "access denied"]
    assert vars(denial)["caller"] == ALICE.user_arn and vars(denial)["report"] == REPORT


def test_a_caller_with_no_entitlement_is_a_403(api: Api) -> None:
    status, body = api.call(BOB, "POST", "/snapshots", request("bob"))
    assert status == 403 and "no entitlement" in body["message"]


def test_equal_entitlements_share_one_snapshot(api: Api) -> None:
    _, alices = api.call(ALICE, "POST", "/snapshots", request("shared"))
    status, sandboxes = api.call(SANDBOX_CALLER, "POST", "/snapshots", request("shared", region="EMEA"))
    assert status == 202 and sandboxes["decision"] == "joined"
    assert sandboxes["snapshot_id"] == alices["snapshot_id"]


def test_what_a_caller_may_not_see_is_not_found_by_id_nor_listed(api: Api) -> None:
    _, amer = api.call(SANDBOX_CALLER, "POST", "/snapshots", request("hidden", region="AMER"))
    _, emea = api.call(ALICE, "POST", "/snapshots", request("hidden"))
    status, body = api.call(ALICE, "GET", f"/snapshots/{amer['snapshot_id']}")
    assert status == 404 and body["message"] == f"no snapshot {amer['snapshot_id']!r}"
    assert api.call(SANDBOX_CALLER, "GET", f"/snapshots/{amer['snapshot_id']}")[0] == 200
    _, listing = api.call(ALICE, "GET", f"/reports/{REPORT}/snapshots?limit=100")
    listed = {s["snapshot_id"] for s in listing["snapshots"]}
    assert emea["snapshot_id"] in listed and amer["snapshot_id"] not in listed
    assert {s["params"]["region"] for s in listing["snapshots"]} == {"EMEA"}
    assert api.call(BOB, "GET", f"/reports/{REPORT}/snapshots")[0] == 200  # the report is open to "*"


def test_an_entitlement_changed_in_the_table_applies_to_the_next_request(api: Api) -> None:
    """The sandbox's Lambdas keep entitlements for 0 s (ENTITLEMENTS_TTL_SECONDS); on AWS, 60 s."""
    item = {ENTITLEMENTS_KEY: BOB.user_arn, ENTITLEMENTS_PARAMS: {"region": ["APAC"]}}
    boto3.client("dynamodb").put_item(TableName=api.platform.entitlements_table, Item=serialize(item))
    status, body = api.call(BOB, "POST", "/snapshots", request("granted"))
    assert status == 202 and body["params"]["region"] == "APAC"
