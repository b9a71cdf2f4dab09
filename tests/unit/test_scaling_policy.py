"""The scaling decision: out fast (from zero on one job), in slow and in steps, to zero only idle."""

from __future__ import annotations

import pytest

from scaling.policy import Memory, Observation, Policy, decide, needed_instances

POLICY = Policy(max_size=10, default_capacity=10, target_utilisation=0.5)


def observe(
    now: float, visible: int = 0, in_flight: int = 0, desired: int = 0, busy: float | None = None
) -> Observation:
    return Observation(now, visible, in_flight, desired, capacity_per_instance=10, busy_ratio=busy)


def test_one_job_starts_an_instance_from_zero_at_once() -> None:
    decision = decide(observe(0, visible=1), Memory(), POLICY)
    assert decision.desired == 1 and decision.memory.last_scale_out == 0


def test_scale_out_follows_backlog_per_instance_within_max() -> None:
    assert needed_instances(observe(0, visible=12, in_flight=8), POLICY) == 4  # 20 jobs / (10 x 0.5)
    assert decide(observe(0, visible=12, in_flight=8, desired=1), Memory(), POLICY).desired == 4
    assert decide(observe(0, visible=10_000, desired=4), Memory(), POLICY).desired == 10


def test_scale_in_waits_for_delay_and_cooldown_then_steps_a_quarter() -> None:
    memory = Memory(last_scale_out=0)
    first = decide(observe(60, in_flight=5, desired=8, busy=0.1), memory, POLICY)
    assert first.desired == 8 and first.memory.low_since == 60
    waiting = decide(observe(300, in_flight=5, desired=8, busy=0.1), first.memory, POLICY)
    assert waiting.desired == 8
    step = decide(observe(360, in_flight=5, desired=8, busy=0.1), waiting.memory, POLICY)
    assert step.desired == 6  # a quarter of 8, not straight to the 1 needed
    again = decide(observe(420, in_flight=5, desired=6, busy=0.1), step.memory, POLICY)
    assert again.desired == 6  # each step waits the delay again


def test_a_new_spike_resets_the_wait() -> None:
    low = decide(observe(0, in_flight=5, desired=8, busy=0.1), Memory(), POLICY)
    spike = decide(observe(200, visible=200, desired=8), low.memory, POLICY)
    assert spike.desired == 10 and spike.memory.low_since is None


def test_to_zero_only_after_the_idle_time_with_nothing_busy() -> None:
    busy = decide(observe(0, desired=2, busy=0.5), Memory(), POLICY)
    assert busy.memory.idle_since is None  # an agent still works: not idle
    idle = decide(observe(60, desired=2, busy=0.0), busy.memory, POLICY)
    assert idle.desired == 2 and idle.memory.idle_since == 60
    assert decide(observe(600, desired=2, busy=0.0), idle.memory, POLICY).desired == 2
    assert decide(observe(660, desired=2, busy=0.0), idle.memory, POLICY).desired == 0


def test_min_size_is_kept() -> None:
    policy = Policy(min_size=1, max_size=3)
    assert decide(observe(10_000, desired=3), Memory(idle_since=0), policy).desired == 1


@pytest.mark.parametrize(
    "kwargs", [{"min_size": 3, "max_size": 2}, {"target_utilisation": 0}, {"default_capacity": 0}]
)
def test_bad_policies_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"must|need"):
        Policy(**kwargs)  # type: ignore[arg-type]
