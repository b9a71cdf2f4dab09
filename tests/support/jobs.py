"""Requests that keep an agent busy, and a snapshot's status through the API."""

from __future__ import annotations

from sandbox.client import SnapshotClient

# About 0.2 µs a row here: 30M rows keep SQLite busy for several seconds.
SLOW = 30_000_000


def slow(tag: str, n: int = SLOW) -> dict[str, object]:
    """A sql job that keeps an agent busy for a while (the catalog's recursive count)."""
    return {"report": "slow_count", "format": "csv", "params": {"n": n, "tag": tag}}


async def status_of(api: SnapshotClient, snapshot_id: str) -> str:
    return str((await api.get(snapshot_id)).body.get("status"))
