"""The agent's processes allocate Arrow memory from the system allocator unless told otherwise."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _pool_after_importing(package: str, preset: str | None = None) -> str:
    """Arrow's pool in a fresh process that imports ``package`` first, as ``python -m`` does."""
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if preset is not None:
        env["ARROW_DEFAULT_MEMORY_POOL"] = preset
    probe = f"import {package}; import pyarrow as pa; print(pa.default_memory_pool().backend_name)"
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_importing_the_agent_chooses_the_system_allocator_unless_the_environment_did() -> None:
    assert _pool_after_importing("agent") == "system"
    assert _pool_after_importing("agent", preset="jemalloc") == "jemalloc"


def test_the_bench_s_stand_ins_for_the_agent_choose_it_too() -> None:
    """The bench's extract and load runs are ``python -m bench.…``, measuring the agent as it runs."""
    assert _pool_after_importing("bench") == "system"


@pytest.mark.parametrize(("preset", "expected"), [(None, "mimalloc"), ("jemalloc", "jemalloc")])
def test_the_fast_readers_fork_server_runs_on_mimalloc_unless_the_operator_chose(
    preset: str | None, expected: str
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if preset is not None:
        env["ARROW_DEFAULT_MEMORY_POOL"] = preset
    probe = (
        "import agent, os, pyarrow as pa\n"
        "from agent.renderers.sql.extract.reader_process import ReaderServer\n"
        "readers = ReaderServer()\n"
        "readers.connect().close()\n"
        "with open(f'/proc/{readers._process.pid}/environ', 'rb') as f: print(f.read().split(b'\\0'))\n"
        "readers.close()\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert f"b'ARROW_DEFAULT_MEMORY_POOL={expected}'" in done.stdout
