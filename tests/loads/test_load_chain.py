"""The data half end to end on moto: a file lands in S3, S3's event reaches the landed function
(through the sandbox's shim), the load state machine runs the agent's load job, "Data Landed"
reaches the trigger (through the shim again), and the report over that dataset is rendered anew
with the new rows in it."""

from __future__ import annotations

import asyncio
import csv
import functools
import io
import shutil
import sqlite3
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import boto3
import openpyxl
import pytest

from contracts.loads import LandedObject
from lambdas import backfill
from sandbox.client import SnapshotClient
from sandbox.data_platform import land, ledger_item, load_executions, load_settled, snapshots_for
from sandbox.event_shim import event_shim
from sandbox.platform import Platform
from sandbox.runtime import Functions
from tests.support.agents import agent_settings, running_agent
from tests.support.waiting import eventually

HEADER = "id,day,region,product,units,amount"
FRESH_PRODUCT = "product-99"


@pytest.fixture
def own_dataset(dataset: Path, tmp_path: Path) -> Path:
    """A copy of the session's dataset: loads change it."""
    copy = tmp_path / "demo.db"
    shutil.copy(dataset, copy)
    return copy


@pytest.fixture
async def chain(platform: Platform, functions: Functions, own_dataset: Path) -> AsyncIterator[Platform]:
    async with (
        event_shim(*functions.event_routes(platform)),
        running_agent(agent_settings(platform, own_dataset)),
    ):
        yield platform


async def settled(platform: Platform, load_id: str) -> dict[str, str]:
    found: dict[str, str] = await eventually(
        functools.partial(load_settled, platform.data, load_id), within=60
    )
    return found


def sales_csv(
    first_id: int, count: int, units: int = 2, amount: str = "10.50", region: str = "EMEA"
) -> bytes:
    rows = [f"{first_id + n},2026-11-27,{region},{FRESH_PRODUCT},{units},{amount}" for n in range(count)]
    return ("\n".join([HEADER, *rows]) + "\n").encode()


async def events_handled_up_to(chain: Platform) -> LandedObject:
    """Land a marker file and wait for its load to start: the landed function, taking events in
    the order they came, has then handled every event before it."""
    body = f"{HEADER}\n90000001,2026-11-27,APAC,marker,1,1.00\n".encode()
    marker = land(chain.data, f"sales/markers/{uuid.uuid4().hex}.csv", body)
    await eventually(lambda: marker.load_id in load_executions(chain.data), within=30)
    await settled(chain, marker.load_id)
    return marker


async def refreshed_snapshot(platform: Platform, api: SnapshotClient, load_id: str) -> dict[str, Any]:
    def found() -> list[dict[str, Any]]:
        return [i for i in snapshots_for(platform.table, load_id) if i["report"] == "sales_summary"]

    (item,) = await eventually(found, within=60)
    return await api.wait(item["snapshot_id"], 60)


async def product_row(api: SnapshotClient, snapshot: dict[str, Any]) -> tuple[Any, ...]:
    body = await api.download(str(snapshot["download_url"]))
    if snapshot["format"] == "csv":
        rows = [tuple(r) for r in csv.reader(io.StringIO(body.decode()))]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
        rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    (row,) = [r for r in rows if r[0] == FRESH_PRODUCT]
    return row


async def test_a_landed_file_is_loaded_once_and_refreshes_the_report(
    chain: Platform, api: SnapshotClient, own_dataset: Path
) -> None:
    landed = land(
        chain.data, "sales/2026-11-27/orders.csv", sales_csv(5_000_001, 40, units=3, amount="12.25")
    )
    item = await settled(chain, landed.load_id)
    assert item["status"] == "LOADED", item
    assert (item["rows"], item["rejected_rows"], item["skipped"]) == ("40", "0", "")

    snapshot = await refreshed_snapshot(chain, api, landed.load_id)
    assert snapshot["status"] == "READY", snapshot
    _, orders, units, revenue = await product_row(api, snapshot)
    assert (int(orders), int(units), float(revenue)) == (40, 120, 490.0), (
        "the new rows are in the new snapshot"
    )

    again = land(chain.data, "sales/2026-11-27/orders.csv", sales_csv(5_000_001, 40, units=3, amount="12.25"))
    assert again.load_id == landed.load_id, "the same bytes at the same key: the same load"
    await events_handled_up_to(chain)
    assert load_executions(chain.data).count(landed.load_id) == 1, "the duplicate event started nothing"
    with sqlite3.connect(own_dataset) as db:
        assert db.execute("SELECT COUNT(*) FROM sales WHERE product = ?", (FRESH_PRODUCT,)).fetchone() == (
            40,
        )
        assert db.execute("SELECT COUNT(*) FROM _loads WHERE load_id = ?", (landed.load_id,)).fetchone() == (
            1,
        )


async def test_bad_rows_go_to_a_rejects_object_and_too_many_fail_the_load(chain: Platform) -> None:
    good = sales_csv(6_000_001, 30).decode().splitlines()
    some_bad = "\n".join([*good, "6000031,2026-11-31,EMEA,product-99,1,1.00"]) + "\n"
    landed = land(chain.data, "sales/2026-11-27/some-bad.csv", some_bad.encode())
    item = await settled(chain, landed.load_id)
    assert (item["status"], item["rows"], item["rejected_rows"]) == ("LOADED", "30", "1")
    rejects = (
        boto3.client("s3")
        .get_object(Bucket=chain.data.landing_bucket, Key=item["rejects_key"])["Body"]
        .read()
    )
    assert b"day: '2026-11-31' is not a date" in rejects

    mostly_bad = "\n".join([HEADER, *(f"{7_000_000 + n},someday,EMEA,p,1,1" for n in range(10))]) + "\n"
    failed = land(chain.data, "sales/2026-11-27/mostly-bad.csv", mostly_bad.encode())
    item = await settled(chain, failed.load_id)
    assert (item["status"], item["error"]) == ("FAILED", "Load.Invalid"), item
    assert "10 of 10 rows rejected" in item["cause"] and "nothing was merged" in item["cause"]


