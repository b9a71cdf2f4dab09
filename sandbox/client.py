"""A small client of the snapshot HTTP API, used by the demo and the tests."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

TERMINAL = ("READY", "FAILED")


@dataclass(frozen=True)
class ApiResponse:
    status: int
    body: dict[str, Any]


class SnapshotClient:
    def __init__(self, base_url: str, session: aiohttp.ClientSession) -> None:
        self._base = base_url.rstrip("/")
        self._http = session

    async def request(self, body: dict[str, Any] | bytes) -> ApiResponse:
        data = body if isinstance(body, bytes) else None
        payload = None if isinstance(body, bytes) else body
        async with self._http.post(f"{self._base}/snapshots", data=data, json=payload) as r:
            return ApiResponse(r.status, await r.json(content_type=None))

    async def get(self, snapshot_ref: str) -> ApiResponse:
        async with self._http.get(f"{self._base}/snapshots/{snapshot_ref}") as r:
            return ApiResponse(r.status, await r.json(content_type=None))

    async def list(self, report: str, **query: str) -> ApiResponse:
        async with self._http.get(f"{self._base}/reports/{report}/snapshots", params=query) as r:
            return ApiResponse(r.status, await r.json(content_type=None))

    async def wait(self, snapshot_id: str, within: float = 120.0) -> dict[str, Any]:
        deadline = time.monotonic() + within
        while True:
            response = await self.get(snapshot_id)
            if response.body.get("status") in TERMINAL:
                return response.body
            if time.monotonic() > deadline:
                raise TimeoutError(f"{snapshot_id} still {response.body.get('status')} after {within:g}s")
            await asyncio.sleep(0.25)

    async def download(self, url: str) -> bytes:
        async with self._http.get(url) as r:
            r.raise_for_status()
            return await r.read()
