"""The simulator replays the traces through the real decision and the targets hold."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from scaling.policy import Policy
from simulator import __main__ as simulate_main
from simulator.fleet import FleetModel, peak_static_size, simulate, summarise
from simulator.traces import burst_beyond_max_size, burst_from_zero, business_day, quiet_night


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
    assert (tmp_path / "simulation.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


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
