"""``make demo``: the whole platform in the sandbox, a mix of requests, and a check of every outcome.

Two agents run as separate processes. The scenario covers several reports and formats (SQL
extracts; QuickSight snapshot jobs against the stand-in; with Chromium installed, a local web
dashboard and a QuickSight embed captured by the browser renderer), a burst
of identical concurrent requests (one render, answered many times), a repeat that is reused, a
``force`` that renders a new generation, a report whose query fails, bad requests, and three
people with different regions (``sandbox.demo_people``). Files are
downloaded to ``out/``, a table is printed and ``out/demo-summary.json`` written. Exit 0 only when
every outcome is the expected one.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import boto3

from agent.renderers.browser.chromium import find_chromium
from contracts.identity import EXTENSIONS
from sandbox.client import ApiResponse, SnapshotClient
from sandbox.data_platform import snapshots_for
from sandbox.dataset import ensure_dataset
from sandbox.demo_loads import loads_act
from sandbox.demo_people import RENDERS as PEOPLE_RENDERS
from sandbox.demo_people import people_scenario
from sandbox.demo_reports import reports_act
from sandbox.metrics_scrape import jobs, scrape
from sandbox.platform import ROOT, PlatformOptions
from sandbox.runtime import DATA_DIR, start_sandbox

# Where the demo writes what it fetched and its summary: the repository's out/, or elsewhere
# (the demo's own test points it at a temporary folder, leaving a user's out/ alone).
OUT = Path(os.environ.get("SNAPSHOT_DEMO_OUT", ROOT / "out"))
BURST = 8

FIRST_WAVE = [
    {"report": "sales_summary", "format": "csv", "params": {"region": "EMEA"}},
    {"report": "sales_summary", "format": "parquet", "params": {"region": "AMER"}},
    {"report": "sales_summary", "format": "xlsx", "params": {"region": "APAC", "since": "2023-06-01"}},
    {"report": "daily_sales", "format": "csv", "params": {"region": "EMEA", "year": 2024}},
    {"report": "sales_ledger", "format": "parquet", "params": {}},
]
# Dashboards: QuickSight snapshot jobs (the stand-in) always, Chromium captures where it is installed.
QUICKSIGHT_WAVE = [
    {"report": "sales_dashboard", "format": "pdf", "params": {"region": "EMEA"}},
    {"report": "sales_dashboard", "format": "csv", "params": {"region": "AMER"}},
]
BROWSER_WAVE = [
    {"report": "sales_chart", "format": "png", "params": {"region": "APAC"}},
    {"report": "sales_chart_embedded", "format": "pdf", "params": {"region": "EMEA"}},
]
BURST_REQUEST = {"report": "daily_sales", "format": "xlsx", "params": {"region": "AMER", "year": 2023}}
FAILING = {"report": "inventory_levels", "format": "csv"}
BAD_REQUESTS: list[tuple[str, dict[str, Any] | bytes, int]] = [
    ("malformed JSON", b'{"report": "sales_summary", "format": ', 400),
    ("unknown report", {"report": "no_such_report", "format": "csv"}, 404),
    ("undeclared param", {"report": "sales_summary", "format": "csv", "params": {"country": "FR"}}, 422),
    (
        "ill-typed param",
        {"report": "daily_sales", "format": "csv", "params": {"region": "EMEA", "year": "2024"}},
        422,
    ),
    ("disallowed format", {"report": "sales_summary", "format": "pdf"}, 422),
    ("body too large", {"report": "sales_summary", "format": "csv", "params": {"region": "x" * 20000}}, 413),
]


@dataclass
class Tally:
    requested: int = 0
    rejected: int = 0
    decisions: Counter[str] = field(default_factory=Counter)

    def record(self, response: ApiResponse) -> ApiResponse:
        self.requested += 1
        if response.status >= 400:
            self.rejected += 1
        else:
            self.decisions[response.body["decision"]] += 1
        return response


async def run_demo() -> int:
    started = time.monotonic()
    await asyncio.to_thread(OUT.mkdir, parents=True, exist_ok=True)
    print("starting the sandbox (moto with Step Functions execution, API, two agents)...")
    # The data act loads new rows: it works on a copy, so every run starts from the same data.
    working = OUT / "demo-data.db"
    shutil.copy(ensure_dataset(DATA_DIR / "demo.db"), working)
    sandbox = await start_sandbox("demo", options=PlatformOptions(retry_interval_seconds=1), dataset=working)
    try:
        for n in (1, 2):
            # A small capacity each, so the first wave spreads over both agents as it would over a fleet.
            sandbox.add_agent(f"agent-{n}", concurrency=3)
        async with aiohttp.ClientSession() as http:
            client = SnapshotClient(sandbox.api_url, http)
            report = await _scenario(client)
            downloads = await _download(client, report["finals"])
            people = await people_scenario(sandbox.api_url, http, sandbox.people)
            executions = boto3.client("stepfunctions").list_executions(
                stateMachineArn=sandbox.platform.state_machine_arn
            )["executions"]
            renders = await _renders_by_agent(sandbox.agents)
            print("migrating the sandbox's Power BI report to QuickSight, rendering and proving it...")
            quicksight = sandbox.quicksight
            reports = await reports_act(client, quicksight.url, quicksight.account_id, working, OUT)
            print("landing a new day of sales (a CSV twice, Firehose events, a file with a bad row)...")
            platform = sandbox.platform
            loads = await loads_act(client, platform.data, functools.partial(snapshots_for, platform.table))
    finally:
        await sandbox.close()
    summary = _summary(report, downloads, len(executions), renders, time.monotonic() - started)
    summary["people"] = people.summary
    summary["loads"] = loads.summary
    summary["reports"] = reports.summary
    (OUT / "demo-summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    _print_table(summary)
    print("\n".join(people.lines + reports.lines + loads.lines))
    problems = _check(summary, report) + people.problems + reports.problems + loads.problems
    for problem in problems:
        print(f"UNEXPECTED: {problem}")
    print(
        "demo: {requested} requested, {ready} ready, {failed} failed, {reused} reused, "
        "{joined} joined, {rejected} rejected, {executions} executions".format(**summary)
        + (" — every outcome as expected" if not problems else f" — {len(problems)} unexpected")
    )
    return 0 if not problems else 1


def first_wave() -> list[dict[str, Any]]:
    """What the demo asks for first: SQL and QuickSight always, browser captures with Chromium."""
    browser = BROWSER_WAVE if find_chromium(None) is not None else []
    return FIRST_WAVE + QUICKSIGHT_WAVE + browser


async def _scenario(client: SnapshotClient) -> dict[str, Any]:
    tally = Tally()
    if find_chromium(None) is None:
        print("no Chromium (apt-get install chromium): the browser reports are left out")
    first = [tally.record(await client.request(body)) for body in first_wave()]
    failing = tally.record(await client.request(FAILING))
    burst = await asyncio.gather(*(client.request(BURST_REQUEST) for _ in range(BURST)))
    for response in burst:
        tally.record(response)
    ids = {r.body["snapshot_id"] for r in [*first, failing, *burst] if r.status < 400}
    finals = dict(zip(ids, await asyncio.gather(*(client.wait(i, 300) for i in ids)), strict=True))

    repeat = tally.record(await client.request(FIRST_WAVE[0]))
    forced = tally.record(await client.request({**FIRST_WAVE[0], "force": True}))
    finals[forced.body["snapshot_id"]] = await client.wait(forced.body["snapshot_id"], 120)
    bad = []
    for label, body, expected in BAD_REQUESTS:
        response = tally.record(await client.request(body))
        bad.append(
            {
                "case": label,
                "status": response.status,
                "expected": expected,
                "message": response.body.get("message"),
            }
        )
    superseded = await client.get(first[0].body["snapshot_id"])
    return {
        "tally": tally,
        "first": first,
        "burst": burst,
        "repeat": repeat,
        "forced": forced,
        "failing": failing,
        "finals": finals,
        "bad": bad,
        "superseded_status": superseded.status,
    }


async def _download(client: SnapshotClient, finals: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    results = {}
    for sid, final in finals.items():
        if final["status"] != "READY":
            continue
        fresh = (await client.get(sid)).body  # a superseded generation answers 410: keep its final view
        url = str(fresh.get("download_url") or final.get("download_url"))
        data = await client.download(url)
        path = OUT / "snapshots" / final["report"] / f"{sid}.{EXTENSIONS[final['format']]}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        results[sid] = {
            "file": str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path),
            "bytes": len(data),
            "sha256_ok": hashlib.sha256(data).hexdigest() == final["sha256"],
        }
    return results


async def _renders_by_agent(agents: list[Any]) -> dict[str, int]:
    """Scrape each agent's /metrics before it stops: jobs rendered READY per agent."""
    return {agent.name: int(jobs(await scrape(agent.metrics_port), "ready")) for agent in agents}


