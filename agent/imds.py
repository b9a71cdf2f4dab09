"""The instance metadata service, IMDSv2 only (token first, then GETs carrying it).

The base URL is a setting (``SNAPSHOT_IMDS_URL``) so tests serve it from a local aiohttp server.
"""

from __future__ import annotations

import time

import aiohttp

TOKEN_TTL_SECONDS = 21600


class Imds:
    def __init__(self, base_url: str, timeout: float = 2.0) -> None:
        self._base = base_url.rstrip("/")
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout))
        self._token: str | None = None
        self._token_expires = 0.0

    async def get(self, path: str) -> str | None:
        """The text at ``/latest/<path>``, or None when IMDS has nothing there (404)."""
        headers = {"X-aws-ec2-metadata-token": await self._fresh_token()}
        async with self._session.get(f"{self._base}/latest/{path}", headers=headers) as response:
            if response.status == 404:
                return None
            if response.status == 401:
                self._token = None
            response.raise_for_status()
            return await response.text()

    async def _fresh_token(self) -> str:
        if self._token is None or time.monotonic() > self._token_expires:
            async with self._session.put(
                f"{self._base}/latest/api/token",
                headers={"X-aws-ec2-metadata-token-ttl-seconds": str(TOKEN_TTL_SECONDS)},
            ) as response:
                response.raise_for_status()
                self._token = await response.text()
            self._token_expires = time.monotonic() + TOKEN_TTL_SECONDS - 60
        return self._token

    async def close(self) -> None:
        await self._session.close()
