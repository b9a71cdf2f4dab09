"""The browser renderer's credentials, read from Secrets Manager through the agent's client and
kept for ``ttl_seconds``. A secret that cannot be read, or does not hold what the report's auth
needs, fails the job as ``Render.Invalid`` naming the secret and why, never its value."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from agent.aws import error_code
from agent.errors import InvalidRenderError

TTL_SECONDS = 300.0


class BrowserSecrets:
    def __init__(self, secretsmanager: Any, ttl_seconds: float = TTL_SECONDS) -> None:
        self._secretsmanager = secretsmanager
        self._ttl = ttl_seconds
        self._cache: dict[str, tuple[str, float]] = {}
        self._lock = asyncio.Lock()

    async def text(self, secret: str) -> str:
        async with self._lock:
            cached = self._cache.get(secret)
            if cached is not None and time.monotonic() - cached[1] < self._ttl:
                return cached[0]
            if self._secretsmanager is None:
                raise InvalidRenderError(f"secret {secret}: this agent has no Secrets Manager client")
            try:
                found = await self._secretsmanager.get_secret_value(SecretId=secret)
            except Exception as exc:
                why = error_code(exc) or type(exc).__name__
                raise InvalidRenderError(f"secret {secret} cannot be read: {why}") from None
            value = found.get("SecretString")
            if not isinstance(value, str):
                raise InvalidRenderError(f"secret {secret} holds no text (a binary secret)")
            self._cache[secret] = (value, time.monotonic())
            return value

    async def fields(self, secret: str, *names: str) -> dict[str, str]:
        """The secret's JSON object, with ``names`` required in it (as text)."""
        try:
            parsed = json.loads(await self.text(secret))
        except ValueError:
            raise InvalidRenderError(f"secret {secret} is not a JSON object") from None
        if not isinstance(parsed, dict):
            raise InvalidRenderError(f"secret {secret} is not a JSON object")
        missing = [n for n in names if not isinstance(parsed.get(n), str) or not parsed[n]]
        if missing:
            raise InvalidRenderError(f"secret {secret} has no text field {', '.join(missing)}")
        return {str(k): str(v) for k, v in parsed.items() if isinstance(v, str | int | float)}

    def forget(self, secret: str) -> None:
        """Read it again next time (a rejected credential may have been rotated)."""
        self._cache.pop(secret, None)