def _summary(
    report: dict[str, Any],
    downloads: dict[str, Any],
    executions: int,
    renders: dict[str, int],
    seconds: float,
) -> dict[str, Any]:
    tally: Tally = report["tally"]
    finals = report["finals"]
    snapshots = [
        {
            "id": sid,
            "report": f["report"],
            "format": f["format"],
            "status": f["status"],
            "size_bytes": f.get("size_bytes"),
            "sha256": f.get("sha256"),
            "file": downloads.get(sid, {}).get("file"),
            "sha256_ok": downloads.get(sid, {}).get("sha256_ok"),
            "error": f.get("error"),
            "cause": f.get("cause"),
        }
        for sid, f in sorted(finals.items(), key=lambda kv: (kv[1]["report"], kv[0]))
    ]
    return {
        "requested": tally.requested,
        "ready": sum(1 for s in snapshots if s["status"] == "READY"),
        "failed": sum(1 for s in snapshots if s["status"] == "FAILED"),
        "reused": tally.decisions["reused"],
        "joined": tally.decisions["joined"],
        "created": tally.decisions["created"],
        "regenerated": tally.decisions["regenerated"],
        "rejected": tally.rejected,
        "executions": executions,
        "renders_by_agent": renders,
        "seconds": round(seconds, 1),
        "snapshots": snapshots,
        "bad_requests": report["bad"],
    }


