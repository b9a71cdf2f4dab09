"""Database credentials from Secrets Manager (any secret whose JSON has a ``password``, and a
``username`` to connect as, such as the reporting database's reader and loader secrets), never
from the agent's environment or user data.

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
        self,
        secretsmanager: Any,
        secrets: dict[str, str],
        ttl_seconds: float = REFRESH_SECONDS,
        texts: SecretTexts | None = None,
    ) -> None:
        self._texts = texts or SecretTexts(secretsmanager, ttl_seconds)
        self._secrets = secrets

    def names(self) -> set[str]:
        return set(self._secrets)

    def with_secrets(self, overrides: dict[str, str]) -> SecretPasswords:
        """The same cache, with some datasources' secrets replaced (loads connect as a user that
        may write; renders as one that may only read)."""
        return SecretPasswords(None, {**self._secrets, **overrides}, texts=self._texts)

    async def url(self, name: str, url: str) -> str:
        """``url`` with the datasource's current user and password, or as it is for one with no
        secret (a secret without ``username`` keeps the URL's user)."""
        if name not in self._secrets:
            return url
        credentials = await self._credentials(self._secrets[name])
        parsed = make_url(url).set(password=str(credentials["password"]))
        if isinstance(credentials.get("username"), str) and credentials["username"]:
            parsed = parsed.set(username=credentials["username"])
        return parsed.render_as_string(hide_password=False)

    async def _credentials(self, secret: str) -> dict[str, Any]:
        text = await self._texts.text(secret)
        try:
            found = json.loads(text)
            if isinstance(found, dict) and "password" in found:
                return found
        except ValueError:
            pass
        raise SecretUnavailable(f"secret {secret} holds no JSON with a password")
