"""The simulator replays the traces through the real decision and the targets hold."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from scaling.policy import Policy
from simulator import __main__ as simulate_main
from simulator.fleet import FleetModel, peak_static_size, simulate, summarise
from simulator.reconciling import Faults, ReconcilerModel
from simulator.traces import burst_beyond_max_size, burst_from_zero, business_day, quiet_night
from tests.support.make_runner import ROOT


def test_make_simulate_writes_the_report_and_the_plot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(simulate_main, "OUT", tmp_path)
    assert simulate_main.main() == 0
    report = json.loads((tmp_path / "simulation.json").read_text())
    assert report["targets_met"] is True
    traces = report["traces"]
    assert set(traces) == {"business_day", "burst_from_zero", "quiet_night", "burst_beyond_max_size"}
    for figures in traces.values():
        assert figures["interrupted_jobs"] == 0
        assert figures["expired_jobs"] == figures["duplicate_renders"] == figures["failed_jobs"] == 0
        assert figures["poisoned_jobs"] == 0
        assert figures["back_to_zero_s"] <= 20 * 60
        for field in (
            "p50_wait_s",
            "p95_wait_s",
            "max_wait_s",
            "instance_hours",
            "cost_usd",
            "static_cost_usd",
            "cost_ratio",
            "scale_out_from_zero_s",
        ):
            assert field in figures
    assert traces["burst_from_zero"]["scale_out_from_zero_s"] <= 300
    assert traces["business_day"]["p95_wait_s"] <= 300 and traces["business_day"]["cost_ratio"] <= 0.4
    reconciler = report["reconciler"]
    assert reconciler["events_and_sweep"]["stuck_items"] == reconciler["sweep_only"]["stuck_items"] == 0
    assert reconciler["no_reconciler"]["stuck_items"] > 0
    assert (
        reconciler["events_and_sweep"]["max_stop_repair_s"] <= reconciler["bounds"]["stop_events_and_sweep_s"]
    )
    assert (tmp_path / "simulation.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert_cost_table_is(traces)


COST_ROWS = {
    "business_day": "business day",
    "burst_from_zero": "burst from zero",
    "quiet_night": "quiet night",
    "burst_beyond_max_size": "burst beyond `max_size`",
}


def assert_cost_table_is(traces: dict[str, Any]) -> None:
    """docs/autoscaling.md's cost table and the README's summary are this run's figures."""
    docs = (ROOT / "docs" / "autoscaling.md").read_text()
    for name, label in COST_ROWS.items():
        figures = traces[name]
        cost = figures["usd_per_1000"]
        row = (
            f"| {label} | **${cost['total']:.4f}** | "
            + " | ".join(
                f"{cost[s]:.4f}" for s in ("ec2", "step_functions", "sqs", "dynamodb", "s3", "eventbridge")
            )
            + f" | ${figures['static_usd_per_1000']['total']:.4f} | {figures['step_functions_share']:.0%}"
            + f" | ${figures['usd_per_1000_marks_folded']:.4f} |"
        ).replace("%", " %")
        assert row in docs, f"docs/autoscaling.md's cost table is stale: {row}"
    day = traces["business_day"]
    readme = (ROOT / "README.md").read_text()
    assert f"**${day['usd_per_1000']['total']:.2f}** on the simulated" in readme
    assert f"**${day['static_usd_per_1000']['total']:.2f}** for a" in readme


def test_the_policy_is_what_drives_the_fleet() -> None:
    trace, model = quiet_night(), FleetModel()
    static = peak_static_size(trace, model)
    fast = summarise(trace, simulate(trace, model, Policy(max_size=static)), model, static)
    lazy = summarise(
        trace, simulate(trace, model, Policy(max_size=static, idle_to_zero_s=3600)), model, static
    )
    assert lazy["instance_hours"] > fast["instance_hours"]


def test_a_fleet_that_ignores_protection_interrupts_jobs() -> None:
    trace = burst_from_zero()
    unprotected = replace(FleetModel(), scale_in_protection=False)
    static = peak_static_size(trace, unprotected)
    # An eager scale-in without protection removes instances mid-render; with it, never.
    policy = Policy(max_size=static, scale_in_delay_s=0, scale_in_cooldown_s=0, max_scale_in_fraction=1.0)
    assert simulate(trace, unprotected, policy).interrupted > 0
    assert simulate(trace, FleetModel(), policy).interrupted == 0


