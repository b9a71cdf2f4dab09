"""Secrets Manager secrets as text, read through the agent's own client and kept for a TTL: one
cache for every caller (data source passwords, browser credentials), each with its own TTL and
its own way of failing a job."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from agent.aws import error_code
from agent.causes import hide


class SecretUnavailable(RuntimeError):
    """The secret could not be read, or holds no text (the caller decides how to fail)."""


class SecretTexts:
    def __init__(self, secretsmanager: Any, ttl_seconds: float) -> None:
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
                raise SecretUnavailable(f"secret {secret}: this agent has no Secrets Manager client")
            try:
                found = await self._secretsmanager.get_secret_value(SecretId=secret)
            except Exception as exc:
                why = error_code(exc) or type(exc).__name__
                raise SecretUnavailable(f"secret {secret} cannot be read: {why}") from None
            value = found.get("SecretString")
            if not isinstance(value, str):
                raise SecretUnavailable(f"secret {secret} holds no text (a binary secret)")
            hide(value)
            self._cache[secret] = (value, time.monotonic())
            return value

    def forget(self, secret: str) -> None:
        """Read it again next time (a rejected credential may have been rotated)."""
        self._cache.pop(secret, None)
