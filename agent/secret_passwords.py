"""Database passwords from Secrets Manager (an RDS-managed master secret, or any secret whose
JSON has a ``password``), never from the agent's environment or user data.

A datasource named in ``SNAPSHOT_DATA_SOURCE_SECRETS`` gets its password from its secret when its
engines are made. The secret is read again once ``ttl_seconds`` have passed, and a changed
password (RDS rotates its managed secrets, every 7 days by default) makes the datasource's
engines anew: jobs that fail to connect in between fail ``Transient`` and are retried.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import make_url

from agent.aws import error_code

REFRESH_SECONDS = 120.0


class SecretUnavailable(RuntimeError):
    """The secret could not be read or has no password (the caller decides how to fail)."""


@dataclass
class _Cached:
    password: str
    read_at: float


class SecretPasswords:
    def __init__(
        self, secretsmanager: Any, secrets: dict[str, str], ttl_seconds: float = REFRESH_SECONDS
    ) -> None:
        self._secretsmanager = secretsmanager
        self._secrets = secrets
        self._ttl = ttl_seconds
        self._cache: dict[str, _Cached] = {}
        self._lock = asyncio.Lock()

    def names(self) -> set[str]:
        return set(self._secrets)

    async def url(self, name: str, url: str) -> str:
        """``url`` with the datasource's current password, or as it is for one with no secret."""
        if name not in self._secrets:
            return url
        password = await self._password(self._secrets[name])
        return make_url(url).set(password=password).render_as_string(hide_password=False)

    async def _password(self, secret: str) -> str:
        async with self._lock:
            cached = self._cache.get(secret)
            if cached is not None and time.monotonic() - cached.read_at < self._ttl:
                return cached.password
            try:
                found = await self._secretsmanager.get_secret_value(SecretId=secret)
            except Exception as exc:
                raise SecretUnavailable(f"cannot read secret {secret}: {error_code(exc) or exc}") from exc
            try:
                password = json.loads(found["SecretString"])["password"]
            except (KeyError, TypeError, ValueError) as exc:
                raise SecretUnavailable(f"secret {secret} holds no JSON with a password") from exc
            self._cache[secret] = _Cached(str(password), time.monotonic())
            return str(password)
