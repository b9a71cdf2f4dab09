"""The entitlement decision, alone: who may request a report, entitled params filled from the
caller or refused, reads held to the same rule, and the store's cache clock."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from contracts.catalog import ReportSpec
from contracts.topology import ENTITLEMENTS_KEY, ENTITLEMENTS_PARAMS
from lambdas.caller import Caller
from lambdas.dynamo_types import serialize
from lambdas.entitlements import (
    Entitlement,
    EntitlementStore,
    check_entitled,
    fill_entitled,
    may_request,
    subjects,
)
from lambdas.requests import RequestRejected
from lambdas.scope import readable_by
from sandbox.platform import Platform

REPORT = ReportSpec.model_validate(
    {
        "name": "sales",
        "renderer": "quicksight",
        "formats": ["pdf"],
        "params": {
            "region": {"type": "string", "default": "EMEA"},
            "year": {"type": "integer", "default": 2024},
        },
        "source": {"dashboard_id": "sales"},
        "access": {
            "callers": ["arn:aws:iam::*:user/analyst-*", "group:finance", "system:snapshot-engine.scheduler"],
            "entitled": ["region"],
        },
    }
)
ALICE = Caller("iam", "arn:aws:iam::123456789012:user/analyst-alice", "123456789012")
MALLORY = Caller("iam", "arn:aws:iam::123456789012:user/intern-mallory", "123456789012")
FINANCE = Caller("jwt", "sub-1", groups=("finance",))
SCHEDULER = Caller("system", "system:snapshot-engine.scheduler")
EMEA = Entitlement.union([{"params": {"region": ["EMEA"]}}])
AMER_APAC = Entitlement.union([{"params": {"region": ["AMER", "APAC"]}}])


@pytest.mark.parametrize(
    ("caller", "allowed"),
    [
        (ALICE, True),
        (MALLORY, False),
        (FINANCE, True),
        (Caller("jwt", "sub-2", groups=("sales",)), False),
        (SCHEDULER, True),
        (Caller("system", "system:elsewhere"), False),
        (Caller("iam", "system:snapshot-engine.scheduler"), False),  # a principal cannot pose as a system
    ],
)
def test_who_may_request_follows_the_catalogs_callers(caller: Caller, allowed: bool) -> None:
    assert may_request(REPORT, caller) is allowed


def test_a_caller_may_request_their_own_value() -> None:
    assert fill_entitled(REPORT, ALICE, {"region": "EMEA"}, EMEA) == {"region": "EMEA"}


def test_a_left_out_entitled_param_is_the_callers() -> None:
    assert fill_entitled(REPORT, ALICE, {}, EMEA) == {"region": "EMEA"}
    one = Entitlement.union([{"params": {"region": ["APAC"]}}])
    assert fill_entitled(REPORT, ALICE, {"year": 2023}, one) == {"region": "APAC", "year": 2023}


def test_a_caller_with_several_values_and_no_default_among_them_must_choose() -> None:
    with pytest.raises(RequestRejected) as refused:
        fill_entitled(REPORT, ALICE, {}, AMER_APAC)
    assert refused.value.status_code == 422 and "['AMER', 'APAC']" in refused.value.message


@pytest.mark.parametrize(
    "value",
    ["AMER", "EMEA,AMER", "EMEA ", "emea", "\u0415MEA", ["EMEA", "AMER"], True],
    ids=["another", "comma", "space", "case", "cyrillic-E", "list", "bool"],
)
def test_any_other_value_is_a_403(value: Any) -> None:
    with pytest.raises(RequestRejected) as refused:
        check_entitled(REPORT, ALICE, {"region": value}, EMEA)
    assert refused.value.status_code == 403


def test_no_entitlement_at_all_is_a_403_even_with_a_default() -> None:
    with pytest.raises(RequestRejected) as refused:
        fill_entitled(REPORT, ALICE, {}, Entitlement())
    assert refused.value.status_code == 403 and "no entitlement to 'region'" in refused.value.message


def test_a_caller_the_catalog_does_not_name_is_a_403() -> None:
    with pytest.raises(RequestRejected) as refused:
        fill_entitled(REPORT, MALLORY, {"region": "EMEA"}, EMEA)
    assert refused.value.status_code == 403


def test_reading_back_holds_to_the_same_rule() -> None:
    assert readable_by(REPORT, ALICE, EMEA)({"params": {"region": "EMEA", "year": 2024}})
    assert not readable_by(REPORT, ALICE, EMEA)({"params": {"region": "AMER", "year": 2024}})
    assert not readable_by(REPORT, MALLORY, EMEA)({"params": {"region": "EMEA", "year": 2024}})


def test_a_callers_entitlement_is_the_union_of_principal_and_groups() -> None:
    caller = Caller("jwt", "sub-1", groups=("finance", "emea"))
    assert subjects(caller) == ["sub-1", "group:finance", "group:emea"]
    merged = Entitlement.union(
        [{"params": {"region": ["EMEA"]}}, {"params": {"region": ["AMER"], "desk": [1]}}]
    )
    assert merged.allowed("region") == {("str", "EMEA"), ("str", "AMER")}
    assert merged.allowed("desk") == {("int", 1)}


def test_the_store_keeps_an_entitlement_for_its_ttl_then_reads_the_change(platform: Platform) -> None:
    ddb = boto3.client("dynamodb")

    def grant(*regions: str) -> None:
        item = {ENTITLEMENTS_KEY: ALICE.principal, ENTITLEMENTS_PARAMS: {"region": list(regions)}}
        ddb.put_item(TableName=platform.entitlements_table, Item=serialize(item))

    grant("EMEA")
    now = [0.0]
    store = EntitlementStore(ddb, platform.entitlements_table, ttl_seconds=60, clock=lambda: now[0])
    assert store.for_caller(ALICE).allowed("region") == {("str", "EMEA")}
    grant("AMER")
    now[0] = 59.0
    assert store.for_caller(ALICE).allowed("region") == {("str", "EMEA")}, "kept for the TTL"
    now[0] = 60.0
    assert store.for_caller(ALICE).allowed("region") == {("str", "AMER")}, "the change, once the TTL is out"


def test_a_caller_in_more_groups_than_one_batch_get_holds_every_groups_entitlement(
    platform: Platform,
) -> None:
    """BatchGetItem takes 100 keys: the 151st subject's item must still count."""
    caller = Caller("jwt", "sub-many", groups=tuple(f"g{n}" for n in range(150)))
    item = {ENTITLEMENTS_KEY: "group:g149", ENTITLEMENTS_PARAMS: {"region": ["APAC"]}}
    boto3.client("dynamodb").put_item(TableName=platform.entitlements_table, Item=serialize(item))
    store = EntitlementStore(boto3.client("dynamodb"), platform.entitlements_table, ttl_seconds=60)
    assert store.for_caller(caller).allowed("region") == {("str", "APAC")}
