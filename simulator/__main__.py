"""``make simulate``: every trace through the real scaling decision; writes
``out/simulation.json`` and ``out/simulation.png`` and exits 1 when a target is missed."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from scaling.policy import Policy
from simulator.fleet import FleetModel, Result, peak_static_size, simulate, summarise
from simulator.plot import plot
from simulator.traces import TRACES

OUT = Path(__file__).resolve().parent.parent / "out"
OLD_HEARTBEAT_S = 120.0


def check(name: str, figures: dict[str, Any]) -> list[str]:
    failures = []
    if figures["interrupted_jobs"] != 0:
        failures.append(f"{name}: {figures['interrupted_jobs']} interrupted jobs")
    for lost in ("expired_jobs", "duplicate_renders", "failed_jobs", "poisoned_jobs"):
        if figures[lost] != 0:
            failures.append(f"{name}: {figures[lost]} {lost.replace('_', ' ')}")
    if figures["back_to_zero_s"] is None or figures["back_to_zero_s"] > 20 * 60:
        failures.append(f"{name}: back to zero after {figures['back_to_zero_s']} s (target <= 1200)")
    if name == "burst_from_zero" and (figures["scale_out_from_zero_s"] or 0) > 5 * 60:
        failures.append(
            f"{name}: first job ran {figures['scale_out_from_zero_s']} s after the burst (<= 300)"
        )
    if name == "business_day":
        if figures["p95_wait_s"] > 5 * 60:
            failures.append(f"{name}: p95 wait {figures['p95_wait_s']} s (target <= 300)")
        if figures["cost_ratio"] > 0.4:
            failures.append(f"{name}: cost ratio {figures['cost_ratio']} (target <= 0.4)")
    return failures


def main() -> int:
    model = FleetModel()
    report: dict[str, Any] = {"model": asdict(model), "traces": {}}
    results: dict[str, Result] = {}
    failures: list[str] = []
    for make_trace in TRACES:
        trace = make_trace()
        static = peak_static_size(trace, model)
        policy = Policy(max_size=trace.max_size or static)
        result = simulate(trace, model, policy)
        figures = summarise(trace, result, model, static)
        # The same trace under the old design, a Render HeartbeatSeconds of 120 s: what it cost.
        old = simulate(trace, replace(model, heartbeat_s=OLD_HEARTBEAT_S), policy)
        report["traces"][trace.name] = {
            **figures,
            "policy": asdict(policy),
            "with_heartbeat_120s": {
                "duplicate_renders": old.duplicate_renders,
                "failed_jobs": old.failed,
                "expired_jobs": old.expired,
            },
        }
        results[trace.name] = result
        failures += check(trace.name, figures)
        print(
            f"{trace.name:16} jobs {figures['jobs']:5}  wait p50 {figures['p50_wait_s']:6.1f}s "
            f"p95 {figures['p95_wait_s']:6.1f}s max {figures['max_wait_s']:6.1f}s  "
            f"{figures['instance_hours']:7.2f} inst-h ${figures['cost_usd']:7.2f} vs static "
            f"{figures['static_instances']} x ${figures['static_cost_usd']:7.2f} "
            f"= {figures['cost_ratio']:.3f}  "
            f"interrupted {figures['interrupted_jobs']}  expired {figures['expired_jobs']}  "
            f"duplicates {figures['duplicate_renders']}  poisoned {figures['poisoned_jobs']}  "
            f"failed {figures['failed_jobs']}  "
            f"from zero {figures['scale_out_from_zero_s']}s  to zero {figures['back_to_zero_s']}s"
        )
    report["targets_met"] = not failures
    report["failures"] = failures
    OUT.mkdir(exist_ok=True)
    (OUT / "simulation.json").write_text(json.dumps(report, indent=2) + "\n")
    plot(results, OUT / "simulation.png")
    print("simulate: every target met" if not failures else "simulate: MISSED " + "; ".join(failures))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
