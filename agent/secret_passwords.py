"""Database passwords from Secrets Manager (an RDS-managed master secret, or any secret whose
JSON has a ``password``), never from the agent's environment or user data.

A datasource named in ``SNAPSHOT_DATA_SOURCE_SECRETS`` gets its password from its secret when its
engines are made. The secret is read again once ``ttl_seconds`` have passed, and a changed
password (RDS rotates its managed secrets, every 7 days by default) makes the datasource's
engines anew: jobs that fail to connect in between fail ``Transient`` and are retried.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.engine import make_url

from agent.secret_texts import SecretTexts, SecretUnavailable

__all__ = ["REFRESH_SECONDS", "SecretPasswords", "SecretUnavailable"]

REFRESH_SECONDS = 120.0


class SecretPasswords:
    def __init__(
        self, secretsmanager: Any, secrets: dict[str, str], ttl_seconds: float = REFRESH_SECONDS
    ) -> None:
        self._texts = SecretTexts(secretsmanager, ttl_seconds)
        self._secrets = secrets

    def names(self) -> set[str]:
        return set(self._secrets)

    async def url(self, name: str, url: str) -> str:
        """``url`` with the datasource's current password, or as it is for one with no secret."""
        if name not in self._secrets:
            return url
        password = await self._password(self._secrets[name])
        return make_url(url).set(password=password).render_as_string(hide_password=False)

    async def _password(self, secret: str) -> str:
        text = await self._texts.text(secret)
        try:
            return str(json.loads(text)["password"])
        except (KeyError, TypeError, ValueError) as exc:
            raise SecretUnavailable(f"secret {secret} holds no JSON with a password") from exc
