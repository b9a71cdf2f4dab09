"""The bench harness works, and the agent's calls per job (not a timing) stay within budget."""

from __future__ import annotations

import signal

from bench.run import job_bodies, run_batch, start_agent, start_endpoint, stop, wait_until


def test_agent_makes_at_most_3_3_calls_per_no_op_job_and_drains_cleanly() -> None:
    endpoint = start_endpoint()
    agent = None
    try:
        agent, _ = start_agent(endpoint, concurrency=64, drain_seconds=1)
        result = run_batch(endpoint, agent.pid, job_bodies("noop", 400), 120)
        calls = result["calls"]
        assert calls["UpdateItem"] == calls["s3.PUT"] == calls["SendTaskSuccess"] == 400
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
