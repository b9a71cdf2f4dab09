"""``make bench``: every figure of the agent's performance, each ratio measured side by side.

Processes: a fake AWS endpoint (bench/fake_aws.py), then the real agent (bench/agent_runner.py),
the bare aiobotocore baseline (bench/baseline.py) and a sequential boto3 worker
(bench/sequential.py) against it in turn. CPU and RSS are read from /proc, from outside.
Writes ``out/bench.json`` and prints the same figures.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3

from bench import extract, loads, reports, reuse, verify
from bench.browser import measure as measure_browser
from bench.browser import measure_auth as measure_browser_auth
from bench.extract_data import SERVERS
from bench.pairs import PAIRS, Spread, median_run, of_seconds
from contracts.identity import snapshot_key

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "out" / "bench.json"
CATALOG = ROOT / "bench" / "catalog.toml"
TICK = os.sysconf("SC_CLK_TCK")
IO_ROUNDS = 20
IO_LIGHT = 64  # the concurrency of the light-load run beside io_throughput_ratio
TARGETS = {
    "overhead_ratio": ("<=", 1.3),
    "calls_per_job": ("<=", 3.3),
    "io_throughput_ratio": (">=", 0.9),
    "sequential_speedup": (">=", 80),
    "peak_rss_mb": ("<=", 300),
    "idle_receives_per_min": ("<=", 3),
    "pickup_p99_ms": ("<", 1000),
    "browser_rss_mb_per_page": ("<=", 150),
    "browser_ratio": (">=", 0.9),
    "browser_auth_ratio": (">=", 0.6),
    **{f"extract_ratio_{server.name}_{fmt}": (">=", 1.1) for server in SERVERS for fmt in extract.STREAMED},
    **{f"extract_cli_ratio_{server.name}_csv": ("<=", 1.5) for server in SERVERS},
    "extract_xlsx_rows_per_s": (">=", 250_000),
    "extract_peak_rss_mb": ("<=", 300),
    **{f"load_ratio_{server.name}": (">=", 0.7) for server in SERVERS},
    "load_peak_rss_mb": ("<=", 300),
    "verify_ratio": (">=", 1.0),
    "reuse_writes_per_request": ("<=", 0),
}


def progress(what: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {what}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http(url: str, data: bytes | None = None) -> Any:
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def wait_until(check: Any, within: float, what: str, every: float = 0.05) -> Any:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    raise TimeoutError(f"{what}: not within {within}s")


@dataclass
class Endpoint:
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = http(f"{self.url}/_bench/stats")
        return result

    def load(self, bodies: list[str]) -> None:
        http(f"{self.url}/_bench/load", json.dumps(bodies).encode())

    def reset(self) -> None:
        http(f"{self.url}/_bench/reset", b"{}")

    def env(self, **snapshot: Any) -> dict[str, str]:
        env = {
            **os.environ,
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": "us-east-1",
            "SNAPSHOT_QUEUE_URL": f"{self.url}/123456789012/bench-jobs",
            "SNAPSHOT_BUCKET": "bench",
            "SNAPSHOT_TABLE": "bench",
            "SNAPSHOT_CATALOG_URI": f"file://{CATALOG}",
            "SNAPSHOT_METRICS_HOST": "127.0.0.1",
            "SNAPSHOT_LOG_LEVEL": "WARNING",
        }
        env.update({f"SNAPSHOT_{k.upper()}": str(v) for k, v in snapshot.items()})
        return env

    def stop(self) -> None:
        self.process.kill()  # its long polls would hold a graceful stop for 20 s
        self.process.wait(10)


def start_endpoint() -> Endpoint:
    port = free_port()
    process = spawn("bench.fake_aws", dict(os.environ), "--port", str(port))
    endpoint = Endpoint(port, process)
    wait_until(lambda: _answers(endpoint), 30, "fake AWS endpoint")
    return endpoint


def _answers(endpoint: Endpoint) -> bool:
    try:
        endpoint.stats()
    except OSError:
        return False
    return True


# Every process a run starts (endpoints, agents, the bare loop), so one that a failed step left
# running is killed as the run ends, not left holding its port, CPU and memory.
_spawned: list[subprocess.Popen[bytes]] = []


def spawn(module: str, env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([sys.executable, "-m", module, *args], cwd=ROOT, env=env)
    _spawned.append(process)
    return process


def end_spawned() -> None:
    """Kill whatever this run started that still runs."""
    while _spawned:
        process = _spawned.pop()
        if process.poll() is None:
            process.kill()
            process.wait(10)


def start_agent(endpoint: Endpoint, **settings: Any) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = spawn("bench.agent_runner", endpoint.env(metrics_port=port, **settings))
    wait_until(lambda: _ready(port), 30, "agent ready")
    return process, port


def _ready(port: int) -> bool:
    try:
        return bool(http(f"http://127.0.0.1:{port}/readyz")["ready"])
    except OSError:
        return False


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def job_bodies(report: str, count: int, params: dict[str, Any] | None = None) -> list[str]:
    """Distinct jobs, each with the key the trigger would give it (a data version of its own)."""
    bodies = []
    for _ in range(count):
        version = uuid.uuid4().hex
        key = snapshot_key(report, "csv", params or {}, version)
        bodies.append(
            json.dumps(
                {
                    "v": 1,
                    "snapshot_id": f"{key}-g1",
                    "key": key,
                    "generation": 1,
                    "report": report,
                    "format": "csv",
                    "params": params or {},
                    "data_version": version,
                    "bucket": "bench",
                    "s3_key": f"snapshots/{report}/{key}/g1.csv",
                    "task_token": f"token-{key}",
                }
            )
        )
    return bodies


def run_batch(endpoint: Endpoint, pid: int, bodies: list[str], within: float) -> dict[str, Any]:
    """Load the bodies, wait until all are deleted; CPU of ``pid`` and wall time over the run."""
    endpoint.reset()
    cpu0, wall0 = cpu_seconds(pid), time.monotonic()
    endpoint.load(bodies)
    wait_until(lambda: endpoint.stats()["deleted"] >= len(bodies), within, "jobs done", every=0.02)
    wall, cpu = time.monotonic() - wall0, cpu_seconds(pid) - cpu0
    stats = endpoint.stats()
    return {
        "jobs": len(bodies),
        "wall": wall,
        "cpu": cpu,
        "rate": len(bodies) / wall,
        "cpu_per_job": cpu / len(bodies),
        "calls": stats["calls"],
    }


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, within: float = 60) -> int:
    if process.poll() is None:
        process.send_signal(sig)
    return process.wait(within)


def bench(noop_jobs: int) -> dict[str, Any]:
    endpoint = start_endpoint()
    idle_endpoint = start_endpoint()
    results: dict[str, Any] = {}
    try:
        idle_agent, _ = start_agent(idle_endpoint, pollers=2)
        idle_started = time.monotonic()
        idle_receives0 = idle_endpoint.stats()["calls"].get("ReceiveMessage", 0)

        progress(f"no-op jobs: the agent and the bare loop, {PAIRS} pairs")
        # 1-2. No-op jobs: the agent's own cost per job and its calls, against the bare aiobotocore
        # loop on an endpoint of its own (an idle agent would take the loop's jobs), in pairs.
        floor_endpoint = start_endpoint()
        agent, _ = start_agent(endpoint, concurrency=256)
        baseline = spawn("bench.baseline", floor_endpoint.env(), "--loops", "26")
        time.sleep(2)
        run_batch(endpoint, agent.pid, job_bodies("noop", 500), 60)  # warm-up
        run_batch(floor_endpoint, baseline.pid, job_bodies("noop", 500), 60)
        noops: list[dict[str, Any]] = []
        floors: list[dict[str, Any]] = []
        for turn in range(PAIRS):
            for side in ("floor", "agent") if turn % 2 == 0 else ("agent", "floor"):
                if side == "floor":
                    floors.append(run_batch(floor_endpoint, baseline.pid, job_bodies("noop", noop_jobs), 300))
                else:
                    noops.append(run_batch(endpoint, agent.pid, job_bodies("noop", noop_jobs), 300))
        stop(agent)
        stop(baseline, signal.SIGKILL)
        floor_endpoint.stop()
        results["noop_runs"], results["baseline_runs"] = noops, floors
        noop = median_run(noops, "cpu_per_job")
        progress(f"no-op: {noop['rate']:.0f} jobs/s, {1000 * noop['cpu_per_job']:.2f} ms CPU/job")

        progress(f"1 s renders at concurrency 256, {PAIRS} runs")
        # 3. Simulated I/O: renders wait 1 s, concurrency 256, IO_ROUNDS rounds of the capacity, so
        # the first round's ramp-up and the last one's tail weigh little in the rate. Each run is
        # paired with the same turn's no-op rate (the ratio's ceiling is min(256, that rate)).
        agent, _ = start_agent(endpoint, concurrency=256)
        ios = [
            run_batch(endpoint, agent.pid, job_bodies("sleep", 256 * IO_ROUNDS, {"seconds": 1.0}), 120)
            for _ in range(PAIRS)
        ]
        results["io_runs"] = ios
        # Reported beside the target, not instead of it: the same mean render time, varied.
        rng = random.Random(7)
        jittered = [
            b
            for _ in range(256 * IO_ROUNDS)
            for b in job_bodies("sleep", 1, {"seconds": rng.uniform(0.5, 1.5)})
        ]
        results["io_jittered"] = run_batch(endpoint, agent.pid, jittered, 120)
        stop(agent)
        # What the ratio loses, apart: the same renders at a quarter of the load. Each job's calls
        # wait behind the other jobs' CPU work on the one event loop, so the ratio falls as the
        # loop's utilisation rises; what is left at low load is the calls' own round trips.
        agent, _ = start_agent(endpoint, concurrency=IO_LIGHT)
        light = job_bodies("sleep", IO_LIGHT * IO_ROUNDS, {"seconds": 1.0})
        results["io_light"] = run_batch(endpoint, agent.pid, light, 120)
        stop(agent)

        progress("sequential worker")
        # 4. The sequential boto3 worker on the same 1 s workload.
        sequential = spawn("bench.sequential", endpoint.env())
        seq = run_batch(endpoint, sequential.pid, job_bodies("sleep", 6, {"seconds": 1.0}), 60)
        stop(sequential, signal.SIGKILL)
        results["sequential"] = seq

        progress("1,000 in flight")
        # 5. Memory with 1,000 jobs in flight.
        agent, _ = start_agent(endpoint, concurrency=1000, pollers=8)
        endpoint.reset()
        endpoint.load(job_bodies("sleep", 1000, {"seconds": 5.0}))
        wait_until(lambda: endpoint.stats()["in_flight"] >= 1000, 60, "1000 in flight")
        wait_until(lambda: endpoint.stats()["deleted"] >= 1000, 60, "1000 done")
        results["rss"] = {"peak_rss_mb": peak_rss_mb(agent.pid)}
        stop(agent)

        progress("pickup latency")
        # 6. Pickup latency of a warm idle agent: SendMessage -> fence (render start).
        agent, _ = start_agent(endpoint, concurrency=256)
        endpoint.reset()
        time.sleep(1)
        sqs = boto3.client(
            "sqs",
            endpoint_url=endpoint.url,
            region_name="us-east-1",
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
        )
        for body in job_bodies("noop", 200):
            sqs.send_message(QueueUrl=f"{endpoint.url}/123456789012/bench-jobs", MessageBody=body)
            time.sleep(0.02)
        wait_until(lambda: endpoint.stats()["deleted"] >= 200, 60, "pickup jobs done")
        pickups = sorted(endpoint.stats()["pickup_seconds"])
        results["pickup"] = {
            "count": len(pickups),
            "p50_ms": 1000 * pickups[len(pickups) // 2],
            "p99_ms": 1000 * pickups[math.ceil(0.99 * len(pickups)) - 1],
        }
        stop(agent)

        progress("drain")
        # 7. SIGTERM with 256 jobs in flight: exit within the drain timeout, nothing lost.
        drain_timeout = 3.0
        agent, _ = start_agent(endpoint, concurrency=256, drain_seconds=drain_timeout)
        endpoint.reset()
        endpoint.load(job_bodies("sleep", 256, {"seconds": 60.0}))
        wait_until(lambda: endpoint.stats()["in_flight"] >= 256, 60, "256 in flight")
        started = time.monotonic()
        code = stop(agent)
        drain_seconds = time.monotonic() - started
        after = endpoint.stats()
        results["drain"] = {
            "seconds": drain_seconds,
            "timeout": drain_timeout,
            "exit_code": code,
            "released": after["ready"],
            "deleted": after["deleted"],
            "left_invisible": after["in_flight"],
        }

        progress("idle minute")
        # Idle: ReceiveMessage calls per minute per poller, over at least a minute.
        wait_until(lambda: time.monotonic() - idle_started >= 61, 120, "idle minute", every=0.5)
        idle_calls = idle_endpoint.stats()["calls"].get("ReceiveMessage", 0) - idle_receives0
        results["idle"] = {"receives": idle_calls, "pollers": 2, "seconds": time.monotonic() - idle_started}
        stop(idle_agent)

        progress("browser pages")
        # 8. The browser renderer on a local chart page in the system's Chromium.
        results["browser"] = asyncio.run(measure_browser())
        progress("browser pages with header auth")
        results["browser_auth"] = asyncio.run(measure_browser_auth())

        # 9. SQL extracts: the renderer against ConnectorX and the servers' own exports.
        results["extract"] = extract.measure(progress)

        # 10. Loads: the load job against the servers' own bulk loaders, same file.
        results["loads"] = loads.measure(progress)

        # 11. migrate verify against reladiff on the same tables.
        results["verify"] = verify.measure(progress)

        # 12. The trigger answering a hot snapshot: no write, and its cost over a bare GetItem.
        results["reuse"] = reuse.measure(progress)

        # 13. migrate reports on a 20-page, 600-visual Power BI project, against parsing its files.
        results["reports"] = reports.measure(progress)
    finally:
        end_spawned()  # the endpoints, and any agent or loop a failed step left running
    return results


def summarise(raw: dict[str, Any]) -> dict[str, Any]:
    noops, floors, ios, seq = raw["noop_runs"], raw["baseline_runs"], raw["io_runs"], raw["sequential"]
    noop, floor = median_run(noops, "cpu_per_job"), median_run(floors, "cpu_per_job")
    io = median_run(ios, "rate")
    calls = {op: n / noop["jobs"] for op, n in sorted(noop["calls"].items())}
    # CPU per job: the agent's ÷ the loop's, lower is better (so the loop's is "ours" in the pair)
    overhead = of_seconds([n["cpu_per_job"] for n in noops], [f["cpu_per_job"] for f in floors])
    throughput = Spread(tuple(i["rate"] / min(256.0, n["rate"]) for i, n in zip(ios, noops, strict=True)))
    return {
        **overhead.figures("overhead_ratio"),
        "calls_per_job": round(sum(calls.values()), 3),
        "calls_per_job_by_operation": {op: round(v, 3) for op, v in calls.items()},
        **throughput.figures("io_throughput_ratio"),
        "io_throughput_ratio_jittered": round(raw["io_jittered"]["rate"] / min(256.0, noop["rate"]), 3),
        "io_loop_utilisation": round(io["cpu"] / io["wall"], 2),
        "io_throughput_ratio_light": round(raw["io_light"]["rate"] / IO_LIGHT, 3),
        "io_loop_utilisation_light": round(raw["io_light"]["cpu"] / raw["io_light"]["wall"], 2),
        "sequential_speedup": round(io["rate"] / seq["rate"], 1),
        "peak_rss_mb": round(raw["rss"]["peak_rss_mb"], 1),
        "idle_receives_per_min": round(
            raw["idle"]["receives"] / raw["idle"]["pollers"] / (raw["idle"]["seconds"] / 60), 2
        ),
        "pickup_p99_ms": round(raw["pickup"]["p99_ms"], 1),
        "pickup_p50_ms": round(raw["pickup"]["p50_ms"], 1),
        "drain_seconds": round(raw["drain"]["seconds"], 2),
        "drain_timeout_seconds": raw["drain"]["timeout"],
        "drain_lost_messages": 256 - raw["drain"]["released"] - raw["drain"]["deleted"],
        "jobs_per_cpu_second": round(1 / noop["cpu_per_job"], 1),
        "baseline_jobs_per_cpu_second": round(1 / floor["cpu_per_job"], 1),
        "noop_jobs_per_second": round(noop["rate"], 1),
        "io_jobs_per_second": round(io["rate"], 1),
        "sequential_jobs_per_second": round(seq["rate"], 3),
        **{k: v for k, v in raw["browser"].items() if k.startswith("browser_")},
        **{k: v for k, v in raw.get("browser_auth", {}).items() if k.startswith("browser_")},
        **extract.summarise(raw["extract"]),
        **loads.summarise(raw["loads"]),
        **verify.summarise(raw["verify"]),
        **reuse.summarise(raw["reuse"]),
        **reports.summarise(raw["reports"]),
    }


def check(figures: dict[str, Any]) -> list[str]:
    failures = []
    for name, (op, target) in TARGETS.items():
        if name not in figures:
            failures.append(f"{name} was not measured")
            continue
        value = figures[name]
        ok = value <= target if op == "<=" else value >= target if op == ">=" else value < target
        if not ok:
            failures.append(f"{name} = {value}, target {op} {target}")
    if figures["drain_seconds"] > figures["drain_timeout_seconds"] + 2:
        failures.append(f"drain_seconds = {figures['drain_seconds']}, target <= timeout + 2")
    for case in verify.CASES:
        if not figures[f"verify_identical_findings_{case}"]:
            failures.append(f"verify, {case}: migrate verify and reladiff found different keys")
    if not figures["reuse_all_reused"]:
        failures.append("reuse: a request for a fresh snapshot was not answered by reuse")
    if figures["drain_lost_messages"] != 0:
        failures.append(f"{figures['drain_lost_messages']} messages neither done nor visible after drain")
    return failures


def main() -> int:
    noop_jobs = int(os.environ.get("BENCH_NOOP_JOBS", "6000"))
    started = datetime.now(UTC)
    raw = bench(noop_jobs)
    figures = summarise(raw)
    failures = check(figures)
    report = {
        **figures,
        "targets_met": not failures,
        "failures": failures,
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "uvloop": True,
            "platform": platform.platform(),
            "processor": platform.machine(),
        },
        "date": started.isoformat(timespec="seconds"),
        "noop_jobs": noop_jobs,
        "raw": raw,
    }
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2) + "\n")
    width = max(len(k) for k in figures)
    for name, value in figures.items():
        target = TARGETS.get(name)
        print(f"{name:<{width}}  {value}" + (f"   (target {target[0]} {target[1]})" if target else ""))
    print(f"machine: {report['machine']}  date: {report['date']}")
    print("bench: every target met" if not failures else "bench: MISSED " + "; ".join(failures))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
