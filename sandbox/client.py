"""A small asynchronous client of the snapshot HTTP API, used by the demo and the tests. Like the
``snapshot`` CLI it signs every request with SigV4, by default as the sandbox's caller."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
from botocore.credentials import ReadOnlyCredentials
from yarl import URL

from sandbox.moto_server import FAKE_CREDENTIALS, REGION
from snapshot_client.signing import signed_headers

SANDBOX_CREDENTIALS = ReadOnlyCredentials(
    FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"], FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"], None
)

TERMINAL = ("READY", "FAILED")


@dataclass(frozen=True)
class ApiResponse:
    status: int
    body: dict[str, Any]


class SnapshotClient:
    def __init__(
        self,
        base_url: str,
        session: aiohttp.ClientSession,
        credentials: ReadOnlyCredentials | None = SANDBOX_CREDENTIALS,
        region: str = REGION,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._http = session
        self._credentials = credentials
        self._region = region

    async def call(self, method: str, path: str, body: bytes = b"") -> ApiResponse:
        """One request, signed unless the client has no credentials (to test the refusal)."""
        url = f"{self._base}{path}"
        headers = {"Content-Type": "application/json"} if body else {}
        if self._credentials is not None:
            headers = signed_headers(method, url, body, self._credentials, self._region, headers)
        async with self._http.request(method, URL(url, encoded=True), data=body, headers=headers) as r:
            return ApiResponse(r.status, await r.json(content_type=None))

    async def request(self, body: dict[str, Any] | bytes) -> ApiResponse:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return await self.call("POST", "/snapshots", raw)

    async def get(self, snapshot_ref: str) -> ApiResponse:
        return await self.call("GET", f"/snapshots/{snapshot_ref}")

    async def list(self, report: str, **query: str) -> ApiResponse:
        suffix = f"?{urlencode(sorted(query.items()))}" if query else ""
        return await self.call("GET", f"/reports/{report}/snapshots{suffix}")

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
