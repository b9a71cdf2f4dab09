"""The demo's data act: a new day of sales lands and the report over it is rendered anew.

A CSV of the day lands in the landing bucket (and lands again, byte for byte: one load), events
arrive through the dataset's Firehose stream, and a file of corrections carries one bad row
(rejected, with its reason, into ``_rejects/``). Each file becomes one load; each load's "Data
Landed" re-renders ``sales_summary`` with that load as its data version. The act checks the
figure that must move: product-01's orders, units and revenue in EMEA grow by exactly what landed.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import boto3
import openpyxl

from contracts.loads import LandedObject
from sandbox.client import SnapshotClient
from sandbox.data_platform import DataPlatform, land, ledger_item, load_executions
from sandbox.waiting import eventually

PRODUCT = "product-01"
REGION = "EMEA"
DAY = "2026-11-28"
REPORT = {"report": "sales_summary", "format": "xlsx", "params": {"region": REGION}}
FIRST_ID = 20_000_001
HEADER = "id,day,region,product,units,amount"


@dataclass(frozen=True)
class Figure:
    orders: int
    units: int
    revenue: Decimal

    def __sub__(self, other: Figure) -> Figure:
        return Figure(self.orders - other.orders, self.units - other.units, self.revenue - other.revenue)


@dataclass
class LoadsAct:
    summary: dict[str, Any]
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _rows(first: int, count: int, region: str, units: int, amount: str) -> list[dict[str, Any]]:
    return [
        {"id": first + n, "day": DAY, "region": region, "product": PRODUCT, "units": units, "amount": amount}
        for n in range(count)
    ]


def _csv(rows: list[dict[str, Any]], extra: str = "") -> bytes:
    lines = [HEADER, *(",".join(str(r[c]) for c in HEADER.split(",")) for r in rows)]
    return ("\n".join(lines) + "\n" + extra).encode()


def _landed_figure(rows: list[dict[str, Any]]) -> Figure:
    mine = [r for r in rows if r["region"] == REGION]
    return Figure(
        len(mine), sum(r["units"] for r in mine), sum((Decimal(r["amount"]) for r in mine), Decimal(0))
    )


def _figure_in(body: bytes, fmt: str) -> Figure:
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(body.decode())))
    else:
        rows = [
            list(r)
            for r in openpyxl.load_workbook(io.BytesIO(body), read_only=True)
            .worksheets[0]
            .iter_rows(values_only=True)
        ]
    (row,) = [r for r in rows if r[0] == PRODUCT]
    return Figure(int(row[1]), int(row[2]), Decimal(str(row[3])).quantize(Decimal("0.01")))


async def _snapshot_figure(client: SnapshotClient, final: dict[str, Any]) -> Figure:
    fresh = (await client.get(final["snapshot_id"])).body
    return _figure_in(await client.download(str(fresh["download_url"])), final["format"])


def _send_events(data: DataPlatform, rows: list[dict[str, Any]]) -> LandedObject:
    """The events as a producer sends them: one JSON object per record, newline-terminated."""
    s3 = boto3.client("s3")
    before = {
        o["Key"]
        for o in s3.list_objects_v2(Bucket=data.landing_bucket, Prefix="sales/events/").get("Contents", [])
    }
    boto3.client("firehose").put_record_batch(
        DeliveryStreamName=data.event_streams["sales"],
        Records=[{"Data": (json.dumps(r) + "\n").encode()} for r in rows],
    )
    listed = s3.list_objects_v2(Bucket=data.landing_bucket, Prefix="sales/events/").get("Contents", [])
    (new,) = [o for o in listed if o["Key"] not in before]
    return LandedObject(data.landing_bucket, new["Key"], new["ETag"].strip('"'), "", new["Size"])


async def loads_act(client: SnapshotClient, data: DataPlatform, snapshots_of: Any) -> LoadsAct:
    """``snapshots_of(load_id)`` lists the metadata items rendered for that data version."""
    before_final = await client.wait((await client.request(REPORT)).body["snapshot_id"], 120)
    before = await _snapshot_figure(client, before_final)

    day = _rows(FIRST_ID, 400, REGION, 3, "12.25") + _rows(FIRST_ID + 400, 100, "AMER", 1, "5.00")
    events = _rows(FIRST_ID + 1000, 50, REGION, 2, "7.10")
    corrections = _rows(FIRST_ID + 2000, 20, REGION, 1, "1.99")
    bad_row = f"{FIRST_ID + 2020},2026-11-31,{REGION},{PRODUCT},1,1.99\n"
    landed = [land(data, f"sales/{DAY}/orders.csv", _csv(day))]
    land(data, f"sales/{DAY}/orders.csv", _csv(day))  # delivered twice: the same bytes, one load
    landed.append(_send_events(data, events))
    landed.append(land(data, f"sales/{DAY}/corrections.csv", _csv(corrections, bad_row)))

    async def all_settled() -> list[dict[str, str]] | None:
        items = [ledger_item(data, f.load_id) for f in landed]
        return items if all(i.get("status") in ("LOADED", "FAILED") for i in items) else None

    ledger: list[dict[str, str]] = await eventually(all_settled, within=180)
    act = LoadsAct({})
    act.problems += [
        f"{f.key}: {i.get('error')}: {i.get('cause')}"
        for f, i in zip(landed, ledger, strict=True)
        if i["status"] != "LOADED"
    ]
    regenerated: list[dict[str, Any]] = []
    for file in landed:
        regenerated += await eventually(functools.partial(snapshots_of, file.load_id), within=120)
    finals = [await client.wait(s["snapshot_id"], 120) for s in regenerated]
    last = max(ledger, key=lambda i: i.get("loaded_at", ""))
    latest = [
        f for f in finals if f.get("data_version") == last["load_id"] and f["report"] == "sales_summary"
    ]
    after = await _snapshot_figure(client, latest[0])

    expected = _landed_figure(day + events + corrections)
    moved = after - before
    act.summary = {
        "files": len(landed),
        "rows": sum(int(i.get("rows", 0)) for i in ledger),
        "rejected_rows": sum(int(i.get("rejected_rows", 0)) for i in ledger),
        # every put of a file is an "Object Created"; only distinct files may start a load
        "duplicates_ignored": len(landed) + 1 - len(load_executions(data)),
        "regenerated_snapshots": sum(1 for f in finals if f["status"] == "READY"),
        "figure_before": {"orders": before.orders, "units": before.units, "revenue": str(before.revenue)},
        "figure_after": {"orders": after.orders, "units": after.units, "revenue": str(after.revenue)},
    }
    act.lines.append(
        f"loads: {len(landed)} files (one landed twice, loaded once), {act.summary['rows']} rows,"
        f" {act.summary['rejected_rows']} rejected; {PRODUCT} in {REGION}:"
        f" orders {before.orders} -> {after.orders}, revenue {before.revenue} -> {after.revenue}"
        f" (+{moved.revenue})"
    )
    if moved != expected:
        act.problems.append(f"{PRODUCT} moved by {moved}, expected {expected}")
    if act.summary["rows"] != len(day) + len(events) + len(corrections) or act.summary["rejected_rows"] != 1:
        act.problems.append(f"loaded {act.summary['rows']} rows, {act.summary['rejected_rows']} rejected")
    if act.summary["duplicates_ignored"] != 1:
        act.problems.append(f"{act.summary['duplicates_ignored']} duplicate deliveries ignored, expected 1")
    if any(f["status"] != "READY" for f in finals):
        act.problems.append("a regenerated snapshot did not end READY")
    return act