def expected_counts() -> dict[str, int]:
    wave = len(first_wave())
    distinct = wave + 1 + 1  # first wave, the failing report, the burst
    return {
        "requested": wave + 1 + BURST + 2 + len(BAD_REQUESTS),
        "ready": wave + 1 + 1,  # + the burst's snapshot + the forced generation
        "failed": 1,
        "reused": 1,
        "joined": BURST - 1,
        "created": distinct,
        "regenerated": 1,
        "rejected": len(BAD_REQUESTS),
        "executions": distinct + 1 + PEOPLE_RENDERS,
    }


def _check(summary: dict[str, Any], report: dict[str, Any]) -> list[str]:
    problems = [
        f"{field}: {summary[field]}, expected {want}"
        for field, want in expected_counts().items()
        if summary[field] != want
    ]
    problems += [
        f"bad request '{b['case']}': HTTP {b['status']}, expected {b['expected']}"
        for b in report["bad"]
        if b["status"] != b["expected"]
    ]
    if len({r.body["snapshot_id"] for r in report["burst"]}) != 1:
        problems.append("the burst got more than one snapshot id")
    if (
        report["repeat"].status != 200
        or report["repeat"].body["snapshot_id"] != report["first"][0].body["snapshot_id"]
    ):
        problems.append("the repeat was not answered from the existing snapshot")
    if not report["forced"].body["snapshot_id"].endswith("-g2"):
        problems.append("force did not render generation 2")
    if report["superseded_status"] != 410:
        problems.append(f"the superseded generation answered {report['superseded_status']}, expected 410")
    failing = report["finals"][report["failing"].body["snapshot_id"]]
    if failing["status"] != "FAILED" or "inventory" not in (failing.get("cause") or ""):
        problems.append(f"the failing report ended {failing['status']} with cause {failing.get('cause')!r}")
    problems += [
        f"{s['id']}: downloaded bytes do not match the recorded sha256"
        for s in summary["snapshots"]
        if s["status"] == "READY" and not s["sha256_ok"]
    ]
    renders = summary["ready"] + PEOPLE_RENDERS
    if sum(summary["renders_by_agent"].values()) != renders:
        problems.append(f"agents rendered {summary['renders_by_agent']}, expected {renders} renders")
    return problems


def _print_table(summary: dict[str, Any]) -> None:
    print()
    print(f"{'snapshot':<38} {'report':<21} {'format':<8} {'status':<7} {'bytes':>10}  file / cause")
    for s in summary["snapshots"]:
        tail = s["file"] if s["status"] == "READY" else f"{s['error']}: {s['cause']}"
        size = s["size_bytes"] if s["size_bytes"] is not None else "-"
        print(f"{s['id']:<38} {s['report']:<21} {s['format']:<8} {s['status']:<7} {size:>10}  {tail}")
    print()
    for b in summary["bad_requests"]:
        print(f"rejected {b['case']:<18} HTTP {b['status']}: {b['message']}")
    print(f"renders per agent: {summary['renders_by_agent']}   ({summary['seconds']}s)")
