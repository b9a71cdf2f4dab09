from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from pydantic import ValidationError

from agent.settings import AgentSettings

REQUIRED = {
    "SNAPSHOT_QUEUE_URL": "https://sqs/q",
    "SNAPSHOT_BUCKET": "b",
    "SNAPSHOT_TABLE": "t",
    "SNAPSHOT_CATALOG_URI": "s3://b/catalog.toml",
}


def test_settings_come_from_snapshot_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in REQUIRED.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("SNAPSHOT_CONCURRENCY", "256")
    monkeypatch.setenv("SNAPSHOT_DATA_SOURCES", '{"demo": "sqlite+aiosqlite:///x.db"}')
    settings = AgentSettings()
    assert settings.concurrency == 256
    assert settings.data_sources == {"demo": "sqlite+aiosqlite:///x.db"}
    assert settings.queue_url == "https://sqs/q"


def test_heartbeat_must_fit_twice_in_the_visibility_timeout() -> None:
    base: dict[str, Any] = {"queue_url": "q", "bucket": "b", "table": "t", "catalog_uri": "s3://b/k"}
    with pytest.raises(ValidationError, match="at least twice"):
        AgentSettings(**base, visibility_timeout_seconds=30, heartbeat_seconds=20)


def test_cli_bad_settings_exit_2_with_one_line() -> None:
    env = {"PATH": "/usr/bin:/bin", "SNAPSHOT_CONCURRENCY": "0"}
    done = subprocess.run(
        [sys.executable, "-m", "agent"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("snapshot-agent: bad settings:")
    assert "SNAPSHOT_QUEUE_URL" in lines[0] and "SNAPSHOT_CONCURRENCY" in lines[0]


def test_cli_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "agent", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    assert done.stdout.startswith("snapshot-agent 0.1.0")
