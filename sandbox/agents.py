"""Agents as separate processes (``python -m agent``), as on an instance."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class AgentProcess:
    name: str
    process: subprocess.Popen[bytes]
    metrics_port: int
    log_path: Path

    def terminate(self, timeout: float = 60) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


def spawn_agent(name: str, env: dict[str, str], metrics_port: int, log_dir: Path) -> AgentProcess:
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    full_env = {
        **os.environ,
        **env,
        "SNAPSHOT_METRICS_PORT": str(metrics_port),
        "SNAPSHOT_METRICS_HOST": "127.0.0.1",
        "SNAPSHOT_WORKER_ID": name,
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "agent"], env=full_env, stdout=log, stderr=subprocess.STDOUT
        )
    return AgentProcess(name, process, metrics_port, log_path)
