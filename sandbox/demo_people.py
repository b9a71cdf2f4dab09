"""The demo's people: alice and carol (EMEA) and bob (AMER) sign their own requests for the
QuickSight sales dashboard without naming a region. Each gets their own region's rows (the
row-level-security tag comes from their entitlement), alice and carol share one snapshot, alice
asking for AMER is refused, and bob's snapshot is a 404 to her and missing from her listing.

Then the governed table itself: alice asks for the whole sales ledger, a report with no region
param at all, and gets EMEA rows only (its query is rewritten to her scope); asking for another
region's daily revenue is refused."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from sandbox.client import SnapshotClient
from sandbox.people import Person

REQUEST = {"report": "sales_dashboard", "format": "csv", "data_version": "people-demo"}
LEDGER = {
    "report": "sales_ledger",
    "format": "csv",
    "params": {"max_rows": 5000},
    "data_version": "people-demo",
}
RENDERS = 3  # the dashboard once per region (alice and carol share theirs), alice's ledger


@dataclass
class PeopleOutcome:
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


async def people_scenario(
    api_url: str, http: aiohttp.ClientSession, people: dict[str, Person]
) -> PeopleOutcome:
    alice, bob, carol = (
        SnapshotClient(api_url, http, people[n].credentials) for n in ("alice", "bob", "carol")
    )
    outcome = PeopleOutcome()
    asked = {
        "alice": await alice.request(REQUEST),
        "carol": await carol.request(REQUEST),
        "bob": await bob.request(REQUEST),
    }
    refused = await alice.request({**REQUEST, "params": {"region": "AMER"}})
    bobs_id = asked["bob"].body.get("snapshot_id", "")
    hidden = await alice.get(bobs_id)
    listing = await alice.list("sales_dashboard", limit="100")
    regions = {}
    for name, client in (("alice", alice), ("bob", bob)):
        final = await client.wait(asked[name].body["snapshot_id"], 120)
        rows = csv.DictReader(io.StringIO((await client.download(final["download_url"])).decode()))
        regions[name] = sorted({row["region"] for row in rows})
    ledger = await alice.request(LEDGER)
    done = await alice.wait(ledger.body["snapshot_id"], 120)
    ledger_rows = csv.DictReader(io.StringIO((await alice.download(done["download_url"])).decode()))
    ledger_regions = sorted({row["region"] for row in ledger_rows})
    other_daily = await alice.request(
        {"report": "daily_sales", "format": "csv", "params": {"region": "APAC"}}
    )
    shared = asked["alice"].body["snapshot_id"] == asked["carol"].body["snapshot_id"]
    listed = {s["params"]["region"] for s in listing.body.get("snapshots", [])}
    outcome.summary = {
        "rows_by_person": regions,
        "alice_and_carol_share": shared,
        "alice_asking_amer": refused.status,
        "bobs_id_to_alice": hidden.status,
        "regions_alice_lists": sorted(listed),
        "regions_in_alices_ledger": ledger_regions,
        "alice_asking_apac_daily": other_daily.status,
    }
    outcome.lines = [
        f"people: alice's rows {regions['alice']}, bob's {regions['bob']} (each one's RLS tag)",
        f"people: carol {'shares' if shared else 'does NOT share'} alice's snapshot; alice asking "
        f"for AMER: HTTP {refused.status}; bob's id to alice: HTTP {hidden.status}",
        f"people: alice's listing shows regions {sorted(listed)}",
        f"people: alice's sales_ledger (no region param) holds regions {ledger_regions}; her"
        f" daily_sales for APAC: HTTP {other_daily.status}",
    ]
    checks = [
        (regions == {"alice": ["EMEA"], "bob": ["AMER"]}, f"rows by person {regions}"),
        (shared, "alice and carol did not share one snapshot"),
        (refused.status == 403, f"alice asking for AMER got {refused.status}, expected 403"),
        (hidden.status == 404, f"bob's snapshot id answered alice {hidden.status}, expected 404"),
        (listed <= {"EMEA"}, f"alice's listing shows regions {sorted(listed)}"),
        (ledger_regions == ["EMEA"], f"alice's ledger holds regions {ledger_regions}"),
        (other_daily.status == 403, f"alice asking for APAC's daily sales got {other_daily.status}"),
    ]
    outcome.problems = [problem for ok, problem in checks if not ok]
    return outcome
