"""The bench harness works, and the agent's calls per job (not a timing) stay within budget."""

from __future__ import annotations

import os
import signal

from bench.run import end_spawned, job_bodies, run_batch, spawn, start_agent, start_endpoint, stop, wait_until
from simulator.costs import AGENT_WRITES


def test_agent_makes_at_most_3_3_calls_per_no_op_job_and_drains_cleanly() -> None:
    endpoint = start_endpoint()
    agent = None
    try:
        agent, _ = start_agent(endpoint, concurrency=64, drain_seconds=1)
        result = run_batch(endpoint, agent.pid, job_bodies("noop", 400), 120)
        calls = result["calls"]
        assert calls["UpdateItem"] == calls["s3.PUT"] == calls["SendTaskSuccess"] == 400
        assert calls["UpdateItem"] == 400 * AGENT_WRITES  # the cost model's figure (simulator/costs.py)
        assert sum(calls.values()) / 400 <= 3.3, calls
        endpoint.load(job_bodies("sleep", 20, {"seconds": 30.0}))
        wait_until(lambda: endpoint.stats()["in_flight"] == 20, 30, "20 in flight")
        assert stop(agent, signal.SIGTERM, within=30) == 0
        after = endpoint.stats()
        assert (after["in_flight"], after["ready"]) == (0, 20)  # released, none lost
    finally:
        if agent is not None and agent.poll() is None:  # a failed assertion leaves no agent behind
            agent.kill()
            agent.wait()
        endpoint.stop()


def test_whatever_a_run_started_is_killed_as_it_ends() -> None:
    """A step that fails between starting a process and stopping it must not leave it running."""
    left = [spawn("http.server", dict(os.environ), "0", "--bind", "127.0.0.1") for _ in range(2)]
    assert all(process.poll() is None for process in left)
    end_spawned()
    assert all(process.poll() is not None for process in left)
    end_spawned()  # nothing left: a second call has nothing to do