def test_a_message_whose_workers_keep_going_away_fails_as_poison() -> None:
    """An interrupted render's message comes back one receive more; past the agent's
    max_receives it fails as poison instead of being rendered again."""
    trace = burst_from_zero()
    policy = Policy(
        max_size=peak_static_size(trace, FleetModel()),
        scale_in_delay_s=0,
        scale_in_cooldown_s=0,
        max_scale_in_fraction=1.0,
    )
    forgiving = simulate(trace, replace(FleetModel(), scale_in_protection=False), policy)
    strict = simulate(trace, replace(FleetModel(), scale_in_protection=False, max_receives=1), policy)
    assert forgiving.interrupted > 0 and forgiving.poisoned == 0
    assert strict.interrupted > 0
    assert 0 < strict.poisoned <= strict.interrupted
    assert strict.failed >= strict.poisoned


def test_traces_are_seeded_and_shaped() -> None:
    assert business_day().jobs == business_day().jobs
    day = business_day()
    spikes = [t for t, _ in day.jobs if t % 3600 < 120 and 8 <= t // 3600 <= 18]
    assert len(spikes) >= 11 * 300


def test_a_heartbeat_clock_that_starts_at_the_send_fails_and_repeats_waiting_jobs() -> None:
    """The counters count: the old design (HeartbeatSeconds from the send) renders jobs twice and,
    in a long enough wait, fails them; the job budget alone does neither."""
    trace = burst_beyond_max_size()
    model = FleetModel()
    policy = Policy(max_size=trace.max_size or 1)
    today = simulate(trace, model, policy)
    old = simulate(trace, replace(model, heartbeat_s=120.0), policy)
    assert (today.duplicate_renders, today.failed, today.expired) == (0, 0, 0)
    assert max(today.waits) > 3600, "the trace waits for more than an hour"
    assert old.failed > 1000
    short = simulate(trace, replace(model, job_budget_s=1800.0), policy)
    assert short.expired == short.failed > 0, "a budget shorter than the wait expires jobs"
    assert short.duplicate_renders == 0


def test_the_reconciler_ends_every_injected_lost_execution_within_its_bounds() -> None:
    """Lost starts begin within PENDING_SECONDS plus a sweep; a stopped execution's item fails at
    its event, or with every event lost, at the job budget plus a sweep; without the reconciler
    both stay in progress."""
    trace = burst_from_zero()
    model = replace(FleetModel(), faults=Faults(lost_start_every=50, stopped_every=47, stop_after_s=30.0))
    policy = Policy(max_size=peak_static_size(trace, model))
    sweep, pending = model.reconciler.sweep_s, model.reconciler.pending_s

    with_events = simulate(trace, model, policy).repairs
    assert (with_events.lost_starts, with_events.stopped) == (60, 62)
    assert with_events.stuck() == 0
    assert len(with_events.start_repairs_s) == 60
    assert pending <= min(with_events.start_repairs_s) and max(with_events.start_repairs_s) <= pending + sweep
    assert with_events.stop_repairs_s and max(with_events.stop_repairs_s) <= model.tick_s

    lost_events = replace(model, faults=replace(model.faults, status_events=False))
    swept = simulate(trace, lost_events, policy).repairs
    assert swept.stuck() == 0
    budget = model.job_budget_s - model.faults.stop_after_s
    assert budget <= min(swept.stop_repairs_s) and max(swept.stop_repairs_s) <= budget + sweep

    nobody = simulate(trace, replace(model, reconciler=ReconcilerModel(enabled=False)), policy).repairs
    assert nobody.stuck() == 60 + len(with_events.stop_repairs_s)
    assert nobody.start_repairs_s == nobody.stop_repairs_s == []


def test_a_stopped_executions_job_is_never_reported_and_a_lost_start_renders_once() -> None:
    trace = burst_from_zero()
    model = replace(FleetModel(), faults=Faults(lost_start_every=10, stopped_every=7, stop_after_s=0.0))
    result = simulate(trace, model, Policy(max_size=peak_static_size(trace, model)))
    assert result.duplicate_renders == 0
    assert result.repairs.stuck() == 0
    assert len(result.repairs.stop_repairs_s) == result.repairs.stopped, "stopped at once: none was READY"
    assert len(result.waits) == len(trace.jobs) - result.repairs.stopped
