"""serve() takes down exactly what it started, in reverse order, whether it stops normally or a
resource fails while starting: the metrics port is free again and the signal handlers are gone."""

from __future__ import annotations

import asyncio
import signal
import socket
from pathlib import Path
from typing import Any

import pytest

import agent.app
from agent.app import serve
from sandbox.platform import Platform
from tests.support.agents import agent_settings
from tests.support.waiting import eventually

SIGNALS = (signal.SIGTERM, signal.SIGINT)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def loop_handles_signals() -> list[signal.Signals]:
    """The signals the loop still has handlers for (removing one that is absent returns False)."""
    loop = asyncio.get_running_loop()
    return [sig for sig in SIGNALS if loop.remove_signal_handler(sig)]


async def test_a_normal_stop_frees_the_port_and_the_signals(platform: Platform, dataset: Path) -> None:
    port = free_port()
    before = signal.getsignal(signal.SIGTERM)
    stop = asyncio.Event()
    running = asyncio.create_task(serve(agent_settings(platform, dataset, metrics_port=port), stop))
    await eventually(lambda: not port_is_free(port), within=10, every=0.05)  # the metrics server listens
    assert signal.getsignal(signal.SIGTERM) != before, "serve() installed no signal handler"
    stop.set()
    await asyncio.wait_for(running, 30)
    assert port_is_free(port)
    assert loop_handles_signals() == []


async def test_a_failure_joining_the_group_tears_down_what_was_up(
    platform: Platform, dataset: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Refused:
        def __init__(self, *_: Any) -> None:
            raise RuntimeError("the group could not be joined")

    monkeypatch.setattr(agent.app, "GroupMember", Refused)
    port = free_port()
    settings = agent_settings(
        platform, dataset, metrics_port=port, autoscaling_group="agents", imds_url="http://127.0.0.1:9"
    )
    with pytest.raises(RuntimeError, match="could not be joined"):
        await asyncio.wait_for(serve(settings, asyncio.Event()), 30)
    assert port_is_free(port)
    assert loop_handles_signals() == []
    left = [t.get_name() for t in asyncio.all_tasks()]
    assert "autoscaling" not in left and "stop-watcher" not in left