async def test_a_file_of_a_format_the_dataset_does_not_take_fails_with_its_reason(chain: Platform) -> None:
    landed = land(chain.data, "sales/2026-11-27/orders.xml", b"<orders/>")
    item = await settled(chain, landed.load_id)
    assert (item["status"], item["error"]) == ("FAILED", "Load.Invalid")
    assert "takes csv, csv.gz, parquet, jsonl, jsonl.gz" in item["cause"]


async def test_the_platforms_own_rejects_start_no_load(chain: Platform) -> None:
    land(chain.data, "_rejects/sales/ld-x.jsonl", b"{}\n")
    land(chain.data, "_firehose-errors/sales/processing-failed/x", b"{}\n")
    marker = await events_handled_up_to(chain)
    assert load_executions(chain.data) == [marker.load_id], "only the dataset's file started a load"


async def test_a_backfill_loads_a_whole_prefix_once(
    platform: Platform, own_dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No event reaches the landed function here (no shim): the backfill starts every load."""
    files = [
        land(platform.data, f"sales/backfill/part-{n}.csv", sales_csv(8_000_000 + 10 * n, 10))
        for n in range(3)
    ]
    land(platform.data, "_rejects/sales/old.jsonl", b"{}\n")
    arn = platform.data.load_state_machine_arn
    prefix = f"s3://{platform.data.landing_bucket}/sales/"
    async with running_agent(agent_settings(platform, own_dataset)):
        assert await asyncio.to_thread(backfill.main, [prefix, "--state-machine-arn", arn]) == 0
        for landed in files:
            assert (await settled(platform, landed.load_id))["status"] == "LOADED"
        assert await asyncio.to_thread(backfill.main, [prefix, "--state-machine-arn", arn]) == 0
    out = capsys.readouterr().out
    assert "backfill: 3 started, 0 already had their load" in out
    assert "backfill: 0 started, 3 already had their load" in out
    assert sorted(load_executions(platform.data)) == sorted(f.load_id for f in files)
    with pytest.raises(SystemExit) as refused:
        backfill.main(["not-a-uri", "--state-machine-arn", arn])
    assert refused.value.code == 2


async def test_a_load_an_operator_aborted_runs_again_and_loads(platform: Platform, own_dataset: Path) -> None:
    """Stopped before any agent answered, its ledger item is left LOADING: the next start of the
    file (another event, a backfill) takes it over as ``<load id>-2`` and loads it."""
    landed = land(platform.data, "sales/aborted/day.csv", sales_csv(9_100_001, 5))
    arn = platform.data.load_state_machine_arn
    prefix = f"s3://{platform.data.landing_bucket}/sales/aborted/"
    sfn = boto3.client("stepfunctions")
    assert await asyncio.to_thread(backfill.main, [prefix, "--state-machine-arn", arn]) == 0
    first = arn.replace(":stateMachine:", ":execution:") + f":{landed.load_id}"
    await eventually(
        lambda: ledger_item(platform.data, landed.load_id).get("execution_arn") == first, within=30
    )
    sfn.stop_execution(executionArn=first)
    assert ledger_item(platform.data, landed.load_id)["status"] == "LOADING"

    assert await asyncio.to_thread(backfill.main, [prefix, "--state-machine-arn", arn]) == 0
    async with running_agent(agent_settings(platform, own_dataset)):
        item = await settled(platform, landed.load_id)
    assert (item["status"], item["rows"]) == ("LOADED", "5"), item
    assert item["execution_arn"] == f"{first}-2"


async def test_landed_text_that_is_a_formula_reaches_a_csv_as_text(
    chain: Platform, api: SnapshotClient
) -> None:
    """CSV injection: rows that landed from outside carry what a spreadsheet would run; the
    report's CSV carries it as text (a leading '), its XLSX as an inline string."""
    hostile = ['=HYPERLINK("x.example")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd"]
    rows = [
        f'{7_000_001 + n},2026-11-28,EMEA,"{p.replace(chr(34), chr(34) * 2)}",1,1.00'
        for n, p in enumerate(hostile)
    ]
    landed = land(chain.data, "sales/2026-11-28/formulas.csv", ("\n".join([HEADER, *rows]) + "\n").encode())
    assert (await settled(chain, landed.load_id))["status"] == "LOADED"
    csv_file = await ledger_since(api, "csv", "2026-11-28")
    products = [r["product"] for r in csv.DictReader(io.StringIO(csv_file.decode()))]
    assert products == [f"'{p}" for p in hostile]
    sheet = openpyxl.load_workbook(io.BytesIO(await ledger_since(api, "xlsx", "2026-11-28"))).worksheets[0]
    cells = [row[3] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == hostile and all(c.data_type == "s" for c in cells)


async def ledger_since(api: SnapshotClient, fmt: str, since: str) -> bytes:
    """The sales ledger from ``since``, rendered and downloaded."""
    body = {"report": "sales_ledger", "format": fmt, "params": {"since": since}, "data_version": since}
    final = await api.wait((await api.request(body)).body["snapshot_id"], 60)
    return await api.download(final["download_url"])
