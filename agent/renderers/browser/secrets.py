"""The browser renderer's credentials, read from Secrets Manager through the agent's client and
kept for ``ttl_seconds``. A secret that cannot be read, or does not hold what the report's auth
needs, fails the job as ``Render.Invalid`` naming the secret and why, never its value."""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import Field

from agent.jobs.errors import InvalidRenderError
from agent.secret_texts import SecretTexts, SecretUnavailable

TTL_SECONDS = 300.0
# How a browser report's auth names its secret: an ARN or a name.
SecretId = Annotated[str, Field(min_length=1, max_length=2048)]


class BrowserSecrets:
    def __init__(self, secretsmanager: Any, ttl_seconds: float = TTL_SECONDS) -> None:
        self._texts = SecretTexts(secretsmanager, ttl_seconds)

    async def text(self, secret: str) -> str:
        try:
            return await self._texts.text(secret)
        except SecretUnavailable as exc:
            raise InvalidRenderError(str(exc)) from None

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
        self._texts.forget(secret)
