"""The demo's reporting track: the sandbox's own Power BI report (``sandbox/powerbi/``, a PBIP)
converted by ``migrate reports``, deployed into the QuickSight stand-in, rendered by the engine
(the catalog's ``sales_migrated``: the stand-in computes its visual from the published definition),
and proved by ``migrate verify --reports``. The sandbox has one database, so the migration's
source and target are the same rows: the proof is that the conversion kept every number."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from migrate.cli import main as migrate
from sandbox.client import SnapshotClient
from sandbox.platform import ROOT

PROJECT = ROOT / "sandbox" / "powerbi"
READERS = "arn:aws:quicksight:us-east-1:{account}:group/default/report-readers"
IMAGES_BUCKET = "sandbox-report-images"
REQUEST = {"report": "sales_migrated", "format": "csv", "data_version": "reports-demo"}


@dataclass
class ReportsOutcome:
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


@contextlib.contextmanager
def pointed_at(url: str) -> Iterator[None]:
    """boto3's QuickSight client to the stand-in for the deploy (the rest of the demo's calls
    keep their endpoints)."""
    before = os.environ.get("AWS_ENDPOINT_URL_QUICKSIGHT")
    os.environ["AWS_ENDPOINT_URL_QUICKSIGHT"] = url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("AWS_ENDPOINT_URL_QUICKSIGHT", None)
        else:
            os.environ["AWS_ENDPOINT_URL_QUICKSIGHT"] = before


async def reports_act(
    client: SnapshotClient, quicksight_url: str, account: str, database: Path, out: Path
) -> ReportsOutcome:
    outcome = ReportsOutcome()
    converted = out / "demo-reports"
    # the report's logo goes where QuickSight reads sheet images from: a bucket of the account's
    await asyncio.to_thread(boto3.client("s3").create_bucket, Bucket=IMAGES_BUCKET)
    deploy = [
        "reports", str(PROJECT), "--out", str(converted), "--account", account, "--region", "us-east-1",
        "--catalog-datasource", "demo", "--deploy", READERS.format(account=account),
        "--images-at", f"s3://{IMAGES_BUCKET}/reports/",
    ]  # fmt: skip
    with pointed_at(quicksight_url):
        deployed = await asyncio.to_thread(migrate, deploy)
    findings = json.loads((converted / "Sales" / "findings.json").read_text())
    outcome.lines.append(f"Power BI report migrated: {findings['coverage']}; deploy exit {deployed}")
    if deployed != 0:
        outcome.problems.append(f"migrate reports --deploy exited {deployed}")
        return outcome
    asked = await client.request(REQUEST)
    final = await client.wait(asked.body["snapshot_id"], 120)
    rows = list(csv.DictReader(io.StringIO((await client.download(final["download_url"])).decode())))
    outcome.lines.append(
        f"migrated dashboard rendered by the engine: {final['status']},"
        f" {len(rows)} rows {[r['region'] for r in rows]}"
    )
    if final["status"] != "READY" or len(rows) != 3:
        outcome.problems.append(f"the migrated dashboard's csv: {final['status']}, {len(rows)} rows")
    url = f"sqlite:///{database}"
    verify = [
        "verify", "--reports", str(PROJECT), "--converted", str(converted), "--source", url, "--target", url,
        "--output", str(out / "demo-reports-verify.json"),
    ]  # fmt: skip
    proved = await asyncio.to_thread(migrate, verify)
    results = json.loads((out / "demo-reports-verify.json").read_text())["reports"]["Sales"]
    counts = {s: sum(r["status"] == s for r in results) for s in ("equal", "different", "not comparable")}
    outcome.lines.append(
        "migrate verify --reports: " + ", ".join(f"{n} {status}" for status, n in counts.items())
    )
    if proved != 0 or counts["different"] or not counts["equal"]:
        outcome.problems.append(f"migrate verify --reports exited {proved}: {counts}")
    outcome.summary = {"coverage": findings["coverage"], "rows": len(rows), "verify": counts}
    return outcome
