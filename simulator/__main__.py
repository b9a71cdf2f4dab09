"""``make simulate``: every trace through the real scaling decision, then the business day with
lost starts and stopped executions injected, ended by the reconciler; writes
``out/simulation.json`` and ``out/simulation.png`` and exits 1 when a target is missed."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from scaling.policy import Policy
from simulator.fleet import FleetModel, Result, peak_static_size, repairs, simulate, summarise
from simulator.plot import plot
from simulator.reconciling import Faults, ReconcilerModel
from simulator.traces import TRACES, business_day

OUT = Path(__file__).resolve().parent.parent / "out"
OLD_HEARTBEAT_S = 120.0
# One request in a hundred loses its start, one in 97 has its execution stopped 30 s after it.
INJECTED = Faults(lost_start_every=100, stopped_every=97, stop_after_s=30.0)


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


def reconciled(model: FleetModel) -> tuple[dict[str, Any], list[str]]:
    """The business day with INJECTED faults: with status-change events, with every event lost
    (the sweep alone), and with no reconciler (what it saves)."""
    trace = business_day()
    policy = Policy(max_size=trace.max_size or peak_static_size(trace, model))
    runs = {
        "events_and_sweep": replace(model, faults=INJECTED),
        "sweep_only": replace(model, faults=replace(INJECTED, status_events=False)),
        "no_reconciler": replace(model, faults=INJECTED, reconciler=ReconcilerModel(enabled=False)),
    }
    figures = {name: repairs(simulate(trace, run, policy).repairs) for name, run in runs.items()}
    start_bound = model.reconciler.pending_s + model.reconciler.sweep_s
    stop_bounds = {
        "events_and_sweep": model.tick_s,  # the event, delivered within a tick
        "sweep_only": model.job_budget_s - INJECTED.stop_after_s + model.reconciler.sweep_s,
    }
    failures = []
    for name, bound in stop_bounds.items():
        found = figures[name]
        if found["stuck_items"]:
            failures.append(f"reconciler {name}: {found['stuck_items']} items never converged")
        if (found["max_start_repair_s"] or 0) > start_bound:
            failures.append(f"reconciler {name}: a lost start began after {found['max_start_repair_s']} s")
        if (found["max_stop_repair_s"] or 0) > bound:
            failures.append(f"reconciler {name}: a stopped item failed {found['max_stop_repair_s']} s late")
    if not figures["no_reconciler"]["stuck_items"]:
        failures.append("reconciler: the faults were not injected")
    bounds = {"start_s": start_bound, **{f"stop_{k}_s": v for k, v in stop_bounds.items()}}
    return {"faults": asdict(INJECTED), "bounds": bounds, **figures}, failures


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
        per_thousand = figures["usd_per_1000"]
        print(
            f"{'':16} per 1,000 snapshots ${per_thousand['total']:.4f} (static fleet "
            f"${figures['static_usd_per_1000']['total']:.4f}): "
            + ", ".join(f"{k} {v:.4f}" for k, v in per_thousand.items() if k != "total")
            + f"; Step Functions {figures['step_functions_share']:.0%}, marks folded "
            f"${figures['usd_per_1000_marks_folded']:.4f}"
        )
    report["reconciler"], missed = reconciled(model)
    failures += missed
    for name, found in report["reconciler"].items():
        if name not in ("faults", "bounds"):
            print(
                f"reconciler {name:16} lost starts {found['lost_starts']}  stopped "
                f"{found['stopped_executions']}  stuck {found['stuck_items']}  started within "
                f"{found['max_start_repair_s']}s  failed within {found['max_stop_repair_s']}s of the stop"
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
