"""A caller's scope of the governed tables a report reads: what they may see, what a request
renders with, and which stored snapshots they may be shown."""

from __future__ import annotations

from typing import Any

import pytest

from contracts.catalog import parse_catalog
from contracts.governance.policy import MAX_SCOPE_VALUES
from contracts.identity import snapshot_key
from lambdas.caller import Caller
from lambdas.entitlements import Entitlement
from lambdas.requests import RequestRejected
from lambdas.scope import caller_scope, covers, readable_by, request_scope
from tests.support.governed_catalogs import governed_sales, ledger_report

CATALOG = parse_catalog(
    governed_sales(unrestricted='"system:snapshot-engine.scheduler", "group:auditors"')
    + ledger_report("SELECT id, region FROM sales")
    + """
[reports.summary]
renderer = "sql"
formats = ["csv"]
[reports.summary.params.region]
type = "string"
default = "EMEA"
[reports.summary.source]
datasource = "demo"
query = "SELECT COUNT(*) AS n FROM sales WHERE region = :region"
[reports.summary.access]
callers = ["*"]
entitled = ["region"]

[reports.chart]
renderer = "browser"
formats = ["png"]
reads = ["demo.sales"]
[reports.chart.source]
url = "https://d.example/?r={scope:demo.sales}"
[reports.chart.access]
callers = ["*"]
"""
)
LEDGER, SUMMARY, CHART = (CATALOG.reports[n] for n in ("ledger", "summary", "chart"))
ALICE = Caller("iam", "arn:aws:iam::123456789012:user/alice")
AUDITOR = Caller("jwt", "sub-9", groups=("auditors",))
SCHEDULER = Caller("system", "system:snapshot-engine.scheduler")
POSER = Caller("iam", "system:snapshot-engine.scheduler")  # a principal named like a system


def held(*regions: Any) -> Entitlement:
    return Entitlement.union([{"params": {"region": list(regions)}}])


def test_a_caller_sees_the_values_they_hold_in_one_spelling() -> None:
    assert caller_scope(LEDGER, ALICE, held("EMEA", "AMER", "EMEA")) == {"demo.sales": ["AMER", "EMEA"]}
    assert caller_scope(LEDGER, ALICE, Entitlement()) == {"demo.sales": []}


@pytest.mark.parametrize("caller", [SCHEDULER, AUDITOR], ids=["system", "group"])
def test_unrestricted_subjects_see_every_row(caller: Caller) -> None:
    assert request_scope(LEDGER, caller, {}, Entitlement()) == {"demo.sales": "*"}


def test_a_principal_cannot_pose_as_an_unrestricted_system() -> None:
    assert request_scope(LEDGER, POSER, {}, Entitlement()) == {"demo.sales": []}


def test_an_entitled_param_of_the_entitlements_name_narrows_the_scope_so_equals_share() -> None:
    alice = request_scope(SUMMARY, ALICE, {"region": "EMEA"}, held("EMEA", "AMER"))
    scheduler = request_scope(SUMMARY, SCHEDULER, {"region": "EMEA"}, held("EMEA"))
    assert alice == scheduler == {"demo.sales": ["EMEA"]}
    key = snapshot_key("summary", "csv", {"region": "EMEA"}, None, alice)
    assert key == snapshot_key("summary", "csv", {"region": "EMEA"}, None, scheduler)


def test_the_scope_is_part_of_the_key_only_when_there_is_one() -> None:
    plain = snapshot_key("r", "csv", {}, None)
    assert snapshot_key("r", "csv", {}, None, {}) == plain
    assert snapshot_key("r", "csv", {}, None, {"demo.sales": ["EMEA"]}) != plain
    assert snapshot_key("r", "csv", {}, None, {"demo.sales": ["EMEA"]}) != snapshot_key(
        "r", "csv", {}, None, {"demo.sales": ["AMER"]}
    )


def test_no_row_for_a_caller_with_no_entitlement_and_no_dashboard_at_all() -> None:
    assert request_scope(LEDGER, ALICE, {}, Entitlement()) == {"demo.sales": []}
    with pytest.raises(RequestRejected) as refused:
        request_scope(CHART, ALICE, {}, Entitlement())
    assert refused.value.status_code == 403 and "shows" in refused.value.message


def test_a_scope_too_large_to_carry_is_refused() -> None:
    many = held(*(f"r{n}" for n in range(MAX_SCOPE_VALUES + 1)))
    with pytest.raises(RequestRejected, match=f"at most {MAX_SCOPE_VALUES}"):
        request_scope(LEDGER, ALICE, {}, many)
    with pytest.raises(RequestRejected, match="longer than"):
        request_scope(LEDGER, ALICE, {}, held("x" * 300))


@pytest.mark.parametrize(
    ("stored", "mine", "shown"),
    [
        ({"demo.sales": ["EMEA"]}, {"demo.sales": ["EMEA"]}, True),
        ({"demo.sales": ["EMEA"]}, {"demo.sales": ["AMER", "EMEA"]}, True),
        ({"demo.sales": ["AMER", "EMEA"]}, {"demo.sales": ["EMEA"]}, False),
        ({"demo.sales": []}, {"demo.sales": []}, True),
        ({"demo.sales": "*"}, {"demo.sales": ["AMER", "APAC", "EMEA"]}, False),
        ({"demo.sales": "*"}, {"demo.sales": "*"}, True),
        ({"demo.sales": ["EMEA"]}, {"demo.sales": "*"}, True),
        (None, {"demo.sales": ["EMEA"]}, False),  # stored before the table was governed: every row
        ({}, {"demo.sales": ["EMEA"]}, False),
        ({"demo.sales": [1]}, {"demo.sales": ["1"]}, False),  # type-strict, as entitlements are
        ({"demo.sales": [True]}, {"demo.sales": [1]}, False),
    ],
)
def test_a_snapshot_is_shown_only_to_a_scope_that_covers_it(
    stored: dict[str, Any] | None, mine: dict[str, Any], shown: bool
) -> None:
    assert covers(stored, mine) is shown


def test_reads_hold_to_params_and_scope_at_once() -> None:
    readable = readable_by(SUMMARY, ALICE, held("EMEA"))
    assert readable({"params": {"region": "EMEA"}, "scope": {"demo.sales": ["EMEA"]}})
    assert not readable({"params": {"region": "EMEA"}, "scope": {"demo.sales": "*"}})
    assert not readable({"params": {"region": "AMER"}, "scope": {"demo.sales": ["EMEA"]}})
